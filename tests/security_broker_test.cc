// Kafka over TLS with SASL on the test broker's secure listener: a worker
// and the replay tool run through it, a wrong password stops the worker at
// start-up with exit code 2 and a message naming the listener, and no log
// line or metric holds the password.
#include <stdlib.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/broker.h"
#include "tests/support/secure_listener.h"
#include "tests/support/tool_process.h"
#include "tests/support/worker_process.h"

namespace wirestream {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testsupport::SecureListener;
using testsupport::TestRecord;
using testsupport::ToolResult;
using testsupport::WorkerProcess;

constexpr char kPasswordVariable[] = "WIRESTREAM_TEST_KAFKA_PASSWORD";

std::vector<TestRecord> Stories(int count) {
  std::vector<TestRecord> records;
  for (int n = 0; n < count; ++n) {
    TestRecord r;
    r.key = absl::StrCat("story-", n);
    r.value = absl::StrCat("Storm warning for the coast, update ", n);
    records.push_back(r);
  }
  return records;
}

class SecurityBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<SecureListener> found = testsupport::FindSecureListener();
    ASSERT_TRUE(found.ok()) << found.status();
    secure_ = *found;
  }

  // A passthrough worker on the secure listener; its password comes from
  // the environment variable kPasswordVariable.
  std::vector<std::string> WorkerArgs(const std::string& input,
                                      const std::string& output,
                                      const std::string& dlq, int http_port) {
    std::vector<std::string> args = {
        "--bootstrap=" + secure_.bootstrap,
        "--input=" + input,
        "--output=" + output,
        "--dlq=" + dlq,
        "--group=" + output + ".group",
        absl::StrCat("--http=127.0.0.1:", http_port),
        "--stats_interval_ms=500",
        absl::StrCat("--kafka_from_env=sasl.password=", kPasswordVariable),
    };
    for (std::string& flag : secure_.KafkaFlags("--kafka=")) {
      args.push_back(flag);
    }
    return args;
  }

  SecureListener secure_;
};

TEST_F(SecurityBrokerTest,
       WorkerRunsThroughTlsAndSaslAndNeverShowsThePassword) {
  auto input = testsupport::CreateUniqueTopic("in", 2);
  auto output = testsupport::CreateUniqueTopic("out", 2);
  auto dlq = testsupport::CreateUniqueTopic("dlq", 1);
  ASSERT_TRUE(input.ok() && output.ok() && dlq.ok());
  ASSERT_TRUE(testsupport::ProduceRecords(*input, Stories(20)).ok());

  setenv(kPasswordVariable, secure_.password.c_str(), 1);
  const int port = testsupport::FreePort();
  WorkerProcess worker(testsupport::WorkerBinary("passthrough"),
                       WorkerArgs(*input, *output, *dlq, port));
  ASSERT_TRUE(worker.Start().ok());
  auto copied = testsupport::ReadRecords(
      *output, {.min_records = 20, .timeout = absl::Seconds(60)});
  ASSERT_TRUE(copied.ok()) << copied.status();
  EXPECT_EQ(copied->size(), 20u) << worker.Log();

  // Every metric, once the counters have moved.
  std::string metrics;
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<std::string> got = testsupport::HttpGet(port, "/metrics");
    if (got.ok()) metrics = *got;
    if (testsupport::MetricValue(metrics, "wirestream_records_produced_total",
                                 "stage=\"passthrough\"") == 20) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_EQ(
      testsupport::MetricValue(metrics, "wirestream_records_produced_total",
                               "stage=\"passthrough\""),
      20)
      << metrics;
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();

  EXPECT_THAT(worker.Log(), HasSubstr("reading " + *input));
  EXPECT_THAT(worker.Log(), Not(HasSubstr(secure_.password)));
  EXPECT_THAT(metrics, Not(HasSubstr(secure_.password)));
  unsetenv(kPasswordVariable);
}

TEST_F(SecurityBrokerTest, WrongPasswordStopsTheWorkerWithExitCode2) {
  auto input = testsupport::CreateUniqueTopic("in", 1);
  auto output = testsupport::CreateUniqueTopic("out", 1);
  auto dlq = testsupport::CreateUniqueTopic("dlq", 1);
  ASSERT_TRUE(input.ok() && output.ok() && dlq.ok());
  const std::string wrong = "not-" + secure_.password;
  setenv(kPasswordVariable, wrong.c_str(), 1);
  WorkerProcess worker(
      testsupport::WorkerBinary("passthrough"),
      WorkerArgs(*input, *output, *dlq, testsupport::FreePort()));
  ASSERT_TRUE(worker.Start().ok());
  std::optional<int> code = worker.Wait(absl::Seconds(60));
  ASSERT_TRUE(code.has_value()) << worker.Log();
  EXPECT_EQ(*code, 2) << worker.Log();
  EXPECT_THAT(
      worker.Log(),
      HasSubstr("passthrough: cannot sign in to Kafka at " + secure_.bootstrap +
                " (security.protocol=SASL_SSL, sasl.mechanisms=PLAIN, "
                "sasl.username=" +
                secure_.username + "): "));
  EXPECT_THAT(worker.Log(), HasSubstr("Authentication failed"));
  EXPECT_THAT(worker.Log(), Not(HasSubstr(wrong)));
  EXPECT_THAT(worker.Log(), Not(HasSubstr(secure_.password)));
  unsetenv(kPasswordVariable);
}

