#include "tools/enrich/in_process_pipeline.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/runtime/stage.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::enrich {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

// Writes one Story whose headline is the record's value.
class HeadlineStage : public runtime::Stage {
 public:
  absl::string_view name() const override { return "headline"; }
  absl::StatusOr<std::vector<runtime::OutputRecord>> Process(
      const runtime::InputRecord& record) override {
    if (record.value == "bad") {
      return runtime::DeadLetterError(v1::DEAD_LETTER_REASON_EMPTY_STORY,
                                      "no story here");
    }
    if (record.value == "broken") return absl::InternalError("disk on fire");
    v1::Story story;
    story.set_headline(record.value);
    runtime::OutputRecord out;
    out.key = "en";
    out.value = story.SerializeAsString();
    return std::vector<runtime::OutputRecord>{out};
  }
};

// Wraps each Story in a DedupedStory; drops stories headlined "dup",
// writes stories headlined "twice" twice, and writes a changelog record
// after stories headlined "logged".
class VerdictStage : public runtime::Stage {
 public:
  absl::string_view name() const override { return "verdict"; }
  absl::StatusOr<std::vector<runtime::OutputRecord>> Process(
      const runtime::InputRecord& record) override {
    v1::DedupedStory deduped;
    if (!deduped.mutable_story()->ParseFromString(record.value)) {
      return runtime::DeadLetterError(v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD,
                                      "not a Story");
    }
    if (record.key != "en") return absl::InternalError("lost the key");
    std::vector<runtime::OutputRecord> outputs;
    if (deduped.story().headline() == "dup") return outputs;
    deduped.mutable_verdict()->set_kind(v1::DEDUP_KIND_NEW);
    runtime::OutputRecord out;
    out.value = deduped.SerializeAsString();
    outputs.push_back(out);
    if (deduped.story().headline() == "twice") outputs.push_back(out);
    if (deduped.story().headline() == "where") {
      deduped.mutable_story()->set_headline(
          absl::StrCat(record.topic, "@", record.offset));
      outputs[0].value = deduped.SerializeAsString();
    }
    if (deduped.story().headline() == "logged") {
      runtime::OutputRecord change;
      change.topic = "verdict.state";
      change.key = "en/logged";
      change.value = "remembered";
      outputs.push_back(change);
    }
    return outputs;
  }
};

runtime::InputRecord Record(std::string value) {
  runtime::InputRecord record;
  record.topic = "story.txt";
  record.key = "story.txt";
  record.value = std::move(value);
  record.timestamp = absl::FromUnixSeconds(1701172800);
  return record;
}

InProcessPipeline TwoStages() {
  InProcessPipeline pipeline;
  pipeline.AddStage(std::make_unique<HeadlineStage>(), RecordType::kStory);
  pipeline.AddStage(std::make_unique<VerdictStage>(),
                    RecordType::kDedupedStory);
  return pipeline;
}

TEST(InProcessPipelineTest, RunsStagesInOrderAndLiftsTheLastRecords) {
  InProcessPipeline pipeline = TwoStages();
  EXPECT_THAT(pipeline.StageNames(), ElementsAre("headline", "verdict"));
  absl::StatusOr<PipelineResult> result = pipeline.Run(Record("Quake"));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_THAT(result->stories, SizeIs(1));
  EXPECT_EQ(result->stories[0].story().headline(), "Quake");
  EXPECT_EQ(result->stories[0].verdict().kind(), v1::DEDUP_KIND_NEW);
  EXPECT_THAT(result->dead_letters, SizeIs(0));
}

TEST(InProcessPipelineTest, DropsAndFansOut) {
  InProcessPipeline pipeline = TwoStages();
  EXPECT_THAT(pipeline.Run(Record("dup"))->stories, SizeIs(0));
  EXPECT_THAT(pipeline.Run(Record("twice"))->stories, SizeIs(2));
}

TEST(InProcessPipelineTest, RecordsForOtherTopicsAreSideOutputs) {
  InProcessPipeline pipeline = TwoStages();
  absl::StatusOr<PipelineResult> result = pipeline.Run(Record("logged"));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_THAT(result->stories, SizeIs(1));
  EXPECT_EQ(result->stories[0].story().headline(), "logged");
  ASSERT_THAT(result->side_outputs, SizeIs(1));
  EXPECT_EQ(result->side_outputs[0].topic, "verdict.state");
  EXPECT_EQ(result->side_outputs[0].key, "en/logged");
  EXPECT_EQ(result->side_outputs[0].value, "remembered");
  EXPECT_THAT(pipeline.Run(Record("Quake"))->side_outputs, SizeIs(0));
}

