// fake_openrouter: a scriptable stand-in for OpenRouter's generation
// endpoint, for integration tests and benchmarks. See README.md.
#include <cstdio>

#include "tests/fake_openrouter/fake_app.h"
#include "tests/fake_openrouter/options.h"

int main(int argc, char** argv) {
  using orauditd::fake::Options;
  orauditd::StatusOr<Options> options = orauditd::fake::ParseOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "fake_openrouter: %s\n", options.status().message().c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(orauditd::fake::UsageText().c_str(), stdout);
    return 0;
  }
  return orauditd::fake::RunFakeOpenRouter(*options);
}
