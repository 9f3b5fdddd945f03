#include "pipeline/stages/dedup/slot_index.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::stages::dedup {
namespace {

using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

struct KeyOfVector {
  const std::vector<uint64_t>* keys;
  uint64_t operator()(uint32_t slot) const { return (*keys)[slot]; }
};

std::vector<uint32_t> Find(const SlotIndex<KeyOfVector>& index, uint64_t key) {
  std::vector<uint32_t> found;
  index.ForEach(key, [&](uint32_t slot) { found.push_back(slot); });
  return found;
}

TEST(SlotIndexTest, FindsEverySlotUnderAKey) {
  std::vector<uint64_t> keys = {10, 20, 10, 30, 10};
  SlotIndex<KeyOfVector> index(KeyOfVector{&keys}, 1);
  for (uint32_t slot = 0; slot < keys.size(); ++slot) {
    EXPECT_TRUE(index.Insert(slot));
  }
  EXPECT_EQ(index.size(), 5u);
  EXPECT_THAT(Find(index, 10), UnorderedElementsAre(0, 2, 4));
  EXPECT_THAT(Find(index, 20), UnorderedElementsAre(1));
  EXPECT_THAT(Find(index, 40), IsEmpty());
  index.Remove(2);
  EXPECT_THAT(Find(index, 10), UnorderedElementsAre(0, 4));
  EXPECT_EQ(index.size(), 4u);
}

TEST(SlotIndexTest, CapsSlotsPerKey) {
  std::vector<uint64_t> keys(10, 7);
  SlotIndex<KeyOfVector> index(KeyOfVector{&keys}, 1);
  int inserted = 0;
  for (uint32_t slot = 0; slot < keys.size(); ++slot) {
    inserted += index.Insert(slot, /*max_per_key=*/3);
  }
  EXPECT_EQ(inserted, 3);
  EXPECT_THAT(Find(index, 7), UnorderedElementsAre(0, 1, 2));
}

TEST(SlotIndexTest, MatchesAMultimapUnderRandomInsertsAndRemovals) {
  // Few distinct keys and a small table: long runs, wrap-around and
  // backward shifts across the end of the table all happen.
  std::mt19937_64 rng(42);
  std::vector<uint64_t> keys;
  std::multimap<uint64_t, uint32_t> expected;
  std::vector<uint32_t> live;
  SlotIndex<KeyOfVector> index(KeyOfVector{&keys}, 99);
  for (int step = 0; step < 20000; ++step) {
    if (live.empty() || rng() % 3 != 0) {
      const uint32_t slot = static_cast<uint32_t>(keys.size());
      keys.push_back(rng() % 50);
      ASSERT_TRUE(index.Insert(slot));
      expected.emplace(keys[slot], slot);
      live.push_back(slot);
    } else {
      const size_t pick = rng() % live.size();
      const uint32_t slot = live[pick];
      live[pick] = live.back();
      live.pop_back();
      index.Remove(slot);
      auto range = expected.equal_range(keys[slot]);
      for (auto it = range.first; it != range.second; ++it) {
        if (it->second == slot) {
          expected.erase(it);
          break;
        }
      }
    }
  }
  ASSERT_EQ(index.size(), expected.size());
  for (uint64_t key = 0; key < 50; ++key) {
    std::vector<uint32_t> want;
    auto range = expected.equal_range(key);
    for (auto it = range.first; it != range.second; ++it) {
      want.push_back(it->second);
    }
    EXPECT_THAT(Find(index, key), UnorderedElementsAreArray(want))
        << "key " << key;
  }
  EXPECT_GE(index.capacity() * 7, index.size() * 10);
  EXPECT_EQ(index.allocated_bytes(), index.capacity() * sizeof(uint32_t));
}

TEST(SlotIndexTest, ClearEmpties) {
  std::vector<uint64_t> keys = {1, 2, 3};
  SlotIndex<KeyOfVector> index(KeyOfVector{&keys}, 1);
  for (uint32_t slot = 0; slot < 3; ++slot) index.Insert(slot);
  index.Clear();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_THAT(Find(index, 1), IsEmpty());
}

}  // namespace
}  // namespace wirestream::stages::dedup
