// pipeline_bench: the four workers (normalize, dedup, classify, alert) as
// processes of their own on a real broker, fed by `loadgen`: stories per
// second through the whole pipeline and, at a set rate, how long a story
// takes from wire.raw to wire.enriched.
//
//   bazel build //tests/bench:pipeline_bench //pipeline/workers:all
//       //tools/loadgen
//   bazel-bin/tests/bench/pipeline_bench --broker=HOST:PORT --stories=20000
//   bazel-bin/tests/bench/pipeline_bench --broker=HOST:PORT --stories=6000
//       --rate=200
//
// Without --rate, loadgen fills wire.raw first and the workers start on the
// backlog: throughput is timed from the first story out to the last (group
// joins not counted). With --rate, the workers start first and loadgen
// sends at that rate while they run; latency is each enriched record's
// timestamp less the timestamp of the raw record it came from. Every story
// is counted once: on the enriched topic, or on the duplicates topic (dedup
// routes exact re-sends there), or as a dead letter. Run it from the
// workspace root (binaries are looked up under --bin_dir).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
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
#include "tests/support/tool_process.h"
#include "tests/support/worker_process.h"
#include "tools/common/kafka_clients.h"
#include "wirestream/v1/enriched_story.pb.h"

ABSL_FLAG(std::string, broker, "", "Bootstrap HOST:PORT of the broker.");
ABSL_FLAG(std::string, bin_dir, "bazel-bin",
          "Where the worker and loadgen binaries were built.");
ABSL_FLAG(std::string, rules, "tools/demo/demo_rules.yaml",
          "The alert worker's rules file.");
ABSL_FLAG(int, stories, 20000, "Stories loadgen sends.");
ABSL_FLAG(int, rate, 0,
          "Stories per second while the workers run (0: a backlog first).");
ABSL_FLAG(int, partitions, 4, "Partitions of every bench topic but raw's.");
ABSL_FLAG(int, warmup_s, 15,
          "With --rate: seconds the workers get to join before loadgen "
          "starts.");

