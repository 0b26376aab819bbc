#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "common/unique_fd.h"
#include "tests/support/http_test_server.h"
#include "tests/support/temp_dir.h"
#include "tools/commands.h"
#include "tools/metrics_client.h"
#include "tools/status_report.h"

namespace orauditd::tools {
namespace {

constexpr char kPage[] = R"(# HELP orauditd_build_info x
# TYPE orauditd_build_info gauge
orauditd_build_info{version="0.1.0"} 1
orauditd_start_time_seconds 1000
orauditd_records_received_total{outcome="accepted",source="socket"} 1234567
orauditd_records_received_total{outcome="refused",source="socket"} 2
orauditd_queue_depth 12
orauditd_queue_oldest_pending_age_seconds 75.5
orauditd_queue_healthy 1
orauditd_fetch_attempts_total{class="resolved"} 1200
orauditd_fetch_attempts_total{class="not_yet"} 30
orauditd_fetch_attempts_total{class="transient"} 0
orauditd_fetch_in_flight 2
orauditd_rows_finalized_total{meta_status="resolved"} 1150
orauditd_rows_finalized_total{meta_status="unresolved"} 20
orauditd_rows_written_total{sink="sqlite"} 1170
orauditd_rows_written_total{sink="jsonl"} 1160
orauditd_sink_lag_rows 10
orauditd_sink_errors_total 1
orauditd_key_parked{key="default"} 1
orauditd_key_parked{key="batch"} 0
)";

TEST(MetricsTextTest, ReadsSamplesWithAndWithoutLabels) {
  auto samples = ParseMetricsText(
      "# HELP a b\nx 3\ny{a=\"1\",b=\"q\\\"uote\"} 2.5\nbroken\nz{le=\"+Inf\"} 7\n");
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[0].name, "x");
  EXPECT_EQ(samples[0].value, 3);
  EXPECT_EQ(samples[1].labels.at("b"), "q\"uote");
  EXPECT_EQ(samples[1].value, 2.5);
  EXPECT_EQ(SumSamples(samples, "y", {{"a", "1"}}), 2.5);
  EXPECT_EQ(SumSamples(samples, "y", {{"a", "2"}}), 0);
  EXPECT_EQ(SumSamples(samples, "z", {{"le", "+Inf"}}), 7);
}

