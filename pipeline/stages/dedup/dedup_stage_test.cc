#include "pipeline/stages/dedup/dedup_stage.h"

#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/dedup/testing/fake_changelog.h"
#include "pipeline/stages/dedup/testing/story_builder.h"
#include "prometheus/registry.h"
#include "wirestream/v1/dedup_state.pb.h"
#include "wirestream/v1/dedup_verdict.pb.h"

namespace wirestream::stages::dedup {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::wirestream::v1::DedupedStory;
using ::wirestream::v1::Story;

const absl::Time kT0 = absl::FromUnixSeconds(1732788000);

Story Quake(absl::string_view id, absl::string_view source,
            absl::string_view ssid, int version = 1, absl::Time t = kT0) {
  return StoryBuilder(id)
      .Source(source, ssid, version)
      .Headline(
          "Strong earthquake shakes northern Japan, tsunami warning "
          "issued")
      .Paragraph(
          "A magnitude 6.8 earthquake struck off the coast of northern "
          "Japan on Thursday, the Japan Meteorological Agency said, "
          "prompting a tsunami warning for Aomori and Iwate "
          "prefectures.")
      .Paragraph(
          "The quake hit at 5:42 p.m. local time at a depth of 20 "
          "kilometres, the agency said. Waves of up to one metre were "
          "expected along the Pacific coast.")
      .Paragraph(
          "There were no immediate reports of damage or injuries. "
          "Tohoku Electric Power said it was checking its Higashidori "
          "nuclear plant.")
      .Paragraph(
          "East Japan Railway suspended some Shinkansen bullet train "
          "services between Tokyo and Shin-Aomori as a precaution.")
      .Dateline("TOKYO", "Nov. 28")
      .Time(t)
      .Build();
}

// Another outlet's edit: new headline, last paragraph dropped.
Story QuakeRewrite(absl::string_view id) {
  return StoryBuilder(id)
      .Source("nippon-daily", id, 1)
      .Headline("Tsunami warning after 6.8 quake off northern Japan")
      .Paragraph(
          "A magnitude 6.8 earthquake struck off the coast of northern "
          "Japan on Thursday, the Japan Meteorological Agency said, "
          "prompting a tsunami warning for Aomori and Iwate "
          "prefectures.")
      .Paragraph(
          "The quake hit at 5:42 p.m. local time at a depth of 20 "
          "kilometres, the agency said. Waves of up to one metre were "
          "expected along the Pacific coast.")
      .Paragraph(
          "There were no immediate reports of damage or injuries. "
          "Tohoku Electric Power said it was checking its Higashidori "
          "nuclear plant.")
      .Dateline("TOKYO", "Nov. 28")
      .Time(kT0 + absl::Minutes(20))
      .Build();
}

runtime::InputRecord Record(const Story& story, int32_t partition = 0,
                            int64_t offset = 0) {
  runtime::InputRecord record;
  record.topic = "wire.stories";
  record.partition = partition;
  record.offset = offset;
  record.key = "en";
  record.value = story.SerializeAsString();
  record.headers = {{"trace", "t-1"}};
  record.timestamp = kT0;
  return record;
}

std::unique_ptr<DedupStage> MakeStage(DedupStageConfig config = {}) {
  auto stage = DedupStage::Create(config);
  EXPECT_TRUE(stage.ok()) << stage.status();
  return *std::move(stage);
}

// The outputs for the stage's output topics (not the changelog).
std::vector<const runtime::OutputRecord*> StoryOutputs(
    const std::vector<runtime::OutputRecord>& outputs) {
  std::vector<const runtime::OutputRecord*> found;
  for (const auto& out : outputs) {
    if (out.topic != "wire.dedup.state") found.push_back(&out);
  }
  return found;
}

DedupedStory ParseDeduped(const runtime::OutputRecord& out) {
  DedupedStory deduped;
  EXPECT_TRUE(deduped.ParseFromString(out.value));
  return deduped;
}

TEST(DedupStageConfigTest, ParsesActionsAndRejectsBadConfig) {
  EXPECT_EQ(*ParseDuplicateAction("route"), DuplicateAction::kRoute);
  EXPECT_EQ(ParseDuplicateAction("keep").status().code(),
            absl::StatusCode::kInvalidArgument);
  DedupStageConfig config;
  config.changelog_topic = "";
  EXPECT_EQ(DedupStage::Create(config).status().code(),
            absl::StatusCode::kInvalidArgument);
  config = {};
  config.on_duplicate = DuplicateAction::kRoute;
  config.duplicates_topic = "";
  EXPECT_EQ(DedupStage::Create(config).status().code(),
            absl::StatusCode::kInvalidArgument);
  config = {};
  config.dedup.bands = 0;
  EXPECT_EQ(DedupStage::Create(config).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DedupStageTest, DeadLettersWhatIsNotAStory) {
  auto stage = MakeStage();
  EXPECT_EQ(stage->name(), "dedup");
  runtime::InputRecord record;
  record.value = std::string(
      "\x0a\x7f"
      "abc",
      5);
  auto out = stage->Process(record);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(runtime::DeadLetterReasonOf(out.status()),
            wirestream::v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD);
  out = stage->Process(Record(StoryBuilder("").Headline("No id").Build()));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(runtime::DeadLetterReasonOf(out.status()),
            wirestream::v1::DEAD_LETTER_REASON_INVALID_CONTENT);
}

TEST(DedupStageTest, NewStoryGoesOutWithItsVerdictAndAChangelogRecord) {
  auto stage = MakeStage();
  auto out = stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1"), 3));
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_THAT(*out, SizeIs(2));
  const runtime::OutputRecord& story = (*out)[0];
  EXPECT_EQ(story.topic, "");
  EXPECT_EQ(story.key, "rtr-q-1");
  EXPECT_EQ(story.partition, std::nullopt);
  EXPECT_THAT(story.headers,
              ElementsAre(runtime::RecordHeader{"trace", "t-1"}));
  EXPECT_EQ(story.story_received_at, kT0 + absl::Minutes(1));
  DedupedStory deduped = ParseDeduped(story);
  EXPECT_EQ(deduped.story().id(), "rtr-q-1");
  EXPECT_EQ(deduped.verdict().kind(), wirestream::v1::DEDUP_KIND_NEW);
  EXPECT_EQ(deduped.verdict().cluster_id(), "rtr-q-1");
  EXPECT_EQ(deduped.verdict().domain(), "en");

  const runtime::OutputRecord& state = (*out)[1];
  EXPECT_EQ(state.topic, "wire.dedup.state");
  EXPECT_EQ(state.partition, 3);
  EXPECT_EQ(state.key, "en/rtr-q-1");
  EXPECT_FALSE(state.tombstone);
  wirestream::v1::DedupStateEntry entry;
  ASSERT_TRUE(entry.ParseFromString(state.value));
  EXPECT_EQ(entry.story_id(), "rtr-q-1");
}

TEST(DedupStageTest, DuplicatesAreDroppedNearDuplicatesPassByDefault) {
  auto stage = MakeStage();
  ASSERT_TRUE(stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1"))).ok());
  auto out = stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1")));
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, IsEmpty());  // dropped; nothing new to remember
  out = stage->Process(Record(QuakeRewrite("nd-7")));
  ASSERT_TRUE(out.ok());
  auto stories = StoryOutputs(*out);
  ASSERT_THAT(stories, SizeIs(1));
  // Keyed by its cluster, like the story it rewrites: alert sees both on
  // one partition.
  EXPECT_EQ(stories[0]->key, "rtr-q-1");
  DedupedStory deduped = ParseDeduped(*stories[0]);
  EXPECT_EQ(deduped.verdict().kind(),
            wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE);
  EXPECT_EQ(deduped.verdict().cluster_id(), "rtr-q-1");
  EXPECT_EQ(deduped.verdict().matched_story_id(), "rtr-q-1");
  EXPECT_GE(deduped.verdict().similarity(), 0.6f);

  const DedupStageStats stats = stage->stats();
  EXPECT_EQ(stats.state.verdicts[wirestream::v1::DEDUP_KIND_NEW], 1);
  EXPECT_EQ(stats.state.verdicts[wirestream::v1::DEDUP_KIND_DUPLICATE], 1);
  EXPECT_EQ(stats.state.verdicts[wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE], 1);
  EXPECT_EQ(stats.state.entries, 2);
  EXPECT_GT(stats.state.bytes_per_entry(), 0);
}

TEST(DedupStageTest, ActionsRouteOrDropByVerdict) {
  DedupStageConfig config;
  config.on_duplicate = DuplicateAction::kRoute;
  config.on_near_duplicate = DuplicateAction::kDrop;
  config.duplicates_topic = "wire.dupes";
  auto stage = MakeStage(config);
  ASSERT_TRUE(stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1"))).ok());
  auto out = stage->Process(Record(Quake("afp-3", "afp", "afp-3")));
  ASSERT_TRUE(out.ok());
  ASSERT_THAT(*out, SizeIs(1));
  EXPECT_EQ((*out)[0].topic, "wire.dupes");
  EXPECT_EQ((*out)[0].key, "rtr-q-1");  // the cluster it duplicates
  EXPECT_EQ(ParseDeduped((*out)[0]).verdict().method(), "text-hash");
  out = stage->Process(Record(QuakeRewrite("nd-7")));
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(StoryOutputs(*out), IsEmpty());
  EXPECT_THAT(*out, SizeIs(1));  // its changelog record
}

TEST(DedupStageTest, UpdatesAndKillsAlwaysPass) {
  DedupStageConfig config;
  config.on_near_duplicate = DuplicateAction::kDrop;
  auto stage = MakeStage(config);
  ASSERT_TRUE(stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1"))).ok());
  Story v2 = Quake("rtr-q-2", "reuters", "q-1", 2, kT0 + absl::Minutes(30));
  v2.add_paragraphs("A second quake of magnitude 5.1 struck an hour later.");
  auto out = stage->Process(Record(v2));
  ASSERT_TRUE(out.ok());
  auto stories = StoryOutputs(*out);
  ASSERT_THAT(stories, SizeIs(1));
  EXPECT_EQ(ParseDeduped(*stories[0]).verdict().kind(),
            wirestream::v1::DEDUP_KIND_UPDATE);
  Story kill = Quake("rtr-q-3", "reuters", "q-1", 3, kT0 + absl::Hours(1));
  kill.set_pub_status(wirestream::v1::PUB_STATUS_CANCELED);
  out = stage->Process(Record(kill));
  ASSERT_TRUE(out.ok());
  stories = StoryOutputs(*out);
  ASSERT_THAT(stories, SizeIs(1));
  EXPECT_EQ(ParseDeduped(*stories[0]).verdict().kind(),
            wirestream::v1::DEDUP_KIND_KILL);
  EXPECT_EQ(ParseDeduped(*stories[0]).verdict().cluster_id(), "rtr-q-1");
}

// Returns the value of `name`{stage="dedup", label=value} in `registry`
// (a counter's or gauge's), or -1 when there is none.
double MetricValue(prometheus::Registry& registry, const std::string& name,
                   const std::string& label = "",
                   const std::string& value = "") {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      bool match = label.empty();
      bool dedup = false;
      for (const prometheus::ClientMetric::Label& l : metric.label) {
        if (l.name == "stage" && l.value == "dedup") dedup = true;
        if (l.name == label && l.value == value) match = true;
      }
      if (!dedup || !match) continue;
      if (family.type == prometheus::MetricType::Gauge)
        return metric.gauge.value;
      return metric.counter.value;
    }
  }
  return -1;
}

TEST(DedupStageMetricsTest, VerdictsAndStateSizeAreReadBackExactly) {
  prometheus::Registry registry;
  auto stage = MakeStage();
  stage->RegisterMetrics(registry);
  EXPECT_EQ(MetricValue(registry, "wirestream_dedup_verdicts_total", "verdict",
                        "new"),
            0);
  ASSERT_TRUE(stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1"))).ok());
  ASSERT_TRUE(stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1"))).ok());
  ASSERT_TRUE(stage->Process(Record(Quake("afp-3", "afp", "afp-3"))).ok());
  ASSERT_TRUE(stage->Process(Record(QuakeRewrite("nd-7"))).ok());
  Story v2 = Quake("rtr-q-2", "reuters", "q-1", 2, kT0 + absl::Minutes(30));
  v2.add_paragraphs("A second quake of magnitude 5.1 struck an hour later.");
  ASSERT_TRUE(stage->Process(Record(v2)).ok());
  Story kill = Quake("rtr-q-3", "reuters", "q-1", 3, kT0 + absl::Hours(1));
  kill.set_pub_status(wirestream::v1::PUB_STATUS_CANCELED);
  ASSERT_TRUE(stage->Process(Record(kill)).ok());

  const std::string verdicts = "wirestream_dedup_verdicts_total";
  EXPECT_EQ(MetricValue(registry, verdicts, "verdict", "new"), 1);
  EXPECT_EQ(MetricValue(registry, verdicts, "verdict", "duplicate"), 2);
  EXPECT_EQ(MetricValue(registry, verdicts, "verdict", "near_duplicate"), 1);
  EXPECT_EQ(MetricValue(registry, verdicts, "verdict", "update"), 1);
  EXPECT_EQ(MetricValue(registry, verdicts, "verdict", "kill"), 1);
  const DedupStageStats stats = stage->stats();
  EXPECT_EQ(MetricValue(registry, "wirestream_dedup_state_entries"),
            stats.state.entries);
  EXPECT_EQ(MetricValue(registry, "wirestream_dedup_state_bytes"),
            stats.state.bytes);
  EXPECT_EQ(MetricValue(registry, "wirestream_dedup_state_memory_bytes"),
            stats.state.allocated_bytes);
  EXPECT_GT(stats.state.allocated_bytes, 0);
  EXPECT_EQ(MetricValue(registry, "wirestream_dedup_state_disk_bytes"), 0);
  EXPECT_GT(stats.state.entries, 0);
  EXPECT_EQ(MetricValue(registry, "wirestream_dedup_evictions_total", "reason",
                        "budget"),
            0);
  EXPECT_EQ(MetricValue(registry, "wirestream_dedup_evictions_total", "reason",
                        "expired"),
            0);
}

Story Flood(absl::string_view id, absl::Time t = kT0) {
  return StoryBuilder(id)
      .Source("ap", id, 1)
      .Headline("Floods force thousands from homes in Valencia")
      .Paragraph(
          "Flash floods forced more than 3,000 people from their "
          "homes around Valencia on Thursday, officials said.")
      .Time(t)
      .Build();
}

// A stage whose partitions keep their state on disk, in the test's
// temporary directory.
DedupStageConfig OnDisk(const std::string& name) {
  DedupStageConfig config;
  config.dedup.state_dir = ::testing::TempDir() + name;
  return config;
}

void ExpectRestartRestoresStateFromTheChangelog(
    DedupStageConfig first_config, DedupStageConfig second_config) {
  FakeChangelog changelog;
  auto first = MakeStage(first_config);
  first->AttachChangelog(&changelog);
  ASSERT_TRUE(
      first->OnPartitionsAssigned({{"wire.stories", 0}, {"wire.stories", 1}})
          .ok());
  EXPECT_EQ(changelog.replays(), 2);
  changelog.Append(
      *first->Process(Record(Quake("rtr-q-1", "reuters", "q-1"), 0)));
  changelog.Append(*first->Process(Record(Flood("ap-f-1"), 1)));
  EXPECT_THAT(changelog.log(0), SizeIs(1));
  EXPECT_THAT(changelog.log(1), SizeIs(1));

  // Restart: a new stage restores partition 0 before its first record.
  auto second = MakeStage(second_config);
  second->AttachChangelog(&changelog);
  ASSERT_TRUE(second->OnPartitionsAssigned({{"wire.stories", 0}}).ok());
  EXPECT_EQ(changelog.replays(), 3);
  DedupStageStats stats = second->stats();
  EXPECT_EQ(stats.partitions, 1);
  EXPECT_EQ(stats.restores, 1);
  EXPECT_EQ(stats.state.entries, 1);
  EXPECT_EQ(stats.state.restored_entries, 1);

  // The re-send seen before the restart is caught and dropped.
  auto out = second->Process(Record(Quake("rtr-q-1", "reuters", "q-1"), 0));
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, IsEmpty());
  out = second->Process(Record(QuakeRewrite("nd-7"), 0));
  ASSERT_TRUE(out.ok());
  auto stories = StoryOutputs(*out);
  ASSERT_THAT(stories, SizeIs(1));
  EXPECT_EQ(ParseDeduped(*stories[0]).verdict().kind(),
            wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE);
  EXPECT_EQ(ParseDeduped(*stories[0]).verdict().cluster_id(), "rtr-q-1");

  // A partition never announced is restored on its first record.
  out = second->Process(Record(Flood("ap-f-1"), 1));
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, IsEmpty());
  EXPECT_EQ(changelog.replays(), 4);
  EXPECT_EQ(
      second->stats().state.verdicts[wirestream::v1::DEDUP_KIND_DUPLICATE], 2);
}

TEST(DedupStageTest, RestartRestoresStateFromTheChangelog) {
  ExpectRestartRestoresStateFromTheChangelog({}, {});
}

TEST(DedupStageTest, RestartRestoresStateOnDiskFromTheChangelog) {
  // Two workers, each with its own state directory.
  ExpectRestartRestoresStateFromTheChangelog(OnDisk("first"), OnDisk("second"));
  const std::string partition_dir =
      OnDisk("second").dedup.state_dir + "/partition-0";
  // Closed stages leave no database behind.
  EXPECT_TRUE(!std::filesystem::exists(partition_dir) ||
              std::filesystem::is_empty(partition_dir));
}

TEST(DedupStageTest, RevokeDropsThePartitionsStateButKeepsCounters) {
  auto stage = MakeStage();
  ASSERT_TRUE(
      stage->OnPartitionsAssigned({{"wire.stories", 0}, {"wire.stories", 1}})
          .ok());
  ASSERT_TRUE(
      stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1"), 0)).ok());
  ASSERT_TRUE(stage->Process(Record(Flood("ap-f-1"), 1)).ok());
  EXPECT_EQ(stage->stats().state.entries, 2);
  ASSERT_TRUE(stage->OnPartitionsRevoked({{"wire.stories", 0}}).ok());
  DedupStageStats stats = stage->stats();
  EXPECT_EQ(stats.partitions, 1);
  EXPECT_EQ(stats.state.entries, 1);
  EXPECT_EQ(stats.state.verdicts[wirestream::v1::DEDUP_KIND_NEW], 2);
  // Without its state (and no changelog), partition 0 starts afresh.
  auto out = stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1"), 0));
  ASSERT_TRUE(out.ok());
  ASSERT_THAT(StoryOutputs(*out), SizeIs(1));
  EXPECT_EQ(ParseDeduped(*StoryOutputs(*out)[0]).verdict().kind(),
            wirestream::v1::DEDUP_KIND_NEW);
}

TEST(DedupStageTest, UnreadableChangelogStopsAssignmentAndRetriesRecords) {
  FakeChangelog changelog;
  changelog.FailWith(absl::UnavailableError("changelog read timed out"));
  auto stage = MakeStage();
  stage->AttachChangelog(&changelog);
  absl::Status assigned = stage->OnPartitionsAssigned({{"wire.stories", 2}});
  EXPECT_EQ(assigned.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(assigned.message()),
              ::testing::HasSubstr("partition 2"));
  EXPECT_EQ(stage->stats().partitions, 0);
  auto out = stage->Process(Record(Flood("ap-f-1"), 2));
  EXPECT_EQ(out.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(runtime::IsRetriable(out.status()));
  changelog.FailWith(absl::OkStatus());
  EXPECT_TRUE(stage->Process(Record(Flood("ap-f-1"), 2)).ok());
}

TEST(DedupStageTest, ExpiredEntriesLeaveTombstonesInTheirPartition) {
  auto stage = MakeStage();
  ASSERT_TRUE(
      stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1"), 4)).ok());
  auto out = stage->Process(Record(Flood("ap-f-9", kT0 + absl::Hours(73)), 4));
  ASSERT_TRUE(out.ok());
  std::vector<std::string> tombstones;
  for (const auto& o : *out) {
    if (o.tombstone) {
      EXPECT_EQ(o.topic, "wire.dedup.state");
      EXPECT_EQ(o.partition, 4);
      EXPECT_EQ(o.value, "");
      tombstones.push_back(o.key.value_or(""));
    }
  }
  EXPECT_THAT(tombstones, ElementsAre("en/rtr-q-1"));
  EXPECT_EQ(stage->stats().state.expirations, 1);
}

TEST(DedupStageTest, RestoreDropsWhatFellOutOfTheWindowWithTheNextRecord) {
  // A changelog whose tombstone for the old story never got written.
  FakeChangelog changelog;
  auto first = MakeStage();
  changelog.Append(
      *first->Process(Record(Quake("rtr-q-1", "reuters", "q-1"), 0)));
  auto out = first->Process(Record(Flood("ap-f-1", kT0 + absl::Hours(80)), 0));
  for (auto& o : *out) o.tombstone = false;  // lose the tombstone
  out->erase(std::remove_if(out->begin(), out->end(),
                            [](const runtime::OutputRecord& o) {
                              return o.value.empty();
                            }),
             out->end());
  changelog.Append(*out);
  ASSERT_THAT(changelog.log(0), SizeIs(2));

  auto second = MakeStage();
  second->AttachChangelog(&changelog);
  ASSERT_TRUE(second->OnPartitionsAssigned({{"wire.stories", 0}}).ok());
  EXPECT_EQ(second->stats().state.entries, 1);
  out = second->Process(Record(Flood("ap-f-1", kT0 + absl::Hours(80)), 0));
  ASSERT_TRUE(out.ok());
  ASSERT_THAT(*out, SizeIs(1));  // the flood is a duplicate: dropped
  EXPECT_TRUE((*out)[0].tombstone);
  EXPECT_EQ((*out)[0].key, "en/rtr-q-1");
  EXPECT_EQ((*out)[0].partition, 0);
}

TEST(DedupStageTest, BudgetIsSharedByAssignedPartitions) {
  DedupStageConfig config;
  config.dedup.memory_budget_bytes = 4000;
  auto stage = MakeStage(config);
  ASSERT_TRUE(
      stage->OnPartitionsAssigned({{"wire.stories", 0}, {"wire.stories", 1}})
          .ok());
  for (int i = 0; i < 20; ++i) {
    Story s = StoryBuilder(absl::StrCat("s-", i))
                  .Source("ap", absl::StrCat("ap-", i), 1)
                  .Headline(absl::StrCat("Council approves budget item ", i))
                  .Time(kT0 + absl::Minutes(i))
                  .Build();
    ASSERT_TRUE(stage->Process(Record(s, 0)).ok());
  }
  const DedupStageStats stats = stage->stats();
  EXPECT_LE(stats.state.bytes, 2000);
  EXPECT_GT(stats.state.evictions, 0);
}

}  // namespace
}  // namespace wirestream::stages::dedup

namespace wirestream::stages::dedup {
namespace {

// Regression: a batch the runner aborted is processed again; the stage must
// not call its own uncommitted stories duplicates of themselves.
void ExpectAbortedBatchIsForgotten(DedupStageConfig config) {
  FakeChangelog changelog;  // Nothing committed: the changelog stays empty.
  auto stage = MakeStage(config);
  stage->AttachChangelog(&changelog);
  ASSERT_TRUE(stage->OnPartitionsAssigned({{"wire.stories", 0}}).ok());
  ASSERT_TRUE(stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1"))).ok());

  ASSERT_TRUE(stage->OnBatchAborted({{"wire.stories", 0}}).ok());

  auto out = stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1")));
  ASSERT_TRUE(out.ok());
  auto stories = StoryOutputs(*out);
  ASSERT_THAT(stories, SizeIs(1));
  EXPECT_EQ(ParseDeduped(*stories[0]).verdict().kind(),
            wirestream::v1::DEDUP_KIND_NEW);
}

TEST(DedupStageAbortTest, AbortedBatchIsForgottenAndJudgedAgainAsNew) {
  ExpectAbortedBatchIsForgotten({});
}

TEST(DedupStageAbortTest, AbortedBatchIsForgottenOnDisk) {
  // The partition's database is closed and opened again, empty.
  ExpectAbortedBatchIsForgotten(OnDisk("aborted"));
}

// Regression: an aborted batch's stories are judged again; each story's
// verdict counts once, in stats() and in the exported counters.
TEST(DedupStageAbortTest, AbortedBatchVerdictsCountOnce) {
  FakeChangelog changelog;
  prometheus::Registry registry;
  auto stage = MakeStage();
  stage->AttachChangelog(&changelog);
  stage->RegisterMetrics(registry);
  ASSERT_TRUE(stage->OnPartitionsAssigned({{"wire.stories", 0}}).ok());
  // A committed batch: one new story.
  auto first = stage->Process(Record(Quake("rtr-q-1", "reuters", "q-1")));
  ASSERT_TRUE(first.ok());
  changelog.Append(*first);
  stage->OnBatchCommitted();
  // An aborted batch: another story, judged again after the abort.
  ASSERT_TRUE(stage->Process(Record(Quake("afp-3", "afp", "afp-3"))).ok());
  ASSERT_TRUE(stage->OnBatchAborted({{"wire.stories", 0}}).ok());
  ASSERT_TRUE(stage->Process(Record(Quake("afp-3", "afp", "afp-3"))).ok());
  stage->OnBatchCommitted();

  const DedupStats stats = stage->stats().state;
  const int64_t judged =
      stats.verdicts[wirestream::v1::DEDUP_KIND_NEW] +
      stats.verdicts[wirestream::v1::DEDUP_KIND_DUPLICATE] +
      stats.verdicts[wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE];
  EXPECT_EQ(judged, 2);
  const std::string verdicts = "wirestream_dedup_verdicts_total";
  EXPECT_EQ(MetricValue(registry, verdicts, "verdict", "new") +
                MetricValue(registry, verdicts, "verdict", "duplicate") +
                MetricValue(registry, verdicts, "verdict", "near_duplicate"),
            2);
}

}  // namespace
}  // namespace wirestream::stages::dedup
