#include "common/host_port.h"

#include <cctype>

namespace orauditd {

std::string HostPort::ToString() const {
  bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

StatusOr<HostPort> ParseHostPort(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("\"" + text + "\": " + why +
                                   " (expected HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464)");
  };
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return bad("no port");
  HostPort out;
  out.host = text.substr(0, colon);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  } else if (out.host.find(':') != std::string::npos) {
    return bad("an IPv6 address needs brackets");
  }
  if (out.host.empty()) return bad("no host");

  std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5) return bad("bad port");
  unsigned long value = 0;
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return bad("bad port");
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value > 65535) return bad("port above 65535");
  out.port = static_cast<uint16_t>(value);
  return out;
}

}  // namespace orauditd
