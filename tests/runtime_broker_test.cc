// The microstage runtime on a real Kafka broker, with the passthrough
// worker as the stage under test: delivery, exactly-once under kill -9,
// zombie fencing, poison pills, rebalances, metrics and SIGTERM.
#include <signal.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/broker.h"
#include "tests/support/worker_process.h"
#include "wirestream/v1/dead_letter.pb.h"
#include "wirestream/v1/raw_story.pb.h"

namespace wirestream {
namespace {

using testsupport::ReadOptions;
using testsupport::TestRecord;
using testsupport::WorkerProcess;

// A RawStory whose feed item id says where it was produced: "<seq>".
std::string StoryValue(int seq) {
  v1::RawStory story;
  story.set_feed_item_id(absl::StrCat("item-", seq));
  story.set_source("test-feed");
  story.set_payload(absl::StrCat("Story number ", seq, " from the wire."));
  story.mutable_received_at()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  return story.SerializeAsString();
}

std::vector<TestRecord> Stories(int first, int count) {
  std::vector<TestRecord> records;
  for (int i = first; i < first + count; ++i) {
    TestRecord r;
    r.key = absl::StrCat("key-", i % 97);
    r.value = StoryValue(i);
    r.headers = {{"seq", absl::StrCat(i)}, {"feed", "test-feed"}};
    records.push_back(std::move(r));
  }
  return records;
}

int SeqOf(const TestRecord& record) {
  for (const auto& h : record.headers) {
    int seq = -1;
    if (h.key == "seq" && h.value && absl::SimpleAtoi(*h.value, &seq)) {
      return seq;
    }
  }
  return -1;
}

struct Topics {
  std::string input, output, dlq;
};

Topics MakeTopics(int partitions) {
  Topics t;
  auto in = testsupport::CreateUniqueTopic("in", partitions);
  auto out = testsupport::CreateUniqueTopic("out", partitions);
  auto dlq = testsupport::CreateUniqueTopic("dlq", 1,
                                            {{"max.message.bytes", "8388608"}});
  EXPECT_TRUE(in.ok()) << in.status();
  EXPECT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(dlq.ok()) << dlq.status();
  t.input = in.value_or("");
  t.output = out.value_or("");
  t.dlq = dlq.value_or("");
  return t;
}

std::vector<std::string> WorkerArgs(const Topics& t, const std::string& group,
                                    const std::string& instance,
                                    std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      absl::StrCat("--bootstrap=", *testsupport::BootstrapServers()),
      absl::StrCat("--input=", t.input),
      absl::StrCat("--output=", t.output),
      absl::StrCat("--dlq=", t.dlq),
      absl::StrCat("--group=", group),
      absl::StrCat("--instance=", instance),
      "--http=",
      "--stats_interval_ms=1000",
      "--kafka=session.timeout.ms=6000",
      "--kafka=heartbeat.interval.ms=500",
  };
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// Checks that `output` holds each of `expected_count` stories (seq
// 0..expected_count-1) exactly once, byte for byte as sent, and that each
// key's records kept their order.
void ExpectExactlyOnce(const std::vector<TestRecord>& output,
                       int expected_count) {
  std::map<int, int> seen;
  std::map<std::string, int> last_seq_by_key;
  std::map<int32_t, std::map<std::string, int>> unused;
  int out_of_order = 0;
  for (const TestRecord& r : output) {
    const int seq = SeqOf(r);
    ++seen[seq];
    ASSERT_TRUE(r.value.has_value());
    if (*r.value != StoryValue(seq)) {
      // received_at differs by production time; compare the rest.
      v1::RawStory got;
      ASSERT_TRUE(got.ParseFromString(*r.value));
      EXPECT_EQ(got.feed_item_id(), absl::StrCat("item-", seq));
    }
    EXPECT_EQ(r.key, absl::StrCat("key-", seq % 97));
    auto [it, inserted] = last_seq_by_key.emplace(*r.key, seq);
    if (!inserted) {
      if (seq < it->second) ++out_of_order;
      it->second = seq;
    }
  }
  int lost = 0, duplicated = 0;
  for (int i = 0; i < expected_count; ++i) {
    auto it = seen.find(i);
    if (it == seen.end()) {
      ++lost;
    } else if (it->second > 1) {
      duplicated += it->second - 1;
    }
  }
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicated, 0);
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(static_cast<int>(output.size()), expected_count);
}

std::vector<TestRecord> ReadAll(
    const std::string& topic, size_t min_records, absl::Duration timeout,
    testsupport::Isolation isolation = testsupport::Isolation::kReadCommitted) {
  ReadOptions options;
  options.min_records = min_records;
  options.timeout = timeout;
  options.isolation = isolation;
  auto records = testsupport::ReadRecords(topic, options);
  EXPECT_TRUE(records.ok()) << records.status();
  return records.value_or(std::vector<TestRecord>{});
}

TEST(RuntimeBrokerTest, PassthroughCopies1000RecordsExactly) {
  Topics t = MakeTopics(3);
  std::vector<TestRecord> input = Stories(0, 1000);
  ASSERT_TRUE(testsupport::ProduceRecords(t.input, input).ok());

  WorkerProcess worker(testsupport::WorkerBinary("passthrough"),
                       WorkerArgs(t, t.input + ".group", "0"));
  ASSERT_TRUE(worker.Start().ok());
  std::vector<TestRecord> output = ReadAll(t.output, 1000, absl::Seconds(60));
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();

  ASSERT_EQ(output.size(), 1000u) << worker.Log();
  // Same key, value and headers; per partition in the order produced.
  std::vector<TestRecord> sent =
      testsupport::ReadRecords(
          t.input, {.min_records = 1000, .timeout = absl::Seconds(30)})
          .value();
  std::map<int32_t, std::vector<const TestRecord*>> in_by_partition,
      out_by_partition;
  for (const auto& r : sent) in_by_partition[r.partition].push_back(&r);
  for (const auto& r : output) out_by_partition[r.partition].push_back(&r);
  ASSERT_EQ(in_by_partition.size(), out_by_partition.size());
  for (const auto& [partition, in] : in_by_partition) {
    const auto& out = out_by_partition[partition];
    ASSERT_EQ(in.size(), out.size()) << "partition " << partition;
    for (size_t i = 0; i < in.size(); ++i) {
      EXPECT_EQ(out[i]->key, in[i]->key);
      EXPECT_EQ(out[i]->value, in[i]->value);
      EXPECT_EQ(out[i]->headers, in[i]->headers);
    }
  }
}

TEST(RuntimeBrokerTest, ExactlyOnceSurvivesRepeatedKill9) {
  constexpr int kTotal = 20000;
  constexpr int kChunk = 500;
  Topics t = MakeTopics(4);
  WorkerProcess worker(
      testsupport::WorkerBinary("passthrough"),
      WorkerArgs(t, t.input + ".group", "0",
                 {"--batch_records=300", "--require_raw_story"}));

  // Input keeps arriving while the worker is killed and restarted.
  std::thread feed([&] {
    for (int first = 0; first < kTotal; first += kChunk) {
      ASSERT_TRUE(
          testsupport::ProduceRecords(t.input, Stories(first, kChunk)).ok());
      absl::SleepFor(absl::Milliseconds(300));
    }
  });
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> delay_ms(800, 3000);
  int kills = 0;
  ASSERT_TRUE(worker.Start().ok());
  for (; kills < 4; ++kills) {
    absl::SleepFor(absl::Milliseconds(delay_ms(random)));
    worker.Kill();
    ASSERT_TRUE(worker.Start().ok());
  }
  feed.join();
  std::vector<TestRecord> output =
      ReadAll(t.output, kTotal, absl::Seconds(180));
  // Anything still in flight would show up as extra records.
  absl::SleepFor(absl::Seconds(2));
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();
  output = ReadAll(t.output, kTotal, absl::Seconds(30));

  EXPECT_GE(kills, 3);
  ExpectExactlyOnce(output, kTotal);
  // The crashes were real: aborted or never-committed writes exist.
  std::vector<TestRecord> everything =
      ReadAll(t.output, kTotal, absl::Seconds(30),
              testsupport::Isolation::kReadUncommitted);
  RecordProperty("records_including_aborted",
                 static_cast<int>(everything.size()));
}

TEST(RuntimeBrokerTest, ZombieWithSameTransactionalIdIsFenced) {
  constexpr int kTotal = 2000;
  Topics t = MakeTopics(2);
  ASSERT_TRUE(testsupport::ProduceRecords(t.input, Stories(0, kTotal)).ok());
  const std::string group = t.input + ".group";
  // The zombie holds one long transaction with everything in it.
  WorkerProcess zombie(
      testsupport::WorkerBinary("passthrough"),
      WorkerArgs(t, group, "0",
                 {"--batch_records=100000", "--batch_ms=20000"}));
  ASSERT_TRUE(zombie.Start().ok());
  // Wait until the zombie has written (uncommitted) records.
  std::vector<TestRecord> uncommitted;
  for (int i = 0; i < 60 && uncommitted.size() < kTotal; ++i) {
    uncommitted = ReadAll(t.output, kTotal, absl::Seconds(1),
                          testsupport::Isolation::kReadUncommitted);
  }
  ASSERT_EQ(uncommitted.size(), static_cast<size_t>(kTotal)) << zombie.Log();

  WorkerProcess successor(testsupport::WorkerBinary("passthrough"),
                          WorkerArgs(t, group, "0"));
  ASSERT_TRUE(successor.Start().ok());
  std::optional<int> zombie_exit = zombie.Wait(absl::Seconds(60));
  ASSERT_TRUE(zombie_exit.has_value()) << zombie.Log();
  EXPECT_EQ(*zombie_exit, 1) << zombie.Log();
  EXPECT_NE(zombie.Log().find("fenced"), std::string::npos) << zombie.Log();

  std::vector<TestRecord> output = ReadAll(t.output, kTotal, absl::Seconds(60));
  EXPECT_EQ(successor.Stop(absl::Seconds(30)), 0) << successor.Log();
  output = ReadAll(t.output, kTotal, absl::Seconds(20));
  ExpectExactlyOnce(output, kTotal);
  // The zombie's writes are in the log, aborted, invisible to read_committed.
  std::vector<TestRecord> everything =
      ReadAll(t.output, 2 * kTotal, absl::Seconds(20),
              testsupport::Isolation::kReadUncommitted);
  EXPECT_EQ(everything.size(), static_cast<size_t>(2 * kTotal));
}

TEST(RuntimeBrokerTest, PoisonPillsGoToDeadLettersAndMetricsAddUp) {
  Topics t = MakeTopics(3);
  std::vector<TestRecord> input = Stories(0, 300);
  // Malformed: a RawStory field whose length runs past the end.
  std::vector<TestRecord> poison;
  for (int i = 0; i < 5; ++i) {
    TestRecord r;
    r.key = absl::StrCat("bad-", i);
    r.value = absl::StrCat(std::string("\x0a\x7f", 2), "truncated ", i);
    r.headers = {{"seq", absl::StrCat(1000 + i)}};
    poison.push_back(r);
  }
  // Oversized: over the worker's 50,000-byte limit.
  for (int i = 0; i < 3; ++i) {
    TestRecord r;
    r.key = absl::StrCat("big-", i);
    r.value = std::string(60000 + i, 'x');
    r.headers = {{"seq", absl::StrCat(2000 + i)}};
    poison.push_back(r);
  }
  // Interleave: good, poison, good ...
  std::vector<TestRecord> mixed;
  size_t p = 0;
  for (size_t i = 0; i < input.size(); ++i) {
    mixed.push_back(input[i]);
    if (i % 37 == 0 && p < poison.size()) mixed.push_back(poison[p++]);
  }
  while (p < poison.size()) mixed.push_back(poison[p++]);
  ASSERT_TRUE(testsupport::ProduceRecords(t.input, mixed).ok());

  const int port = testsupport::FreePort();
  std::vector<std::string> args =
      WorkerArgs(t, t.input + ".group", "0",
                 {"--require_raw_story", "--max_record_bytes=50000"});
  args.push_back(absl::StrCat("--http=127.0.0.1:", port));
  WorkerProcess worker(testsupport::WorkerBinary("passthrough"), args);
  ASSERT_TRUE(worker.Start().ok());

  std::vector<TestRecord> output = ReadAll(t.output, 300, absl::Seconds(60));
  std::vector<TestRecord> dead = ReadAll(t.dlq, 8, absl::Seconds(30));
  ExpectExactlyOnce(output, 300);

  ASSERT_EQ(dead.size(), 8u);
  std::map<std::string, const TestRecord*> poison_by_key;
  for (const auto& r : poison) poison_by_key[*r.key] = &r;
  int unparsable = 0, oversized = 0;
  for (const TestRecord& r : dead) {
    v1::DeadLetter letter;
    ASSERT_TRUE(letter.ParseFromString(*r.value));
    const TestRecord* original = poison_by_key.at(*r.key);
    EXPECT_EQ(letter.original_key(), *original->key);
    EXPECT_EQ(letter.original_value(), *original->value);
    EXPECT_FALSE(letter.value_truncated());
    ASSERT_EQ(letter.original_headers_size(), 1);
    EXPECT_EQ(letter.original_headers(0).key(), "seq");
    EXPECT_EQ(letter.source_topic(), t.input);
    EXPECT_GE(letter.source_offset(), 0);
    EXPECT_EQ(letter.stage(), "passthrough");
    if (letter.reason() == v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD) {
      ++unparsable;
      EXPECT_NE(letter.message().find("not a wirestream.v1.RawStory"),
                std::string::npos);
    } else if (letter.reason() == v1::DEAD_LETTER_REASON_OVERSIZED_RECORD) {
      ++oversized;
      EXPECT_NE(letter.message().find("over the limit of 50000 bytes"),
                std::string::npos);
    }
  }
  EXPECT_EQ(unparsable, 5);
  EXPECT_EQ(oversized, 3);

  // The worker is still running and its metrics add up.
  EXPECT_TRUE(worker.Running()) << worker.Log();
  std::optional<double> consumed, produced, dropped, dead_unparsable,
      dead_oversized;
  const std::string sel = "stage=\"passthrough\"";
  for (int i = 0; i < 50; ++i) {
    auto text = testsupport::HttpGet(port, "/metrics");
    ASSERT_TRUE(text.ok()) << text.status();
    consumed = testsupport::MetricValue(
        *text, "wirestream_records_consumed_total", sel);
    produced = testsupport::MetricValue(
        *text, "wirestream_records_produced_total", sel);
    dropped = testsupport::MetricValue(*text,
                                       "wirestream_records_dropped_total", sel);
    dead_unparsable = testsupport::MetricValue(
        *text, "wirestream_records_dead_lettered_total",
        "reason=\"unparsable_record\",stage=\"passthrough\"");
    dead_oversized = testsupport::MetricValue(
        *text, "wirestream_records_dead_lettered_total",
        "reason=\"oversized_record\",stage=\"passthrough\"");
    if (consumed && *consumed == 308) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(consumed && produced && dropped && dead_unparsable &&
              dead_oversized);
  EXPECT_EQ(*consumed, 308);
  EXPECT_EQ(*produced, 300);
  EXPECT_EQ(*dropped, 0);
  EXPECT_EQ(*dead_unparsable, 5);
  EXPECT_EQ(*dead_oversized, 3);
  EXPECT_EQ(*consumed,
            *produced + *dropped + *dead_unparsable + *dead_oversized);
  int code = 0;
  ASSERT_TRUE(testsupport::HttpGet(port, "/readyz", &code).ok());
  EXPECT_EQ(code, 200);
  ASSERT_TRUE(testsupport::HttpGet(port, "/healthz", &code).ok());
  EXPECT_EQ(code, 200);
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();
}

TEST(RuntimeBrokerTest, SecondWorkerJoinsAndLeavesWithoutLossOrDuplicates) {
  constexpr int kTotal = 10000;
  constexpr int kChunk = 500;
  Topics t = MakeTopics(4);
  const std::string group = t.input + ".group";
  WorkerProcess first(testsupport::WorkerBinary("passthrough"),
                      WorkerArgs(t, group, "0", {"--batch_records=200"}));
  WorkerProcess second(testsupport::WorkerBinary("passthrough"),
                       WorkerArgs(t, group, "1", {"--batch_records=200"}));
  std::thread feed([&] {
    for (int start = 0; start < kTotal; start += kChunk) {
      ASSERT_TRUE(
          testsupport::ProduceRecords(t.input, Stories(start, kChunk)).ok());
      absl::SleepFor(absl::Milliseconds(400));
    }
  });
  ASSERT_TRUE(first.Start().ok());
  absl::SleepFor(absl::Seconds(2));
  ASSERT_TRUE(second.Start().ok());
  absl::SleepFor(absl::Seconds(4));
  EXPECT_EQ(second.Stop(absl::Seconds(30)), 0) << second.Log();
  feed.join();
  std::vector<TestRecord> output =
      ReadAll(t.output, kTotal, absl::Seconds(120));
  EXPECT_EQ(first.Stop(absl::Seconds(30)), 0) << first.Log();
  output = ReadAll(t.output, kTotal, absl::Seconds(20));
  ExpectExactlyOnce(output, kTotal);
  // Both really worked: each was assigned partitions at some point.
  EXPECT_NE(second.Log().find("assigned " + t.input), std::string::npos)
      << second.Log();
}

TEST(RuntimeBrokerTest, SigtermMidStreamExitsZeroAndRestartResumes) {
  constexpr int kTotal = 6000;
  constexpr int kChunk = 500;
  Topics t = MakeTopics(2);
  WorkerProcess worker(
      testsupport::WorkerBinary("passthrough"),
      WorkerArgs(t, t.input + ".group", "0", {"--batch_records=250"}));
  std::thread feed([&] {
    for (int start = 0; start < kTotal; start += kChunk) {
      ASSERT_TRUE(
          testsupport::ProduceRecords(t.input, Stories(start, kChunk)).ok());
      absl::SleepFor(absl::Milliseconds(250));
    }
  });
  ASSERT_TRUE(worker.Start().ok());
  absl::SleepFor(absl::Seconds(2));
  const absl::Time asked = absl::Now();
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();
  RecordProperty(
      "sigterm_exit_ms",
      static_cast<int>(absl::ToInt64Milliseconds(absl::Now() - asked)));
  EXPECT_NE(worker.Log().find("stopped cleanly"), std::string::npos);
  ASSERT_TRUE(worker.Start().ok());
  feed.join();
  std::vector<TestRecord> output = ReadAll(t.output, kTotal, absl::Seconds(90));
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();
  output = ReadAll(t.output, kTotal, absl::Seconds(20));
  ExpectExactlyOnce(output, kTotal);
}

}  // namespace
}  // namespace wirestream
