#include "pipeline/runtime/processor.h"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/runtime/metrics.h"
#include "pipeline/runtime/testing/fake_io.h"
#include "pipeline/runtime/testing/scripted_stage.h"
#include "prometheus/registry.h"
#include "wirestream/v1/dead_letter.pb.h"

namespace wirestream::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using ::wirestream::v1::DeadLetter;

const TopicPartition kP0{"wire.raw", 0};
const TopicPartition kP1{"wire.raw", 1};

RunnerConfig TestConfig() {
  RunnerConfig config;
  config.bootstrap_servers = "kafka.invalid:9092";
  config.input_topics = {"wire.raw"};
  config.output_topic = "wire.out";
  config.dead_letter_topic = "wire.dlq";
  config.batch_max_records = 1000;
  // Batches close by size or on stop only, so tests do not depend on time.
  config.batch_max_time = absl::Hours(1);
  config.batch_idle_time = absl::ZeroDuration();
  config.retry_initial_backoff = absl::Milliseconds(1);
  config.retry_max_backoff = absl::Milliseconds(2);
  config.retry_budget = absl::Seconds(10);
  return config;
}

// "<topic> <key> <value> [header=value]...", "-" for no key and a header
// name alone for a header without value.
std::string Show(const OutgoingRecord& record) {
  std::string out = absl::StrCat(record.topic, " ", record.key.value_or("-"),
                                 " ", record.value);
  for (const RecordHeader& h : record.headers) {
    absl::StrAppend(&out, " [", h.key, h.value ? "=" + *h.value : "", "]");
  }
  return out;
}

std::vector<std::string> Show(const std::vector<OutgoingRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(Show(r));
  return out;
}

std::vector<std::string> Values(const std::vector<OutgoingRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.value);
  return out;
}

DeadLetter ParseLetter(const OutgoingRecord& record) {
  DeadLetter letter;
  EXPECT_EQ(record.topic, "wire.dlq");
  EXPECT_TRUE(letter.ParseFromString(record.value));
  return letter;
}

uint64_t Samples(prometheus::Histogram* histogram) {
  return histogram->Collect().histogram.sample_count;
}

class ProcessorTest : public ::testing::Test {
 protected:
  // Appends records with `values` and no key to `tp`.
  void Append(const TopicPartition& tp, std::vector<std::string> values) {
    for (std::string& v : values) source_.Append(tp, std::move(v));
  }

  // Runs a Processor over the fakes until the source runs dry.
  absl::Status Run() {
    source_.StopWhenDry(&stop_);
    processor_ = std::make_unique<Processor>(&stage_, &source_, &sink_,
                                             &metrics_, config_);
    return processor_->Run(stop_);
  }

  double DeadLettered(DeadLetterReason reason) {
    return metrics_.DeadLettered(reason).Value();
  }

  double AllDeadLettered() {
    double total = 0;
    for (int r = wirestream::v1::DeadLetterReason_MIN;
         r <= wirestream::v1::DeadLetterReason_MAX; ++r) {
      total += DeadLettered(static_cast<DeadLetterReason>(r));
    }
    return total;
  }

  RunnerConfig config_ = TestConfig();
  prometheus::Registry registry_;
  StageMetrics metrics_{registry_, "scripted"};
  ScriptedStage stage_;
  FakeSource source_;
  FakeSink sink_{&source_};
  std::atomic<bool> stop_{false};
  std::unique_ptr<Processor> processor_;
};

TEST_F(ProcessorTest, DeliversOutputsInOrderWithKeysValuesHeadersAndTopics) {
  source_.AssignAfter(0, {kP0});
  source_.Append(kP0, "story one", "ap-1",
                 {{"feed", "ap"}, {"embargo", std::nullopt}});
  source_.Append(kP0, "story two");
  source_.Append(kP0, "fan three", "ap-3");

  ASSERT_EQ(Run(), absl::OkStatus());

  EXPECT_THAT(
      Show(sink_.CommittedRecords()),
      ElementsAre("wire.out ap-1 story one [feed=ap] [embargo] "
                  "[seen-by=scripted]",
                  "wire.out - story two [seen-by=scripted]",
                  "wire.out ap-3 fan three#1", "wire.fanout ap-3 fan three#2"));
  ASSERT_EQ(sink_.committed_batches().size(), 1u);
  EXPECT_THAT(sink_.committed_batches()[0].offsets,
              UnorderedElementsAre(Pair(kP0, 3)));
  EXPECT_THAT(sink_.aborted_batches(), IsEmpty());
  EXPECT_TRUE(source_.closed());
  EXPECT_EQ(metrics_.consumed->Value(), 3);
  EXPECT_EQ(metrics_.produced->Value(), 4);
}

