#include "fetcher/retry_after.h"

#include <array>
#include <charconv>
#include <vector>

#include "common/time_format.h"

namespace orauditd {
namespace {

// A year of waiting is already absurd; capping keeps the arithmetic finite.
constexpr int64_t kMaxDelaySeconds = 365LL * 24 * 3600;

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<int64_t> ParseNumber(std::string_view digits) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::optional<unsigned> MonthNumber(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (name == kMonths[i]) return i + 1;
  }
  return std::nullopt;
}

// "08:49:37" as seconds into the day.
std::optional<int64_t> ParseTimeOfDay(std::string_view text) {
  if (text.size() != 8 || text[2] != ':' || text[5] != ':') return std::nullopt;
  auto hours = ParseNumber(text.substr(0, 2));
  auto minutes = ParseNumber(text.substr(3, 2));
  auto seconds = ParseNumber(text.substr(6, 2));
  if (!hours || !minutes || !seconds) return std::nullopt;
  // 60 admits a leap second, which the date forms allow.
  if (*hours > 23 || *minutes > 59 || *seconds > 60) return std::nullopt;
  return *hours * 3600 + *minutes * 60 + *seconds;
}

bool IsAlpha(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

unsigned DaysInMonth(int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<int64_t> ParseHttpDateMs(std::string_view text) {
  // The three forms differ in separators and in where the day sits, but each
  // has exactly: a weekday, a month name, a day, a year, a time of day, and
  // (except asctime) "GMT". Split on the separators and match by kind; the
  // day always comes before the year among the plain numbers.
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find_first_of(" ,-", i);
    if (end == std::string_view::npos) end = text.size();
    if (end > i) tokens.push_back(text.substr(i, end - i));
    i = end + 1;
  }
  if (tokens.size() < 5 || !IsAlpha(tokens[0])) return std::nullopt;

  std::optional<unsigned> month;
  std::optional<int64_t> time_of_day;
  std::vector<std::string_view> numbers;
  bool gmt = false;
  for (size_t t = 1; t < tokens.size(); ++t) {
    std::string_view token = tokens[t];
    if (token == "GMT" && !gmt) {
      gmt = true;
    } else if (auto m = MonthNumber(token); m && !month) {
      month = m;
    } else if (token.find(':') != std::string_view::npos && !time_of_day) {
      time_of_day = ParseTimeOfDay(token);
      if (!time_of_day) return std::nullopt;
    } else if (AllDigits(token) && numbers.size() < 2) {
      numbers.push_back(token);
    } else {
      return std::nullopt;
    }
  }
  if (!month || !time_of_day || numbers.size() != 2) return std::nullopt;
  if (numbers[0].size() > 2 || (numbers[1].size() != 2 && numbers[1].size() != 4)) {
    return std::nullopt;
  }
  int64_t day = *ParseNumber(numbers[0]);
  int64_t year = *ParseNumber(numbers[1]);
  // RFC 850's two-digit years: RFC 9110 says to read one that looks more
  // than 50 years ahead as the past century; against today that is 70..99.
  if (numbers[1].size() == 2) year += year >= 70 ? 1900 : 2000;
  if (day < 1 || day > DaysInMonth(year, *month)) return std::nullopt;

  int64_t days = DaysFromCivil(year, *month, static_cast<unsigned>(day));
  return (days * 86400 + *time_of_day) * 1000;
}

std::optional<int64_t> ParseRetryAfterMs(std::string_view value, int64_t now_ms) {
  value = Trim(value);
  if (AllDigits(value)) {
    // Too many digits to parse is still "a very long time".
    std::optional<int64_t> seconds = ParseNumber(value);
    int64_t delay = seconds && *seconds < kMaxDelaySeconds ? *seconds : kMaxDelaySeconds;
    return now_ms + delay * 1000;
  }
  return ParseHttpDateMs(value);
}

std::optional<int64_t> ParseEpochMs(std::string_view value) {
  value = Trim(value);
  if (!AllDigits(value)) return std::nullopt;
  return ParseNumber(value);
}

}  // namespace orauditd
