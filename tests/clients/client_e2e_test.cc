// Each client library against the real daemon and the fake OpenRouter: a
// record goes in through the client and comes out as a resolved row; with
// the daemon stopped, the client's spool file is ingested once it is back.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "tests/clients/client_programs.h"
#include "tests/clients/driver_output.h"
#include "tests/support/daemon_harness.h"

namespace orauditd::testing {
namespace {

// SHA-256 of the RFC 8785 form of [{"role":"user","content":"hi"}]
// (docs/record-format.md): the daemon's, computed from the request body.
constexpr char kHiPromptHash[] = "4e79873118cd9be7a1f0308b9cd772950c5410c74ca3fe1ba2626cba009a9237";

const std::map<std::string, std::string> kSpoolPrefix = {
    {"python", "py"}, {"node", "node"}, {"go", "go"}};

class ClientEndToEnd : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.StartFake(Script()).ok());
    Status started = harness_.StartDaemon();
    ASSERT_TRUE(started.ok()) << started.ToString();
    auto command = DriverCommand(GetParam(), harness_.dir());
    ASSERT_TRUE(command.ok()) << command.status().ToString();
    command_ = *command;
  }

  // Generation ids of this language, so that runs side by side never meet.
  std::string Gen(const std::string& name) const {
    return "gen-1764860000-" + GetParam() + "-" + name;
  }
  std::string Id(const std::string& name) const { return GetParam() + "-" + name; }

  std::string Script() const {
    return "{\"" + Gen("flat") + R"(": {"steps": [{"kind": "ok", "cost": 0.0015}],)" +
           R"("data": {"model": "openai/gpt-4o-mini-2024-07-18", "provider_name": "OpenAI"}},)" +
           "\"" + Gen("bodies") +
           R"(": [{"kind": "not_found"}, {"kind": "ok", "cost": 0.00042}],)" + "\"" +
           Gen("spooled") + R"(": [{"kind": "ok", "cost": 0.0021}]})";
  }

  std::string FlatRecord(const std::string& id, const std::string& gen,
                         const std::string& extra = "") const {
    return R"({"request_id":")" + id + R"(","generation_id":")" + gen +
           R"(","model_requested":"openai/gpt-4o-mini","user_id":"alice",)"
           R"("prompt_tokens":194,"completion_tokens":52)" +
           extra + "}";
  }

  // Runs the driver on `steps` and returns what it printed, one per step.
  std::vector<DriverLine> Drive(const std::vector<std::string>& steps) {
    std::string plan = harness_.dir() + "/plan" + std::to_string(++plans_) + ".jsonl";
    std::ofstream file(plan);
    for (const std::string& step : steps) file << step << "\n";
    file.close();
    std::vector<std::string> argv = command_;
    argv.push_back(plan);
    auto run = RunProgram(argv,
                          {"ORAUDITD_SOCKET=" + harness_.socket_path(),
                           "ORAUDITD_SPOOL=" + harness_.spool_dir(), "PYTHONDONTWRITEBYTECODE=1"},
                          harness_.dir(), harness_.dir(), std::chrono::seconds(60));
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    if (!run.ok()) return {};
    EXPECT_TRUE(run->status.Success()) << run->Describe();
    auto lines = ParseDriverOutput(run->out);
    EXPECT_EQ(lines.size(), steps.size()) << run->Describe();
    lines.resize(steps.size());
    return lines;
  }

  SqlRow Row(const std::string& request_id) {
    auto row = harness_.RowFor(request_id);
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    return row.ok() ? *row : SqlRow{};
  }

  int64_t Count(const std::string& where) {
    auto rows = harness_.Query("SELECT COUNT(*) AS n FROM audit_log WHERE " + where);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? std::stoll(*(*rows)[0]["n"]) : -1;
  }

  std::vector<std::string> Folder(const std::string& name) {
    return ListFolder(harness_.spool_dir() + "/" + name);
  }

  DaemonHarness harness_;
  std::vector<std::string> command_;
  int plans_ = 0;
};

std::string Step(const std::string& op, const std::string& body) {
  return R"({"op":")" + op + R"(",)" + body + "}";
}