TEST_F(ProcessorTest, CommitsTheOffsetAfterTheLastRecordOfEachPartition) {
  source_.AssignAfter(0, {kP0, kP1});
  // Offsets 12 and 13 of partition 0 are transaction markers.
  for (int64_t offset : {10, 11, 14}) {
    InputRecord record;
    record.topic = kP0.topic;
    record.partition = kP0.partition;
    record.offset = offset;
    record.value = absl::StrCat("p0-", offset);
    source_.Append(record);
  }
  Append(kP1, {"p1-0", "p1-1"});

  ASSERT_EQ(Run(), absl::OkStatus());

  // Each partition's records in order; partitions interleave.
  EXPECT_THAT(Values(sink_.CommittedRecords()),
              ElementsAre("p0-10", "p1-0", "p0-11", "p1-1", "p0-14"));
  EXPECT_THAT(source_.committed(),
              UnorderedElementsAre(Pair(kP0, 15), Pair(kP1, 2)));
}

TEST_F(ProcessorTest, ClosesABatchEveryBatchMaxRecords) {
  config_.batch_max_records = 3;
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"s0", "s1", "s2", "s3", "s4", "s5", "s6"});

  ASSERT_EQ(Run(), absl::OkStatus());

  const auto& batches = sink_.committed_batches();
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_THAT(Values(batches[0].records), ElementsAre("s0", "s1", "s2"));
  EXPECT_THAT(batches[0].offsets, UnorderedElementsAre(Pair(kP0, 3)));
  EXPECT_THAT(Values(batches[1].records), ElementsAre("s3", "s4", "s5"));
  EXPECT_THAT(batches[1].offsets, UnorderedElementsAre(Pair(kP0, 6)));
  // The last, short batch is committed when the worker stops.
  EXPECT_THAT(Values(batches[2].records), ElementsAre("s6"));
  EXPECT_THAT(batches[2].offsets, UnorderedElementsAre(Pair(kP0, 7)));
  EXPECT_EQ(metrics_.batches_committed->Value(), 3);
  EXPECT_EQ(metrics_.batches_aborted->Value(), 0);
}

TEST_F(ProcessorTest, ClosesABatchOnceItIsBatchMaxTimeOld) {
  config_.batch_max_time = absl::Milliseconds(1);
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"a", "slow b", "c"});
  stage_.set_on_process([](const InputRecord& record) {
    if (record.value == "slow b") absl::SleepFor(absl::Milliseconds(5));
  });

  ASSERT_EQ(Run(), absl::OkStatus());

  const auto& batches = sink_.committed_batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_THAT(Values(batches[0].records), ElementsAre("a", "slow b"));
  EXPECT_THAT(batches[0].offsets, UnorderedElementsAre(Pair(kP0, 2)));
  EXPECT_THAT(Values(batches[1].records), ElementsAre("c"));
}

TEST_F(ProcessorTest, ClosesABatchWhenTheInputGoesQuiet) {
  // Any quiet poll is longer than this.
  config_.batch_idle_time = absl::Nanoseconds(1);
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"a", "b", "c", "d", "e"});
  source_.QuietAfter(3);

  ASSERT_EQ(Run(), absl::OkStatus());

  const auto& batches = sink_.committed_batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_THAT(Values(batches[0].records), ElementsAre("a", "b", "c"));
  EXPECT_THAT(batches[0].offsets, UnorderedElementsAre(Pair(kP0, 3)));
  EXPECT_THAT(Values(batches[1].records), ElementsAre("d", "e"));
  EXPECT_EQ(metrics_.batches_committed->Value(), 2);
}

TEST_F(ProcessorTest, AQuietPollDoesNotCloseABatchWithoutAnIdleTime) {
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"a", "b", "c", "d", "e"});
  source_.QuietAfter(3);

  ASSERT_EQ(Run(), absl::OkStatus());

  const auto& batches = sink_.committed_batches();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_THAT(Values(batches[0].records), ElementsAre("a", "b", "c", "d", "e"));
}

TEST_F(ProcessorTest, DeadLettersRejectedStoryWithItsOriginalRecord) {
  source_.AssignAfter(0, {kP0});
  InputRecord record;
  record.topic = "wire.raw";
  record.partition = 0;
  record.offset = 7;
  record.key = "ap-7";
  record.value = "bad wire code";
  record.headers = {{"feed", "ap"}, {"embargo", std::nullopt}};
  record.timestamp = absl::FromUnixMillis(1700000000123);
  source_.Append(record);

  ASSERT_EQ(Run(), absl::OkStatus());

  const std::vector<OutgoingRecord> out = sink_.CommittedRecords();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "wire.dlq");
  EXPECT_EQ(out[0].key, "ap-7");
  EXPECT_THAT(
      out[0].headers,
      ElementsAre(RecordHeader{"wirestream-stage", "scripted"},
                  RecordHeader{"wirestream-reason", "malformed_payload"}));
  const DeadLetter letter = ParseLetter(out[0]);
  EXPECT_EQ(letter.original_key(), "ap-7");
  EXPECT_EQ(letter.original_value(), "bad wire code");
  ASSERT_EQ(letter.original_headers_size(), 2);
  EXPECT_EQ(letter.original_headers(0).key(), "feed");
  EXPECT_EQ(letter.original_headers(0).value(), "ap");
  EXPECT_FALSE(letter.original_headers(0).null_value());
  EXPECT_EQ(letter.original_headers(1).key(), "embargo");
  EXPECT_EQ(letter.original_headers(1).value(), "");
  EXPECT_TRUE(letter.original_headers(1).null_value());
  EXPECT_EQ(letter.source_topic(), "wire.raw");
  EXPECT_EQ(letter.source_partition(), 0);
  EXPECT_EQ(letter.source_offset(), 7);
  EXPECT_EQ(letter.original_timestamp().seconds(), 1700000000);
  EXPECT_EQ(letter.original_timestamp().nanos(), 123000000);
  EXPECT_EQ(letter.stage(), "scripted");
  EXPECT_EQ(letter.reason(),
            wirestream::v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD);
  EXPECT_EQ(letter.message(), "malformed story: bad wire code");
  EXPECT_GT(letter.dead_lettered_at().seconds(), 1700000000);
  EXPECT_FALSE(letter.value_truncated());
  EXPECT_EQ(letter.original_size(), 13);

  EXPECT_THAT(source_.committed(), UnorderedElementsAre(Pair(kP0, 8)));
  EXPECT_EQ(DeadLettered(wirestream::v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD),
            1);
  EXPECT_EQ(metrics_.consumed->Value(), 1);
  EXPECT_EQ(metrics_.produced->Value(), 0);
}

