#include "pipeline/stages/normalize/normalize_stage.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/test_support.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::normalize {
namespace {

using ::testing::SizeIs;

std::unique_ptr<NormalizeStage> MakeStage(NormalizerConfig config = {}) {
  absl::StatusOr<std::unique_ptr<NormalizeStage>> stage =
      NormalizeStage::Create(std::move(config));
  EXPECT_TRUE(stage.ok()) << stage.status();
  return *std::move(stage);
}

runtime::InputRecord RecordOf(const v1::RawStory& raw) {
  runtime::InputRecord record;
  record.topic = "wire.raw";
  record.partition = 3;
  record.offset = 1041;
  record.key = "feed-item-77";
  record.value = raw.SerializeAsString();
  record.timestamp = absl::FromUnixSeconds(1701173000);
  return record;
}

v1::RawStory GermanStory() {
  v1::RawStory raw;
  raw.set_feed_item_id("dpa-231128-1");
  raw.set_source("dpa");
  raw.set_payload(
      "Warnstreik bei der Bahn am Donnerstag\n\n"
      "Berlin (dpa) - Die Lokführergewerkschaft GDL hat für Donnerstag einen "
      "bundesweiten Warnstreik bei der Deutschen Bahn angekündigt. Der "
      "Ausstand soll am Mittwochabend beginnen und 20 Stunden dauern.\n");
  raw.mutable_received_at()->set_seconds(1701172800);
  return raw;
}

TEST(NormalizeStageTest, IsNamedNormalize) {
  EXPECT_EQ(MakeStage()->name(), "normalize");
}

TEST(NormalizeStageTest, WritesTheStoryKeyedByLanguage) {
  std::unique_ptr<NormalizeStage> stage = MakeStage();
  absl::StatusOr<std::vector<runtime::OutputRecord>> out =
      stage->Process(RecordOf(GermanStory()));
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_THAT(*out, SizeIs(1));
  const runtime::OutputRecord& record = (*out)[0];
  EXPECT_EQ(record.topic, "");
  EXPECT_EQ(record.key, "de");
  EXPECT_EQ(record.story_received_at, absl::FromUnixSeconds(1701172800));
  v1::Story story;
  ASSERT_TRUE(story.ParseFromString(record.value));
  EXPECT_EQ(story.headline(), "Warnstreik bei der Bahn am Donnerstag");
  EXPECT_EQ(story.source(), "dpa");
  EXPECT_EQ(story.feed_item_id(), "dpa-231128-1");
  EXPECT_EQ(story.language(), "de");
  EXPECT_EQ(story.dateline().place(), "Berlin");
  EXPECT_EQ(stage->stats().stories(v1::WIRE_FORMAT_PLAIN_TEXT), 1);
}

TEST(NormalizeStageTest, FillsWhatTheEnvelopeLacksFromTheRecord) {
  v1::RawStory raw = GermanStory();
  raw.clear_feed_item_id();
  raw.clear_received_at();
  absl::StatusOr<std::vector<runtime::OutputRecord>> out =
      MakeStage()->Process(RecordOf(raw));
  ASSERT_TRUE(out.ok()) << out.status();
  v1::Story story;
  ASSERT_TRUE(story.ParseFromString((*out)[0].value));
  EXPECT_EQ(story.feed_item_id(), "feed-item-77");
  EXPECT_EQ(story.received_at().seconds(), 1701173000);
  EXPECT_EQ((*out)[0].story_received_at, absl::FromUnixSeconds(1701173000));
}

TEST(NormalizeStageTest, ValueThatIsNotARawStoryIsUnparsable) {
  std::unique_ptr<NormalizeStage> stage = MakeStage();
  runtime::InputRecord record = RecordOf(GermanStory());
  record.value = "\xff\xff\xff\xff not a protobuf";
  EXPECT_THAT(stage->Process(record).status(),
              IsDeadLetter(v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD,
                           "record value (19 bytes) is not a "
                           "wirestream.v1.RawStory"));
  EXPECT_EQ(
      stage->stats().dead_letters(v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD), 1);
}

TEST(NormalizeStageTest, OversizedRecordIsRefusedBeforeParsing) {
  NormalizerConfig config;
  config.max_payload_bytes = 1000;
  std::unique_ptr<NormalizeStage> stage = MakeStage(config);
  runtime::InputRecord record = RecordOf(GermanStory());
  record.value.assign(70000, 'x');
  EXPECT_THAT(stage->Process(record).status(),
              IsDeadLetter(v1::DEAD_LETTER_REASON_OVERSIZED_RECORD,
                           "record is 70000 bytes; the limit is 66536"));
}

TEST(NormalizeStageTest, BadPayloadIsDeadLetteredAndCounted) {
  std::unique_ptr<NormalizeStage> stage = MakeStage();
  v1::RawStory raw = GermanStory();
  raw.set_payload("");
  EXPECT_THAT(
      stage->Process(RecordOf(raw)).status(),
      IsDeadLetter(v1::DEAD_LETTER_REASON_EMPTY_STORY, "payload is empty"));
  raw.set_payload("{\"uri\": ");
  EXPECT_THAT(stage->Process(RecordOf(raw)).status(),
              IsDeadLetterWith(v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD,
                               testing::HasSubstr("ninjs: JSON error")));
  EXPECT_EQ(stage->stats().dead_letters(v1::DEAD_LETTER_REASON_EMPTY_STORY), 1);
  EXPECT_EQ(
      stage->stats().dead_letters(v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD), 1);
  EXPECT_EQ(stage->stats().stories(v1::WIRE_FORMAT_PLAIN_TEXT), 0);
}

TEST(NormalizeStageTest, CreateRejectsUnusableConfig) {
  NormalizerConfig config;
  config.max_payload_bytes = 0;
  EXPECT_EQ(NormalizeStage::Create(config).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wirestream::normalize
