// The figures the benchmark tables print: a value formatted, the spread of
// repeated runs, this process's CPU time.
#pragma once

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace orauditd::bench {

inline std::string Fmt(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// Median, lowest and highest of repeated runs.
struct Spread {
  double median = 0, low = 0, high = 0;
};

inline Spread SpreadOf(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  Spread s;
  if (values.empty()) return s;
  s.low = values.front();
  s.high = values.back();
  s.median = values[values.size() / 2];
  return s;
}

// "median (low-high)".
inline std::string SpreadText(const Spread& s, const char* format = "%.0f") {
  return Fmt(format, s.median) + " (" + Fmt(format, s.low) + "-" + Fmt(format, s.high) + ")";
}

// CPU seconds this process has used so far, all threads.
inline double CpuNow() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace orauditd::bench
