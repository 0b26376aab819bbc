// etc/orauditd.yaml says it lists every key with its default; the keys that
// `orauditd --check-config` prints are the ones a user can set, so the
// example must hold each of them, and nothing the daemon does not know.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "daemon/config.h"

namespace orauditd {
namespace {

// "intake.socket.path" and the like for every leaf of `node`. The entries of
// openrouter.keys are key names the user picks, so the map stops there.
void CollectKeyPaths(const YAML::Node& node, const std::string& prefix,
                     std::set<std::string>* paths) {
  if (!node.IsMap() || prefix == "openrouter.keys") {
    paths->insert(prefix);
    return;
  }
  for (const auto& entry : node) {
    std::string name = entry.first.as<std::string>();
    CollectKeyPaths(entry.second, prefix.empty() ? name : prefix + "." + name, paths);
  }
}

std::set<std::string> KeyPaths(const std::string& yaml_text) {
  std::set<std::string> paths;
  CollectKeyPaths(YAML::Load(yaml_text), "", &paths);
  return paths;
}

TEST(ExampleConfigTest, ListsEveryKeyThatCheckConfigPrints) {
  std::ifstream in(std::string(ORAUDITD_SOURCE_DIR) + "/etc/orauditd.yaml");
  std::stringstream example;
  example << in.rdbuf();
  ASSERT_FALSE(example.str().empty());

  std::set<std::string> listed = KeyPaths(example.str());
  std::set<std::string> printed = KeyPaths(ConfigToYaml(Config{}));
  for (const std::string& key : printed) {
    EXPECT_TRUE(listed.count(key)) << key << " is missing from etc/orauditd.yaml";
  }
  for (const std::string& key : listed) {
    EXPECT_TRUE(printed.count(key)) << key << " is in etc/orauditd.yaml but not printed";
  }
}

}  // namespace
}  // namespace orauditd
