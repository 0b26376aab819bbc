// What a client driver (tests/clients/drivers/) printed, one step per line,
// read back into a struct so the tests compare fields rather than each
// language's JSON spacing.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace orauditd::testing {

struct DriverLine {
  std::string text;  // as printed, for failure messages
  bool ok = false;
  std::string id;
  bool duplicate = false;
  std::string spooled;  // empty: not spooled
  std::string refused;  // the daemon's reason for a refused record
  std::string error;    // any other failure
  std::map<std::string, int64_t> stats;
};

inline std::string StringOrEmpty(simdjson::dom::element value) {
  std::string_view text;
  return value.get(text) == simdjson::SUCCESS ? std::string(text) : std::string();
}

inline bool BoolOrFalse(simdjson::dom::element value) {
  bool flag = false;
  return value.get(flag) == simdjson::SUCCESS && flag;
}

inline DriverLine ParseDriverLine(const std::string& text) {
  DriverLine line;
  line.text = text;
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(text).get(object) != simdjson::SUCCESS) {
    line.error = "unreadable driver output";
    return line;
  }
  for (auto field : object) {
    std::string_view key = field.key;
    if (key == "ok") line.ok = BoolOrFalse(field.value);
    if (key == "id") line.id = StringOrEmpty(field.value);
    if (key == "duplicate") line.duplicate = BoolOrFalse(field.value);
    if (key == "spooled") line.spooled = StringOrEmpty(field.value);
    if (key == "refused") line.refused = StringOrEmpty(field.value);
    if (key == "error") line.error = StringOrEmpty(field.value);
    simdjson::dom::object stats;
    if (key == "stats" && field.value.get(stats) == simdjson::SUCCESS) {
      for (auto count : stats) {
        int64_t n = 0;
        if (count.value.get(n) == simdjson::SUCCESS) line.stats[std::string(count.key)] = n;
      }
    }
  }
  return line;
}

inline std::vector<DriverLine> ParseDriverOutput(const std::string& out) {
  std::vector<DriverLine> lines;
  std::stringstream in(out);
  std::string text;
  while (std::getline(in, text)) {
    if (!text.empty()) lines.push_back(ParseDriverLine(text));
  }
  return lines;
}

}  // namespace orauditd::testing
