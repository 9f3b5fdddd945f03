#include "tools/topics/args.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::tools {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(ExtractRepeatedFlagTest, TakesEveryFormInOrderAndLeavesTheRest) {
  std::vector<std::string> args = {"topics",
                                   "--config=cleanup.policy=compact",
                                   "create",
                                   "--config",
                                   "retention.ms=1000",
                                   "-config=a=b",
                                   "--partitions=3",
                                   "-config",
                                   "c=d",
                                   "wire.raw"};
  EXPECT_THAT(
      ExtractRepeatedFlag("config", args),
      ElementsAre("cleanup.policy=compact", "retention.ms=1000", "a=b", "c=d"));
  EXPECT_THAT(args,
              ElementsAre("topics", "create", "--partitions=3", "wire.raw"));
}

TEST(ExtractRepeatedFlagTest, StopsAtDoubleDashAndIgnoresOtherFlags) {
  std::vector<std::string> args = {"topics", "--configs=x", "--kafka=a=b", "--",
                                   "--config=y"};
  EXPECT_THAT(ExtractRepeatedFlag("config", args), IsEmpty());
  EXPECT_THAT(args, ElementsAre("topics", "--configs=x", "--kafka=a=b", "--",
                                "--config=y"));
}

TEST(ExtractRepeatedFlagTest, TrailingFlagWithoutValueYieldsEmptyValue) {
  std::vector<std::string> args = {"topics", "--kafka"};
  EXPECT_THAT(ExtractRepeatedFlag("kafka", args), ElementsAre(""));
  EXPECT_THAT(args, ElementsAre("topics"));
}

TEST(ParseKeyValuesTest, SplitsAtTheFirstEquals) {
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> pairs =
      ParseKeyValues("--config",
                     {"cleanup.policy=compact,delete", "sasl.jaas=a=b", "k="});
  ASSERT_TRUE(pairs.ok()) << pairs.status();
  EXPECT_THAT(*pairs, ElementsAre(Pair("cleanup.policy", "compact,delete"),
                                  Pair("sasl.jaas", "a=b"), Pair("k", "")));
}

TEST(ParseKeyValuesTest, RejectsMissingEqualsOrKey) {
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> pairs =
      ParseKeyValues("--config", {"a=b", "compact"});
  EXPECT_EQ(pairs.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(pairs.status().message(),
            "--config takes KEY=VALUE, got \"compact\"");
  EXPECT_EQ(ParseKeyValues("--kafka", {"=x"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wirestream::tools
