// runner_bench: how fast the microstage runtime moves stories, with the
// passthrough stage (so the number is the runtime's own cost: Kafka IO,
// batching, transactions, metrics).
//
//   bazel run -c opt //tests/bench:runner_bench -- --broker=HOST:PORT
//   bazel run -c opt //tests/bench:runner_bench            # embedded cluster
//
// Phase 1 (throughput): a backlog of --records stories is produced first,
// then one worker drains it; prints stories/s.
// Phase 2 (latency): stories are produced at --rate per second for
// --latency_seconds while the worker runs; prints end-to-end latency
// percentiles (story produced -> output readable by a read_committed
// consumer). Progress is printed every second.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafkacpp.h"
#include "pipeline/runtime/embedded_cluster.h"
#include "pipeline/runtime/runner.h"
#include "pipeline/runtime/topics.h"
#include "pipeline/stages/passthrough/passthrough_stage.h"
#include "wirestream/v1/raw_story.pb.h"

ABSL_FLAG(std::string, broker, "",
          "Real broker to measure on; empty: the embedded cluster "
          "(at-least-once only).");
ABSL_FLAG(int, records, 100000, "Backlog size for the throughput phase.");
ABSL_FLAG(int, partitions, 4, "Partitions of the bench topics.");
ABSL_FLAG(int, story_bytes, 3000, "Payload bytes per story.");
ABSL_FLAG(std::string, delivery, "exactly-once",
          "exactly-once or at-least-once");
ABSL_FLAG(int, rate, 2000, "Stories per second in the latency phase.");
ABSL_FLAG(int, latency_seconds, 10, "Length of the latency phase.");

namespace wirestream {
namespace {

using runtime::RunnerConfig;

std::unique_ptr<RdKafka::Conf> Conf(
    const std::vector<std::pair<std::string, std::string>>& kv) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [k, v] : kv) conf->set(k, v, error);
  return conf;
}

std::string Story(int seq, const std::string& payload) {
  v1::RawStory story;
  story.set_feed_item_id(absl::StrCat("bench-", seq));
  story.set_source("bench");
  story.set_payload(payload);
  const int64_t now = absl::ToUnixNanos(absl::Now());
  story.mutable_received_at()->set_seconds(now / 1000000000);
  story.mutable_received_at()->set_nanos(now % 1000000000);
  return story.SerializeAsString();
}

// Reads `topic` (read_committed) and records, per story, now - received_at.
class OutputReader {
 public:
  OutputReader(const std::string& bootstrap, const std::string& topic) {
    std::string error;
    consumer_.reset(RdKafka::KafkaConsumer::create(
        Conf({{"bootstrap.servers", bootstrap},
              {"group.id", "bench-reader-" + topic},
              {"auto.offset.reset", "earliest"},
              {"isolation.level", "read_committed"}})
            .get(),
        error));
    consumer_->subscribe({topic});
  }
  ~OutputReader() { consumer_->close(); }

  // Reads until `total` records arrived or `deadline`.
  void ReadUntil(int64_t total, absl::Time deadline, bool keep_latency,
                 const char* phase) {
    absl::Time next_progress = absl::Now() + absl::Seconds(1);
    while (count_ < total && absl::Now() < deadline) {
      std::unique_ptr<RdKafka::Message> m(consumer_->consume(100));
      if (m->err() == RdKafka::ERR_NO_ERROR) {
        if (count_++ == 0) first_at_ = absl::Now();
        if (keep_latency) {
          v1::RawStory story;
          story.ParseFromArray(m->payload(), static_cast<int>(m->len()));
          const absl::Time received =
              absl::FromUnixSeconds(story.received_at().seconds()) +
              absl::Nanoseconds(story.received_at().nanos());
          latencies_ms_.push_back(
              absl::ToDoubleMilliseconds(absl::Now() - received));
        }
      }
      if (absl::Now() >= next_progress) {
        std::fprintf(stderr, "  %s: %lld of %lld stories out\n", phase,
                     static_cast<long long>(count_),
                     static_cast<long long>(total));
        next_progress += absl::Seconds(1);
      }
    }
  }
  int64_t count() const { return count_; }
  // When the first record arrived (the worker had joined and started).
  absl::Time first_at() const { return first_at_; }
  std::vector<double>& latencies_ms() { return latencies_ms_; }
  void Reset() {
    count_ = 0;
    latencies_ms_.clear();
  }

