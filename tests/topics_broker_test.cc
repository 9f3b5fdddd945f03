// TopicAdmin against a real broker: creating with partitions and configs,
// idempotent re-creation, partition-count mismatches, deletion, listing.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/runtime/topics.h"
#include "tests/support/broker.h"

namespace wirestream::runtime {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Key;
using ::testing::Not;
using ::testing::Pair;
using ::wirestream::testsupport::BootstrapServers;
using ::wirestream::testsupport::UniqueTopicName;

using Configs = std::map<std::string, std::string>;

TopicSpec Spec(std::string name, int32_t partitions, Configs configs = {}) {
  TopicSpec spec;
  spec.name = std::move(name);
  spec.partitions = partitions;
  spec.configs = std::move(configs);
  return spec;
}

class TopicsBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> bootstrap = BootstrapServers();
    ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
    TopicAdminOptions options;
    options.bootstrap_servers = *bootstrap;
    absl::StatusOr<std::unique_ptr<TopicAdmin>> admin =
        TopicAdmin::Create(options);
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_ = *std::move(admin);
  }

  std::unique_ptr<TopicAdmin> admin_;
};

TEST_F(TopicsBrokerTest, CreatesTopicsWithPartitionsAndConfigs) {
  const std::string stories = UniqueTopicName("stories");
  const std::string state = UniqueTopicName("state");
  const std::string dlq = UniqueTopicName("dlq");
  ASSERT_TRUE(admin_
                  ->CreateTopics({
                      Spec(stories, 3),
                      Spec(state, 2, {{"cleanup.policy", "compact"}}),
                      Spec(dlq, 1, {{"max.message.bytes", "67108864"}}),
                  })
                  .ok());

  EXPECT_EQ(admin_->PartitionCount(stories).value_or(-1), 3);
  EXPECT_EQ(admin_->PartitionCount(state).value_or(-1), 2);
  EXPECT_EQ(admin_->PartitionCount(dlq).value_or(-1), 1);

  absl::StatusOr<std::map<std::string, int32_t>> listed = admin_->ListTopics();
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, Contains(Pair(stories, 3)));
  EXPECT_THAT(*listed, Contains(Pair(state, 2)));
  EXPECT_THAT(*listed, Contains(Pair(dlq, 1)));
  // Internal topics stay out of the listing.
  for (const auto& [name, partitions] : *listed) {
    EXPECT_NE(name.rfind("__", 0), 0) << name;
  }

  absl::StatusOr<Configs> state_overrides = admin_->DescribeTopicConfig(
      state, TopicAdmin::ConfigScope::kTopicOverrides);
  ASSERT_TRUE(state_overrides.ok()) << state_overrides.status();
  EXPECT_EQ(*state_overrides, (Configs{{"cleanup.policy", "compact"}}));

  absl::StatusOr<Configs> stories_overrides = admin_->DescribeTopicConfig(
      stories, TopicAdmin::ConfigScope::kTopicOverrides);
  ASSERT_TRUE(stories_overrides.ok()) << stories_overrides.status();
  EXPECT_EQ(*stories_overrides, Configs{});

  absl::StatusOr<Configs> dlq_config = admin_->DescribeTopicConfig(dlq);
  ASSERT_TRUE(dlq_config.ok()) << dlq_config.status();
  EXPECT_THAT(*dlq_config, Contains(Pair("max.message.bytes", "67108864")));
  // Effective values include the broker defaults.
  EXPECT_THAT(*dlq_config, Contains(Pair("cleanup.policy", "delete")));
}

TEST_F(TopicsBrokerTest, RecreatingWithTheSamePartitionCountSucceeds) {
  const std::string name = UniqueTopicName("stories");
  ASSERT_TRUE(admin_->CreateTopic(Spec(name, 3)).ok());
  absl::Status again = admin_->CreateTopic(Spec(name, 3));
  EXPECT_TRUE(again.ok()) << again;
  EXPECT_EQ(admin_->PartitionCount(name).value_or(-1), 3);
}