TEST_F(ProcessorTest, DerivesTheReasonFromTheStatusCode) {
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"corrupt scan", "stale embargo"});

  ASSERT_EQ(Run(), absl::OkStatus());

  const std::vector<OutgoingRecord> out = sink_.CommittedRecords();
  ASSERT_EQ(out.size(), 2u);
  const DeadLetter corrupt = ParseLetter(out[0]);
  EXPECT_EQ(corrupt.reason(),
            wirestream::v1::DEAD_LETTER_REASON_CORRUPT_CONTENT);
  EXPECT_EQ(corrupt.message(), "story is damaged: corrupt scan");
  EXPECT_EQ(corrupt.source_offset(), 0);
  const DeadLetter stale = ParseLetter(out[1]);
  EXPECT_EQ(stale.reason(), wirestream::v1::DEAD_LETTER_REASON_INVALID_CONTENT);
  EXPECT_EQ(stale.message(), "story is stale: stale embargo");
  EXPECT_EQ(stale.source_offset(), 1);
  EXPECT_THAT(
      out[1].headers,
      ElementsAre(RecordHeader{"wirestream-stage", "scripted"},
                  RecordHeader{"wirestream-reason", "invalid_content"}));
  EXPECT_EQ(DeadLettered(wirestream::v1::DEAD_LETTER_REASON_CORRUPT_CONTENT),
            1);
  EXPECT_EQ(DeadLettered(wirestream::v1::DEAD_LETTER_REASON_INVALID_CONTENT),
            1);
}

TEST_F(ProcessorTest, DeadLettersOversizedInputWithoutProcessingIt) {
  config_.max_record_bytes = 10;
  source_.AssignAfter(0, {kP0});
  source_.Append(kP0, "0123456789", "k");  // 11 bytes with its key.
  source_.Append(kP0, "123456789", "k");   // 10 bytes: fits.

  ASSERT_EQ(Run(), absl::OkStatus());

  const std::vector<OutgoingRecord> out = sink_.CommittedRecords();
  ASSERT_EQ(out.size(), 2u);
  const DeadLetter letter = ParseLetter(out[0]);
  EXPECT_EQ(letter.reason(),
            wirestream::v1::DEAD_LETTER_REASON_OVERSIZED_RECORD);
  EXPECT_EQ(letter.message(),
            "record of 11 bytes is over the limit of 10 bytes");
  EXPECT_EQ(letter.original_value(), "0123456789");
  EXPECT_EQ(Show(out[1]), "wire.out k 123456789 [seen-by=scripted]");
  EXPECT_THAT(stage_.processed(), ElementsAre("123456789"));
  EXPECT_EQ(DeadLettered(wirestream::v1::DEAD_LETTER_REASON_OVERSIZED_RECORD),
            1);
}

TEST_F(ProcessorTest, DeadLettersInputWhoseOutputIsTooBigToSend) {
  config_.max_output_bytes = 1000;
  stage_.set_big_output_bytes(1000);
  source_.AssignAfter(0, {kP0});
  source_.Append(kP0, "big photo", "k");  // Output: 1000 + 1 key byte.

  ASSERT_EQ(Run(), absl::OkStatus());

  const std::vector<OutgoingRecord> out = sink_.CommittedRecords();
  ASSERT_EQ(out.size(), 1u);
  const DeadLetter letter = ParseLetter(out[0]);
  EXPECT_EQ(letter.reason(),
            wirestream::v1::DEAD_LETTER_REASON_UNDELIVERABLE_OUTPUT);
  EXPECT_EQ(letter.message(),
            "the stage's output of 1001 bytes is over the output limit of "
            "1000 bytes");
  EXPECT_EQ(letter.original_value(), "big photo");
  EXPECT_EQ(metrics_.produced->Value(), 0);
  EXPECT_EQ(
      DeadLettered(wirestream::v1::DEAD_LETTER_REASON_UNDELIVERABLE_OUTPUT), 1);
}