TEST_P(ClientEndToEnd, SubmittedRecordsBecomeResolvedRows) {
  std::string request =
      R"({"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})";
  std::string response = R"({"id":")" + Gen("bodies") +
                         R"(","object":"chat.completion","model":"openai/gpt-4o-mini-2024-07-18",)"
                         R"("choices":[{"index":0,"finish_reason":"stop",)"
                         R"("message":{"role":"assistant","content":"Hello!"}}],)"
                         R"("usage":{"prompt_tokens":8,"completion_tokens":2,"cost":0.00001}})";
  auto lines = Drive({
      Step("submit", R"("record":)" + FlatRecord(Id("flat"), Gen("flat"))),
      Step("completion", R"("request":)" + request + R"(,"response":)" + response +
                             R"(,"fields":{"request_id":")" + Id("bodies") +
                             R"(","user_id":"bob","app":"clients-test","latency_ms":812.5})"),
      Step("submit", R"("record":)" + FlatRecord(Id("flat"), Gen("flat"))),
      Step("submit", R"("record":)" + FlatRecord(Id("bad"), Gen("bad"), R"(,"status":"maybe")")),
  });
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_TRUE(lines[0].ok && lines[0].id == Id("flat") && !lines[0].duplicate &&
              lines[0].spooled.empty())
      << lines[0].text;
  EXPECT_TRUE(lines[1].ok && lines[1].id == Id("bodies") && lines[1].spooled.empty())
      << lines[1].text;
  EXPECT_TRUE(lines[2].ok && lines[2].duplicate) << lines[2].text;
  EXPECT_EQ(lines[3].refused, R"(status: must be one of "success", "error", "timeout", )"
                              R"("cancelled", got another value)")
      << lines[3].text;

  ASSERT_TRUE(harness_.WaitForRows(2).ok()) << harness_.DaemonLog();
  SqlRow flat = Row(Id("flat"));
  EXPECT_EQ(flat["meta_status"], "resolved");
  EXPECT_DOUBLE_EQ(std::stod(flat["total_cost"].value_or("-1")), 0.0015);
  EXPECT_EQ(flat["provider"], "OpenAI");
  EXPECT_EQ(flat["source"], "socket");
  EXPECT_EQ(flat["user_id"], "alice");

  SqlRow bodies = Row(Id("bodies"));
  EXPECT_EQ(bodies["meta_status"], "resolved");
  EXPECT_DOUBLE_EQ(std::stod(bodies["total_cost"].value_or("-1")), 0.00042);
  EXPECT_EQ(bodies["generation_id"], Gen("bodies"));
  EXPECT_EQ(bodies["model_requested"], "openai/gpt-4o-mini");
  EXPECT_EQ(bodies["prompt_tokens"], "8");
  EXPECT_EQ(bodies["prompt_hash"], kHiPromptHash);
  EXPECT_EQ(bodies["app"], "clients-test");
  EXPECT_EQ(Count("1"), 2);
  EXPECT_EQ(Folder("incoming"), std::vector<std::string>{});
}

TEST_P(ClientEndToEnd, BackgroundSenderDeliversThroughTheSocket) {
  std::string records;
  for (int i = 0; i < 40; ++i) {
    if (i > 0) records += ",";
    std::string n = std::to_string(i);
    records += FlatRecord(Id("background-" + n), Gen("background-" + n));
  }
  auto lines = Drive({Step("background", R"("records":[)" + records + "]")});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].stats["acknowledged"], 40) << lines[0].text;
  EXPECT_EQ(lines[0].stats["spooled"], 0) << lines[0].text;

  ASSERT_TRUE(harness_.WaitForRows(40).ok()) << harness_.DaemonLog();
  auto all_resolved = [&] { return Count("meta_status = 'resolved' AND source = 'socket'"); };
  EXPECT_EQ(all_resolved(), 40);
}

TEST_P(ClientEndToEnd, StoppedDaemonMeansSpoolFilesTheDaemonIngestsLater) {
  auto stopped = harness_.StopDaemon();
  ASSERT_TRUE(stopped.ok() && stopped->Success()) << harness_.DaemonLog();

  std::string records;
  for (int i = 0; i < 5; ++i) {
    if (i > 0) records += ",";
    std::string n = std::to_string(i);
    records += FlatRecord(Id("queued-" + n), Gen("queued-" + n));
  }
  auto lines = Drive({
      Step("submit", R"("record":)" + FlatRecord(Id("spooled"), Gen("spooled"))),
      Step("background", R"("records":[)" + records + "]"),
  });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].ok && lines[0].id == Id("spooled")) << lines[0].text;
  EXPECT_EQ(lines[1].stats["spooled"], 5) << lines[1].text;
  EXPECT_EQ(lines[1].stats["lost"], 0) << lines[1].text;

  // Finished files only, under names of their own; no temporary file left.
  std::string incoming = harness_.spool_dir() + "/incoming/";
  ASSERT_EQ(lines[0].spooled.rfind(incoming, 0), 0u) << lines[0].text;
  std::regex name("^" + kSpoolPrefix.at(GetParam()) + R"(-\d+-\d+-\d+-[0-9a-f]{8}\.jsonl$)");
  std::vector<std::string> files = Folder("incoming");
  ASSERT_GE(files.size(), 2u);
  for (const std::string& file : files) EXPECT_TRUE(std::regex_match(file, name)) << file;
  EXPECT_NE(ReadWholeFile(lines[0].spooled).find(Gen("spooled")), std::string::npos);

  ASSERT_TRUE(harness_.RestartDaemon().ok()) << harness_.DaemonLog();
  ASSERT_TRUE(harness_.WaitForRows(6).ok()) << harness_.DaemonLog();
  SqlRow spooled = Row(Id("spooled"));
  EXPECT_EQ(spooled["source"], "spool");
  EXPECT_EQ(spooled["meta_status"], "resolved");
  EXPECT_DOUBLE_EQ(std::stod(spooled["total_cost"].value_or("-1")), 0.0021);
  EXPECT_EQ(Count("source = 'spool' AND meta_status = 'resolved'"), 6);
  EXPECT_EQ(Folder("rejected"), std::vector<std::string>{});
}

INSTANTIATE_TEST_SUITE_P(Languages, ClientEndToEnd, ::testing::ValuesIn(kLanguages),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace orauditd::testing
