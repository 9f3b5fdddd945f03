#include "tools/common/cli.h"

#include <cstdlib>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::tools {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(ExtractKafkaPropertiesTest, TakesEverySpellingInOrder) {
  std::vector<std::string> args = {"replay",
                                   "-X",
                                   "security.protocol=SASL_SSL",
                                   "--source=wire.raw",
                                   "-Xsasl.mechanisms=PLAIN",
                                   "--kafka",
                                   "client.id=ops",
                                   "--kafka=sasl.jaas=a=b",
                                   "--",
                                   "-X",
                                   "left=alone"};
  absl::StatusOr<KafkaProperties> properties = ExtractKafkaProperties(args);
  ASSERT_TRUE(properties.ok()) << properties.status();
  EXPECT_THAT(*properties,
              ElementsAre(Pair("security.protocol", "SASL_SSL"),
                          Pair("sasl.mechanisms", "PLAIN"),
                          Pair("client.id", "ops"), Pair("sasl.jaas", "a=b")));
  EXPECT_THAT(args, ElementsAre("replay", "--source=wire.raw", "--", "-X",
                                "left=alone"));
}

TEST(ExtractKafkaPropertiesTest, SecretsFromEnvironmentAndFile) {
  setenv("CLI_TEST_KAFKA_PASSWORD", "s3cret", 1);
  const std::string file = std::string(getenv("TEST_TMPDIR")) + "/jaas";
  std::ofstream(file) << "from-file\n";
  std::vector<std::string> args = {
      "replay",
      "--kafka_from_env",
      "sasl.password=CLI_TEST_KAFKA_PASSWORD",
      "-X",
      "sasl.username=ops",
      "--kafka_from_file=ssl.key.password=" + file};
  absl::StatusOr<KafkaProperties> properties = ExtractKafkaProperties(args);
  ASSERT_TRUE(properties.ok()) << properties.status();
  EXPECT_THAT(*properties, ElementsAre(Pair("sasl.password", "s3cret"),
                                       Pair("sasl.username", "ops"),
                                       Pair("ssl.key.password", "from-file")));
  EXPECT_THAT(args, ElementsAre("replay"));

  std::vector<std::string> unset = {
      "replay", "--kafka_from_env=sasl.password=CLI_TEST_UNSET_VARIABLE"};
  unsetenv("CLI_TEST_UNSET_VARIABLE");
  EXPECT_EQ(ExtractKafkaProperties(unset).status().message(),
            "--kafka_from_env sasl.password: environment variable "
            "CLI_TEST_UNSET_VARIABLE is not set");
  std::vector<std::string> missing = {"replay", "--kafka_from_file",
                                      "sasl.password=/nonexistent/secret"};
  EXPECT_EQ(ExtractKafkaProperties(missing).status().message(),
            "--kafka_from_file sasl.password: cannot read /nonexistent/secret");
}

TEST(ExtractKafkaPropertiesTest, RejectsMissingValueOrEquals) {
  std::vector<std::string> trailing = {"inspect", "-X"};
  EXPECT_EQ(ExtractKafkaProperties(trailing).status().message(),
            "-X needs KEY=VALUE after it");
  std::vector<std::string> no_equals = {"inspect", "--kafka=acks"};
  EXPECT_EQ(ExtractKafkaProperties(no_equals).status().message(),
            "--kafka takes KEY=VALUE, got \"acks\"");
  std::vector<std::string> no_key = {"inspect", "-X=1"};
  EXPECT_EQ(ExtractKafkaProperties(no_key).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ExtractRepeatedFlagTest, EveryFormInOrder) {
  std::vector<std::string> args = {"inspect",
                                   "--match=story.language=de",
                                   "--topic=wire.stories",
                                   "--match",
                                   "story.headline~flood, storm",
                                   "-match=a=b",
                                   "--",
                                   "--match=x=y"};
  EXPECT_THAT(
      ExtractRepeatedFlag("match", args),
      ElementsAre("story.language=de", "story.headline~flood, storm", "a=b"));
  EXPECT_THAT(args, ElementsAre("inspect", "--topic=wire.stories", "--",
                                "--match=x=y"));
}

TEST(NormalizeFlagNamesTest, DashesInNamesBecomeUnderscores) {
  std::vector<std::string> args = {
      "inspect",  "--from-beginning", "--max-records=5",
      "-dry-run", "--match=a-b=c-d",  "-",
      "--",       "--keep-me"};
  NormalizeFlagNames(args);
  EXPECT_THAT(
      args, ElementsAre("inspect", "--from_beginning", "--max_records=5",
                        "-dry_run", "--match=a-b=c-d", "-", "--", "--keep-me"));
}

TEST(ResolveBootstrapTest, FlagThenEnvironment) {
  setenv("WIRESTREAM_BOOTSTRAP", "10.0.0.1:9092", 1);
  EXPECT_EQ(*ResolveBootstrap("127.0.0.1:9092"), "127.0.0.1:9092");
  EXPECT_EQ(*ResolveBootstrap(""), "10.0.0.1:9092");
  unsetenv("WIRESTREAM_BOOTSTRAP");
  EXPECT_EQ(ResolveBootstrap("").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ParseRfc3339Test, AcceptsOffsetsAndFractions) {
  EXPECT_EQ(*ParseRfc3339("--from_time", "2026-11-01T00:00:00Z"),
            absl::FromUnixSeconds(1793491200));
  EXPECT_EQ(*ParseRfc3339("--from_time", "2026-11-01T01:00:00.250+01:00"),
            absl::FromUnixMillis(1793491200250));
  absl::StatusOr<absl::Time> bad = ParseRfc3339("--to_time", "yesterday");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "--to_time wants an RFC 3339 time such as 2026-11-01T00:00:00Z, "
            "got \"yesterday\"");
}

TEST(ParsePartitionListTest, SortsAndDeduplicates) {
  EXPECT_THAT(*ParsePartitionList("2,0,2, 5"), ElementsAre(0, 2, 5));
  EXPECT_THAT(*ParsePartitionList(""), IsEmpty());
  EXPECT_EQ(ParsePartitionList("0,x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePartitionList("-1").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FormatRfc3339Test, UtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(absl::FromUnixMillis(1793491200250)),
            "2026-11-01T00:00:00.250Z");
}

}  // namespace
}  // namespace wirestream::tools