TEST(InProcessPipelineTest, OffsetsRunOnAcrossRuns) {
  InProcessPipeline pipeline = TwoStages();
  EXPECT_EQ(pipeline.Run(Record("where"))->stories[0].story().headline(),
            "in-process.headline@0");
  EXPECT_EQ(pipeline.Run(Record("where"))->stories[0].story().headline(),
            "in-process.headline@1");
}

// Takes at least 5 ms a record, then hands it on.
class SlowStage : public runtime::Stage {
 public:
  absl::string_view name() const override { return "slow"; }
  absl::StatusOr<std::vector<runtime::OutputRecord>> Process(
      const runtime::InputRecord& record) override {
    absl::SleepFor(absl::Milliseconds(5));
    runtime::OutputRecord out;
    out.key = record.key;
    out.value = record.value;
    return std::vector<runtime::OutputRecord>{out};
  }
};

TEST(InProcessPipelineTest, CountsEachStagesTimeUntilReset) {
  InProcessPipeline pipeline;
  pipeline.AddStage(std::make_unique<SlowStage>(), RecordType::kStory);
  pipeline.AddStage(std::make_unique<HeadlineStage>(), RecordType::kStory);
  ASSERT_TRUE(pipeline.Run(Record("one")).ok());
  ASSERT_TRUE(pipeline.Run(Record("two")).ok());
  std::vector<absl::Duration> times = pipeline.StageTimes();
  ASSERT_THAT(times, SizeIs(2));
  EXPECT_GE(times[0], absl::Milliseconds(10));
  EXPECT_GE(times[1], absl::ZeroDuration());
  pipeline.ResetStageTimes();
  EXPECT_EQ(pipeline.StageTimes()[0], absl::ZeroDuration());
  EXPECT_EQ(pipeline.StageTimes()[1], absl::ZeroDuration());
}

TEST(InProcessPipelineTest, BadInputBecomesADeadLetter) {
  InProcessPipeline pipeline = TwoStages();
  pipeline.set_max_dead_letter_value_bytes(2);
  absl::StatusOr<PipelineResult> result = pipeline.Run(Record("bad"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->stories, SizeIs(0));
  ASSERT_THAT(result->dead_letters, SizeIs(1));
  const v1::DeadLetter& dead_letter = result->dead_letters[0];
  EXPECT_EQ(dead_letter.stage(), "headline");
  EXPECT_EQ(dead_letter.reason(), v1::DEAD_LETTER_REASON_EMPTY_STORY);
  EXPECT_EQ(dead_letter.message(), "no story here");
  EXPECT_EQ(dead_letter.source_topic(), "story.txt");
  EXPECT_EQ(dead_letter.original_key(), "story.txt");
  EXPECT_EQ(dead_letter.original_value(), "ba");
  EXPECT_TRUE(dead_letter.value_truncated());
  EXPECT_EQ(dead_letter.original_size(), 3);
  EXPECT_EQ(dead_letter.original_timestamp().seconds(), 1701172800);
}

TEST(InProcessPipelineTest, OtherErrorsAreReturned) {
  InProcessPipeline pipeline = TwoStages();
  EXPECT_EQ(pipeline.Run(Record("broken")).status(),
            absl::InternalError("disk on fire"));
}

TEST(ToEnrichedStoryTest, LiftsEachRecordType) {
  v1::Story story;
  story.set_headline("H");
  EXPECT_EQ(ToEnrichedStory(RecordType::kStory, story.SerializeAsString())
                ->story()
                .headline(),
            "H");
  v1::EnrichedStory enriched;
  enriched.set_focus_country("JP");
  EXPECT_EQ(
      ToEnrichedStory(RecordType::kEnrichedStory, enriched.SerializeAsString())
          ->focus_country(),
      "JP");
  EXPECT_EQ(ToEnrichedStory(RecordType::kStory, "\xff\xff").status().code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace wirestream::enrich
