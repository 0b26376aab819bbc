#include "common/prompt_hash.h"

#include <gtest/gtest.h>

#include <string>

#include "common/canonical_json.h"

namespace orauditd {
namespace {

TEST(Sha256HexTest, KnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// RFC 4231 test cases 1 and 2.
TEST(HmacSha256HexTest, Rfc4231Vectors) {
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(PromptHasherTest, EmptySecretIsPlainSha256) {
  PromptHasher hasher("");
  EXPECT_FALSE(hasher.keyed());
  EXPECT_EQ(hasher.Hash("abc"), Sha256Hex("abc"));
}

TEST(PromptHasherTest, SecretGivesHmac) {
  PromptHasher hasher("Jefe");
  EXPECT_TRUE(hasher.keyed());
  EXPECT_EQ(hasher.Hash("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// Expected values from Python:
//   c = json.dumps(msgs, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
//   hashlib.sha256(c.encode()).hexdigest()
//   hmac.new(b"s3cret", c.encode(), hashlib.sha256).hexdigest()
TEST(PromptHasherTest, MessagesHashMatchesAnIndependentComputation) {
  StatusOr<std::string> canonical = CanonicalJson(
      R"([{"role": "system", "content": "You are terse."},
          {"role": "user", "content": "H\u00e9llo, w\u00f6rld! \ud83d\udc4b"}])");
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(*canonical,
            "[{\"content\":\"You are terse.\",\"role\":\"system\"},"
            "{\"content\":\"H\xC3\xA9llo, w\xC3\xB6rld! \xF0\x9F\x91\x8B\",\"role\":\"user\"}]");
  EXPECT_EQ(PromptHasher("").Hash(*canonical),
            "06c9fe96ca6cb289715b845674042a60263126692876fd35b1ee6edacd67a5a7");
  EXPECT_EQ(PromptHasher("s3cret").Hash(*canonical),
            "54bb5e495e52e8aa4edbd3ce36defaf7480877e1557b97ab72160e1c27971275");
}

}  // namespace
}  // namespace orauditd
