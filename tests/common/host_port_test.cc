#include "common/host_port.h"

#include <gtest/gtest.h>

namespace orauditd {
namespace {

TEST(HostPortTest, ReadsIpv4NamesAndBracketedIpv6) {
  auto v4 = ParseHostPort("127.0.0.1:9464");
  ASSERT_TRUE(v4.ok()) << v4.status().ToString();
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9464);

  auto name = ParseHostPort("localhost:0");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->host, "localhost");
  EXPECT_EQ(name->port, 0);

  auto v6 = ParseHostPort("[::1]:9464");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->ToString(), "[::1]:9464");
}

TEST(HostPortTest, RefusesWhatIsNotHostColonPort) {
  for (const char* text : {"9464", "127.0.0.1", ":9464", "127.0.0.1:", "127.0.0.1:65536",
                           "127.0.0.1:94x4", "::1:9464"}) {
    auto parsed = ParseHostPort(text);
    EXPECT_FALSE(parsed.ok()) << text;
    if (!parsed.ok()) {
      EXPECT_NE(parsed.status().message().find("HOST:PORT"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace orauditd