TEST_F(ProcessorTest, CutsTheDeadLetterValueToFitTheDeadLetterTopic) {
  config_.max_dead_letter_bytes = 64 << 10;
  source_.AssignAfter(0, {kP0});
  // The stage quotes the whole value in its message, and the headers are
  // large: both count against the limit.
  const std::string value = "bad" + std::string(60000, 'x');
  source_.Append(kP0, value, "k1", {{"note", std::string(20000, 'n')}});

  ASSERT_EQ(Run(), absl::OkStatus());

  const std::vector<OutgoingRecord> out = sink_.CommittedRecords();
  ASSERT_EQ(out.size(), 1u);
  // 64 KiB less the 16 KiB allowance for the Kafka record around the letter,
  // the 2-byte key and 10 of the 16 bytes kept for the value's own fields.
  EXPECT_EQ(out[0].value.size(), 49140u);
  const DeadLetter letter = ParseLetter(out[0]);
  EXPECT_TRUE(letter.value_truncated());
  EXPECT_EQ(letter.original_size(), 60003);
  EXPECT_LT(letter.original_value().size(), 49140u - 20000u - 4096u);
  EXPECT_EQ(letter.original_value(),
            value.substr(0, letter.original_value().size()));
  EXPECT_EQ(letter.original_headers(0).value(), std::string(20000, 'n'));
  EXPECT_EQ(letter.message().size(), kMaxDeadLetterMessageBytes);
  EXPECT_EQ(
      letter.message(),
      ("malformed story: " + value).substr(0, kMaxDeadLetterMessageBytes));
  EXPECT_EQ(metrics_.consumed->Value(), 1);
  EXPECT_EQ(DeadLettered(wirestream::v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD),
            1);
}

TEST_F(ProcessorTest, RetriesAnUnavailableDependencyAndDeliversOnce) {
  stage_.set_unavailable_times(3);
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"flaky story", "story"});

  ASSERT_EQ(Run(), absl::OkStatus());

  EXPECT_THAT(Values(sink_.CommittedRecords()),
              ElementsAre("flaky story", "story"));
  EXPECT_THAT(stage_.processed(),
              ElementsAre("flaky story", "flaky story", "flaky story",
                          "flaky story", "story"));
  EXPECT_THAT(sink_.aborted_batches(), IsEmpty());
  EXPECT_EQ(metrics_.retries->Value(), 3);
  EXPECT_EQ(metrics_.consumed->Value(), 2);
  EXPECT_EQ(metrics_.produced->Value(), 2);
  // One observation per Process call.
  EXPECT_EQ(Samples(metrics_.process_seconds), 5u);
}

TEST_F(ProcessorTest, RetryPastTheBudgetAbortsAndReadsTheBatchAgain) {
  config_.retry_budget = absl::Milliseconds(3);
  stage_.set_unavailable_times(6);
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"story", "flaky story"});

  ASSERT_EQ(Run(), absl::OkStatus());

  EXPECT_THAT(Values(sink_.CommittedRecords()),
              ElementsAre("story", "flaky story"));
  ASSERT_GE(sink_.aborted_batches().size(), 1u);
  EXPECT_THAT(Values(sink_.aborted_batches()[0]), ElementsAre("story"));
  EXPECT_EQ(metrics_.batches_aborted->Value(), sink_.aborted_batches().size());
  EXPECT_EQ(source_.rewinds(), sink_.aborted_batches().size());
  EXPECT_EQ(metrics_.consumed->Value(), 2);
  EXPECT_EQ(metrics_.produced->Value(), 2);
}

TEST_F(ProcessorTest, StageErrorAbortsTheBatchAndRereadsFromTheLastCommit) {
  config_.batch_max_records = 3;
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"a", "b", "c", "d", "crash e", "f"});

  ASSERT_EQ(Run(), absl::OkStatus());

  EXPECT_THAT(stage_.processed(),
              ElementsAre("a", "b", "c", "d", "crash e", "d", "crash e", "f"));
  ASSERT_EQ(sink_.aborted_batches().size(), 1u);
  EXPECT_THAT(Values(sink_.aborted_batches()[0]), ElementsAre("d"));
  ASSERT_EQ(sink_.committed_batches().size(), 2u);
  EXPECT_THAT(Values(sink_.committed_batches()[0].records),
              ElementsAre("a", "b", "c"));
  EXPECT_THAT(Values(sink_.committed_batches()[1].records),
              ElementsAre("d", "crash e", "f"));
  EXPECT_THAT(sink_.committed_batches()[1].offsets,
              UnorderedElementsAre(Pair(kP0, 6)));
  EXPECT_EQ(source_.rewinds(), 1);
  EXPECT_EQ(metrics_.batches_aborted->Value(), 1);
  EXPECT_EQ(metrics_.consumed->Value(), 6);
  EXPECT_EQ(metrics_.produced->Value(), 6);
}

