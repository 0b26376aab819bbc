// orauditctl report, called as main() would call it, on a small database
// whose sums are easy to check by hand.
#include "storage/report.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>

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

// One call as the sink stores it; the fields a test leaves alone are those
// of fixtures::MakeRow.
struct Call {
  const char* time;
  std::optional<std::string> model_used;
  std::optional<std::string> model_requested;
  const char* user;
  std::optional<double> cost;
  const char* status = "success";
  std::optional<std::string> duplicate_of = std::nullopt;
};

// A database at `path` holding `calls` in order, sealed as the writer seals.
void WriteCalls(const std::string& path, const std::vector<Call>& calls) {
  HashChain chain(kGenesisHash);
  std::vector<Row> rows;
  int64_t seq = 1;
  for (const Call& call : calls) {
    Row row = fixtures::MakeRow(seq++);
    row.timestamp_ms = *ParseRfc3339Ms(call.time);
    row.model_used = call.model_used;
    row.model_requested = call.model_requested;
    row.user_id = call.user;
    row.total_cost = call.cost;
    row.status = call.status;
    row.duplicate_of = call.duplicate_of;
    if (call.duplicate_of) {
      auto first = std::find_if(rows.begin(), rows.end(),
                                [&](const Row& r) { return r.request_id == *call.duplicate_of; });
      if (first != rows.end()) row.generation_id = first->generation_id;
    }
    row.prompt_tokens = 100;
    row.completion_tokens = 10;
    rows.push_back(row);
    chain.Seal(&rows.back());
  }
  auto sink = SqliteSink::Open(path);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write(rows).ok());
}

class ReportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteCalls(db_, {
        {"2026-12-04T10:00:00Z", "openai/gpt-4o", "openai/gpt-4o", "alice", 0.0000841005},
        {"2026-12-04T11:00:00Z", "openai/gpt-4o", "openai/gpt-4o", "bob", 0.5, "error"},
        {"2026-12-04T12:00:00Z", "anthropic/claude", "anthropic/claude", "alice", 0.25},
        {"2026-12-05T09:00:00Z", "openai/gpt-4o", "openai/gpt-4o", "alice", std::nullopt,
         "timeout"},
        {"2026-12-05T10:00:00Z", "anthropic/claude", "anthropic/claude", "bob", 0.1,
         "cancelled"},
        {"2026-12-05T11:00:00Z", "anthropic/claude", "anthropic/claude", "carol", 0.2},
    });
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

