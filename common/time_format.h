// Conversions between Unix milliseconds and the text forms the contract
// uses: RFC 3339 on input (any offset, up to 9 fractional digits), UTC
// "YYYY-MM-DD HH:MM:SS.SSS" for SQLite and "YYYY-MM-DDTHH:MM:SS.SSSZ" for
// JSON lines. Pure functions, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orauditd {

// Parses an RFC 3339 date-time ("2026-12-04T15:10:38.123456+01:00", "...Z").
// Sub-millisecond digits are truncated. The message names what is wrong.
StatusOr<int64_t> ParseRfc3339Ms(std::string_view text);

// "2026-12-04 15:10:38.123" (UTC), the form SQLite's date functions compare.
std::string FormatSqliteUtc(int64_t unix_ms);

// "2026-12-04T15:10:38.123Z".
std::string FormatRfc3339Utc(int64_t unix_ms);

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

}  // namespace orauditd
