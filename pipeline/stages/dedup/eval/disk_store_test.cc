// The disk store must judge exactly like the memory store: same verdicts,
// same changelog, on every story of the evaluation set, live and after a
// restore.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/dedup/deduplicator.h"
#include "pipeline/stages/dedup/eval/evaluation_set.h"

namespace wirestream::stages::dedup {
namespace {

DeduplicatorConfig OnDisk(const std::string& name) {
  DeduplicatorConfig config;
  config.state_dir = ::testing::TempDir() + name;
  return config;
}

class DiskStoreTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(DiskStoreTest, JudgesLikeTheMemoryStore) {
  auto set = LoadEvaluationSet(EvaluationDataDir(nullptr), GetParam());
  ASSERT_TRUE(set.ok()) << set.status();
  auto memory = Deduplicator::Create(DeduplicatorConfig{});
  auto disk = Deduplicator::Create(OnDisk(absl::StrCat("live-", GetParam())));
  ASSERT_TRUE(memory.ok() && disk.ok()) << disk.status();
  int near_duplicates = 0;
  for (const LabeledStory& s : set->stories) {
    std::vector<StateChange> memory_changes, disk_changes;
    const auto a = (*memory)->Judge(s.story, s.arrival, &memory_changes);
    const auto b = (*disk)->Judge(s.story, s.arrival, &disk_changes);
    ASSERT_EQ(a.DebugString(), b.DebugString()) << s.story.id();
    ASSERT_EQ(memory_changes, disk_changes) << s.story.id();
    near_duplicates += a.kind() == wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE;
  }
  EXPECT_GT(near_duplicates, 350);
  const DedupStats m = (*memory)->stats();
  const DedupStats d = (*disk)->stats();
  EXPECT_EQ(m.entries, d.entries);
  EXPECT_EQ(m.candidates, d.candidates);
  EXPECT_EQ(m.verdicts, d.verdicts);
  EXPECT_EQ(m.disk_bytes, 0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, DiskStoreTest, ::testing::Values(1, 2, 3));

TEST(DiskStoreRestoreTest, RestoredStateJudgesLikeTheMemoryStore) {
  auto set = LoadEvaluationSet(EvaluationDataDir(nullptr), 4);
  ASSERT_TRUE(set.ok()) << set.status();
  const size_t half = set->stories.size() / 2;
  auto writer = Deduplicator::Create(DeduplicatorConfig{});
  ASSERT_TRUE(writer.ok());
  std::vector<StateChange> changelog;
  for (size_t i = 0; i < half; ++i) {
    (*writer)->Judge(set->stories[i].story, set->stories[i].arrival,
                     &changelog);
  }
  auto memory = Deduplicator::Create(DeduplicatorConfig{});
  auto disk = Deduplicator::Create(OnDisk("restored"));
  ASSERT_TRUE(memory.ok() && disk.ok()) << disk.status();
  for (Deduplicator* d : {memory->get(), disk->get()}) {
    for (const StateChange& c : changelog) {
      d->Restore(c.key, c.value ? std::optional<absl::string_view>(*c.value)
                                : std::nullopt);
    }
    std::vector<StateChange> dropped;
    d->FinishRestore(&dropped);
    EXPECT_TRUE(dropped.empty());
  }
  EXPECT_EQ((*disk)->stats().entries, (*writer)->stats().entries);
  EXPECT_EQ((*disk)->stats().restored_entries, (*writer)->stats().entries);
  int exact = 0;
  for (size_t i = half; i < set->stories.size(); ++i) {
    const LabeledStory& s = set->stories[i];
    std::vector<StateChange> memory_changes, disk_changes;
    const auto a = (*memory)->Judge(s.story, s.arrival, &memory_changes);
    const auto b = (*disk)->Judge(s.story, s.arrival, &disk_changes);
    ASSERT_EQ(a.DebugString(), b.DebugString()) << s.story.id();
    ASSERT_EQ(memory_changes, disk_changes) << s.story.id();
    exact += a.kind() == wirestream::v1::DEDUP_KIND_DUPLICATE;
  }
  // Re-sends of stories judged before the restore are caught.
  EXPECT_GT(exact, 50);
}

}  // namespace
}  // namespace wirestream::stages::dedup