TEST(StatusReportTest, ShowsTheFiguresAPersonAsksForFirst) {
  StatusContext context;
  context.metrics_address = "127.0.0.1:9464";
  context.socket_path = "/run/orauditd/intake.sock";
  context.socket_reachable = true;
  context.now_s = 1000 + 3 * 3600 + 120;
  std::string text = RenderStatus(ParseMetricsText(kPage), context);

  EXPECT_NE(text.find("orauditd 0.1.0, up 3h 02m (metrics at 127.0.0.1:9464)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("/run/orauditd/intake.sock: accepting connections"), std::string::npos);
  EXPECT_NE(text.find("12 pending, oldest came in 1m 15s ago; storage ok"), std::string::npos)
      << text;
  EXPECT_NE(text.find("2 in flight; 1,230 answers: 1,200 resolved, 30 not_yet"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("0 transient"), std::string::npos) << "zero classes are left out";
  EXPECT_NE(text.find("1,170 rows since start: 1,150 resolved, 20 unresolved"), std::string::npos)
      << text;
  EXPECT_NE(text.find("1,234,567 accepted, 0 duplicate, 2 refused"), std::string::npos) << text;
  EXPECT_NE(text.find("sqlite 1,170 rows written, jsonl 1,160 rows written; lag 10 rows; "
                      "1 write errors"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("parked keys    default (fix the key"), std::string::npos) << text;
}

TEST(StatusReportTest, SaysWhenTheSocketOrTheStorageIsDown) {
  std::string page = "orauditd_queue_healthy 0\norauditd_queue_depth 0\n";
  StatusContext context;
  context.socket_path = "/x.sock";
  context.socket_error = "No such file or directory";
  std::string text = RenderStatus(ParseMetricsText(page), context);
  EXPECT_NE(text.find("/x.sock: NOT reachable: No such file or directory"), std::string::npos)
      << text;
  EXPECT_NE(text.find("STORAGE FAILED"), std::string::npos) << text;
  EXPECT_NE(text.find("parked keys    none"), std::string::npos) << text;
  EXPECT_EQ(text.find("intake.min_free"), std::string::npos) << "none refused for space";
}

TEST(StatusReportTest, SaysWhenIntakeRefusesForLowDiskSpace) {
  std::string page =
      "orauditd_queue_healthy 1\norauditd_queue_depth 0\n"
      "orauditd_intake_refused_for_space_total 24\n";
  std::string text = RenderStatus(ParseMetricsText(page), StatusContext());
  EXPECT_NE(text.find("0 pending; storage ok; 24 refusals since start: free space below "
                      "intake.min_free"),
            std::string::npos)
      << text;
}

struct Output {
  int code;
  std::string out;
  std::string err;
};

// orauditctl status, called as main() would call it.
Output StatusOf(const Args& args) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int code = RunStatus(args);
  std::string out = ::testing::internal::GetCapturedStdout();
  return {code, out, ::testing::internal::GetCapturedStderr()};
}

// A Unix socket that listens and never accepts: the kernel completes a
// connect() into the backlog, which is all the status probe asks of it.
class ListeningSocket {
 public:
  explicit ListeningSocket(const std::string& path)
      : fd_(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    EXPECT_EQ(bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0)
        << std::strerror(errno);
    EXPECT_EQ(listen(fd_.get(), 8), 0) << std::strerror(errno);
  }

 private:
  UniqueFd fd_;
};

// The daemon's two doors: a metrics endpoint that serves kPage and an
// intake socket path that listens only when a test asks it to.
class StatusCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // As the daemon's endpoint does: one request per connection, so the
    // client reads the page up to the close.
    auto page = orauditd::testing::ScriptedReply::Respond(
        200, kPage, {"Content-Type: text/plain; version=0.0.4"});
    page.after = orauditd::testing::ScriptedReply::After::kClose;
    metrics_.SetDefault(page);
  }

  std::string metrics_address() const { return "127.0.0.1:" + std::to_string(metrics_.port()); }
  std::string socket_path() const { return dir_.File("intake.sock"); }

  orauditd::testing::TempDir dir_;
  orauditd::testing::HttpTestServer metrics_;
};

TEST_F(StatusCommandTest, ExitsZeroWhenTheEndpointAndTheSocketAnswer) {
  ListeningSocket listening(socket_path());
  Output run = StatusOf({"--metrics", metrics_address(), "--socket", socket_path()});
  EXPECT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find(socket_path() + ": accepting connections"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("12 pending"), std::string::npos) << run.out;
}

TEST_F(StatusCommandTest, AnUnreachableSocketExitsOneAfterPrintingEveryFigure) {
  Output run = StatusOf({"--metrics", metrics_address(), "--socket", socket_path()});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find(socket_path() + ": NOT reachable: No such file or directory"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("12 pending"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("parked keys"), std::string::npos) << run.out;
}

TEST_F(StatusCommandTest, AStaleSocketFileIsNotReachable) {
  { ListeningSocket closed(socket_path()); }  // the file stays, nobody listens
  Output run = StatusOf({"--metrics", metrics_address(), "--socket", socket_path()});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("NOT reachable: Connection refused"), std::string::npos) << run.out;
}

TEST_F(StatusCommandTest, AnUnreachableEndpointExitsOneAndStillShowsTheSocket) {
  ListeningSocket listening(socket_path());
  std::string address = metrics_address();
  metrics_.Stop();
  Output run = StatusOf({"--metrics", address, "--socket", socket_path()});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("cannot reach the daemon's metrics endpoint at http://" + address),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.out.find(socket_path() + ": accepting connections"), std::string::npos) << run.out;
}

TEST_F(StatusCommandTest, MetricsTurnedOffExitsOneAndStillShowsTheSocket) {
  std::string config = dir_.File("orauditd.yaml");
  FILE* file = std::fopen(config.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs(
      ("metrics: { listen: null }\nintake: { socket: { path: " + socket_path() + " } }\n").c_str(),
      file);
  std::fclose(file);
  Output run = StatusOf({"--config", config});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("metrics endpoint is off"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find(socket_path() + ": NOT reachable"), std::string::npos) << run.out;
}

TEST_F(StatusCommandTest, AQueueThatRefusesWritesExitsOne) {
  auto page = orauditd::testing::ScriptedReply::Respond(
      200, "orauditd_queue_healthy 0\norauditd_queue_depth 3\n",
      {"Content-Type: text/plain; version=0.0.4"});
  page.after = orauditd::testing::ScriptedReply::After::kClose;
  metrics_.SetDefault(page);
  ListeningSocket listening(socket_path());
  Output run = StatusOf({"--metrics", metrics_address(), "--socket", socket_path()});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("STORAGE FAILED"), std::string::npos) << run.out;
}

TEST_F(StatusCommandTest, AConfigThatCannotBeReadExits78) {
  Output missing = StatusOf({"--config", dir_.File("absent.yaml")});
  EXPECT_EQ(missing.code, 78) << missing.err;
  EXPECT_NE(missing.err.find("cannot read config"), std::string::npos) << missing.err;

  std::string broken = dir_.File("broken.yaml");
  std::ofstream(broken) << "metrics: [unclosed\n";
  Output bad = StatusOf({"--config", broken});
  EXPECT_EQ(bad.code, 78) << bad.err;
}

TEST_F(StatusCommandTest, AnUnknownArgumentIsAUsageError) {
  Output run = StatusOf({"--metrcis", metrics_address()});
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.err.find("unknown argument \"--metrcis\""), std::string::npos) << run.err;
}

}  // namespace
}  // namespace orauditd::tools
