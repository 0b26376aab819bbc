#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "tools/commands.h"
#include "tools/intake_client.h"

namespace orauditd::tools {

int RunSubmit(const Args& args) {
  std::string socket_path = DefaultSocketPath();
  std::string file = "-";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--socket" && i + 1 < args.size()) {
      socket_path = args[++i];
    } else if (args[i] == "--help") {
      std::puts("usage: orauditctl submit [--socket S] [FILE|-]\n"
                "Sends one JSON record per line and prints the daemon's reply to each.");
      return 0;
    } else if (!args[i].empty() && args[i][0] == '-' && args[i] != "-") {
      std::fprintf(stderr, "orauditctl submit: unknown option %s\n", args[i].c_str());
      return 2;
    } else {
      file = args[i];
    }
  }

  std::ifstream file_stream;
  std::istream* in = &std::cin;
  if (file != "-") {
    file_stream.open(file);
    if (!file_stream) {
      std::fprintf(stderr, "orauditctl submit: cannot open %s: %s\n", file.c_str(),
                   std::strerror(errno));
      return 2;
    }
    in = &file_stream;
  }

  auto totals = SubmitLines(socket_path, *in, [](const std::string&, const std::string& reply) {
    std::fwrite(reply.data(), 1, reply.size(), stdout);
    std::fputc('\n', stdout);
    return true;
  });
  if (!totals.ok()) {
    std::fprintf(stderr, "orauditctl submit: %s\n", totals.status().message().c_str());
    return 1;
  }
  std::fflush(stdout);
  std::fprintf(stderr, "submitted %llu: %llu ok (%llu duplicates), %llu refused\n",
               static_cast<unsigned long long>(totals->sent),
               static_cast<unsigned long long>(totals->ok),
               static_cast<unsigned long long>(totals->duplicates),
               static_cast<unsigned long long>(totals->refused));
  return totals->refused > 0 ? 1 : 0;
}

}  // namespace orauditd::tools
