// A blocking HTTP GET of the daemon's /metrics page, and a reader of the
// Prometheus text format it returns, for `orauditctl status` (and tests).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/host_port.h"
#include "common/status.h"

namespace orauditd::tools {

// GET http://<address>/metrics; the body of a 200 answer. Unavailable when
// nothing answers (the text says where it looked), Internal for any other
// answer. Gives up after `timeout_ms`.
StatusOr<std::string> FetchMetricsPage(const HostPort& address, int timeout_ms = 5000);

struct MetricSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// The samples of a text-format page; comments and lines that do not parse
// are skipped.
std::vector<MetricSample> ParseMetricsText(const std::string& text);

// The sum of the samples named `name` whose labels include every pair of
// `match`; 0 when there is none.
double SumSamples(const std::vector<MetricSample>& samples, const std::string& name,
                  const std::map<std::string, std::string>& match = {});

}  // namespace orauditd::tools
