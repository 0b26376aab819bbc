#include "daemon/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

TEST(ConfigTest, EmptyFileGivesTheDocumentedDefaults) {
  auto config = ParseConfig("", "test");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->data_dir, "/var/lib/orauditd");
  EXPECT_EQ(config->socket_path, "/run/orauditd/intake.sock");
  EXPECT_EQ(config->socket_mode, 0660u);
  EXPECT_EQ(config->window_ms, 30 * 60 * 1000);
  EXPECT_EQ(config->backoff_max_ms, 60000);
  EXPECT_EQ(config->concurrency, 32);
  EXPECT_EQ(config->drain_timeout_ms, 10000);
  EXPECT_EQ(config->rate_per_second, 20);
  EXPECT_EQ(config->max_line_bytes, 1u << 20);
  EXPECT_EQ(config->min_free_bytes, 256u << 20);
  EXPECT_EQ(config->keys.at("default").env, "OPENROUTER_API_KEY");
  EXPECT_EQ(config->sqlite_path, "/var/lib/orauditd/audit.db");
  EXPECT_FALSE(config->redact_user_id);
}

TEST(ConfigTest, ReadsEveryKeyOfTheShippedExample) {
  std::ifstream in(std::string(ORAUDITD_SOURCE_DIR) + "/etc/orauditd.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  auto config = ParseConfig(text, "etc/orauditd.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->jsonl_path.empty()) << "null turns the JSON lines sink off";
  EXPECT_EQ(config->jsonl_rotate_bytes, 128u << 20);
}

TEST(ConfigTest, LocalConfigParses) {
  auto config = LoadConfigFile(std::string(ORAUDITD_SOURCE_DIR) + "/etc/orauditd.local.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sqlite_path, "var/audit.db");
  EXPECT_EQ(config->spool_scan_interval_ms, 2000);
}

TEST(ConfigTest, DurationsAndSizes) {
  auto config = ParseConfig(R"(
fetch:
  window: 2h
  first_delay: 250ms
  backoff: { initial: 2s, max: 5m }
intake:
  max_line_bytes: 64KiB
  min_free: 1GiB
)", "t");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->window_ms, 2 * 3600 * 1000);
  EXPECT_EQ(config->first_delay_ms, 250);
  EXPECT_EQ(config->backoff_initial_ms, 2000);
  EXPECT_EQ(config->backoff_max_ms, 300000);
  EXPECT_EQ(config->max_line_bytes, 64u << 10);
  EXPECT_EQ(config->min_free_bytes, 1u << 30);
}

TEST(ConfigTest, UnknownKeyIsNamedWithTheNearestKnownOne) {
  auto config = ParseConfig("fetch:\n  windw: 30m\n", "cfg.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("fetch.windw: unknown key"), std::string::npos)
      << config.status().message();
  EXPECT_NE(config.status().message().find("did you mean fetch.window?"), std::string::npos);
  EXPECT_NE(config.status().message().find("cfg.yaml"), std::string::npos);
}

TEST(ConfigTest, MisspelledSectionIsNamedWithTheNearestSection) {
  auto config = ParseConfig("fecth:\n  window: 30m\n", "cfg.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("fecth: unknown key (did you mean fetch?)"),
            std::string::npos)
      << config.status().message();
}

TEST(ConfigTest, ChangedSettingsNamesEachDifferenceButNotTheKeys) {
  Config before;
  Config after = before;
  EXPECT_TRUE(ChangedSettings(before, after).empty());
  after.concurrency = 64;
  after.jsonl_path = "/var/log/orauditd/audit.jsonl";
  after.data_dir = "/srv/orauditd";
  after.keys["second"] = KeySource{"SECOND_KEY", ""};
  EXPECT_EQ(ChangedSettings(before, after),
            (std::vector<std::string>{"data_dir", "fetch.concurrency", "sinks.jsonl"}));
}

TEST(ConfigTest, BadValuesNameTheKey) {
  struct Case {
    const char* yaml;
    const char* expected;
  };
  const Case cases[] = {
      {"fetch: { window: 30 minutes }", "fetch.window: bad duration"},
      {"intake: { max_line_bytes: lots }", "intake.max_line_bytes: bad size"},
      {"fetch: { concurrency: 0 }", "fetch.concurrency: expected an integer from 1"},
      {"fetch: { drain_timeout: 0s }", "fetch.drain_timeout: must be above 0"},
      {"fetch: { window: 1m, window: 2m }", "fetch.window: given twice"},
      {"log: { level: info }\nlog: { level: debug }\n", "log: given twice"},
      {"openrouter: { keys: { a: { env: A }, a: { env: B } } }", "a: given twice"},
      {"intake: { socket: { mode: 999 } }", "intake.socket.mode: expected an octal"},
      {"log: { level: loud }", "log.level: expected one of"},
      {"openrouter: { base_url: ftp://x }", "openrouter.base_url: must start with http"},
      {"fetch: { backoff: { initial: 2m, max: 1m } }", "fetch.backoff.initial: must not exceed"},
      {"openrouter: { keys: { default: { env: A, file: B } } }", "give exactly one of env or file"},
      {"intake: { spool: { keep_done: maybe } }", "intake.spool.keep_done: expected true or false"},
  };
  for (const Case& c : cases) {
    auto config = ParseConfig(c.yaml, "t");
    ASSERT_FALSE(config.ok()) << c.yaml;
    EXPECT_NE(config.status().message().find(c.expected), std::string::npos)
        << c.yaml << " -> " << config.status().message();
  }
}

TEST(ConfigTest, KeysFromEnvAndFile) {
  auto config = ParseConfig(R"(
openrouter:
  keys:
    default: { env: MY_KEY }
    batch: { file: batch.key }
)", "t");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->keys.size(), 2u);
  EXPECT_EQ(config->keys.at("batch").file, "batch.key");
}

TEST(ConfigTest, PrintedConfigParsesBackToTheSameValues) {
  auto config = ParseConfig("fetch: { window: 45m, rate_per_second: 12.5 }\n", "t");
  ASSERT_TRUE(config.ok());
  const char* saved = std::getenv("OPENROUTER_API_KEY");
  std::string saved_value = saved ? saved : "";
  setenv("OPENROUTER_API_KEY", "sk-or-v1-never-printed", 1);
  std::string yaml = ConfigToYaml(*config);
  if (saved) {
    setenv("OPENROUTER_API_KEY", saved_value.c_str(), 1);
  } else {
    unsetenv("OPENROUTER_API_KEY");
  }
  auto again = ParseConfig(yaml, "printed");
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << yaml;
  EXPECT_EQ(again->window_ms, 45 * 60 * 1000);
  EXPECT_EQ(again->rate_per_second, 12.5);
  EXPECT_NE(yaml.find("***"), std::string::npos) << "key values are masked";
  EXPECT_EQ(yaml.find("never-printed"), std::string::npos) << yaml;
}

TEST(ConfigTest, RedactUserIdIsOffByDefaultAndPrintedBack) {
  auto config = ParseConfig("privacy: { redact_user_id: true }\n", "t");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->redact_user_id);
  auto again = ParseConfig(ConfigToYaml(*config), "printed");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->redact_user_id);

  auto bad = ParseConfig("privacy: { redact_user_id: sometimes }\n", "t");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("privacy.redact_user_id"), std::string::npos)
      << bad.status().message();
}