TEST_F(SecurityBrokerTest, ReplayRunsThroughTlsAndSasl) {
  auto source = testsupport::CreateUniqueTopic("raw", 2);
  auto target = testsupport::CreateUniqueTopic("backfill", 2);
  ASSERT_TRUE(source.ok() && target.ok());
  ASSERT_TRUE(testsupport::ProduceRecords(*source, Stories(12)).ok());
  std::vector<std::string> args = {
      "--bootstrap=" + secure_.bootstrap,
      "--source=" + *source,
      "--target=" + *target,
      "--checkpoint_group=" + *target + ".checkpoint",
      "--progress=false",
      "--cleanup",
      absl::StrCat("--kafka_from_env=sasl.password=", kPasswordVariable)};
  for (std::string& flag : secure_.KafkaFlags("-X")) args.push_back(flag);
  setenv(kPasswordVariable, secure_.password.c_str(), 1);
  ToolResult run = testsupport::RunTool(
      testsupport::ToolBinary("replay/replay"), args, absl::Seconds(120));
  unsetenv(kPasswordVariable);
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_THAT(run.stdout_text, HasSubstr("replay: copied 12 records"));
  EXPECT_THAT(run.stdout_text + run.stderr_text,
              Not(HasSubstr(secure_.password)));
  auto copied = testsupport::ReadRecords(
      *target, {.min_records = 12, .timeout = absl::Seconds(30)});
  ASSERT_TRUE(copied.ok());
  EXPECT_EQ(copied->size(), 12u);
}

TEST_F(SecurityBrokerTest, ReplayWithAWrongPasswordExitsWithCode2) {
  auto source = testsupport::CreateUniqueTopic("raw", 1);
  ASSERT_TRUE(source.ok());
  const std::string wrong = "not-" + secure_.password;
  std::vector<std::string> args = {
      "--bootstrap=" + secure_.bootstrap, "--source=" + *source, "--dry-run",
      absl::StrCat("--kafka_from_env=sasl.password=", kPasswordVariable)};
  for (std::string& flag : secure_.KafkaFlags("-X")) args.push_back(flag);
  setenv(kPasswordVariable, wrong.c_str(), 1);
  ToolResult run = testsupport::RunTool(
      testsupport::ToolBinary("replay/replay"), args, absl::Seconds(60));
  unsetenv(kPasswordVariable);
  EXPECT_EQ(run.exit_code, 2) << run.stderr_text;
  EXPECT_THAT(
      run.stderr_text,
      HasSubstr("replay: cannot sign in to Kafka at " + secure_.bootstrap +
                " (security.protocol=SASL_SSL, sasl.mechanisms=PLAIN, "
                "sasl.username=" +
                secure_.username + "): "));
  EXPECT_THAT(run.stdout_text + run.stderr_text, Not(HasSubstr(wrong)));
  EXPECT_THAT(run.stdout_text + run.stderr_text,
              Not(HasSubstr(secure_.password)));
}

TEST_F(SecurityBrokerTest, OtherToolsWithAWrongPasswordExitWithCode2) {
  auto topic = testsupport::CreateUniqueTopic("raw", 1);
  ASSERT_TRUE(topic.ok());
  const std::string wrong = "not-" + secure_.password;
  setenv(kPasswordVariable, wrong.c_str(), 1);
  for (const auto& [tool, args] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"inspect/inspect",
            {"--topic=" + *topic, "--type=bytes", "--from-beginning",
             "--count"}},
           {"loadgen/loadgen", {"--topic=" + *topic, "--stories=1"}}}) {
    std::vector<std::string> all = args;
    all.push_back("--bootstrap=" + secure_.bootstrap);
    all.push_back(
        absl::StrCat("--kafka_from_env=sasl.password=", kPasswordVariable));
    for (std::string& flag : secure_.KafkaFlags("-X")) all.push_back(flag);
    ToolResult run = testsupport::RunTool(testsupport::ToolBinary(tool), all,
                                          absl::Seconds(60));
    EXPECT_EQ(run.exit_code, 2) << tool << ": " << run.stderr_text;
    EXPECT_THAT(run.stderr_text,
                HasSubstr("cannot sign in to Kafka at " + secure_.bootstrap))
        << tool;
    EXPECT_THAT(run.stdout_text + run.stderr_text, Not(HasSubstr(wrong)))
        << tool;
  }
  unsetenv(kPasswordVariable);
}

}  // namespace
}  // namespace wirestream
