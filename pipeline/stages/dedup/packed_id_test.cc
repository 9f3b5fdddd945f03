#include "pipeline/stages/dedup/packed_id.h"

#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace wirestream::stages::dedup {
namespace {

TEST(PackedIdTest, IsOnePointer) { EXPECT_EQ(sizeof(PackedId), 8u); }

TEST(PackedIdTest, EmptyHoldsNothing) {
  PackedId id;
  EXPECT_TRUE(id.empty());
  EXPECT_EQ(id.view(), "");
  EXPECT_EQ(id.heap_bytes(), 0);
  id.Assign("");
  EXPECT_TRUE(id.empty());
}

TEST(PackedIdTest, KeepsTheBytes) {
  const std::string raw("urn:newsml:example.com:20250301:a1\0b", 36);
  PackedId id(raw);
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(id.view(), raw);
  EXPECT_EQ(id.view().size(), 36u);
}

TEST(PackedIdTest, AssignReplacesAndClearFrees) {
  PackedId id("story-1");
  id.Assign("story-22");
  EXPECT_EQ(id.view(), "story-22");
  id.Clear();
  EXPECT_TRUE(id.empty());
  EXPECT_EQ(id.heap_bytes(), 0);
}

TEST(PackedIdTest, MovesWithoutCopying) {
  PackedId a("story-7");
  const char* bytes = a.view().data();
  PackedId b = std::move(a);
  EXPECT_EQ(b.view(), "story-7");
  EXPECT_EQ(b.view().data(), bytes);
}

TEST(PackedIdTest, HeapBytesFollowMallocSizes) {
  // 4 + 12 + 8 = 24 -> the 32-byte minimum chunk.
  EXPECT_EQ(PackedId("bench-123456").heap_bytes(), 32);
  // 4 + 44 + 8 = 56 -> 64.
  EXPECT_EQ(PackedId(std::string(44, 'x')).heap_bytes(), 64);
}

}  // namespace
}  // namespace wirestream::stages::dedup