// 0.1 + 0.2 is 0.30000000000000004 as a double; the CSV shows the sum the
// table shows, every stored digit kept.
TEST_F(ReportCommandTest, DailyCostCsvPrintsSumsAsTheTableDoes) {
  Output run = Report({"daily-cost", "--db", db_, "--format", "csv"});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out,
            "day,model,calls,prompt_tokens,completion_tokens,cost,cost_unknown\r\n"
            "2026-12-04,anthropic/claude,1,100,10,0.25,0\r\n"
            "2026-12-04,openai/gpt-4o,2,200,20,0.5000841005,0\r\n"
            "2026-12-05,anthropic/claude,2,200,20,0.3,0\r\n"
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


// The second row holds the first one's generation again: same call, same
// charge. Counting it would bill alice twice.
TEST(ReportDuplicatesTest, DuplicateOfRowIsNotCountedTwice) {
  fixtures::TempDir dir;
  std::string db = dir.File("audit.db");
  WriteCalls(db, {{"2026-12-04T10:00:00Z", "openai/gpt-4o", "openai/gpt-4o", "alice", 0.5},
                  {"2026-12-04T10:00:01Z", "openai/gpt-4o", "openai/gpt-4o", "alice", 0.5,
                   "success", "r-1"},
                  {"2026-12-04T11:00:00Z", "openai/gpt-4o", "openai/gpt-4o", "bob", 0.25}});

  Output run = Report({"daily-cost", "--db", db, "--format", "csv"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "day,model,calls,prompt_tokens,completion_tokens,cost,cost_unknown\r\n"
            "2026-12-04,openai/gpt-4o,2,200,20,0.75,0\r\n");
  EXPECT_EQ(run.err,
            "orauditctl report: 1 row naming an already counted generation (duplicate_of) "
            "left out\n");

  run = Report({"top-spenders", "--db", db, "--format", "json"});
  EXPECT_EQ(run.out,
            "[{\"user\":\"alice\",\"calls\":1,\"prompt_tokens\":100,"
            "\"completion_tokens\":10,\"cost\":0.5,\"cost_unknown\":0},"
            "{\"user\":\"bob\",\"calls\":1,\"prompt_tokens\":100,"
            "\"completion_tokens\":10,\"cost\":0.25,\"cost_unknown\":0}]\n");

  run = Report({"error-rate", "--db", db});
  EXPECT_EQ(run.out,
            "model          calls  errors  timeouts  cancelled  error_rate_pct\n"
            "-------------  -----  ------  --------  ---------  --------------\n"
            "openai/gpt-4o      2       0         0          0               0\n"
            "(1 row naming an already counted generation (duplicate_of) left out)\n");
}

TEST(ReportDuplicatesTest, NoteCountsOnlyTheFilteredRowsInPlural) {
  fixtures::TempDir dir;
  std::string db = dir.File("audit.db");
  WriteCalls(db, {{"2026-12-04T10:00:00Z", "m", "m", "alice", 0.5},
                  {"2026-12-04T10:00:01Z", "m", "m", "alice", 0.5, "success", "r-1"},
                  {"2026-12-04T10:00:02Z", "m", "m", "alice", 0.5, "success", "r-1"},
                  {"2026-12-04T10:00:03Z", "m", "m", "bob", 0.5, "success", "r-1"}});

  Output run = Report({"top-spenders", "--db", db, "--user", "alice"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.out.find("(2 rows naming an already counted generation (duplicate_of) "
                         "left out)\n"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(run.err, "");
  run = Report({"top-spenders", "--db", db, "--user", "carol"});
  EXPECT_EQ(run.out.find("left out"), std::string::npos) << run.out;
}

// A call that failed before a generation was resolved has no model_used.
// It is an error of the model the app asked for, not of a model named "-".
TEST(ReportModelTest, ErrorRateCountsFailuresWithoutModelUsedUnderTheRequestedModel) {
  fixtures::TempDir dir;
  std::string db = dir.File("audit.db");
  WriteCalls(
      db, {{"2026-12-04T10:00:00Z", "openai/gpt-4o", "openai/gpt-4o", "alice", 0.5},
           {"2026-12-04T10:01:00Z", std::nullopt, "openai/gpt-4o", "alice", std::nullopt, "error"},
           {"2026-12-04T10:02:00Z", std::nullopt, "openai/gpt-4o", "bob", std::nullopt, "timeout"},
           {"2026-12-04T10:03:00Z", "anthropic/claude", "anthropic/claude", "bob", 0.1},
           {"2026-12-04T10:04:00Z", std::nullopt, std::nullopt, "bob", std::nullopt, "error"}});

  Output run = Report({"error-rate", "--db", db, "--format", "csv"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "model,calls,errors,timeouts,cancelled,error_rate_pct\r\n"
            ",1,1,0,0,100\r\n"
            "openai/gpt-4o,3,1,1,0,66.67\r\n"
            "anthropic/claude,1,0,0,0,0\r\n");

  run = Report({"error-rate", "--db", db, "--model", "openai/gpt-4o", "--format", "csv"});
  EXPECT_EQ(run.out,
            "model,calls,errors,timeouts,cancelled,error_rate_pct\r\n"
            "openai/gpt-4o,3,1,1,0,66.67\r\n");
}

// OpenRouter names the version that served a call; users filter by the name
// they asked for.
TEST(ReportModelTest, ModelFilterMatchesTheRequestedModelToo) {
  fixtures::TempDir dir;
  std::string db = dir.File("audit.db");
  WriteCalls(
      db, {{"2026-12-04T10:00:00Z", "openai/gpt-4o-2024-08-06", "openai/gpt-4o", "alice", 0.5},
           {"2026-12-04T10:01:00Z", std::nullopt, "openai/gpt-4o", "alice", std::nullopt, "error"},
           {"2026-12-04T10:02:00Z", "openai/gpt-4o-mini", "openai/gpt-4o-mini", "bob", 0.1}});

  Output run = Report({"daily-cost", "--db", db, "--model", "openai/gpt-4o", "--format", "csv"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "day,model,calls,prompt_tokens,completion_tokens,cost,cost_unknown\r\n"
            "2026-12-04,openai/gpt-4o,1,100,10,,1\r\n"
            "2026-12-04,openai/gpt-4o-2024-08-06,1,100,10,0.5,0\r\n");

  run =
      Report({"daily-cost", "--db", db, "--model", "openai/gpt-4o-2024-08-06", "--format", "csv"});
  EXPECT_EQ(run.out,
            "day,model,calls,prompt_tokens,completion_tokens,cost,cost_unknown\r\n"
            "2026-12-04,openai/gpt-4o-2024-08-06,1,100,10,0.5,0\r\n");
}

TEST(ReportSumsTest, CsvAndJsonSumsCarryNoBinaryNoise) {
  fixtures::TempDir dir;
  std::string db = dir.File("audit.db");
  // 0.0000343 + 0.0000211 is 5.5400000000000005e-05 as a double.
  WriteCalls(db, {{"2026-12-04T10:00:00Z", "m", "m", "alice", 0.0000343},
                  {"2026-12-04T10:01:00Z", "m", "m", "alice", 0.0000211}});

  Output run = Report({"top-spenders", "--db", db, "--format", "csv"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "user,calls,prompt_tokens,completion_tokens,cost,cost_unknown\r\n"
            "alice,2,200,20,0.0000554,0\r\n");
  run = Report({"top-spenders", "--db", db, "--format", "json"});
  EXPECT_NE(run.out.find("\"cost\":0.0000554,"), std::string::npos) << run.out;
  run = Report({"top-spenders", "--db", db});
  EXPECT_NE(run.out.find(" 0.0000554 "), std::string::npos) << run.out;
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
