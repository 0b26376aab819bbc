#include "storage/json_text.h"

#include "common/json_writer.h"
#include "common/time_format.h"

namespace orauditd {

void AppendJsonTime(std::string* out, int64_t unix_ms) {
  int64_t days = unix_ms >= 0 ? unix_ms / 86400000 : (unix_ms - 86399999) / 86400000;
  int64_t ms = unix_ms - days * 86400000;
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  if (year < 0 || year > 9999) {
    AppendJsonString(out, FormatRfc3339Utc(unix_ms));
    return;
  }
  char buf[26] = "\"0000-00-00T00:00:00.000Z";
  auto put = [&buf](int pos, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      buf[pos + i] = static_cast<char>('0' + value % 10);
  };
  put(1, year, 4);
  put(6, month, 2);
  put(9, day, 2);
  put(12, ms / 3600000, 2);
  put(15, ms / 60000 % 60, 2);
  put(18, ms / 1000 % 60, 2);
  put(21, ms % 1000, 3);
  out->append(buf, 25);
  out->push_back('"');
}

}  // namespace orauditd