TEST_F(TopicsBrokerTest, RecreatingWithAnotherPartitionCountFails) {
  const std::string name = UniqueTopicName("stories");
  ASSERT_TRUE(admin_->CreateTopic(Spec(name, 3)).ok());

  absl::Status status = admin_->CreateTopic(Spec(name, 5));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "topic " + name +
                " already exists with 3 partitions, not the 5 requested");
  EXPECT_EQ(admin_->PartitionCount(name).value_or(-1), 3);
}

TEST_F(TopicsBrokerTest, MismatchDoesNotStopTheOtherTopicsOfTheBatch) {
  const std::string existing = UniqueTopicName("existing");
  const std::string fresh = UniqueTopicName("fresh");
  ASSERT_TRUE(admin_->CreateTopic(Spec(existing, 1)).ok());

  absl::Status status =
      admin_->CreateTopics({Spec(existing, 2), Spec(fresh, 4)});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr(existing));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr(fresh)));
  EXPECT_EQ(admin_->PartitionCount(fresh).value_or(-1), 4);
}

TEST_F(TopicsBrokerTest, BadConfigIsInvalidArgument) {
  const std::string name = UniqueTopicName("stories");
  absl::Status status =
      admin_->CreateTopic(Spec(name, 1, {{"cleanup.policy", "shred"}}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(name));
  EXPECT_EQ(admin_->PartitionCount(name).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TopicsBrokerTest, DeletesTopics) {
  const std::string first = UniqueTopicName("first");
  const std::string second = UniqueTopicName("second");
  ASSERT_TRUE(admin_->CreateTopics({Spec(first, 2), Spec(second, 1)}).ok());

  absl::Status deleted = admin_->DeleteTopics({first, second});
  EXPECT_TRUE(deleted.ok()) << deleted;
  EXPECT_EQ(admin_->PartitionCount(first).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<std::map<std::string, int32_t>> listed = admin_->ListTopics();
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, Not(Contains(Key(first))));
  EXPECT_THAT(*listed, Not(Contains(Key(second))));
}

TEST_F(TopicsBrokerTest, DeletingAMissingTopicIsNotFound) {
  const std::string present = UniqueTopicName("present");
  const std::string missing = UniqueTopicName("missing");
  ASSERT_TRUE(admin_->CreateTopic(Spec(present, 1)).ok());

  absl::Status status = admin_->DeleteTopics({present, missing});
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "deleting topic " + missing + ": no such topic");
  // The topic that existed is gone all the same.
  EXPECT_EQ(admin_->PartitionCount(present).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TopicsBrokerTest, DescribingAMissingTopicIsNotFound) {
  const std::string missing = UniqueTopicName("missing");
  EXPECT_EQ(admin_->DescribeTopicConfig(missing).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(admin_->PartitionCount(missing).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TopicsBrokerTest, CreatesThePipelineTopicsUnderAPrefix) {
  PipelineTopicsOptions options;
  options.partitions = 2;
  options.prefix = UniqueTopicName("run") + "-";
  const std::vector<TopicSpec> topics = DefaultPipelineTopics(options);
  ASSERT_TRUE(admin_->CreateTopics(topics).ok());
  // Twice: a deployment re-runs topic creation on every start.
  absl::Status again = admin_->CreateTopics(topics);
  EXPECT_TRUE(again.ok()) << again;

  absl::StatusOr<std::map<std::string, int32_t>> listed = admin_->ListTopics();
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::vector<std::string> names;
  for (const TopicSpec& t : topics) {
    EXPECT_THAT(*listed, Contains(Pair(t.name, 2)));
    names.push_back(t.name);
  }
  absl::StatusOr<Configs> state =
      admin_->DescribeTopicConfig(options.prefix + "wire.dedup.state",
                                  TopicAdmin::ConfigScope::kTopicOverrides);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(*state, (Configs{{"cleanup.policy", "compact"}}));
  absl::StatusOr<Configs> dlq = admin_->DescribeTopicConfig(
      options.prefix + "wire.dlq", TopicAdmin::ConfigScope::kTopicOverrides);
  ASSERT_TRUE(dlq.ok()) << dlq.status();
  EXPECT_EQ(*dlq, (Configs{{"max.message.bytes", "67108864"}}));

  absl::Status deleted = admin_->DeleteTopics(names);
  EXPECT_TRUE(deleted.ok()) << deleted;
}

}  // namespace
}  // namespace wirestream::runtime
