#include "tests/fake_openrouter/options.h"

#include <charconv>
#include <string_view>

namespace orauditd::fake {
namespace {

Status ParseUint(std::string_view flag, std::string_view text, uint64_t max, uint64_t* out) {
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || n > max) {
    return Status::InvalidArgument(std::string(flag) + ": expected an integer in [0, " +
                                   std::to_string(max) + "], got \"" + std::string(text) + "\"");
  }
  *out = n;
  return Status::Ok();
}

Status ParseListen(std::string_view text, Options* options) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument("--listen: expected HOST:PORT, got \"" + std::string(text) +
                                   "\"");
  }
  uint64_t port = 0;
  Status status = ParseUint("--listen", text.substr(colon + 1), 65535, &port);
  if (!status.ok()) return status;
  options->host.assign(text.substr(0, colon));
  options->port = static_cast<uint16_t>(port);
  return Status::Ok();
}

Status ApplyFlag(std::string_view flag, std::string_view value, Options* o) {
  uint64_t n = 0;
  Status status;
  if (flag == "--listen") return ParseListen(value, o);
  if (flag == "--port-file") {
    o->port_file.assign(value);
  } else if (flag == "--script") {
    o->script_files.emplace_back(value);
  } else if (flag == "--key") {
    if (value.empty()) return Status::InvalidArgument("--key: empty key");
    o->keys.emplace_back(value);
  } else if (flag == "--default") {
    if (value != "ok" && value != "404") {
      return Status::InvalidArgument("--default: expected ok or 404");
    }
    o->default_ok = value == "ok";
  } else if (flag == "--latency-ms") {
    status = ParseUint(flag, value, 3600 * 1000, &n);
    o->latency_ms = static_cast<uint32_t>(n);
  } else if (flag == "--seed") {
    status = ParseUint(flag, value, UINT64_MAX, &o->seed);
  } else if (flag == "--threads") {
    status = ParseUint(flag, value, 64, &n);
    if (status.ok() && n == 0) status = Status::InvalidArgument("--threads: at least 1");
    o->threads = static_cast<int>(n);
  } else if (flag == "--log-limit") {
    status = ParseUint(flag, value, 100000000, &n);
    o->log_limit = static_cast<size_t>(n);
  } else {
    return Status::InvalidArgument("unknown option " + std::string(flag) + " (see --help)");
  }
  return status;
}

}  // namespace

StatusOr<Options> ParseOptions(int argc, const char* const* argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      continue;
    }
    if (arg == "--quiet") {
      options.quiet = true;
      continue;
    }
    if (arg == "--log-requests") {
      options.log_requests = true;
      continue;
    }
    std::string_view flag = arg;
    std::string_view value;
    size_t eq = arg.find('=');
    if (arg.substr(0, 2) == "--" && eq != std::string_view::npos) {
      flag = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return Status::InvalidArgument(std::string(arg) + ": missing value (see --help)");
    }
    Status status = ApplyFlag(flag, value, &options);
    if (!status.ok()) return status;
  }
  return options;
}

std::string UsageText() {
  return R"(usage: fake_openrouter [options]

A fake of OpenRouter's generation endpoint for tests and benchmarks: a real
HTTP/1.1 server (keep-alive, pipelining) that answers
  GET /api/v1/generation?id=<id>
from per-id scripts, or with a deterministic default for unscripted ids.

Options:
  --listen HOST:PORT   address to listen on (default 127.0.0.1:0; port 0 picks
                       a free port)
  --port-file PATH     write the chosen port there (written to a temporary file
                       and renamed, so a reader never sees a partial file)
  --script FILE        load a script (JSON, see README.md) at start; repeatable
  --key KEY            require "Authorization: Bearer KEY"; repeatable. Without
                       any --key every request is accepted
  --default ok|404     answer for an unscripted id: 200 with a full body whose
                       values derive from the id (default), or 404 JSON
  --latency-ms N       delay every API answer by N ms (control endpoints are
                       never delayed)
  --seed N             mixes into the default bodies and step jitter (default 0)
  --threads N          N event loops sharing the port with SO_REUSEPORT
                       (default 1)
  --log-limit N        keep the last N requests for /_fake/requests
                       (default 100000)
  --log-requests       print one line per API request on stderr
  --quiet              print only errors (the "listening" line still appears)
  --help               this text

Control endpoints (no auth, never delayed):
  POST /_fake/script        body: script JSON; adds or replaces ids
  POST /_fake/reset         forget scripts, counters, request log and stats
  GET  /_fake/requests?id=X the requests seen for X (all without id), oldest first
  GET  /_fake/stats         {"requests":N,"by_status":{"200":N,...},...}

Any other path answers 404 with an HTML page, as the real site does for a
wrong base URL. SIGTERM and SIGINT stop the server with exit status 0.
Exit status 2: bad command line or script.
)";
}

}  // namespace orauditd::fake