TEST_F(ProcessorTest, AbortedCommitIsAbortedRewoundAndDeliveredOnce) {
  config_.batch_max_records = 2;
  sink_.FailCommit(2, absl::AbortedError("transaction coordinator moved"));
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"r0", "r1", "r2", "r3", "r4"});

  ASSERT_EQ(Run(), absl::OkStatus());

  ASSERT_EQ(sink_.aborted_batches().size(), 1u);
  EXPECT_THAT(Values(sink_.aborted_batches()[0]), ElementsAre("r2", "r3"));
  const auto& batches = sink_.committed_batches();
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_THAT(Values(batches[0].records), ElementsAre("r0", "r1"));
  EXPECT_THAT(Values(batches[1].records), ElementsAre("r2", "r3"));
  EXPECT_THAT(batches[1].offsets, UnorderedElementsAre(Pair(kP0, 4)));
  EXPECT_THAT(Values(batches[2].records), ElementsAre("r4"));
  EXPECT_THAT(Values(sink_.CommittedRecords()),
              ElementsAre("r0", "r1", "r2", "r3", "r4"));
  EXPECT_THAT(source_.committed(), UnorderedElementsAre(Pair(kP0, 5)));
  EXPECT_EQ(metrics_.consumed->Value(), 5);
  EXPECT_EQ(metrics_.produced->Value(), 5);
  EXPECT_EQ(metrics_.batches_committed->Value(), 3);
  EXPECT_EQ(metrics_.batches_aborted->Value(), 1);
}

TEST_F(ProcessorTest, AbortedSendIsAbortedRewoundAndDeliveredOnce) {
  sink_.FailSend(2, absl::AbortedError("cannot send to wire.out"));
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"a", "b", "c"});

  ASSERT_EQ(Run(), absl::OkStatus());

  ASSERT_EQ(sink_.aborted_batches().size(), 1u);
  EXPECT_THAT(Values(sink_.aborted_batches()[0]), ElementsAre("a"));
  EXPECT_THAT(Values(sink_.CommittedRecords()), ElementsAre("a", "b", "c"));
  EXPECT_EQ(metrics_.consumed->Value(), 3);
  EXPECT_EQ(metrics_.produced->Value(), 3);
}

TEST_F(ProcessorTest, FatalCommitErrorEndsRunWithThatError) {
  config_.batch_max_records = 2;
  sink_.FailCommit(1, absl::PermissionDeniedError("fenced by a newer worker"));
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"a", "b", "c"});

  EXPECT_EQ(Run(), absl::PermissionDeniedError("fenced by a newer worker"));

  // The worker is on its way out: /readyz and the gauge say so.
  EXPECT_FALSE(processor_->ready());
  EXPECT_EQ(metrics_.ready->Value(), 0);

  EXPECT_THAT(sink_.committed_batches(), IsEmpty());
  EXPECT_THAT(source_.committed(), IsEmpty());
  EXPECT_THAT(stage_.processed(), ElementsAre("a", "b"));
  EXPECT_EQ(metrics_.consumed->Value(), 0);
  EXPECT_EQ(metrics_.batches_committed->Value(), 0);
}

TEST_F(ProcessorTest, FatalSendErrorEndsRunWithThatError) {
  sink_.FailSend(2, absl::InternalError("Kafka producer failed: fenced"));
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"a", "b", "c"});

  EXPECT_EQ(Run(), absl::InternalError("Kafka producer failed: fenced"));

  EXPECT_THAT(sink_.committed_batches(), IsEmpty());
  EXPECT_THAT(sink_.aborted_batches(), IsEmpty());
  EXPECT_THAT(stage_.processed(), ElementsAre("a", "b"));
  EXPECT_EQ(metrics_.consumed->Value(), 0);
}

TEST_F(ProcessorTest, StopWhileRetryingAbortsTheBatchAndLeaves) {
  stage_.set_unavailable_times(1000);
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"a", "flaky b", "c"});
  stage_.set_on_process([&](const InputRecord& record) {
    if (record.value == "flaky b") stop_ = true;
  });

  ASSERT_EQ(Run(), absl::OkStatus());

  // Nothing of the batch is committed: the next owner of the partition
  // reads "a" and "flaky b" again.
  EXPECT_THAT(sink_.committed_batches(), IsEmpty());
  ASSERT_EQ(sink_.aborted_batches().size(), 1u);
  EXPECT_THAT(Values(sink_.aborted_batches()[0]), ElementsAre("a"));
  EXPECT_THAT(stage_.processed(), ElementsAre("a", "flaky b"));
  EXPECT_THAT(source_.committed(), IsEmpty());
  EXPECT_TRUE(source_.closed());
  EXPECT_EQ(metrics_.retries->Value(), 0);
}

