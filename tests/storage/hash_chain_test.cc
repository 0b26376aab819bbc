#include "storage/hash_chain.h"

#include <gtest/gtest.h>

#include "storage/row_json.h"
#include "tests/storage/row_fixtures.h"

namespace orauditd {
namespace {

// Computed outside this code base, with Python's hashlib over the golden
// canonical forms (docs/hash-chain.md):
//   prev = "0" * 64
//   for canon in (A, B, C):
//       prev = hashlib.sha256((prev + "\n" + canon).encode()).hexdigest()
constexpr char kHashA[] = "ba4d1864f38b1026d147e9827a463386b96763549ebc11e07b4cf5f23fd524a7";
constexpr char kHashB[] = "e189741995115564d745c4a16abe7db49c6e5376676ef091e6eb9ba93327dd93";
constexpr char kHashC[] = "601da41b017fe30493ab78804bace4a977fc4dfe2acdaf264c88c1bd98a24845";

TEST(HashChainTest, GenesisIsSixtyFourZeros) {
  EXPECT_EQ(std::string(kGenesisHash), std::string(64, '0'));
}

TEST(HashChainTest, ThreeRowChainMatchesAnIndependentComputation) {
  EXPECT_EQ(ComputeRowHash(kGenesisHash, fixtures::GoldenRowA()), kHashA);
  EXPECT_EQ(ComputeRowHash(kHashA, fixtures::GoldenRowB()), kHashB);
  EXPECT_EQ(ComputeRowHash(kHashB, fixtures::GoldenRowC()), kHashC);
}

TEST(HashChainTest, SealLinksRowsAndAdvances) {
  HashChain chain(kGenesisHash);
  Row a = fixtures::GoldenRowA();
  Row b = fixtures::GoldenRowB();
  Row c = fixtures::GoldenRowC();
  chain.Seal(&a);
  chain.Seal(&b);
  chain.Seal(&c);
  EXPECT_EQ(a.prev_hash, kGenesisHash);
  EXPECT_EQ(a.row_hash, kHashA);
  EXPECT_EQ(b.prev_hash, kHashA);
  EXPECT_EQ(b.row_hash, kHashB);
  EXPECT_EQ(c.prev_hash, kHashB);
  EXPECT_EQ(c.row_hash, kHashC);
  EXPECT_EQ(chain.last_hash(), kHashC);
}

TEST(HashChainTest, ContinuesFromAStoredHead) {
  HashChain chain(kHashB);
  Row c = fixtures::GoldenRowC();
  chain.Seal(&c);
  EXPECT_EQ(c.row_hash, kHashC);
}

TEST(HashChainTest, HashIgnoresTheRowsOwnHashFields) {
  Row a = fixtures::GoldenRowA();
  a.prev_hash = "something else";
  a.row_hash = "stale";
  EXPECT_EQ(ComputeRowHash(kGenesisHash, a), kHashA);
}

// The queue seals with one serialization of the row; the result must be
// what hashing and serializing separately give, also where a string needs
// repair and where metadata holds a member named like the hash.
TEST(HashChainTest, SealingToALineMatchesHashingAndSerializingApart) {
  Row odd = fixtures::GoldenRowB();
  odd.model_used = std::string("bad \xff utf-8");
  odd.metadata = "{\"row_hash\":\"" + std::string(64, '0') + "\"}";
  Row rows[] = {fixtures::GoldenRowA(), fixtures::GoldenRowB(), fixtures::GoldenRowC(), odd};
  std::string prev = kGenesisHash;
  for (Row& row : rows) {
    Row expected = row;
    expected.prev_hash = prev;
    expected.row_hash = ComputeRowHash(prev, row);

    std::string line = SealRowToJsonLine(prev, &row);
    EXPECT_EQ(row.prev_hash, expected.prev_hash);
    EXPECT_EQ(row.row_hash, expected.row_hash);
    EXPECT_EQ(line, RowToJsonLine(expected));
    prev = row.row_hash;
  }
  EXPECT_EQ(rows[0].row_hash, kHashA);
  EXPECT_EQ(rows[2].row_hash, kHashC);
}

TEST(HashChainTest, AnyChangeChangesTheHash) {
  Row base = fixtures::GoldenRowA();
  std::vector<Row> edits(5, base);
  edits[0].total_cost = 8.41006e-05;
  edits[1].seq = 2;
  edits[2].streamed = std::nullopt;
  edits[3].metadata = "{\"a\":\"1\"}";
  edits[4].timestamp_ms += 1;
  for (const Row& edited : edits) {
    EXPECT_NE(ComputeRowHash(kGenesisHash, edited), kHashA);
  }
  EXPECT_NE(ComputeRowHash(kHashA, base), kHashA);
}

}  // namespace
}  // namespace orauditd
