// Stories per second through the alert worker binary on a real broker:
// a backlog of EnrichedStory records on an input topic, a generated rules
// file, and the worker started as a process of its own. Timed from the
// first story out on the output topic (group join excluded) to the last.
//
//   bazel build //pipeline/workers:alert //tests/bench:alert_worker_bench
//   bazel-bin/tests/bench/alert_worker_bench --broker=HOST:PORT
//       --worker=bazel-bin/pipeline/workers/alert --rules=1000
//
// Results go to BENCHMARKS.md ("alert").
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafkacpp.h"
#include "pipeline/runtime/topics.h"
#include "tests/support/worker_process.h"
#include "wirestream/v1/enriched_story.pb.h"

ABSL_FLAG(std::string, broker, "", "Kafka bootstrap HOST:PORT (required).");
ABSL_FLAG(std::string, worker, "bazel-bin/pipeline/workers/alert",
          "The alert worker binary.");
ABSL_FLAG(int, records, 20000, "Backlog size.");
ABSL_FLAG(int, rules, 1000, "Rules in the generated rules file.");
ABSL_FLAG(int, partitions, 4, "Partitions of the bench topics.");

namespace wirestream {
namespace {

// Rules watch ranks 0..rules-1 of a 1,000,000-word vocabulary, so a
// 500-word story matches about rules/2000 of them.
constexpr int kVocabulary = 1000000;

// Returns word `rank`: seven letters, distinct for every rank. Words of one
// length do not prefix each other, as "w1" would "w123".
std::string Word(int rank) {
  constexpr uint64_t kWords = 26ull * 26 * 26 * 26 * 26 * 26 * 26;
  // An odd multiplier not divisible by 13 permutes 0..26^7-1.
  uint64_t code = (static_cast<uint64_t>(rank) * 2654435761ull) % kWords;
  std::string word(7, 'a');
  for (char& c : word) {
    c = static_cast<char>('a' + code % 26);
    code /= 26;
  }
  return word;
}

std::string RulesYaml(int rules) {
  std::string yaml = "rules:\n";
  for (int i = 0; i < rules; ++i) {
    const std::string query = i % 2 == 0
                                  ? Word(i)
                                  : absl::StrCat(Word(i), " OR (", Word(i + 1),
                                                 " NEAR/5 ", Word(i + 2), ")");
    absl::StrAppend(&yaml, "  - id: rule-", i, "\n    query: '", query, "'\n");
  }
  return yaml;
}

std::string StoryValue(int n, std::mt19937& random) {
  std::uniform_int_distribution<int> word(0, kVocabulary - 1);
  v1::EnrichedStory s;
  s.mutable_story()->set_id(absl::StrCat("story-", n));
  std::vector<std::string> words;
  for (int i = 0; i < 12; ++i) words.push_back(Word(word(random)));
  s.mutable_story()->set_headline(absl::StrJoin(words, " "));
  for (int p = 0; p < 8; ++p) {
    words.clear();
    for (int i = 0; i < 60; ++i) words.push_back(Word(word(random)));
    s.mutable_story()->add_paragraphs(absl::StrJoin(words, " "));
  }
  s.mutable_story()->set_language("en");
  s.mutable_verdict()->set_cluster_id(absl::StrCat("c-", n));
  s.mutable_verdict()->set_kind(v1::DEDUP_KIND_NEW);
  return s.SerializeAsString();
}

std::unique_ptr<RdKafka::Conf> Conf(
    const std::vector<std::pair<std::string, std::string>>& kv) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [k, v] : kv) conf->set(k, v, error);
  return conf;
}

int Main() {
  const std::string bootstrap = absl::GetFlag(FLAGS_broker);
  if (bootstrap.empty()) {
    std::fprintf(stderr, "--broker is required\n");
    return 2;
  }
  const int partitions = absl::GetFlag(FLAGS_partitions);
  const int records = absl::GetFlag(FLAGS_records);
  const std::string tag = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  const std::string input = "bench.classified." + tag,
                    output = "bench.enriched." + tag,
                    alerts = "bench.alerts." + tag,
                    state = "bench.alert-state." + tag,
                    dlq = "bench.dlq." + tag;
  auto admin = runtime::TopicAdmin::Create({.bootstrap_servers = bootstrap});
  if (!admin.ok()) return 1;
  runtime::TopicSpec compacted{state, partitions};
  compacted.configs = {{"cleanup.policy", "compact"}};
  absl::Status created = (*admin)->CreateTopics({{input, partitions},
                                                 {output, partitions},
                                                 {alerts, partitions},
                                                 compacted,
                                                 {dlq, 1}});
  if (!created.ok()) {
    std::fprintf(stderr, "cannot create bench topics: %s\n",
                 created.ToString().c_str());
    return 1;
  }
  const std::string rules_path =
      absl::StrCat("alert-bench-rules-", tag, ".yaml");
  {
    std::ofstream out(rules_path);
    out << RulesYaml(absl::GetFlag(FLAGS_rules));
  }

  std::string error;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(
      Conf({{"bootstrap.servers", bootstrap},
            {"linger.ms", "5"},
            {"queue.buffering.max.messages", "1000000"}})
          .get(),
      error));
  std::mt19937 random(42);
  std::fprintf(stderr, "producing a backlog of %d stories...\n", records);
  size_t bytes = 0;
  for (int n = 0; n < records; ++n) {
    const std::string value = StoryValue(n, random);
    bytes += value.size();
    const std::string key = absl::StrCat("story-", n);
    while (producer->produce(input, RdKafka::Topic::PARTITION_UA,
                             RdKafka::Producer::RK_MSG_COPY,
                             const_cast<char*>(value.data()), value.size(),
                             key.data(), key.size(), 0,
                             nullptr) == RdKafka::ERR__QUEUE_FULL) {
      producer->poll(10);
    }
    producer->poll(0);
  }
  producer->flush(60000);

  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(
          Conf({{"bootstrap.servers", bootstrap},
                {"group.id", "bench-reader-" + output},
                {"auto.offset.reset", "earliest"},
                {"isolation.level", "read_committed"}})
              .get(),
          error));
  consumer->subscribe({output});

  testsupport::WorkerProcess worker(
      absl::GetFlag(FLAGS_worker),
      {absl::StrCat("--bootstrap=", bootstrap), absl::StrCat("--input=", input),
       absl::StrCat("--output=", output), absl::StrCat("--dlq=", dlq),
       absl::StrCat("--group=bench.", tag),
       absl::StrCat("--alerts_topic=", alerts),
       absl::StrCat("--changelog_topic=", state),
       absl::StrCat("--rules=", rules_path), "--http="});
  if (!worker.Start().ok()) return 1;

  int64_t count = 0;
  absl::Time first = absl::InfinitePast();
  const absl::Time deadline = absl::Now() + absl::Minutes(10);
  while (count < records && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(100));
    if (m->err() == RdKafka::ERR_NO_ERROR && count++ == 0) first = absl::Now();
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - first);
  const int code = worker.Stop(absl::Seconds(30));
  consumer->close();
  std::remove(rules_path.c_str());
  std::printf(
      "rules=%d partitions=%d stories=%lld (%.1f KB each) worker exit=%d\n"
      "throughput: %.0f stories/s (%.2f s from first to last story out)\n",
      absl::GetFlag(FLAGS_rules), partitions, static_cast<long long>(count),
      bytes / 1024.0 / records, code, (count - 1) / seconds, seconds);
  return count == records ? 0 : 1;
}

}  // namespace
}  // namespace wirestream

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return wirestream::Main();
}