TEST_F(ProcessorTest, RevokeCommitsTheOpenBatchBeforeTheListenerReturns) {
  source_.AssignAfter(0, {kP0, kP1});
  source_.RevokeAfter(3, {kP1});
  Append(kP0, {"p0-0", "p0-1", "p0-2", "p0-3"});
  Append(kP1, {"p1-0", "p1-1", "p1-2", "p1-3"});
  // What had been committed when the stage was told, and when the revoke
  // returned.
  size_t committed_when_stage_told = 0;
  std::optional<OffsetMap> committed_when_revoked;
  bool open_when_revoked = true;
  stage_.set_on_revoked([&](const std::vector<TopicPartition>&) {
    if (committed_when_revoked) return;  // Only the first revoke.
    committed_when_stage_told = sink_.committed_batches().size();
  });
  source_.SetEventObserver([&](const AssignmentEvent& event) {
    if (event.kind != AssignmentEvent::Kind::kRevoke ||
        committed_when_revoked) {
      return;
    }
    committed_when_revoked = source_.committed();
    open_when_revoked = sink_.batch_open();
  });

  ASSERT_EQ(Run(), absl::OkStatus());

  EXPECT_EQ(committed_when_stage_told, 1u);
  ASSERT_TRUE(committed_when_revoked.has_value());
  EXPECT_THAT(*committed_when_revoked,
              UnorderedElementsAre(Pair(kP0, 2), Pair(kP1, 1)));
  EXPECT_FALSE(open_when_revoked);
  ASSERT_EQ(sink_.committed_batches().size(), 2u);
  EXPECT_THAT(Values(sink_.committed_batches()[0].records),
              ElementsAre("p0-0", "p1-0", "p0-1"));
  // The rest of partition 1 is another worker's now.
  EXPECT_THAT(Values(sink_.committed_batches()[1].records),
              ElementsAre("p0-2", "p0-3"));
  EXPECT_THAT(source_.committed(),
              UnorderedElementsAre(Pair(kP0, 4), Pair(kP1, 1)));
  EXPECT_THAT(stage_.revoked(),
              ElementsAre(ElementsAre(kP1), ElementsAre(kP0)));
  EXPECT_EQ(metrics_.partitions_revoked_events->Value(), 2);
}

TEST_F(ProcessorTest, ReassignedPartitionResumesFromItsCommit) {
  source_.AssignAfter(0, {kP0, kP1});
  source_.RevokeAfter(3, {kP1});
  source_.AssignAfter(5, {kP1});
  Append(kP0, {"p0-0", "p0-1", "p0-2", "p0-3"});
  Append(kP1, {"p1-0", "p1-1", "p1-2", "p1-3"});

  ASSERT_EQ(Run(), absl::OkStatus());

  EXPECT_THAT(Values(sink_.CommittedRecords()),
              ElementsAre("p0-0", "p1-0", "p0-1", "p0-2", "p0-3", "p1-1",
                          "p1-2", "p1-3"));
  EXPECT_THAT(source_.committed(),
              UnorderedElementsAre(Pair(kP0, 4), Pair(kP1, 4)));
  EXPECT_EQ(metrics_.consumed->Value(), 8);
  EXPECT_EQ(metrics_.partitions_assigned_events->Value(), 2);
}

TEST_F(ProcessorTest, AbortedCommitDuringRevokeRereadsTheKeptPartitions) {
  sink_.FailCommit(1, absl::AbortedError("transaction timed out"));
  source_.AssignAfter(0, {kP0, kP1});
  source_.RevokeAfter(3, {kP1});
  source_.AssignAfter(100, {kP1});  // Once partition 0 runs dry.
  Append(kP0, {"p0-0", "p0-1", "p0-2", "p0-3"});
  Append(kP1, {"p1-0", "p1-1"});

  ASSERT_EQ(Run(), absl::OkStatus());

  ASSERT_EQ(sink_.aborted_batches().size(), 1u);
  EXPECT_THAT(Values(sink_.aborted_batches()[0]),
              ElementsAre("p0-0", "p1-0", "p0-1"));
  // p0-2, read right after the failed revoke, is dropped unprocessed and
  // read again after the rewind.
  EXPECT_THAT(stage_.processed(),
              ElementsAre("p0-0", "p1-0", "p0-1", "p0-0", "p0-1", "p0-2",
                          "p0-3", "p1-0", "p1-1"));
  EXPECT_THAT(Values(sink_.CommittedRecords()),
              ElementsAre("p0-0", "p0-1", "p0-2", "p0-3", "p1-0", "p1-1"));
  EXPECT_THAT(source_.committed(),
              UnorderedElementsAre(Pair(kP0, 4), Pair(kP1, 2)));
  EXPECT_EQ(source_.rewinds(), 1);
  EXPECT_EQ(metrics_.consumed->Value(), 6);
}

TEST_F(ProcessorTest, StateRestoreFailureEndsRunWithInternal) {
  stage_.set_assign_status(absl::UnavailableError("state store unreachable"));
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"a"});

  EXPECT_EQ(Run(), absl::InternalError("could not restore state for "
                                       "wire.raw[0]: state store unreachable"));

  EXPECT_FALSE(processor_->ready());
  EXPECT_EQ(metrics_.ready->Value(), 0);
  EXPECT_THAT(stage_.processed(), IsEmpty());
  EXPECT_THAT(sink_.committed_batches(), IsEmpty());
}

