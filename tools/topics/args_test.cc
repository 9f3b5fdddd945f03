#include "tools/topics/args.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::tools {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

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
