#include "common/time_format.h"

#include <cstdio>

namespace orauditd {
namespace {

bool ReadDigits(std::string_view text, size_t pos, size_t count, int64_t* out) {
  if (pos + count > text.size()) return false;
  int64_t value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

bool IsLeap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned DaysInMonth(int64_t year, unsigned month) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int64_t>(yoe) + era * 400 + (*month <= 2);
}

StatusOr<int64_t> ParseRfc3339Ms(std::string_view text) {
  // Layout: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  int64_t year, month, day, hour, minute, second;
  bool layout_ok = ReadDigits(text, 0, 4, &year) && text.size() > 4 && text[4] == '-' &&
                   ReadDigits(text, 5, 2, &month) && text.size() > 7 && text[7] == '-' &&
                   ReadDigits(text, 8, 2, &day) && text.size() > 10 &&
                   (text[10] == 'T' || text[10] == 't' || text[10] == ' ') &&
                   ReadDigits(text, 11, 2, &hour) && text.size() > 13 && text[13] == ':' &&
                   ReadDigits(text, 14, 2, &minute) && text.size() > 16 && text[16] == ':' &&
                   ReadDigits(text, 17, 2, &second);
  if (!layout_ok) return Status::InvalidArgument("not an RFC 3339 date-time");
  if (month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, static_cast<unsigned>(month))) {
    return Status::InvalidArgument("date out of range");
  }
  if (hour > 23 || minute > 59 || second > 60) {
    return Status::InvalidArgument("time of day out of range");
  }

  size_t pos = 19;
  int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) {
      return Status::InvalidArgument("fraction of a second must have 1 to 9 digits");
    }
    for (size_t i = digits; i < 3; ++i) millis *= 10;
  }

  int64_t offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int64_t off_h, off_m;
    if (!ReadDigits(text, pos + 1, 2, &off_h) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !ReadDigits(text, pos + 4, 2, &off_m) || off_h > 23 ||
        off_m > 59) {
      return Status::InvalidArgument("bad UTC offset");
    }
    offset_minutes = (off_h * 60 + off_m) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return Status::InvalidArgument("missing UTC offset (Z or +HH:MM)");
  }
  if (pos != text.size()) return Status::InvalidArgument("trailing characters");

  if (second == 60) second = 59;  // a leap second maps onto the second before it
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

namespace {

std::string Format(int64_t unix_ms, char date_time_sep, bool zulu) {
  int64_t days = unix_ms >= 0 ? unix_ms / 86400000 : (unix_ms - 86399999) / 86400000;
  int64_t ms_of_day = unix_ms - days * 86400000;
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u%c%02lld:%02lld:%02lld.%03lld%s",
                static_cast<long long>(year), month, day, date_time_sep,
                static_cast<long long>(ms_of_day / 3600000),
                static_cast<long long>(ms_of_day / 60000 % 60),
                static_cast<long long>(ms_of_day / 1000 % 60),
                static_cast<long long>(ms_of_day % 1000), zulu ? "Z" : "");
  return buf;
}

}  // namespace

std::string FormatSqliteUtc(int64_t unix_ms) { return Format(unix_ms, ' ', false); }

std::string FormatRfc3339Utc(int64_t unix_ms) { return Format(unix_ms, 'T', true); }

}  // namespace orauditd
