#include "tools/status_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <utility>

namespace orauditd::tools {
namespace {

// 1234567 -> "1,234,567": figures a person reads at a glance.
std::string Count(double value) {
  std::string digits = std::to_string(std::llabs(std::llround(value)));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    size_t left = digits.size() - i;  // digits from here to the end
    if (i > 0 && left % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return value < 0 ? "-" + out : out;
}

std::string Duration(double seconds) {
  char text[64];
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.1fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(text, sizeof text, "%dm %02ds", static_cast<int>(seconds) / 60,
                  static_cast<int>(seconds) % 60);
  } else if (seconds < 86400) {
    std::snprintf(text, sizeof text, "%dh %02dm", static_cast<int>(seconds) / 3600,
                  static_cast<int>(seconds) % 3600 / 60);
  } else {
    std::snprintf(text, sizeof text, "%dd %02dh", static_cast<int>(seconds) / 86400,
                  static_cast<int>(seconds) % 86400 / 3600);
  }
  return text;
}

// "1,200 resolved, 30 not_yet" for the non-zero series of `name` split by
// `label`, largest first; `none` when all are zero.
std::string Breakdown(const std::vector<MetricSample>& samples, const std::string& name,
                      const std::string& label, const std::string& none = "none") {
  std::vector<std::pair<double, std::string>> parts;
  for (const MetricSample& sample : samples) {
    auto it = sample.labels.find(label);
    if (sample.name == name && it != sample.labels.end() && sample.value > 0) {
      parts.emplace_back(sample.value, it->second);
    }
  }
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::string out;
  for (const auto& [value, what] : parts) {
    if (!out.empty()) out += ", ";
    out += Count(value) + " " + what;
  }
  return out.empty() ? none : out;
}

std::string Line(const std::string& title, const std::string& text) {
  std::string padded = title;
  padded.resize(15, ' ');
  return padded + text + "\n";
}

std::string Version(const std::vector<MetricSample>& samples) {
  for (const MetricSample& sample : samples) {
    if (sample.name == "orauditd_build_info" && sample.labels.count("version")) {
      return sample.labels.at("version");
    }
  }
  return "?";
}

std::string SinksWritten(const std::vector<MetricSample>& samples) {
  std::string out;
  for (const MetricSample& sample : samples) {
    if (sample.name != "orauditd_rows_written_total" || !sample.labels.count("sink")) continue;
    if (!out.empty()) out += ", ";
    out += sample.labels.at("sink") + " " + Count(sample.value) + " rows written";
  }
  return out.empty() ? "none configured" : out;
}

std::string ParkedKeys(const std::vector<MetricSample>& samples) {
  std::string keys;
  for (const MetricSample& sample : samples) {
    if (sample.name != "orauditd_key_parked" || sample.value <= 0) continue;
    if (!keys.empty()) keys += ", ";
    keys += sample.labels.count("key") ? sample.labels.at("key") : "?";
  }
  return keys.empty() ? "none" : keys + " (fix the key, then reload: systemctl reload orauditd)";
}

}  // namespace

bool StorageHealthy(const std::vector<MetricSample>& samples) {
  return SumSamples(samples, "orauditd_queue_healthy") > 0;
}

std::string RenderSocketLine(const StatusContext& context) {
  return Line("intake socket",
              context.socket_path + ": " +
                  (context.socket_reachable ? "accepting connections"
                                            : "NOT reachable: " + context.socket_error));
}

std::string RenderStatus(const std::vector<MetricSample>& s, const StatusContext& context) {
  std::string out;
  double started = SumSamples(s, "orauditd_start_time_seconds");
  out += "orauditd " + Version(s) + ", up " +
         Duration(std::max(0.0, static_cast<double>(context.now_s) - started)) + " (metrics at " +
         context.metrics_address + ")\n";

  out += RenderSocketLine(context);
  double depth = SumSamples(s, "orauditd_queue_depth");
  std::string queue = Count(depth) + " pending";
  if (depth > 0) {
    double age = SumSamples(s, "orauditd_queue_oldest_pending_age_seconds");
    queue += ", oldest came in " + Duration(age) + " ago";
  }
  queue += StorageHealthy(s) ? "; storage ok" : "; STORAGE FAILED: writes refused";
  // Storage can be fine while intake refuses records: data_dir below
  // intake.min_free. Each refusal counts, a spool line at every retry too.
  double low_space = SumSamples(s, "orauditd_intake_refused_for_space_total");
  if (low_space > 0) {
    queue += "; " + Count(low_space) + " refusals since start: free space below intake.min_free";
  }
  out += Line("queue", queue);

  double answers = SumSamples(s, "orauditd_fetch_attempts_total");
  out +=
      Line("lookups",
           Count(SumSamples(s, "orauditd_fetch_in_flight")) + " in flight; " + Count(answers) +
               " answers" +
               (answers > 0 ? ": " + Breakdown(s, "orauditd_fetch_attempts_total", "class") : ""));
  double rows = SumSamples(s, "orauditd_rows_finalized_total");
  out += Line(
      "outcomes",
      Count(rows) + " rows since start" +
          (rows > 0 ? ": " + Breakdown(s, "orauditd_rows_finalized_total", "meta_status") : ""));
  for (const char* source : {"socket", "spool"}) {
    std::map<std::string, std::string> match = {{"source", source}};
    std::string text;
    for (const char* outcome : {"accepted", "duplicate", "refused"}) {
      match["outcome"] = outcome;
      if (!text.empty()) text += ", ";
      text += Count(SumSamples(s, "orauditd_records_received_total", match)) + " " + outcome;
    }
    out += Line(std::string("from ") + source, text);
  }
  out += Line("sinks", SinksWritten(s) + "; lag " + Count(SumSamples(s, "orauditd_sink_lag_rows")) +
                           " rows; " + Count(SumSamples(s, "orauditd_sink_errors_total")) +
                           " write errors");
  out += Line("parked keys", ParkedKeys(s));
  return out;
}

}  // namespace orauditd::tools
