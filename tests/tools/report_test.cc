// orauditctl report, called as main() would call it, on a small database
// whose sums are easy to check by hand.
#include "storage/report.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/time_format.h"
#include "storage/sqlite_sink.h"
#include "tests/storage/jsonl_test_util.h"
#include "tests/storage/row_fixtures.h"
#include "tools/commands.h"

namespace orauditd::tools {
namespace {

struct Output {
  int code;
  std::string out;
  std::string err;
};

Output Report(const Args& args) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int code = RunReport(args);
  std::string out = ::testing::internal::GetCapturedStdout();
  return {code, out, ::testing::internal::GetCapturedStderr()};
}

class ReportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    struct Spec {
      const char* time;
      const char* model;
      const char* user;
      std::optional<double> cost;
      const char* status;
    };
    const Spec specs[] = {
        {"2026-12-04T10:00:00Z", "openai/gpt-4o", "alice", 0.0000841005, "success"},
        {"2026-12-04T11:00:00Z", "openai/gpt-4o", "bob", 0.5, "error"},
        {"2026-12-04T12:00:00Z", "anthropic/claude", "alice", 0.25, "success"},
        {"2026-12-05T09:00:00Z", "openai/gpt-4o", "alice", std::nullopt, "timeout"},
        {"2026-12-05T10:00:00Z", "anthropic/claude", "bob", 0.1, "cancelled"},
        {"2026-12-05T11:00:00Z", "anthropic/claude", "carol", 0.2, "success"},
    };
    HashChain chain(kGenesisHash);
    std::vector<Row> rows;
    int64_t seq = 1;
    for (const Spec& spec : specs) {
      Row row = fixtures::MakeRow(seq++);
      row.timestamp_ms = *ParseRfc3339Ms(spec.time);
      row.model_used = spec.model;
      row.user_id = spec.user;
      row.total_cost = spec.cost;
      row.status = spec.status;
      row.prompt_tokens = 100;
      row.completion_tokens = 10;
      rows.push_back(row);
      chain.Seal(&rows.back());
    }
    auto sink = SqliteSink::Open(db_);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write(rows).ok());
  }

  fixtures::TempDir dir_;
  std::string db_ = dir_.File("audit.db");
};

TEST_F(ReportCommandTest, DailyCostTableIsAligned) {
  Output run = Report({"daily-cost", "--db", db_});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "day         model             calls  prompt_tokens  completion_tokens          cost"
            "  cost_unknown\n"
            "----------  ----------------  -----  -------------  -----------------  ------------"
            "  ------------\n"
            "2026-12-04  anthropic/claude      1            100                 10          0.25"
            "             0\n"
            "2026-12-04  openai/gpt-4o         2            200                 20  0.5000841005"
            "             0\n"
            "2026-12-05  anthropic/claude      2            200                 20           0.3"
            "             0\n"
            "2026-12-05  openai/gpt-4o         1            100                 10             -"
            "             1\n");
}

TEST_F(ReportCommandTest, DailyCostCsvKeepsFullPrecision) {
  Output run = Report({"daily-cost", "--db", db_, "--format", "csv"});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out,
            "day,model,calls,prompt_tokens,completion_tokens,cost,cost_unknown\r\n"
            "2026-12-04,anthropic/claude,1,100,10,0.25,0\r\n"
            "2026-12-04,openai/gpt-4o,2,200,20,0.5000841005,0\r\n"
            "2026-12-05,anthropic/claude,2,200,20,0.30000000000000004,0\r\n"
            "2026-12-05,openai/gpt-4o,1,100,10,,1\r\n");
}

TEST_F(ReportCommandTest, ErrorRateAsJson) {
  Output run = Report({"error-rate", "--db", db_, "--format=json"});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out,
            "[{\"model\":\"openai/gpt-4o\",\"calls\":3,\"errors\":1,\"timeouts\":1,"
            "\"cancelled\":0,\"error_rate_pct\":66.67},"
            "{\"model\":\"anthropic/claude\",\"calls\":3,\"errors\":0,\"timeouts\":0,"
            "\"cancelled\":1,\"error_rate_pct\":0}]\n");
}

