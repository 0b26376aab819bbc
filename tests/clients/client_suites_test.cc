// Each client library's own tests (no daemon: a stand-in socket, the spool
// in a temporary folder), run with that language's runtime.
#include <gtest/gtest.h>

#include "tests/clients/client_programs.h"
#include "tests/support/temp_dir.h"

namespace orauditd::testing {
namespace {

void ExpectPasses(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  const std::string& dir) {
  TempDir scratch;
  auto run = RunProgram(argv, env, dir, scratch.path());
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->status.Success()) << run->Describe();
}

TEST(ClientSuites, Python) {
  // No __pycache__ folders in the source tree.
  ExpectPasses({"python3", "-m", "unittest", "discover", "-s", "tests"},
               {"PYTHONDONTWRITEBYTECODE=1"}, kClientsDir + "/python");
}

TEST(ClientSuites, Node) {
  ExpectPasses({"node", "test/client.test.js"}, {}, kClientsDir + "/node");
  ExpectPasses({"node", "test/background.test.js"}, {}, kClientsDir + "/node");
}

TEST(ClientSuites, Go) {
  ExpectPasses({"go", "vet", "./..."}, GoEnv(), kClientsDir + "/go/orauditd");
  ExpectPasses({"go", "test", "-count=1", "./..."}, GoEnv(), kClientsDir + "/go/orauditd");
}

}  // namespace
}  // namespace orauditd::testing
