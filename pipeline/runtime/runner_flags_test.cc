#include "pipeline/runtime/runner_flags.h"

#include <stdlib.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_DECLARE_FLAG(std::string, input);
ABSL_DECLARE_FLAG(std::string, output);
ABSL_DECLARE_FLAG(std::string, mode);
ABSL_DECLARE_FLAG(int, batch_records);
ABSL_DECLARE_FLAG(int, batch_ms);
ABSL_DECLARE_FLAG(int, batch_idle_ms);
ABSL_FLAG(bool, check_flags_test_switch, false, "A bool flag for the tests.");

namespace wirestream::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using Properties = std::vector<std::pair<std::string, std::string>>;

// Runs ExtractKafkaProperties on `args`; EXPECTs success.
Properties Extract(std::vector<std::string>& args) {
  auto properties = ExtractKafkaProperties(args);
  EXPECT_TRUE(properties.ok()) << properties.status();
  return properties.ok() ? *properties : Properties{};
}

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + name;
}

std::string WriteTempFile(const std::string& name, const std::string& content) {
  const std::string path = TempPath(name);
  std::ofstream(path) << content;
  return path;
}

TEST(ExtractKafkaPropertiesTest, TakesKeyValueAsTheNextArgument) {
  std::vector<std::string> args = {"normalize", "--kafka",
                                   "security.protocol=SASL_SSL"};
  EXPECT_THAT(Extract(args),
              ElementsAre(Pair("security.protocol", "SASL_SSL")));
  EXPECT_THAT(args, ElementsAre("normalize"));
}

TEST(ExtractKafkaPropertiesTest, TakesKeyValueAfterAnEqualsSign) {
  std::vector<std::string> args = {"normalize",
                                   "--kafka=sasl.mechanism=SCRAM-SHA-512",
                                   "-kafka", "acks=all"};
  EXPECT_THAT(Extract(args),
              ElementsAre(Pair("sasl.mechanism", "SCRAM-SHA-512"),
                          Pair("acks", "all")));
  EXPECT_THAT(args, ElementsAre("normalize"));
}

TEST(ExtractKafkaPropertiesTest, KeepsEqualsSignsAndCommasInTheValue) {
  std::vector<std::string> args = {
      "normalize",
      "--kafka",
      "sasl.oauthbearer.config=scope=wire.read,wire.write principal=ingest",
      "--kafka=bootstrap.servers=k1:9092,k2:9092",
      "--kafka",
      "client.rack="};
  EXPECT_THAT(Extract(args),
              ElementsAre(Pair("sasl.oauthbearer.config",
                               "scope=wire.read,wire.write principal=ingest"),
                          Pair("bootstrap.servers", "k1:9092,k2:9092"),
                          Pair("client.rack", "")));
}

TEST(ExtractKafkaPropertiesTest, KeepsOtherFlagsAndArgumentsInOrder) {
  std::vector<std::string> args = {"normalize",
                                   "--input=wire.raw",
                                   "--kafka",
                                   "linger.ms=5",
                                   "--output",
                                   "wire.normalized",
                                   "--kafkaesque",
                                   "--kafka_x=1",
                                   "--kafka=linger.ms=20",
                                   "--mode=at-least-once",
                                   "story.xml"};
  // A repeated key is kept twice; the later one wins in librdkafka.
  EXPECT_THAT(Extract(args),
              ElementsAre(Pair("linger.ms", "5"), Pair("linger.ms", "20")));
  EXPECT_THAT(args,
              ElementsAre("normalize", "--input=wire.raw", "--output",
                          "wire.normalized", "--kafkaesque", "--kafka_x=1",
                          "--mode=at-least-once", "story.xml"));
}

TEST(ExtractKafkaPropertiesTest, ReadsASecretFromTheEnvironment) {
  ASSERT_EQ(setenv("WIRESTREAM_TEST_SASL_PASSWORD", "s3cr=t,with spaces", 1),
            0);
  std::vector<std::string> args = {
      "normalize", "--kafka_from_env",
      "sasl.password=WIRESTREAM_TEST_SASL_PASSWORD",
      "--kafka_from_env=ssl.key.password=WIRESTREAM_TEST_SASL_PASSWORD"};
  EXPECT_THAT(Extract(args),
              ElementsAre(Pair("sasl.password", "s3cr=t,with spaces"),
                          Pair("ssl.key.password", "s3cr=t,with spaces")));
  EXPECT_THAT(args, ElementsAre("normalize"));
  unsetenv("WIRESTREAM_TEST_SASL_PASSWORD");
}

