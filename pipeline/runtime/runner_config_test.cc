#include "pipeline/runtime/runner_config.h"

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace wirestream::runtime {
namespace {

RunnerConfig Valid() {
  RunnerConfig config;
  config.bootstrap_servers = "k1:9092,k2:9092";
  config.input_topics = {"wire.raw"};
  config.output_topic = "wire.normalized";
  return config;
}

TEST(RunnerConfigTest, DefaultsWithTopicsAndServersAreValid) {
  EXPECT_EQ(Valid().Validate(), absl::OkStatus());
}

TEST(RunnerConfigTest, InputThatIsAlsoAnOutputIsInvalid) {
  RunnerConfig config = Valid();
  config.input_topics = {"wire.raw", "wire.normalized"};
  EXPECT_EQ(config.Validate(),
            absl::InvalidArgumentError(
                "input topic wire.normalized is also an output; the stage "
                "would read its own records"));
  config = Valid();
  config.dead_letter_topic = "wire.raw";
  EXPECT_EQ(config.Validate(),
            absl::InvalidArgumentError(
                "input topic wire.raw is also an output; the stage would "
                "read its own records"));
}

TEST(RunnerConfigTest, MissingOrEmptyTopicsAreInvalid) {
  RunnerConfig config = Valid();
  config.input_topics.clear();
  EXPECT_EQ(config.Validate(),
            absl::InvalidArgumentError("no input topic given"));
  config = Valid();
  config.input_topics = {"wire.raw", ""};
  EXPECT_EQ(config.Validate(), absl::InvalidArgumentError("empty input topic"));
  config = Valid();
  config.output_topic.clear();
  EXPECT_EQ(config.Validate(),
            absl::InvalidArgumentError("no output topic given"));
  config = Valid();
  config.dead_letter_topic.clear();
  EXPECT_EQ(config.Validate(),
            absl::InvalidArgumentError("no dead-letter topic given"));
}

TEST(RunnerConfigTest, MissingServersOrInstanceAreInvalid) {
  RunnerConfig config = Valid();
  config.bootstrap_servers.clear();
  EXPECT_EQ(config.Validate(),
            absl::InvalidArgumentError("no Kafka bootstrap servers given"));
  config = Valid();
  config.instance_id.clear();
  EXPECT_EQ(config.Validate(), absl::InvalidArgumentError("empty instance id"));
}

TEST(RunnerConfigTest, EmptyBatchesAreInvalid) {
  RunnerConfig config = Valid();
  config.batch_max_records = 0;
  EXPECT_EQ(config.Validate(),
            absl::InvalidArgumentError("batch size must be at least 1 record"));
  config = Valid();
  config.batch_max_time = absl::ZeroDuration();
  EXPECT_EQ(config.Validate(),
            absl::InvalidArgumentError("batch time must be positive"));
  config = Valid();
  config.batch_idle_time = absl::Milliseconds(-1);
  EXPECT_EQ(config.Validate(),
            absl::InvalidArgumentError("batch idle time must not be negative"));
  config.batch_idle_time = absl::ZeroDuration();
  EXPECT_EQ(config.Validate(), absl::OkStatus());
}

TEST(RunnerConfigTest, RetryBackoffMustGrow) {
  RunnerConfig config = Valid();
  config.retry_initial_backoff = absl::Seconds(2);
  config.retry_max_backoff = absl::Seconds(1);
  EXPECT_EQ(config.Validate(),
            absl::InvalidArgumentError(
                "retry backoff must be positive and the maximum at least the "
                "initial backoff"));
}

TEST(RunnerConfigTest, SizeLimitsMustBePositive) {
  const absl::Status expected = absl::InvalidArgumentError(
      "record size limits must be positive (dead letters: at least 32 KiB)");
  RunnerConfig config = Valid();
  config.max_record_bytes = 0;
  EXPECT_EQ(config.Validate(), expected);
  config = Valid();
  config.max_output_bytes = 0;
  EXPECT_EQ(config.Validate(), expected);
  config = Valid();
  config.max_dead_letter_bytes = 0;
  EXPECT_EQ(config.Validate(), expected);
}

TEST(RunnerConfigTest, DeadLetterLimitLeavesRoomForTheOriginalValue) {
  // Dead letters keep 16 KiB for the Kafka record around them: a 16 KiB
  // limit would cut every original value to nothing.
  RunnerConfig config = Valid();
  config.max_dead_letter_bytes = 16 << 10;
  EXPECT_EQ(config.Validate(),
            absl::InvalidArgumentError("record size limits must be positive "
                                       "(dead letters: at least 32 KiB)"));
  config.max_dead_letter_bytes = 32 << 10;
  EXPECT_EQ(config.Validate(), absl::OkStatus());
}

TEST(RunnerConfigTest, GroupIdDefaultsToTheStage) {
  RunnerConfig config = Valid();
  EXPECT_EQ(config.GroupIdFor("normalize"), "wirestream.normalize");
  config.group_id = "wirestream.normalize.backfill";
  EXPECT_EQ(config.GroupIdFor("normalize"), "wirestream.normalize.backfill");
}

}  // namespace
}  // namespace wirestream::runtime
