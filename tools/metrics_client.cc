#include "tools/metrics_client.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/unique_fd.h"

namespace orauditd::tools {
namespace {

// Reads `name{a="x",b="y"} value` (the labels are optional).
bool ParseSample(const std::string& line, MetricSample* sample) {
  size_t name_end = line.find_first_of("{ ");
  if (name_end == std::string::npos || name_end == 0) return false;
  sample->name = line.substr(0, name_end);
  size_t pos = name_end;
  if (line[pos] == '{') {
    ++pos;
    while (pos < line.size() && line[pos] != '}') {
      size_t equals = line.find("=\"", pos);
      if (equals == std::string::npos) return false;
      std::string key = line.substr(pos, equals - pos);
      std::string value;
      pos = equals + 2;
      while (pos < line.size() && line[pos] != '"') {
        if (line[pos] == '\\' && pos + 1 < line.size()) {
          ++pos;
          value.push_back(line[pos] == 'n' ? '\n' : line[pos]);
        } else {
          value.push_back(line[pos]);
        }
        ++pos;
      }
      if (pos >= line.size()) return false;
      sample->labels[key] = value;
      ++pos;  // the closing quote
      if (pos < line.size() && line[pos] == ',') ++pos;
    }
    if (pos >= line.size()) return false;
    ++pos;  // the closing brace
  }
  std::string value = line.substr(pos);
  size_t start = value.find_first_not_of(' ');
  if (start == std::string::npos) return false;
  value = value.substr(start, value.find(' ', start) - start);
  char* end = nullptr;
  sample->value = std::strtod(value.c_str(), &end);
  return end != value.c_str();
}

}  // namespace

StatusOr<std::string> FetchMetricsPage(const HostPort& address, int timeout_ms) {
  std::string where = "http://" + address.ToString() + "/metrics";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(address.port);
  int rc = getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    return Status::InvalidArgument(where + ": cannot resolve " + address.host + ": " +
                                   gai_strerror(rc));
  }
  UniqueFd fd(socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    freeaddrinfo(found);
    return Status::IoError(std::string("socket: ") + std::strerror(errno));
  }
  // On Linux the send timeout bounds connect() too.
  timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  int connected = connect(fd.get(), found->ai_addr, found->ai_addrlen);
  int connect_error = errno;
  freeaddrinfo(found);
  if (connected != 0) {
    return Status::Unavailable("cannot reach the daemon's metrics endpoint at " + where + ": " +
                               std::strerror(connect_error));
  }

  std::string request =
      "GET /metrics HTTP/1.1\r\nHost: " + address.ToString() + "\r\nConnection: close\r\n\r\n";
  if (write(fd.get(), request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    return Status::Unavailable(where + ": write failed: " + std::strerror(errno));
  }
  std::string response;
  char buffer[16384];
  ssize_t n;
  while ((n = read(fd.get(), buffer, sizeof buffer)) > 0) {
    response.append(buffer, static_cast<size_t>(n));
  }
  if (n < 0) return Status::Unavailable(where + ": read failed: " + std::strerror(errno));

  size_t head_end = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) {
    return Status::Internal(where + ": not an HTTP answer (is this orauditd's metrics port?)");
  }
  std::string status_line = response.substr(0, response.find("\r\n"));
  if (status_line.find(" 200 ") == std::string::npos) {
    return Status::Internal(where + ": answered \"" + status_line + "\"");
  }
  return response.substr(head_end + 4);
}

std::vector<MetricSample> ParseMetricsText(const std::string& text) {
  std::vector<MetricSample> samples;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    MetricSample sample;
    if (ParseSample(line, &sample)) samples.push_back(std::move(sample));
  }
  return samples;
}

double SumSamples(const std::vector<MetricSample>& samples, const std::string& name,
                  const std::map<std::string, std::string>& match) {
  double sum = 0;
  for (const MetricSample& sample : samples) {
    if (sample.name != name) continue;
    bool matches = true;
    for (const auto& [key, value] : match) {
      auto it = sample.labels.find(key);
      if (it == sample.labels.end() || it->second != value) matches = false;
    }
    if (matches) sum += sample.value;
  }
  return sum;
}

}  // namespace orauditd::tools