TEST(ExtractKafkaPropertiesTest, MissingEnvironmentVariableIsInvalidArgument) {
  unsetenv("WIRESTREAM_TEST_UNSET");
  std::vector<std::string> args = {"normalize", "--input=wire.raw",
                                   "--kafka_from_env",
                                   "sasl.password=WIRESTREAM_TEST_UNSET"};
  const std::vector<std::string> before = args;
  auto properties = ExtractKafkaProperties(args);
  EXPECT_EQ(properties.status(),
            absl::InvalidArgumentError(
                "--kafka_from_env sasl.password: environment variable "
                "WIRESTREAM_TEST_UNSET is not set"));
  EXPECT_EQ(args, before);
}

TEST(ExtractKafkaPropertiesTest, ReadsASecretFromAFileWithoutItsLineEnd) {
  const std::string unix_path = WriteTempFile("sasl_password", "hunter2\n");
  const std::string dos_path = WriteTempFile("key_password", "k3y=pass\r\n");
  std::vector<std::string> args = {
      "normalize", "--kafka_from_file", "sasl.password=" + unix_path,
      "--kafka_from_file=ssl.key.password=" + dos_path};
  EXPECT_THAT(Extract(args), ElementsAre(Pair("sasl.password", "hunter2"),
                                         Pair("ssl.key.password", "k3y=pass")));
  EXPECT_THAT(args, ElementsAre("normalize"));
}

TEST(ExtractKafkaPropertiesTest, UnreadableFileIsInvalidArgument) {
  const std::string path = TempPath("no_such_secret");
  std::vector<std::string> args = {"normalize", "--kafka_from_file",
                                   "sasl.password=" + path};
  EXPECT_EQ(ExtractKafkaProperties(args).status(),
            absl::InvalidArgumentError("--kafka_from_file sasl.password: "
                                       "cannot read " +
                                       path));
}

TEST(ExtractKafkaPropertiesTest, MalformedPropertyIsInvalidArgument) {
  std::vector<std::string> no_value = {"normalize", "--kafka"};
  EXPECT_EQ(ExtractKafkaProperties(no_value).status(),
            absl::InvalidArgumentError("--kafka needs KEY=VALUE"));
  std::vector<std::string> no_equals = {"normalize", "--kafka", "debug"};
  EXPECT_EQ(
      ExtractKafkaProperties(no_equals).status(),
      absl::InvalidArgumentError("--kafka wants KEY=VALUE, got \"debug\""));
  std::vector<std::string> no_key = {"normalize", "--kafka_from_env==VAR"};
  EXPECT_EQ(ExtractKafkaProperties(no_key).status(),
            absl::InvalidArgumentError(
                "--kafka_from_env wants KEY=VALUE, got \"=VAR\""));
}

TEST(ExtractKafkaPropertiesTest, NoKafkaFlagsGiveNoProperties) {
  std::vector<std::string> args = {"normalize", "--input=wire.raw"};
  EXPECT_THAT(Extract(args), IsEmpty());
  EXPECT_THAT(args, ElementsAre("normalize", "--input=wire.raw"));
}

RunnerConfig Defaults() {
  RunnerConfig config;
  config.bootstrap_servers = "k1:9092";
  config.input_topics = {"wire.raw"};
  config.output_topic = "wire.normalized";
  return config;
}

TEST(RunnerConfigFromFlagsTest, FlagsOverrideTheStageDefaults) {
  absl::FlagSaver saver;
  absl::SetFlag(&FLAGS_input, "wire.raw,wire.replay");
  absl::SetFlag(&FLAGS_mode, "at-least-once");
  absl::SetFlag(&FLAGS_batch_records, 50);

  auto config = RunnerConfigFromFlags(Defaults(), {{"acks", "all"}});

  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(config->input_topics, ElementsAre("wire.raw", "wire.replay"));
  EXPECT_EQ(config->output_topic, "wire.normalized");
  EXPECT_EQ(config->mode, DeliveryMode::kAtLeastOnce);
  EXPECT_EQ(config->batch_max_records, 50);
  EXPECT_EQ(config->batch_max_time, absl::Milliseconds(100));
  EXPECT_THAT(config->kafka_properties, ElementsAre(Pair("acks", "all")));
}