TEST_F(ProcessorTest, ReadyOnceAssignedAndRestored) {
  source_.AssignAfter(0, {kP0});
  source_.AssignAfter(1, {kP1});
  Append(kP0, {"a", "b"});
  Append(kP1, {"c"});
  source_.StopWhenDry(&stop_);
  processor_ = std::make_unique<Processor>(&stage_, &source_, &sink_, &metrics_,
                                           config_);
  std::vector<bool> ready_after_assign;
  source_.SetEventObserver([&](const AssignmentEvent& event) {
    if (event.kind == AssignmentEvent::Kind::kAssign) {
      ready_after_assign.push_back(processor_->ready());
    }
  });
  std::vector<double> ready_gauge_while_processing;
  stage_.set_on_process([&](const InputRecord&) {
    ready_gauge_while_processing.push_back(metrics_.ready->Value());
  });
  EXPECT_FALSE(processor_->ready());
  EXPECT_EQ(metrics_.ready->Value(), 0);

  ASSERT_EQ(processor_->Run(stop_), absl::OkStatus());

  EXPECT_THAT(ready_after_assign, ElementsAre(true, true));
  EXPECT_THAT(ready_gauge_while_processing, ElementsAre(1, 1, 1));
  EXPECT_EQ(metrics_.assigned_partitions->Value(), 2);
  // Stopped: out of the group.
  EXPECT_FALSE(processor_->ready());
  EXPECT_EQ(metrics_.ready->Value(), 0);
}

TEST_F(ProcessorTest, MetricsCountEachRecordOnceDespiteAborts) {
  config_.batch_max_records = 3;
  stage_.set_unavailable_times(1);
  sink_.FailCommit(1, absl::AbortedError("transaction timed out"));
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"story a", "drop", "bad b", "corrupt c", "crash d", "story e",
               "drop", "flaky f"});

  ASSERT_EQ(Run(), absl::OkStatus());

  // Commit 1 fails ([a drop b] read again); "crash d" fails the second batch
  // once ([c d] read again); "flaky f" is retried once.
  EXPECT_EQ(stage_.processed().size(), 14u);
  EXPECT_EQ(metrics_.consumed->Value(), 8);
  EXPECT_EQ(metrics_.produced->Value(), 4);
  EXPECT_EQ(metrics_.dropped->Value(), 2);
  EXPECT_EQ(AllDeadLettered(), 2);
  EXPECT_EQ(DeadLettered(wirestream::v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD),
            1);
  EXPECT_EQ(DeadLettered(wirestream::v1::DEAD_LETTER_REASON_CORRUPT_CONTENT),
            1);
  EXPECT_EQ(metrics_.consumed->Value(), metrics_.produced->Value() +
                                            metrics_.dropped->Value() +
                                            AllDeadLettered());
  EXPECT_EQ(metrics_.retries->Value(), 1);
  EXPECT_EQ(metrics_.batches_committed->Value(), 3);
  EXPECT_EQ(metrics_.batches_aborted->Value(), 2);
  // Outputs that carry a story's arrival time: "story a", "crash d",
  // "story e", "flaky f".
  EXPECT_EQ(Samples(metrics_.end_to_end_seconds), 4u);
  EXPECT_THAT(Values(sink_.CommittedRecords()).size(), 6u);
}

TEST_F(ProcessorTest, StopFromTheStageCommitsTheOpenBatchAndLeavesTheGroup) {
  source_.AssignAfter(0, {kP0});
  Append(kP0, {"a", "last", "never"});
  stage_.set_on_process([&](const InputRecord& record) {
    if (record.value == "last") stop_ = true;
  });

  ASSERT_EQ(Run(), absl::OkStatus());

  EXPECT_THAT(Values(sink_.CommittedRecords()), ElementsAre("a", "last"));
  EXPECT_THAT(source_.committed(), UnorderedElementsAre(Pair(kP0, 2)));
  EXPECT_THAT(stage_.processed(), ElementsAre("a", "last"));
  EXPECT_TRUE(source_.closed());
  EXPECT_THAT(stage_.revoked(), ElementsAre(ElementsAre(kP0)));
  EXPECT_FALSE(sink_.batch_open());
}

TEST(MakeDeadLetterTest, KeepsAValueThatFits) {
  InputRecord record;
  record.topic = "wire.raw";
  record.partition = 3;
  record.offset = 99;
  record.value = "short story";
  const DeadLetter letter = MakeDeadLetter(
      record, "normalize", wirestream::v1::DEAD_LETTER_REASON_EMPTY_STORY,
      "no body", 64 << 10);
  EXPECT_EQ(letter.original_key(), "");
  EXPECT_EQ(letter.original_value(), "short story");
  EXPECT_FALSE(letter.value_truncated());
  EXPECT_EQ(letter.original_size(), 11);
  EXPECT_EQ(letter.source_partition(), 3);
  EXPECT_EQ(letter.source_offset(), 99);
  EXPECT_EQ(letter.stage(), "normalize");
  EXPECT_EQ(letter.reason(), wirestream::v1::DEAD_LETTER_REASON_EMPTY_STORY);
  EXPECT_EQ(letter.message(), "no body");
}