 private:
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  int64_t count_ = 0;
  absl::Time first_at_ = absl::InfinitePast();
  std::vector<double> latencies_ms_;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

int Main() {
  const int partitions = absl::GetFlag(FLAGS_partitions);
  const std::string tag = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  const std::string input = "bench.in." + tag, output = "bench.out." + tag,
                    dlq = "bench.dlq." + tag;
  std::string bootstrap = absl::GetFlag(FLAGS_broker);
  std::unique_ptr<runtime::EmbeddedCluster> embedded;
  RunnerConfig config;
  if (bootstrap.empty()) {
    embedded = *runtime::EmbeddedCluster::Start();
    bootstrap = embedded->bootstrap_servers();
    for (const auto& t : {input, output, dlq}) {
      (void)embedded->CreateTopic(t, partitions);
    }
    config.mode = runtime::DeliveryMode::kAtLeastOnce;
  } else {
    auto admin = runtime::TopicAdmin::Create({.bootstrap_servers = bootstrap});
    absl::Status created = (*admin)->CreateTopics(
        {{input, partitions}, {output, partitions}, {dlq, 1}});
    if (!created.ok()) {
      std::fprintf(stderr, "cannot create bench topics: %s\n",
                   created.ToString().c_str());
      return 1;
    }
    config.mode = absl::GetFlag(FLAGS_delivery) == "at-least-once"
                      ? runtime::DeliveryMode::kAtLeastOnce
                      : runtime::DeliveryMode::kExactlyOnce;
  }
  config.bootstrap_servers = bootstrap;
  config.input_topics = {input};
  config.output_topic = output;
  config.dead_letter_topic = dlq;
  config.group_id = "bench." + tag;
  config.http_address = "";

  std::string error;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(
      Conf({{"bootstrap.servers", bootstrap},
            {"linger.ms", "5"},
            {"queue.buffering.max.messages", "1000000"}})
          .get(),
      error));
  const std::string payload(absl::GetFlag(FLAGS_story_bytes), 'w');
  auto produce = [&](int seq) {
    std::string value = Story(seq, payload);
    const std::string key = absl::StrCat("k", seq % 1009);
    while (producer->produce(input, RdKafka::Topic::PARTITION_UA,
                             RdKafka::Producer::RK_MSG_COPY, value.data(),
                             value.size(), key.data(), key.size(), 0,
                             nullptr) == RdKafka::ERR__QUEUE_FULL) {
      producer->poll(10);
    }
    producer->poll(0);
  };

  const int records = absl::GetFlag(FLAGS_records);
  std::fprintf(stderr, "producing a backlog of %d stories of %d bytes...\n",
               records, absl::GetFlag(FLAGS_story_bytes));
  for (int i = 0; i < records; ++i) produce(i);
  producer->flush(60000);

  OutputReader reader(bootstrap, output);
  auto stage = *stages::PassthroughStage::Create({});
  std::atomic<bool> stop{false};
  const absl::Time started = absl::Now();
  std::thread worker([&] { runtime::RunStage(*stage, config, stop); });
  reader.ReadUntil(records, absl::Now() + absl::Minutes(10), false,
                   "throughput");
  // Timed from the first output on, so group start-up is not counted.
  const double seconds = absl::ToDoubleSeconds(absl::Now() - reader.first_at());
  const double rate = (reader.count() - 1) / seconds;
  std::fprintf(stderr, "worker start-up (group join) took %.2f s\n",
               absl::ToDoubleSeconds(reader.first_at() - started));

  std::fprintf(stderr, "latency phase: %d stories/s for %d s...\n",
               absl::GetFlag(FLAGS_rate), absl::GetFlag(FLAGS_latency_seconds));
  reader.Reset();
  const int latency_total =
      absl::GetFlag(FLAGS_rate) * absl::GetFlag(FLAGS_latency_seconds);
  std::thread feed([&] {
    const absl::Duration gap = absl::Seconds(1) / absl::GetFlag(FLAGS_rate);
    absl::Time next = absl::Now();
    for (int i = 0; i < latency_total; ++i) {
      produce(records + i);
      next += gap;
      absl::SleepFor(next - absl::Now());
    }
    producer->flush(60000);
  });
  reader.ReadUntil(latency_total, absl::Now() + absl::Minutes(5), true,
                   "latency");
  feed.join();
  stop = true;
  worker.join();

  std::vector<double>& lat = reader.latencies_ms();
  std::printf(
      "mode=%s partitions=%d story_bytes=%d\n"
      "throughput: %lld stories in %.2f s = %.0f stories/s\n"
      "latency at %d stories/s: n=%zu p50=%.1f ms p95=%.1f ms p99=%.1f ms "
      "max=%.1f ms\n",
      config.mode == runtime::DeliveryMode::kExactlyOnce ? "exactly-once"
                                                         : "at-least-once",
      partitions, absl::GetFlag(FLAGS_story_bytes),
      static_cast<long long>(records), seconds, rate, absl::GetFlag(FLAGS_rate),
      lat.size(), Percentile(lat, 0.50), Percentile(lat, 0.95),
      Percentile(lat, 0.99), Percentile(lat, 1.0));
  return 0;
}

}  // namespace
}  // namespace wirestream

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return wirestream::Main();
}
