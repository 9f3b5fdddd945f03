#include "pipeline/stages/dedup/disk_entry_store.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/dedup/deduplicator.h"
#include "pipeline/stages/dedup/testing/story_builder.h"

namespace wirestream::stages::dedup {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::wirestream::v1::Story;

const absl::Time kT0 = absl::FromUnixSeconds(1732788000);

std::string TempDir(const std::string& name) {
  return ::testing::TempDir() + name;
}

std::unique_ptr<DiskEntryStore> OpenStore(const std::string& name) {
  auto store = DiskEntryStore::Open(
      DiskStoreOptions{.dir = TempDir(name), .bands = 4, .rows = 2});
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

EntryHeader Header(uint64_t source_story_key, uint64_t text_key,
                   uint32_t cluster) {
  EntryHeader h;
  h.source_story_key = source_story_key;
  h.text_key = text_key;
  h.event_time = 1732788000;
  h.cluster = cluster;
  h.version = 3;
  h.domain = 1;
  h.kind = 2;
  h.flags = kEntryLive;
  return h;
}

std::vector<uint32_t> BySource(EntryStore& store, uint64_t key) {
  std::vector<uint32_t> slots;
  store.ForEachBySource(key, [&](uint32_t slot) { slots.push_back(slot); });
  return slots;
}

std::vector<uint32_t> InBand(EntryStore& store, int band, uint64_t key) {
  std::vector<uint32_t> slots;
  store.ForEachInBand(band, key, [&](uint32_t slot) { slots.push_back(slot); });
  return slots;
}

TEST(DiskEntryStoreTest, OpenFailsWhereNoDirectoryCanBeMade) {
  const std::string file = TempDir("a-file");
  std::ofstream(file) << "not a directory";
  auto store = DiskEntryStore::Open(DiskStoreOptions{.dir = file + "/state"});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(store.status().message(),
              HasSubstr("cannot create the dedup state directory"));
  EXPECT_EQ(DiskEntryStore::Open(DiskStoreOptions{}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DiskEntryStoreTest, KeepsFindsAndRemovesEntries) {
  auto store = OpenStore("entries");
  ASSERT_NE(store, nullptr);
  const std::vector<uint8_t> signature = {1, 2, 3, 4, 5, 6, 7, 8};
  EntitySketch numbers = MakeEntitySketch({10, 20});
  const uint32_t cluster = store->NewCluster("story-1");
  const uint32_t slot = store->Add(Header(77, 88, cluster), signature, numbers,
                                   EntitySketch{}, EntitySketch{}, "story-2");
  EXPECT_THAT(BySource(*store, 77), IsEmpty());  // not indexed yet
  store->Index(slot, 64);
  EXPECT_THAT(BySource(*store, 77), ElementsAre(slot));
  std::vector<uint32_t> by_text;
  store->ForEachByText(88, [&](uint32_t s) { by_text.push_back(s); });
  EXPECT_THAT(by_text, ElementsAre(slot));
  EXPECT_THAT(InBand(*store, 1, BandKeyOf(signature.data(), 1, 2)),
              ElementsAre(slot));
  EXPECT_THAT(InBand(*store, 1, 0x0102), IsEmpty());

  const EntryView& e = store->Get(slot);
  EXPECT_EQ(e.header.source_story_key, 77u);
  EXPECT_EQ(e.header.version, 3);
  EXPECT_EQ(e.header.cluster, cluster);
  EXPECT_EQ(e.header.indexed_bands, 0xFu);
  EXPECT_EQ(e.header.flags, kEntryLive | kEntryComparable | kEntryIndexed);
  ASSERT_NE(e.signature, nullptr);
  EXPECT_EQ(std::vector<uint8_t>(e.signature, e.signature + 8), signature);
  EXPECT_EQ(*e.numbers, numbers);
  EXPECT_EQ(e.own_id, "story-2");
  EXPECT_GT(store->bytes().accounted, 0);

  store->Remove(slot);
  EXPECT_THAT(BySource(*store, 77), IsEmpty());
  EXPECT_THAT(InBand(*store, 1, BandKeyOf(signature.data(), 1, 2)), IsEmpty());
  EXPECT_EQ(store->Get(slot).header.flags, 0);
  // Only the cluster's record is left.
  EXPECT_EQ(store->bytes().accounted, 10 + 5 + 7);
  EXPECT_EQ(store->Add(Header(1, 2, cluster), {}, {}, {}, {}, ""), slot);
}

TEST(DiskEntryStoreTest, FullBucketsLeaveBandsOut) {
  auto store = OpenStore("buckets");
  ASSERT_NE(store, nullptr);
  const std::vector<uint8_t> signature = {9, 9, 9, 9, 9, 9, 9, 9};
  const uint32_t cluster = store->NewCluster("c");
  std::vector<uint32_t> slots;
  for (int i = 0; i < 3; ++i) {
    slots.push_back(store->Add(Header(100 + i, 200 + i, cluster), signature, {},
                               {}, {}, absl::StrCat("s", i)));
    store->Index(slots.back(), /*max_bucket_entries=*/2);
  }
  EXPECT_EQ(store->Get(slots[1]).header.indexed_bands, 0xFu);
  EXPECT_EQ(store->Get(slots[2]).header.indexed_bands, 0u);
  EXPECT_THAT(InBand(*store, 0, 0x0909), ElementsAre(slots[0], slots[1]));
  // The left-out entry is still found by its exact keys.
  EXPECT_THAT(BySource(*store, 102), ElementsAre(slots[2]));
}

TEST(DiskEntryStoreTest, ClustersCountReferences) {
  auto store = OpenStore("clusters");
  ASSERT_NE(store, nullptr);
  const uint32_t a = store->NewCluster("story-a");
  const uint32_t b = store->NewCluster("story-b");
  EXPECT_NE(a, b);
  store->RetainCluster(a);
  store->SetClusterKilled(a, true);
  EXPECT_TRUE(store->ClusterKilled(a));
  EXPECT_FALSE(store->ClusterKilled(b));
  EXPECT_EQ(store->ClusterId(a), "story-a");
  EXPECT_FALSE(store->ReleaseCluster(a));
  EXPECT_EQ(store->ClusterId(a), "story-a");
  EXPECT_TRUE(store->ReleaseCluster(a));
  // A freed cluster is handed out again, fresh.
  EXPECT_EQ(store->NewCluster("story-c"), a);
  EXPECT_EQ(store->ClusterId(a), "story-c");
  EXPECT_FALSE(store->ClusterKilled(a));
}

TEST(DiskEntryStoreTest, ClosingDeletesTheDatabase) {
  const std::string dir = TempDir("closed");
  {
    auto store = OpenStore("closed");
    ASSERT_NE(store, nullptr);
    store->NewCluster("story-a");
    EXPECT_FALSE(std::filesystem::is_empty(dir));
  }
  EXPECT_TRUE(!std::filesystem::exists(dir) || std::filesystem::is_empty(dir));
}

TEST(DiskEntryStoreTest, OpeningWipesWhatWasThere) {
  auto first = OpenStore("reopened");
  ASSERT_NE(first, nullptr);
  const uint32_t cluster = first->NewCluster("story-a");
  first->Index(first->Add(Header(5, 6, cluster), {}, {}, {}, {}, ""), 64);
  // A worker killed without closing leaves its files; the next one starts
  // empty, and the changelog restores it.
  auto second = DiskEntryStore::Open(DiskStoreOptions{.dir = TempDir("other")});
  ASSERT_TRUE(second.ok());
  first.reset();
  auto reopened = OpenStore("reopened");
  ASSERT_NE(reopened, nullptr);
  EXPECT_THAT(BySource(*reopened, 5), IsEmpty());
  EXPECT_EQ(reopened->bytes().accounted, 0);
}

Story LocalStory(int i, absl::Time t) {
  return StoryBuilder(absl::StrCat("s", i))
      .Source("ap", absl::StrCat("ap-", i), 1)
      .Headline(absl::StrCat("Story number ", i, " about a local event"))
      .Paragraph(
          absl::StrCat("Paragraph ", i, " describing what happened in town."))
      .Time(t)
      .Build();
}

TEST(DiskDeduplicatorTest, BudgetEvictsTheOldestFromDisk) {
  DeduplicatorConfig config;
  config.state_dir = TempDir("budget");
  auto dedup = Deduplicator::Create(config);
  ASSERT_TRUE(dedup.ok()) << dedup.status();
  std::vector<StateChange> changes;
  (*dedup)->Judge(LocalStory(1, kT0 + absl::Minutes(10)), kT0, &changes);
  const int64_t per_entry = (*dedup)->stats().bytes;
  EXPECT_GT(per_entry, 0);
  (*dedup)->set_memory_budget(3 * per_entry + per_entry / 2);
  (*dedup)->Judge(LocalStory(2, kT0), kT0, &changes);
  (*dedup)->Judge(LocalStory(3, kT0 + absl::Minutes(20)), kT0, &changes);
  changes.clear();
  (*dedup)->Judge(LocalStory(4, kT0 + absl::Minutes(30)), kT0, &changes);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].key, "en/s2");
  EXPECT_EQ(changes[1].value, std::nullopt);
  const DedupStats stats = (*dedup)->stats();
  EXPECT_EQ(stats.entries, 3);
  EXPECT_EQ(stats.evictions, 1);
  // The evicted story is forgotten; a kept one is still known.
  changes.clear();
  EXPECT_EQ((*dedup)->Judge(LocalStory(2, kT0), kT0, &changes).kind(),
            wirestream::v1::DEDUP_KIND_NEW);
  EXPECT_EQ((*dedup)
                ->Judge(LocalStory(4, kT0 + absl::Minutes(30)), kT0, &changes)
                .kind(),
            wirestream::v1::DEDUP_KIND_DUPLICATE);
}

TEST(DiskDeduplicatorTest, MemoryStaysWithinTheCache) {
  DeduplicatorConfig config;
  config.state_dir = TempDir("memory");
  config.disk_cache_bytes = int64_t{4} << 20;
  auto dedup = Deduplicator::Create(config);
  ASSERT_TRUE(dedup.ok()) << dedup.status();
  std::vector<StateChange> changes;
  for (int i = 0; i < 3000; ++i) {
    (*dedup)->Judge(LocalStory(i, kT0 + absl::Seconds(i)), kT0, &changes);
  }
  const DedupStats stats = (*dedup)->stats();
  EXPECT_EQ(stats.entries, 3000);
  EXPECT_GT(stats.bytes, 3000 * 100);
  // Cache and write buffers (4 MB), the time order and free lists.
  EXPECT_LE(stats.allocated_bytes, int64_t{5} << 20);
  EXPECT_GT(stats.allocated_bytes, 0);
}

}  // namespace
}  // namespace wirestream::stages::dedup
