// Renders a ReportTable for `orauditctl report`:
//   table  aligned for a terminal: numbers right-aligned, NULL as "-",
//          reals rounded to 10 decimals (costs are given to 10 at most, and
//          the rounding hides the noise of summing doubles)
//   csv    RFC 4180, header line first, NULL as an empty field
//   json   an array of objects, NULL as null, reals in shortest round-trip
//          form (as in the rows)
// Pure functions, any thread.
#pragma once

#include <string>
#include <string_view>

#include "storage/report.h"

namespace orauditd {

enum class ReportFormat { kTable, kCsv, kJson };

// "table" -> kTable, etc. False for an unknown name.
bool ParseReportFormat(std::string_view name, ReportFormat* format);

// The whole output, ending with a newline.
std::string FormatReport(const ReportTable& table, ReportFormat format);

}  // namespace orauditd
