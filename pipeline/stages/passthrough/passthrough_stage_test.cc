#include "pipeline/stages/passthrough/passthrough_stage.h"

#include "gtest/gtest.h"
#include "wirestream/v1/raw_story.pb.h"

namespace wirestream::stages {
namespace {

runtime::InputRecord Record(std::string value) {
  runtime::InputRecord record;
  record.topic = "wire.raw";
  record.partition = 2;
  record.offset = 41;
  record.key = "ap-123";
  record.value = std::move(value);
  record.headers = {{"feed", "ap"}, {"empty", std::nullopt}};
  return record;
}

TEST(PassthroughStageTest, CopiesKeyValueAndHeaders) {
  auto stage = PassthroughStage::Create({});
  ASSERT_TRUE(stage.ok());
  auto out = (*stage)->Process(Record("anything at all"));
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].key, "ap-123");
  EXPECT_EQ((*out)[0].value, "anything at all");
  ASSERT_EQ((*out)[0].headers.size(), 2u);
  EXPECT_EQ((*out)[0].headers[0], (runtime::RecordHeader{"feed", "ap"}));
  EXPECT_EQ((*out)[0].headers[1].value, std::nullopt);
  EXPECT_TRUE((*out)[0].topic.empty());
}

TEST(PassthroughStageTest, RequireRawStoryDeadLettersOtherValues) {
  auto stage = PassthroughStage::Create({.require_raw_story = true});
  ASSERT_TRUE(stage.ok());
  // A length-delimited field whose length runs past the end.
  auto out =
      (*stage)->Process(Record(std::string("\x0a\x7f"
                                           "abc",
                                           5)));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(runtime::DeadLetterReasonOf(out.status()),
            wirestream::v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD);
}

TEST(PassthroughStageTest, RequireRawStoryCarriesReceivedAt) {
  auto stage = PassthroughStage::Create({.require_raw_story = true});
  ASSERT_TRUE(stage.ok());
  wirestream::v1::RawStory story;
  story.set_feed_item_id("ap-123");
  story.mutable_received_at()->set_seconds(1700000000);
  story.mutable_received_at()->set_nanos(500000000);
  auto out = (*stage)->Process(Record(story.SerializeAsString()));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].story_received_at, absl::FromUnixMillis(1700000000500));
}

}  // namespace
}  // namespace wirestream::stages