TEST_F(ReportCommandTest, TopSpendersWithLimit) {
  Output run = Report({"top-spenders", "--db", db_, "--limit", "2", "--format", "csv"});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out,
            "user,calls,prompt_tokens,completion_tokens,cost,cost_unknown\r\n"
            "bob,2,200,20,0.6,0\r\n"
            "alice,3,300,30,0.2500841005,1\r\n");
}

TEST_F(ReportCommandTest, FiltersNarrowTheRows) {
  Output run = Report({"top-spenders", "--db", db_, "--since", "2026-12-05", "--until",
                       "2026-12-05T10:30:00Z", "--model", "anthropic/claude", "--format", "csv"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "user,calls,prompt_tokens,completion_tokens,cost,cost_unknown\r\n"
            "bob,1,100,10,0.1,0\r\n");
  run = Report({"daily-cost", "--db", db_, "--user", "carol", "--format", "json"});
  EXPECT_EQ(run.out,
            "[{\"day\":\"2026-12-05\",\"model\":\"anthropic/claude\",\"calls\":1,"
            "\"prompt_tokens\":100,\"completion_tokens\":10,\"cost\":0.2,\"cost_unknown\":0}]\n");
}

TEST_F(ReportCommandTest, NoRows) {
  Output run = Report({"error-rate", "--db", db_, "--user", "nobody"});
  EXPECT_EQ(run.code, 0);
  EXPECT_NE(run.out.find("(no rows)"), std::string::npos);
  EXPECT_EQ(Report({"error-rate", "--db", db_, "--user", "nobody", "--format", "json"}).out,
            "[]\n");
}

TEST_F(ReportCommandTest, OpensTheDatabaseReadOnly) {
  std::string before = fixtures::ReadFile(db_);
  chmod(db_.c_str(), 0400);
  Output run = Report({"daily-cost", "--db", db_});
  chmod(db_.c_str(), 0600);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(fixtures::ReadFile(db_), before);
}

TEST_F(ReportCommandTest, MissingDatabaseExitsOne) {
  Output run = Report({"daily-cost", "--db", dir_.File("none.db")});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("none.db"), std::string::npos);
}

TEST_F(ReportCommandTest, UsageErrorsExitTwo) {
  for (const Args& args : std::vector<Args>{{},
                                            {"daily-cost"},
                                            {"weekly", "--db", db_},
                                            {"daily-cost", "--db"},
                                            {"daily-cost", "--db", db_, "--format", "xml"},
                                            {"daily-cost", "--db", db_, "--since", "soon"},
                                            {"daily-cost", "--db", db_, "--limit", "0"},
                                            {"daily-cost", "error-rate", "--db", db_}}) {
    Output run = Report(args);
    EXPECT_EQ(run.code, 2) << ::testing::PrintToString(args);
    EXPECT_NE(run.err.find("usage: orauditctl report"), std::string::npos);
  }
}

TEST(ReportTimeTest, AcceptsDatesTimesAndAges) {
  int64_t now = *ParseRfc3339Ms("2026-12-05T12:00:00Z");
  EXPECT_EQ(*ParseReportTime("2026-12-04", now), *ParseRfc3339Ms("2026-12-04T00:00:00Z"));
  EXPECT_EQ(*ParseReportTime("2026-12-04T15:10:38.123+01:00", now),
            *ParseRfc3339Ms("2026-12-04T14:10:38.123Z"));
  EXPECT_EQ(*ParseReportTime("2026-12-04 15:10:38.123", now),
            *ParseRfc3339Ms("2026-12-04T15:10:38.123Z"));
  EXPECT_EQ(*ParseReportTime("24h", now), *ParseRfc3339Ms("2026-12-04T12:00:00Z"));
  EXPECT_EQ(*ParseReportTime("7d", now), *ParseRfc3339Ms("2026-11-28T12:00:00Z"));
  EXPECT_EQ(*ParseReportTime("90m", now), *ParseRfc3339Ms("2026-12-05T10:30:00Z"));
  EXPECT_FALSE(ParseReportTime("3y", now).ok());
  EXPECT_FALSE(ParseReportTime("yesterday", now).ok());
}

}  // namespace
}  // namespace orauditd::tools