TEST(MakeDeadLetterTest, CutsALongMessageBetweenCharacters) {
  InputRecord record;
  record.value = "story";
  // "é" is 2 bytes; byte 4096 is the middle of one.
  std::string message = "x";
  for (int i = 0; i < 3000; ++i) message += "\xc3\xa9";
  const DeadLetter letter = MakeDeadLetter(
      record, "normalize", wirestream::v1::DEAD_LETTER_REASON_INVALID_CONTENT,
      message, 64 << 10);
  EXPECT_EQ(letter.message(), message.substr(0, 4095));
  EXPECT_EQ(letter.original_value(), "story");
  DeadLetter parsed;
  EXPECT_TRUE(parsed.ParseFromString(letter.SerializeAsString()));
}

TEST(MakeDeadLetterTest, ReplacesBytesThatAreNotUtf8InTheMessage) {
  InputRecord record;
  record.value = "caf\xe9 au lait";  // Latin-1: not UTF-8.
  // A stage quoting the bytes it could not read. "\xc3\xa9" ("é") and
  // "\xf0\x9f\x93\xb0" (a newspaper emoji) are valid and kept.
  const std::string message =
      "invalid UTF-8 at byte 3 of \"caf\xe9\" (not \"caf\xc3\xa9\"); "
      "\xf0\x9f\x93\xb0 beyond U+10FFFF \xf4\x90\x80\x80; "
      "overlong \xc0\xaf, surrogate \xed\xa0\x80, cut \xe2\x82";
  const DeadLetter letter = MakeDeadLetter(
      record, "normalize", wirestream::v1::DEAD_LETTER_REASON_INVALID_UTF8,
      message, 64 << 10);
  EXPECT_EQ(
      letter.message(),
      "invalid UTF-8 at byte 3 of \"caf\xef\xbf\xbd\" (not "
      "\"caf\xc3\xa9\"); \xf0\x9f\x93\xb0 beyond U+10FFFF "
      "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd; "
      "overlong \xef\xbf\xbd\xef\xbf\xbd, surrogate "
      "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd, cut \xef\xbf\xbd\xef\xbf\xbd");
  // The value is bytes and kept as it was.
  EXPECT_EQ(letter.original_value(), "caf\xe9 au lait");
  DeadLetter parsed;
  ASSERT_TRUE(parsed.ParseFromString(letter.SerializeAsString()));
  EXPECT_EQ(parsed.message(), letter.message());
  EXPECT_EQ(parsed.original_value(), "caf\xe9 au lait");
}

}  // namespace
}  // namespace wirestream::runtime

namespace wirestream::runtime {
namespace {

// A stage that remembers every aborted batch it was told about.
class AbortAwareStage : public Stage {
 public:
  absl::string_view name() const override { return "abort-aware"; }
  absl::StatusOr<std::vector<OutputRecord>> Process(
      const InputRecord& record) override {
    if (record.value == "crash" && ++crashes_ == 1) {
      return absl::InternalError("lost the model");
    }
    OutputRecord out;
    out.value = record.value;
    return std::vector<OutputRecord>{out};
  }
  absl::Status OnBatchAborted(
      const std::vector<TopicPartition>& assigned) override {
    aborted_with_.push_back(assigned);
    events_.push_back("aborted");
    return absl::OkStatus();
  }
  void OnBatchCommitted() override { events_.push_back("committed"); }
  std::vector<std::vector<TopicPartition>> aborted_with_;
  std::vector<std::string> events_;
  int crashes_ = 0;
};

TEST(ProcessorAbortHookTest, TellsTheStageAboutAnAbortedBatch) {
  const TopicPartition p0{"wire.in", 0};
  FakeSource source;
  FakeSink sink(&source);
  prometheus::Registry registry;
  StageMetrics metrics(registry, "abort-aware");
  RunnerConfig config;
  config.input_topics = {"wire.in"};
  config.output_topic = "wire.out";
  config.batch_max_records = 10;
  AbortAwareStage stage;
  source.AssignAfter(0, {p0});
  for (const char* v : {"a", "crash", "b"}) source.Append(p0, v);
  std::atomic<bool> stop{false};
  source.StopWhenDry(&stop);
  Processor processor(&stage, &source, &sink, &metrics, config);
  ASSERT_EQ(processor.Run(stop), absl::OkStatus());
  ASSERT_EQ(stage.aborted_with_.size(), 1u);
  EXPECT_THAT(stage.aborted_with_[0], ElementsAre(p0));
  ASSERT_EQ(sink.committed_batches().size(), 1u);
  EXPECT_THAT(Values(sink.committed_batches()[0].records),
              ElementsAre("a", "crash", "b"));
  // The aborted batch is never reported committed; the one that replaced
  // it is, once.
  EXPECT_THAT(stage.events_, ElementsAre("aborted", "committed"));
}

}  // namespace
}  // namespace wirestream::runtime
