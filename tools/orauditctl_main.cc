// orauditctl: the operator's and the application's companion to orauditd.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tools/commands.h"

namespace {

constexpr const char* kUsage = R"(usage: orauditctl COMMAND [ARGS]

commands:
  submit [--socket S] [FILE|-]     send NDJSON records to the daemon, print one reply per line
  replay [--socket S] PATH...      send spool files (or the *.jsonl/*.ndjson files in folders)
                                   to the daemon with progress; replaying again adds no rows
  status [--metrics HOST:PORT | --config F] [--socket S]
                                   what the running daemon is doing: queue depth, oldest
                                   pending age, lookups in flight, outcomes, sink lag
  verify (--db F | --jsonl F...|DIR)
                                   check the hash chain of an audit database or JSON lines
                                   files (a folder: its *.jsonl file and rotated ones)
  report KIND --db F [filters]     daily-cost | error-rate | top-spenders
                                   filters: --since T --until T --user U --model M
                                   --limit N --format table|csv|json
  help                             this text
  --version                        print the version and exit

The default socket is /run/orauditd/intake.sock (or $ORAUDITD_SOCKET).
exit codes: 0 success, 1 a check failed, a record was refused or the daemon could
not be reached, 2 usage error, 78 a config file that cannot be read
)";

}  // namespace

int main(int argc, char** argv) {
  // A daemon that closes the socket mid-stream is reported as an error, not
  // a silent death by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string command = argv[1];
  orauditd::tools::Args args(argv + 2, argv + argc);
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "--version") {
    std::printf("orauditctl %s\n", ORAUDITD_VERSION);
    return 0;
  }
  if (command == "submit") return orauditd::tools::RunSubmit(args);
  if (command == "replay") return orauditd::tools::RunReplay(args);
  if (command == "status") return orauditd::tools::RunStatus(args);
  if (command == "verify") return orauditd::tools::RunVerify(args);
  if (command == "report") return orauditd::tools::RunReport(args);
  std::fprintf(stderr, "orauditctl: unknown command \"%s\"\n\n%s", command.c_str(), kUsage);
  return 2;
}
