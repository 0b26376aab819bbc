// The text of `orauditctl status`: the figures of the daemon's metrics page
// laid out for a person. Pure function of its inputs, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/metrics_client.h"

namespace orauditd::tools {

struct StatusContext {
  std::string metrics_address;  // where the page came from
  std::string socket_path;      // the intake socket that was tried
  bool socket_reachable = false;
  std::string socket_error;  // why it was not, when it was not
  int64_t now_s = 0;         // Unix seconds, for the uptime
};

std::string RenderStatus(const std::vector<MetricSample>& samples, const StatusContext& context);

// The daemon's queue takes writes (orauditd_queue_healthy).
bool StorageHealthy(const std::vector<MetricSample>& samples);

// The intake socket line of RenderStatus alone, for when the metrics page
// cannot be read.
std::string RenderSocketLine(const StatusContext& context);

}  // namespace orauditd::tools
