#include "pipeline/runtime/topics.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Names(const std::vector<TopicSpec>& topics) {
  std::vector<std::string> names;
  for (const TopicSpec& t : topics) names.push_back(t.name);
  return names;
}

TEST(DefaultPipelineTopicsTest, NamesEveryTopicOfTheDataFlowInOrder) {
  PipelineTopicsOptions options;
  EXPECT_THAT(
      Names(DefaultPipelineTopics(options)),
      ElementsAre("wire.raw", "wire.stories", "wire.unique", "wire.duplicates",
                  "wire.classified", "wire.enriched", "wire.alerts", "wire.dlq",
                  "wire.dedup.state", "wire.alert.state"));
}

TEST(DefaultPipelineTopicsTest, AppliesPrefixPartitionsAndReplication) {
  PipelineTopicsOptions options;
  options.partitions = 6;
  options.prefix = "backfill-";
  options.replication_factor = 3;
  std::vector<TopicSpec> topics = DefaultPipelineTopics(options);
  ASSERT_EQ(topics.size(), 10);
  EXPECT_EQ(topics.front().name, "backfill-wire.raw");
  EXPECT_EQ(topics.back().name, "backfill-wire.alert.state");
  for (const TopicSpec& t : topics) {
    EXPECT_EQ(t.partitions, 6) << t.name;
    EXPECT_EQ(t.replication_factor, 3) << t.name;
  }
}

TEST(DefaultPipelineTopicsTest, DeadLetterTakes64MiBAndStateIsCompacted) {
  std::map<std::string, std::map<std::string, std::string>> configs;
  for (const TopicSpec& t : DefaultPipelineTopics(PipelineTopicsOptions())) {
    configs[t.name] = t.configs;
  }
  EXPECT_EQ(
      configs["wire.dlq"],
      (std::map<std::string, std::string>{{"max.message.bytes", "67108864"}}));
  EXPECT_EQ(
      configs["wire.dedup.state"],
      (std::map<std::string, std::string>{{"cleanup.policy", "compact"}}));
  EXPECT_EQ(
      configs["wire.alert.state"],
      (std::map<std::string, std::string>{{"cleanup.policy", "compact"}}));
  EXPECT_THAT(configs["wire.raw"], IsEmpty());
  EXPECT_THAT(configs["wire.enriched"], IsEmpty());
}

TEST(TopicAdminTest, RejectsEmptyBootstrap) {
  absl::StatusOr<std::unique_ptr<TopicAdmin>> admin =
      TopicAdmin::Create(TopicAdminOptions());
  EXPECT_EQ(admin.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(admin.status().message()),
              HasSubstr("no bootstrap servers"));
}

TEST(TopicAdminTest, RejectsUnknownClientProperty) {
  TopicAdminOptions options;
  options.bootstrap_servers = "127.0.0.1:9";
  options.client_config = {{"no.such.property", "1"}};
  absl::StatusOr<std::unique_ptr<TopicAdmin>> admin =
      TopicAdmin::Create(options);
  EXPECT_EQ(admin.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(admin.status().message()),
              HasSubstr("no.such.property"));
}

TEST(TopicAdminTest, RejectsBadSpecsBeforeAskingTheBroker) {
  TopicAdminOptions options;
  // Nothing listens there; the specs fail before any request is sent.
  options.bootstrap_servers = "127.0.0.1:9";
  absl::StatusOr<std::unique_ptr<TopicAdmin>> admin =
      TopicAdmin::Create(options);
  ASSERT_TRUE(admin.ok()) << admin.status();

  TopicSpec zero;
  zero.name = "wire.raw";
  zero.partitions = 0;
  absl::Status status = (*admin)->CreateTopic(zero);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("partition count must be >= 1"));

  TopicSpec twice;
  twice.name = "wire.raw";
  status = (*admin)->CreateTopics({twice, twice});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("listed twice"));
}

TEST(TopicAdminTest, EmptyRequestsSucceedWithoutABroker) {
  TopicAdminOptions options;
  options.bootstrap_servers = "127.0.0.1:9";
  absl::StatusOr<std::unique_ptr<TopicAdmin>> admin =
      TopicAdmin::Create(options);
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_TRUE((*admin)->CreateTopics({}).ok());
  EXPECT_TRUE((*admin)->DeleteTopics({}).ok());
}

}  // namespace
}  // namespace wirestream::runtime
