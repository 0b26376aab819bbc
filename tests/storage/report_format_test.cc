// FormatReport on tables built by hand: how sums and the note on the
// duplicate_of rows left out appear in each format.
#include "storage/report_format.h"

#include <gtest/gtest.h>

namespace orauditd {
namespace {

ReportTable OneCostRow(double cost) {
  ReportTable table;
  table.columns = {"user", "cost"};
  table.rows = {{std::string("alice"), cost}};
  return table;
}

// The sum a user saw in the CSV while the table said 0.0068646.
TEST(ReportFormatTest, SumsLoseTheirBinaryNoiseInEveryFormat) {
  ReportTable table = OneCostRow(0.006864600000000001);
  EXPECT_EQ(FormatReport(table, ReportFormat::kCsv), "user,cost\r\nalice,0.0068646\r\n");
  EXPECT_EQ(FormatReport(table, ReportFormat::kJson),
            "[{\"user\":\"alice\",\"cost\":0.0068646}]\n");
  EXPECT_EQ(FormatReport(table, ReportFormat::kTable),
            "user        cost\n"
            "-----  ---------\n"
            "alice  0.0068646\n");
}

// A stored cost has 10 decimals at most; a sum of one keeps all of them.
TEST(ReportFormatTest, SumsKeepEveryDecimalOfACost) {
  EXPECT_EQ(FormatReport(OneCostRow(0.0000841005), ReportFormat::kCsv),
            "user,cost\r\nalice,0.0000841005\r\n");
  EXPECT_EQ(FormatReport(OneCostRow(1234.5678901234), ReportFormat::kCsv),
            "user,cost\r\nalice,1234.5678901234\r\n");
  EXPECT_EQ(FormatReport(OneCostRow(-0.0), ReportFormat::kCsv), "user,cost\r\nalice,0\r\n");
}

TEST(ReportFormatTest, DuplicatesNoteSaysRowOrRows) {
  EXPECT_EQ(DuplicatesNote(0), "");
  EXPECT_EQ(DuplicatesNote(1),
            "1 row naming an already counted generation (duplicate_of) left out");
  EXPECT_EQ(DuplicatesNote(3),
            "3 rows naming an already counted generation (duplicate_of) left out");
}

// Only the table carries the note: CSV and JSON hold rows and nothing else.
TEST(ReportFormatTest, OnlyTheTableCarriesTheDuplicatesNote) {
  ReportTable table = OneCostRow(0.5);
  table.duplicates_left_out = 2;
  EXPECT_EQ(FormatReport(table, ReportFormat::kTable),
            "user   cost\n"
            "-----  ----\n"
            "alice   0.5\n"
            "(2 rows naming an already counted generation (duplicate_of) left out)\n");
  EXPECT_EQ(FormatReport(table, ReportFormat::kCsv), "user,cost\r\nalice,0.5\r\n");
  EXPECT_EQ(FormatReport(table, ReportFormat::kJson), "[{\"user\":\"alice\",\"cost\":0.5}]\n");

  table.rows.clear();
  EXPECT_EQ(FormatReport(table, ReportFormat::kTable),
            "user  cost\n"
            "----  ----\n"
            "(no rows)\n"
            "(2 rows naming an already counted generation (duplicate_of) left out)\n");
}

}  // namespace
}  // namespace orauditd