TEST(RunnerConfigFromFlagsTest, BatchIdleTimeDefaultsTo30MsAndZeroTurnsItOff) {
  absl::FlagSaver saver;
  auto defaults = RunnerConfigFromFlags(Defaults(), {});
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->batch_idle_time, absl::Milliseconds(30));

  absl::SetFlag(&FLAGS_batch_idle_ms, 0);
  auto off = RunnerConfigFromFlags(Defaults(), {});
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_EQ(off->batch_idle_time, absl::ZeroDuration());

  absl::SetFlag(&FLAGS_batch_idle_ms, 25);
  auto set = RunnerConfigFromFlags(Defaults(), {});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->batch_idle_time, absl::Milliseconds(25));
}

TEST(RunnerConfigFromFlagsTest, AtLeastOnceClosesQuietBatchesSooner) {
  absl::FlagSaver saver;
  absl::SetFlag(&FLAGS_mode, "at-least-once");
  auto config = RunnerConfigFromFlags(Defaults(), {});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->batch_idle_time, absl::Milliseconds(10));
}

TEST(RunnerConfigFromFlagsTest, AChosenBatchTimeTurnsIdleClosingOffUnlessSet) {
  absl::FlagSaver saver;
  absl::SetFlag(&FLAGS_batch_ms, 20000);
  auto chosen = RunnerConfigFromFlags(Defaults(), {});
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_EQ(chosen->batch_max_time, absl::Seconds(20));
  EXPECT_EQ(chosen->batch_idle_time, absl::ZeroDuration());

  absl::SetFlag(&FLAGS_batch_idle_ms, 40);
  auto both = RunnerConfigFromFlags(Defaults(), {});
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->batch_idle_time, absl::Milliseconds(40));
}

TEST(RunnerConfigFromFlagsTest, UnknownModeIsInvalidArgument) {
  absl::FlagSaver saver;
  absl::SetFlag(&FLAGS_mode, "exactly-twice");
  EXPECT_EQ(RunnerConfigFromFlags(Defaults(), {}).status(),
            absl::InvalidArgumentError("--mode must be exactly-once or "
                                       "at-least-once, not \"exactly-twice\""));
}

TEST(RunnerConfigFromFlagsTest, ValidatesTheResult) {
  absl::FlagSaver saver;
  absl::SetFlag(&FLAGS_output, "wire.raw");
  EXPECT_EQ(RunnerConfigFromFlags(Defaults(), {}).status(),
            absl::InvalidArgumentError(
                "input topic wire.raw is also an output; the stage would "
                "read its own records"));
}

TEST(CheckFlagsTest, AcceptsKnownFlagsInEveryForm) {
  absl::FlagSaver saver;
  EXPECT_TRUE(
      CheckFlags({"worker", "--input=wire.raw", "--output", "wire.stories",
                  "-batch_records=20", "--check_flags_test_switch",
                  "--nocheck_flags_test_switch", "positional", "--",
                  "--anything_after_the_end"})
          .ok());
}

TEST(CheckFlagsTest, UnknownFlagIsInvalidArgument) {
  EXPECT_EQ(CheckFlags({"worker", "--input=wire.raw", "--no_such_flag=1"}),
            absl::InvalidArgumentError("unknown flag --no_such_flag"));
  EXPECT_EQ(CheckFlags({"worker", "--noinput"}),
            absl::InvalidArgumentError("unknown flag --noinput"));
}

TEST(CheckFlagsTest, ValueThatDoesNotParseIsInvalidArgument) {
  absl::FlagSaver saver;
  absl::Status status = CheckFlags({"worker", "--batch_records=many"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--batch_records=many: "));
  EXPECT_EQ(status.message().find('\n'), absl::string_view::npos);
  EXPECT_EQ(CheckFlags({"worker", "--output"}),
            absl::InvalidArgumentError("flag --output needs a value"));
}

}  // namespace
}  // namespace wirestream::runtime
