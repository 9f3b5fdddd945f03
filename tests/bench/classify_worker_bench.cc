// classify_worker_bench: how fast one classify worker process, pinned to one
// core, moves stories on a real broker: Kafka IO, transactions and the
// classifier together.
//
//   bazel build //tests/bench:classify_worker_bench //pipeline/workers:classify
//   bazel-bin/tests/bench/classify_worker_bench --broker=HOST:PORT
//       --records=50000 --cpu=1
//
// A backlog of --records DedupedStory records (the stories of classify's
// evaluation corpus, cycled, each with its own id) is produced to fresh
// topics first; then the worker binary (--worker) starts under
// `taskset -c CPU` and drains it. Throughput is timed from the first output
// record to the last, so the group join is not counted; the worker's CPU
// time (start-up and shutdown included, from getrusage once it has exited)
// gives stories per CPU second, which a busy machine does not distort as
// much. Run it from the
// workspace root (the default --worker and --corpus paths are relative).
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafkacpp.h"
#include "pipeline/runtime/topics.h"
#include "pipeline/stages/classify/corpus.h"
#include "tests/support/worker_process.h"
#include "wirestream/v1/dedup_verdict.pb.h"

ABSL_FLAG(std::string, broker, "", "Bootstrap HOST:PORT of the broker.");
ABSL_FLAG(std::string, worker, "bazel-bin/pipeline/workers/classify",
          "The classify worker binary.");
ABSL_FLAG(std::string, corpus, "pipeline/stages/classify/corpus/eval.txt",
          "Stories to cycle through (classify corpus format).");
ABSL_FLAG(int, records, 50000, "Backlog size.");
ABSL_FLAG(int, partitions, 4, "Partitions of the bench topics.");
ABSL_FLAG(int, cpu, 1, "Core the worker is pinned to; -1: not pinned.");
ABSL_FLAG(std::string, mode, "exactly-once",
          "The worker's --mode: exactly-once or at-least-once.");

namespace wirestream {
namespace {

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
  std::ifstream file(absl::GetFlag(FLAGS_corpus));
  std::stringstream text;
  text << file.rdbuf();
  auto corpus = classify::ParseCorpus(text.str(), absl::GetFlag(FLAGS_corpus));
  if (!file || !corpus.ok() || corpus->empty()) {
    std::fprintf(stderr, "cannot read stories from %s\n",
                 absl::GetFlag(FLAGS_corpus).c_str());
    return 2;
  }

  const std::string tag = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  const std::string input = "bench.classify.in." + tag,
                    output = "bench.classify.out." + tag,
                    dlq = "bench.classify.dlq." + tag;
  const int partitions = absl::GetFlag(FLAGS_partitions);
  auto admin = runtime::TopicAdmin::Create({.bootstrap_servers = bootstrap});
  absl::Status created =
      admin.ok() ? (*admin)->CreateTopics(
                       {{input, partitions}, {output, partitions}, {dlq, 1}})
                 : admin.status();
  if (!created.ok()) {
    std::fprintf(stderr, "cannot create bench topics: %s\n",
                 created.ToString().c_str());
    return 1;
  }

  std::string error;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(
      Conf({{"bootstrap.servers", bootstrap},
            {"linger.ms", "5"},
            {"queue.buffering.max.messages", "1000000"}})
          .get(),
      error));
  const int records = absl::GetFlag(FLAGS_records);
  int64_t bytes = 0;
  for (int i = 0; i < records; ++i) {
    v1::DedupedStory deduped;
    *deduped.mutable_story() = (*corpus)[i % corpus->size()].story;
    deduped.mutable_story()->set_id(absl::StrCat("bench-", i));
    deduped.mutable_verdict()->set_kind(v1::DEDUP_KIND_NEW);
    deduped.mutable_verdict()->set_cluster_id(deduped.story().id());
    const std::string value = deduped.SerializeAsString();
    const std::string& key = deduped.story().id();
    bytes += value.size();
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
  std::fprintf(stderr, "backlog: %d stories, %.1f MB, %zu distinct texts\n",
               records, bytes / 1e6, corpus->size());

  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(
          Conf({{"bootstrap.servers", bootstrap},
                {"group.id", "bench-reader-" + output},
                {"auto.offset.reset", "earliest"},
                {"isolation.level", "read_committed"}})
              .get(),
          error));
  consumer->subscribe({output});

  std::vector<std::string> args;
  std::string binary = absl::GetFlag(FLAGS_worker);
  if (absl::GetFlag(FLAGS_cpu) >= 0) {
    args = {"-c", absl::StrCat(absl::GetFlag(FLAGS_cpu)), binary};
    binary = "/usr/bin/taskset";
  }
  for (const std::string& a :
       {absl::StrCat("--bootstrap=", bootstrap), "--input=" + input,
        "--output=" + output, "--dlq=" + dlq, "--group=bench." + tag,
        "--mode=" + absl::GetFlag(FLAGS_mode), std::string("--http=")}) {
    args.push_back(a);
  }
  testsupport::WorkerProcess worker(binary, args);
  const absl::Time started = absl::Now();
  if (!worker.Start().ok()) {
    std::fprintf(stderr, "cannot start %s\n", binary.c_str());
    return 1;
  }

  int64_t count = 0;
  absl::Time first_at = absl::InfinitePast();
  const absl::Time deadline = absl::Now() + absl::Minutes(10);
  absl::Time next_progress = absl::Now() + absl::Seconds(1);
  while (count < records && absl::Now() < deadline && worker.Running()) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(100));
    if (m->err() == RdKafka::ERR_NO_ERROR && count++ == 0) {
      first_at = absl::Now();
    }
    if (absl::Now() >= next_progress) {
      std::fprintf(stderr, "  %lld of %d stories out\n",
                   static_cast<long long>(count), records);
      next_progress += absl::Seconds(1);
    }
  }
  const absl::Time last_at = absl::Now();
  consumer->close();
  const int exit_code = worker.Stop(absl::Seconds(30));
  if (count < records) {
    std::fprintf(stderr, "only %lld of %d stories came out; worker log:\n%s\n",
                 static_cast<long long>(count), records, worker.Log().c_str());
    return 1;
  }
  const double seconds = absl::ToDoubleSeconds(last_at - first_at);
  // The worker (taskset execs it in place) is the only child reaped.
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  const double cpu_seconds =
      usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
      usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  std::printf(
      "mode=%s partitions=%d cpu=%d\n"
      "worker start-up (group join, data load) %.2f s\n"
      "throughput: %d stories in %.2f s = %.0f stories/s (%.1f MB/s in)\n"
      "worker CPU: %.2f s = %.0f stories per CPU second\n"
      "worker exit code after SIGTERM: %d\n",
      absl::GetFlag(FLAGS_mode).c_str(), partitions, absl::GetFlag(FLAGS_cpu),
      absl::ToDoubleSeconds(first_at - started), records, seconds,
      (records - 1) / seconds, bytes / 1e6 / seconds, cpu_seconds,
      records / cpu_seconds, exit_code);
  return 0;
}

}  // namespace
}  // namespace wirestream

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return wirestream::Main();
}