namespace wirestream {
namespace {

using testsupport::WorkerProcess;

// A read_committed consumer of `topics` from the beginning (null if it
// cannot be made).
std::unique_ptr<RdKafka::KafkaConsumer> Reader(
    const std::string& bootstrap, const std::string& group,
    const std::vector<std::string>& topics) {
  auto consumer = tools::MakeConsumer(
      {.bootstrap = bootstrap, .client_id = "pipeline-bench"},
      {{"group.id", group},
       {"auto.offset.reset", "earliest"},
       {"isolation.level", "read_committed"}});
  if (!consumer.ok()) return nullptr;
  (*consumer)->subscribe(topics);
  return *std::move(consumer);
}

// CPU seconds (user + system) process `pid` has used so far; 0 if unknown.
double CpuSeconds(pid_t pid) {
  std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  std::getline(stat, line);
  // Fields after the command name, which is in parentheses: utime and
  // stime are the 12th and 13th of them.
  const size_t end = line.rfind(')');
  if (end == std::string::npos) return 0;
  std::istringstream fields(line.substr(end + 2));
  std::string field;
  double ticks = 0;
  for (int i = 1; i <= 13 && fields >> field; ++i) {
    if (i >= 12) ticks += std::stod(field);
  }
  return ticks / sysconf(_SC_CLK_TCK);
}

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t i = std::min(sorted.size() - 1,
                            static_cast<size_t>(p * (sorted.size() - 1) + 0.5));
  return sorted[i];
}

int Main() {
  const std::string bootstrap = absl::GetFlag(FLAGS_broker);
  if (bootstrap.empty()) {
    std::fprintf(stderr, "--broker is required\n");
    return 2;
  }
  const std::string bin = absl::GetFlag(FLAGS_bin_dir);
  const int stories = absl::GetFlag(FLAGS_stories);
  const int rate = absl::GetFlag(FLAGS_rate);
  const int partitions = absl::GetFlag(FLAGS_partitions);
  const std::string tag =
      absl::StrCat("bench.pipeline.", absl::ToUnixSeconds(absl::Now()), ".");
  auto name = [&tag](const std::string& topic) { return tag + topic; };

  auto admin = runtime::TopicAdmin::Create({.bootstrap_servers = bootstrap});
  const std::map<std::string, std::string> compact = {
      {"cleanup.policy", "compact"}};
  std::vector<runtime::TopicSpec> specs = {
      {name("wire.raw"), partitions},
      {name("wire.stories"), partitions},
      {name("wire.unique"), partitions},
      {name("wire.duplicates"), partitions},
      {name("wire.dedup.state"), partitions, -1, compact},
      {name("wire.classified"), partitions},
      {name("wire.enriched"), partitions},
      {name("wire.alerts"), 1},
      {name("wire.alert.state"), partitions, -1, compact},
      {name("wire.dlq"), 1}};
  absl::Status created =
      admin.ok() ? (*admin)->CreateTopics(specs) : admin.status();
  if (!created.ok()) {
    std::fprintf(stderr, "cannot create the bench topics: %s\n",
                 created.ToString().c_str());
    return 1;
  }

  auto worker = [&](const std::string& stage, const std::string& in,
                    const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = {absl::StrCat("--bootstrap=", bootstrap),
                                     "--input=" + name(in),
                                     "--output=" + name(out),
                                     "--dlq=" + name("wire.dlq"),
                                     "--group=" + tag + stage,
                                     "--http="};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<WorkerProcess>(
        absl::StrCat(bin, "/pipeline/workers/", stage), args);
  };
  std::vector<std::unique_ptr<WorkerProcess>> workers;
  workers.push_back(worker("normalize", "wire.raw", "wire.stories", {}));
  workers.push_back(worker("dedup", "wire.stories", "wire.unique",
                           {"--changelog_topic=" + name("wire.dedup.state"),
                            "--duplicates_topic=" + name("wire.duplicates"),
                            "--on_duplicate=route"}));
  workers.push_back(worker("classify", "wire.unique", "wire.classified", {}));
  workers.push_back(worker("alert", "wire.classified", "wire.enriched",
                           {"--rules=" + absl::GetFlag(FLAGS_rules),
                            "--alerts_topic=" + name("wire.alerts"),
                            "--changelog_topic=" + name("wire.alert.state")}));

  testsupport::ToolProcess loadgen(
      absl::StrCat(bin, "/tools/loadgen/loadgen"),
      {absl::StrCat("--bootstrap=", bootstrap), "--topic=" + name("wire.raw"),
       absl::StrCat("--stories=", stories), absl::StrCat("--rate=", rate),
       "--progress=false"});
  auto start_workers = [&workers]() {
    for (auto& w : workers) {
      if (!w->Start().ok()) return false;
    }
    return true;
  };
  if (rate == 0) {
    std::fprintf(stderr, "loadgen: sending %d stories to %s\n", stories,
                 name("wire.raw").c_str());
    if (!loadgen.Start().ok() || loadgen.Wait(absl::Minutes(10)) != 0) {
      std::fprintf(stderr, "loadgen failed: %s\n", loadgen.Stderr().c_str());
      return 1;
    }
    if (!start_workers()) return 1;
  } else {
    if (!start_workers()) return 1;
    std::fprintf(stderr, "workers started; loadgen begins in %d s\n",
                 absl::GetFlag(FLAGS_warmup_s));
    absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_warmup_s)));
    if (!loadgen.Start().ok()) return 1;
  }

  // Every story ends on one of these three.
  auto out = Reader(
      bootstrap, tag + "reader",
      {name("wire.enriched"), name("wire.duplicates"), name("wire.dlq")});
  std::map<std::string, int64_t> enriched_at;  // feed item id -> ms
  int64_t count = 0, duplicates = 0, dead = 0;
  absl::Time first_at = absl::InfinitePast();
  const absl::Time deadline = absl::Now() + absl::Minutes(20);
  absl::Time next_progress = absl::Now() + absl::Seconds(5);
  while (count < stories && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(out->consume(100));
    if (m->err() == RdKafka::ERR_NO_ERROR) {
      if (count++ == 0) first_at = absl::Now();
      if (m->topic_name() == name("wire.enriched")) {
        v1::EnrichedStory s;
        if (s.ParseFromArray(m->payload(), static_cast<int>(m->len()))) {
          enriched_at[s.story().feed_item_id()] = m->timestamp().timestamp;
        }
      } else if (m->topic_name() == name("wire.duplicates")) {
        ++duplicates;
      } else {
        ++dead;
      }
    }
    if (absl::Now() >= next_progress) {
      std::fprintf(stderr, "  %lld of %d stories through\n",
                   static_cast<long long>(count), stories);
      next_progress += absl::Seconds(5);
    }
  }
  const absl::Time last_at = absl::Now();
  out->close();
  loadgen.Wait(absl::Seconds(30));
  const char* stage_names[] = {"normalize", "dedup", "classify", "alert"};
  std::vector<double> cpu;
  for (auto& w : workers) cpu.push_back(CpuSeconds(w->pid()));
  for (auto& w : workers) w->Stop(absl::Seconds(30));
  if (count < stories) {
    std::fprintf(stderr, "only %lld of %d stories came through\n",
                 static_cast<long long>(count), stories);
    for (auto& w : workers) std::fprintf(stderr, "%s\n", w->Log().c_str());
    return 1;
  }

  std::printf("%d stories, %d partitions, rate %s\n", stories, partitions,
              rate == 0 ? "backlog" : absl::StrCat(rate, "/s").c_str());
  std::printf("out: %zu enriched, %lld duplicates, %lld dead letters\n",
              enriched_at.size(), static_cast<long long>(duplicates),
              static_cast<long long>(dead));
  const double seconds = absl::ToDoubleSeconds(last_at - first_at);
  std::printf("throughput: %.0f stories/s (first to last out, %.1f s)\n",
              (stories - 1) / seconds, seconds);

  for (size_t i = 0; i < workers.size(); ++i) {
    std::printf("  %-9s CPU %6.1f s = %5.0f us a story\n", stage_names[i],
                cpu[i], cpu[i] * 1e6 / stories);
  }

  if (rate > 0) {
    // Raw timestamps, read back now that everything is through.
    auto raw = Reader(bootstrap, tag + "raw-reader", {name("wire.raw")});
    std::map<std::string, int64_t> raw_at;
    int64_t raw_count = 0;
    const absl::Time raw_deadline = absl::Now() + absl::Minutes(2);
    while (raw_count < stories && absl::Now() < raw_deadline) {
      std::unique_ptr<RdKafka::Message> m(raw->consume(100));
      if (m->err() != RdKafka::ERR_NO_ERROR) continue;
      ++raw_count;
      const std::string key = m->key() != nullptr ? *m->key() : "";
      raw_at.emplace(key, m->timestamp().timestamp);  // keeps the first
    }
    raw->close();
    std::vector<double> latencies;
    for (const auto& [id, at] : enriched_at) {
      auto it = raw_at.find(id);
      if (it != raw_at.end()) latencies.push_back(at - it->second);
    }
    std::sort(latencies.begin(), latencies.end());
    std::printf(
        "raw -> enriched latency over %zu stories: p50 %.0f ms, p90 %.0f ms, "
        "p99 %.0f ms, max %.0f ms\n",
        latencies.size(), Percentile(latencies, 0.5),
        Percentile(latencies, 0.9), Percentile(latencies, 0.99),
        latencies.empty() ? 0.0 : latencies.back());
  }
  return 0;
}

}  // namespace
}  // namespace wirestream

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return wirestream::Main();
}
