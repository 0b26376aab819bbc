// Renders a ReportTable for `orauditctl report`:
//   table  aligned for a terminal: numbers right-aligned, NULL as "-",
//          reals rounded to 10 decimals (costs are given to 10 at most, and
//          the rounding hides the noise of summing doubles); a last line
//          tells how many duplicate_of rows were left out, if any
//   csv    RFC 4180, header line first, NULL as an empty field
//   json   an array of objects, NULL as null
// CSV and JSON give reals rounded to 10 decimals as the table does, in the
// shortest form that reads back to that value (0.3, not 0.30000000000000004):
// they are sums, and a sum carries noise that no stored cost has.
// Pure functions, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/report.h"

namespace orauditd {

enum class ReportFormat { kTable, kCsv, kJson };

// "table" -> kTable, etc. False for an unknown name.
bool ParseReportFormat(std::string_view name, ReportFormat* format);

// "2 rows naming an already counted generation (duplicate_of) left out",
// or "" for none. The table ends with it; the other formats leave it to the
// caller, since it is no row.
std::string DuplicatesNote(int64_t count);

// The whole output, ending with a newline.
std::string FormatReport(const ReportTable& table, ReportFormat format);

}  // namespace orauditd