TEST(ConfigTest, LogFormatIsTextByDefaultJsonOnRequestAndNothingElse) {
  EXPECT_EQ(ParseConfig("", "t")->log_format, "text");
  auto json = ParseConfig("log: { format: json }\n", "t");
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(json->log_format, "json");
  EXPECT_NE(ConfigToYaml(*json).find("  format: json\n"), std::string::npos);

  auto bad = ParseConfig("log: { format: xml }\n", "t");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("log.format: expected text or json"), std::string::npos)
      << bad.status().ToString();
  auto typo = ParseConfig("log: { fromat: json }\n", "t");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("did you mean log.format?"), std::string::npos)
      << typo.status().ToString();
}

TEST(ConfigTest, MetricsListenMustBeHostColonPortOrNull) {
  EXPECT_EQ(ParseConfig("", "t")->metrics_listen, "127.0.0.1:9464");
  EXPECT_EQ(ParseConfig("metrics: { listen: null }\n", "t")->metrics_listen, "");
  EXPECT_TRUE(ParseConfig("metrics: { listen: \"[::1]:9100\" }\n", "t").ok());
  auto bad = ParseConfig("metrics: { listen: 9464 }\n", "t");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("metrics.listen"), std::string::npos)
      << bad.status().ToString();
}

TEST(ConfigTest, TheSystemdUnitsConfigParses) {
  auto config = LoadConfigFile(std::string(ORAUDITD_SOURCE_DIR) + "/etc/orauditd.service.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->keys.at("default").file, "openrouter_api_key");
  EXPECT_EQ(config->socket_path, "/run/orauditd/intake.sock");
  EXPECT_EQ(config->spool_dir, "/var/spool/orauditd");
  EXPECT_EQ(config->jsonl_path, "/var/log/orauditd/audit.jsonl");
  EXPECT_EQ(config->data_dir, "/var/lib/orauditd");
}

TEST(ConfigTest, MissingFileIsAnErrorNamingIt) {
  testing::TempDir dir;
  auto config = LoadConfigFile(dir.File("nope.yaml"));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("nope.yaml"), std::string::npos);
}

}  // namespace
}  // namespace orauditd
