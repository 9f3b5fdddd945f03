// pipeline_bench: the four workers (normalize, dedup, classify, alert) as
// processes of their own on a real broker, fed by `loadgen`: stories per
// second through the whole pipeline, the CPU each worker and the broker
// spend on a story and, at a set rate, how long a story takes from
// wire.raw to wire.enriched and to wire.alerts.
//
//   bazel build //tests/bench:pipeline_bench //pipeline/workers:all
//       //tools/loadgen
//   bazel-bin/tests/bench/pipeline_bench --broker=HOST:PORT --stories=20000
//       --broker_pid=PID --passthrough_chain
//   bazel-bin/tests/bench/pipeline_bench --broker=HOST:PORT --stories=6000
//       --rate=200
//
// Without --rate, loadgen fills wire.raw first and the workers start on the
// backlog: throughput is timed from the first story out to the last (group
// joins not counted). With --passthrough_chain, four passthrough workers
// then copy the same raw records through four topics with the same
// settings, the reference the pipeline's throughput is compared with. With
// --rate, the workers start first and loadgen sends at that rate while they
// run; latency runs from the raw record's append to wire.raw (the topic
// stamps LogAppendTime) to the moment the bench's read_committed reader
// gets the enriched record (or the alert) it led to. Every story is counted
// once: on the enriched topic, or on the duplicates topic (dedup routes exact
// re-sends there), or as a dead letter.
//
// Worker CPU is read from /proc for each worker process, less what it had
// used when it logged "ready after ... s of CPU" (start-up: loading models,
// compiling rules, joining the group); start-up is reported apart. Broker
// CPU (--broker_pid) counts from the workers' start to the last story out.
// Besides the human-readable lines, stdout carries one "@ key value" line
// a result, which scripts/bench.sh turns into its table. Run it from the
// workspace root (binaries are looked up under --bin_dir).
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafkacpp.h"
#include "pipeline/runtime/topics.h"
#include "tests/support/tool_process.h"
#include "tests/support/worker_process.h"
#include "tools/common/kafka_clients.h"
#include "wirestream/v1/alert.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

ABSL_FLAG(std::string, broker, "", "Bootstrap HOST:PORT of the broker.");
ABSL_FLAG(std::string, bin_dir, "bazel-bin",
          "Where the worker and loadgen binaries were built.");
ABSL_FLAG(std::string, rules, "tests/bench/bench_rules.yaml",
          "The alert worker's rules file.");
ABSL_FLAG(int, stories, 20000, "Stories loadgen sends.");
ABSL_FLAG(int, rate, 0,
          "Stories per second while the workers run (0: a backlog first).");
ABSL_FLAG(int, partitions, 4, "Partitions of every bench topic but raw's.");
ABSL_FLAG(int, warmup_s, 15,
          "With --rate: seconds the workers get to join before loadgen "
          "starts.");
ABSL_FLAG(std::string, mode, "exactly-once",
          "The workers' --mode: exactly-once or at-least-once.");
ABSL_FLAG(std::vector<std::string>, worker_flag, {},
          "Extra flags for every worker, comma-separated, e.g. "
          "--worker_flag=--batch_ms=200,--kafka=linger.ms=5");
ABSL_FLAG(int, broker_pid, 0,
          "Process id of the broker, to report its CPU per story (0: not "
          "measured).");
ABSL_FLAG(bool, passthrough_chain, false,
          "Without --rate: afterwards, run four passthrough workers over the "
          "same raw records and report their throughput.");
ABSL_FLAG(int, minutes, 20, "Give up after this long.");
ABSL_FLAG(int, settle_s, 5,
          "With --rate: the latency figures leave out stories that reached "
          "wire.raw in the first this many seconds (each worker's first "
          "transaction, the producers' first metadata look-ups); the figures "
          "over every story are printed too.");

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
       {"isolation.level", "read_committed"},
       // The bench's reader must not add its own wait to the latency.
       {"fetch.wait.max.ms", "10"}});
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

// The CPU seconds a worker logged it had used when it became ready; 0 if
// it has not logged it.
double CpuAtReady(const WorkerProcess& worker) {
  const std::string log = worker.Log();
  const std::string marker = "ready after ";
  const size_t at = log.find(marker);
  if (at == std::string::npos) return 0;
  const size_t start = at + marker.size();
  const size_t end = log.find(' ', start);
  double seconds = 0;
  if (!absl::SimpleAtod(log.substr(start, end - start), &seconds)) return 0;
  return seconds;
}

// The microseconds a record the worker logged its Stage::Process took, on
// the way out; -1 if it did not log them.
double StageMicros(const WorkerProcess& worker) {
  const std::string log = worker.Log();
  const std::string marker = "of which Stage::Process ";
  const size_t at = log.rfind(marker);
  if (at == std::string::npos) return -1;
  const size_t start = at + marker.size();
  const size_t end = log.find(' ', start);
  double micros = 0;
  if (!absl::SimpleAtod(log.substr(start, end - start), &micros)) return -1;
  return micros;
}

// Polls `consumer` until the group gave it partitions (or 60 s passed), so
// that its group join is not counted in the latency of the first stories.
void WaitForAssignment(RdKafka::KafkaConsumer* consumer) {
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    std::vector<RdKafka::TopicPartition*> assigned;
    consumer->assignment(assigned);
    const bool ready = !assigned.empty();
    RdKafka::TopicPartition::destroy(assigned);
    if (ready) return;
    std::unique_ptr<RdKafka::Message> m(consumer->consume(100));
  }
}

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t i = std::min(sorted.size() - 1,
                            static_cast<size_t>(p * (sorted.size() - 1) + 0.5));
  return sorted[i];
}

// Prints one result line for scripts/bench.sh.
void Result(const std::string& key, double value) {
  std::printf("@ %s %.6g\n", key.c_str(), value);
}

void PrintLatency(const std::string& what, const std::string& key,
                  std::vector<double> latencies) {
  std::sort(latencies.begin(), latencies.end());
  if (latencies.empty()) {
    std::printf("%s latency: no stories\n", what.c_str());
    return;
  }
  std::printf(
      "%s latency over %zu stories: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, "
      "max %.0f ms\n",
      what.c_str(), latencies.size(), Percentile(latencies, 0.5),
      Percentile(latencies, 0.9), Percentile(latencies, 0.99),
      latencies.back());
  Result(key + "_p50_ms", Percentile(latencies, 0.5));
  Result(key + "_p99_ms", Percentile(latencies, 0.99));
  Result(key + "_max_ms", latencies.back());
}

class Bench {
 public:
  Bench()
      : bootstrap_(absl::GetFlag(FLAGS_broker)),
        bin_(absl::GetFlag(FLAGS_bin_dir)),
        stories_(absl::GetFlag(FLAGS_stories)),
        rate_(absl::GetFlag(FLAGS_rate)),
        partitions_(absl::GetFlag(FLAGS_partitions)),
        tag_(absl::StrCat("bench.pipeline.", absl::ToUnixMillis(absl::Now()),
                          ".")) {}

  int Main();

 private:
  std::string Name(const std::string& topic) const { return tag_ + topic; }

  std::unique_ptr<WorkerProcess> Worker(const std::string& binary,
                                        const std::string& group,
                                        const std::string& in,
                                        const std::string& out,
                                        std::vector<std::string> extra) const;

  // Reads `topics` until `stories` records came through; returns the time
  // of the first and of the last one. Fills enriched_at_ and alert_at_.
  bool Drain(RdKafka::KafkaConsumer* out, absl::Time* first, absl::Time* last);

  // Runs four passthrough workers over wire.raw; returns stories/s.
  double PassthroughChain();

  const std::string bootstrap_;
  const std::string bin_;
  const int stories_;
  const int rate_;
  const int partitions_;
  const std::string tag_;
  std::map<std::string, int64_t> enriched_at_;  // feed item id -> ms
  std::map<std::string, std::string> feed_item_of_story_;
  std::vector<std::pair<std::string, int64_t>> alert_at_;  // story id, ms
  int64_t duplicates_ = 0;
  int64_t dead_ = 0;
};

std::unique_ptr<WorkerProcess> Bench::Worker(
    const std::string& binary, const std::string& group, const std::string& in,
    const std::string& out, std::vector<std::string> extra) const {
  std::vector<std::string> args = {absl::StrCat("--bootstrap=", bootstrap_),
                                   "--input=" + Name(in),
                                   "--output=" + Name(out),
                                   "--dlq=" + Name("wire.dlq"),
                                   "--group=" + tag_ + group,
                                   "--mode=" + absl::GetFlag(FLAGS_mode),
                                   "--http="};
  for (const std::string& flag : absl::GetFlag(FLAGS_worker_flag)) {
    args.push_back(flag);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return std::make_unique<WorkerProcess>(
      absl::StrCat(bin_, "/pipeline/workers/", binary), args);
}

bool Bench::Drain(RdKafka::KafkaConsumer* out, absl::Time* first,
                  absl::Time* last) {
  int64_t count = 0;
  *first = absl::InfinitePast();
  const absl::Time deadline =
      absl::Now() + absl::Minutes(absl::GetFlag(FLAGS_minutes));
  absl::Time next_progress = absl::Now() + absl::Seconds(5);
  while (count < stories_ && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(out->consume(100));
    if (m->err() == RdKafka::ERR_NO_ERROR) {
      const std::string& topic = m->topic_name();
      if (topic == Name("wire.alerts")) {
        v1::Alert alert;
        if (alert.ParseFromArray(m->payload(), static_cast<int>(m->len()))) {
          alert_at_.push_back(
              {alert.story_id(), absl::ToUnixMillis(absl::Now())});
        }
        continue;
      }
      if (count++ == 0) *first = absl::Now();
      if (topic == Name("wire.enriched")) {
        v1::EnrichedStory s;
        if (s.ParseFromArray(m->payload(), static_cast<int>(m->len()))) {
          enriched_at_[s.story().feed_item_id()] =
              absl::ToUnixMillis(absl::Now());
          feed_item_of_story_[s.story().id()] = s.story().feed_item_id();
        }
      } else if (topic == Name("wire.duplicates")) {
        ++duplicates_;
      } else if (topic == Name("wire.dlq")) {
        ++dead_;
      }
    }
    if (absl::Now() >= next_progress) {
      std::fprintf(stderr, "  %lld of %d stories through\n",
                   static_cast<long long>(count), stories_);
      next_progress += absl::Seconds(5);
    }
  }
  *last = absl::Now();
  return count >= stories_;
}

double Bench::PassthroughChain() {
  std::vector<std::unique_ptr<WorkerProcess>> chain;
  std::string in = "wire.raw";
  for (int i = 1; i <= 4; ++i) {
    const std::string out = absl::StrCat("chain.", i);
    chain.push_back(Worker("passthrough", absl::StrCat("passthrough.", i), in,
                           out, {absl::StrCat("--instance=", i)}));
    in = out;
  }
  for (auto& w : chain) {
    if (!w->Start().ok()) return 0;
  }
  absl::Time first, last;
  auto reader = Reader(bootstrap_, tag_ + "chain-reader", {Name("chain.4")});
  const bool through = reader != nullptr && Drain(reader.get(), &first, &last);
  double cpu = 0;
  for (auto& w : chain) cpu += CpuSeconds(w->pid()) - CpuAtReady(*w);
  for (auto& w : chain) w->Stop(absl::Seconds(30));
  if (reader != nullptr) reader->close();
  std::printf("  passthrough CPU, four workers: %5.0f us a story\n",
              cpu * 1e6 / stories_);
  Result("cpu_us.passthrough_chain", cpu * 1e6 / stories_);
  if (!through) {
    std::fprintf(stderr, "the passthrough chain did not finish\n");
    return 0;
  }
  return (stories_ - 1) / absl::ToDoubleSeconds(last - first);
}

int Bench::Main() {
  if (bootstrap_.empty()) {
    std::fprintf(stderr, "--broker is required\n");
    return 2;
  }
  auto admin = runtime::TopicAdmin::Create({.bootstrap_servers = bootstrap_});
  const std::map<std::string, std::string> compact = {
      {"cleanup.policy", "compact"}};
  std::vector<runtime::TopicSpec> specs = {
      // The broker stamps raw records as it appends them, so latency
      // counts from the moment a story is in wire.raw, not from when the
      // feed's producer (still connecting, lingering) created it.
      {Name("wire.raw"),
       partitions_,
       -1,
       {{"message.timestamp.type", "LogAppendTime"}}},
      {Name("wire.stories"), partitions_},
      {Name("wire.unique"), partitions_},
      {Name("wire.duplicates"), partitions_},
      {Name("wire.dedup.state"), partitions_, -1, compact},
      {Name("wire.classified"), partitions_},
      {Name("wire.enriched"), partitions_},
      {Name("wire.alerts"), 1},
      {Name("wire.alert.state"), partitions_, -1, compact},
      {Name("wire.dlq"), 1}};
  if (absl::GetFlag(FLAGS_passthrough_chain)) {
    for (int i = 1; i <= 4; ++i) {
      specs.push_back({Name(absl::StrCat("chain.", i)), partitions_});
    }
  }
  absl::Status created =
      admin.ok() ? (*admin)->CreateTopics(specs) : admin.status();
  if (!created.ok()) {
    std::fprintf(stderr, "cannot create the bench topics: %s\n",
                 created.ToString().c_str());
    return 1;
  }

  std::vector<std::unique_ptr<WorkerProcess>> workers;
  workers.push_back(
      Worker("normalize", "normalize", "wire.raw", "wire.stories", {}));
  workers.push_back(Worker("dedup", "dedup", "wire.stories", "wire.unique",
                           {"--changelog_topic=" + Name("wire.dedup.state"),
                            "--duplicates_topic=" + Name("wire.duplicates"),
                            "--on_duplicate=route"}));
  workers.push_back(
      Worker("classify", "classify", "wire.unique", "wire.classified", {}));
  workers.push_back(Worker("alert", "alert", "wire.classified", "wire.enriched",
                           {"--rules=" + absl::GetFlag(FLAGS_rules),
                            "--alerts_topic=" + Name("wire.alerts"),
                            "--changelog_topic=" + Name("wire.alert.state")}));

  testsupport::ToolProcess loadgen(
      absl::StrCat(bin_, "/tools/loadgen/loadgen"),
      {absl::StrCat("--bootstrap=", bootstrap_), "--topic=" + Name("wire.raw"),
       absl::StrCat("--stories=", stories_), absl::StrCat("--rate=", rate_),
       "--progress=false"});
  auto start_workers = [&workers]() {
    for (auto& w : workers) {
      if (!w->Start().ok()) return false;
    }
    return true;
  };
  const pid_t broker_pid = absl::GetFlag(FLAGS_broker_pid);
  double broker_cpu_start = 0;
  // Every story ends on one of the first three; alerts are read alongside.
  auto reader = Reader(bootstrap_, tag_ + "reader",
                       {Name("wire.enriched"), Name("wire.duplicates"),
                        Name("wire.dlq"), Name("wire.alerts")});
  if (reader == nullptr) {
    std::fprintf(stderr, "cannot make the bench's reader\n");
    return 1;
  }
  if (rate_ == 0) {
    std::fprintf(stderr, "loadgen: sending %d stories to %s\n", stories_,
                 Name("wire.raw").c_str());
    if (!loadgen.Start().ok() || loadgen.Wait(absl::Minutes(10)) != 0) {
      std::fprintf(stderr, "loadgen failed: %s\n", loadgen.Stderr().c_str());
      return 1;
    }
    if (broker_pid > 0) broker_cpu_start = CpuSeconds(broker_pid);
    if (!start_workers()) return 1;
  } else {
    if (!start_workers()) return 1;
    std::fprintf(stderr, "workers started; loadgen begins in %d s\n",
                 absl::GetFlag(FLAGS_warmup_s));
    absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_warmup_s)));
    WaitForAssignment(reader.get());
    if (broker_pid > 0) broker_cpu_start = CpuSeconds(broker_pid);
    if (!loadgen.Start().ok()) return 1;
  }

  absl::Time first_at, last_at;
  const bool through = Drain(reader.get(), &first_at, &last_at);
  reader->close();
  const double broker_cpu =
      broker_pid > 0 ? CpuSeconds(broker_pid) - broker_cpu_start : 0;
  loadgen.Wait(absl::Seconds(30));
  const char* stage_names[] = {"normalize", "dedup", "classify", "alert"};
  std::vector<double> cpu, startup;
  for (auto& w : workers) {
    const double at_ready = CpuAtReady(*w);
    cpu.push_back(CpuSeconds(w->pid()) - at_ready);
    startup.push_back(at_ready);
  }
  for (auto& w : workers) w->Stop(absl::Seconds(30));
  std::vector<double> stage_micros;
  for (auto& w : workers) stage_micros.push_back(StageMicros(*w));
  if (!through) {
    std::fprintf(stderr, "not every story came through\n");
    for (auto& w : workers) std::fprintf(stderr, "%s\n", w->Log().c_str());
    return 1;
  }

  std::printf("%d stories, %d partitions, rate %s, %s\n", stories_, partitions_,
              rate_ == 0 ? "backlog" : absl::StrCat(rate_, "/s").c_str(),
              absl::GetFlag(FLAGS_mode).c_str());
  std::printf(
      "out: %zu enriched, %lld duplicates, %lld dead letters, %zu "
      "alerts\n",
      enriched_at_.size(), static_cast<long long>(duplicates_),
      static_cast<long long>(dead_), alert_at_.size());
  const double seconds = absl::ToDoubleSeconds(last_at - first_at);
  const double throughput = (stories_ - 1) / seconds;
  std::printf("throughput: %.0f stories/s (first to last out, %.1f s)\n",
              throughput, seconds);
  Result("stories", stories_);
  Result("throughput", throughput);
  Result("enriched", enriched_at_.size());
  Result("duplicates", duplicates_);
  Result("dead_letters", dead_);

  double total = 0;
  for (size_t i = 0; i < workers.size(); ++i) {
    const double micros = cpu[i] * 1e6 / stories_;
    total += micros;
    std::printf(
        "  %-9s CPU %6.2f s = %5.0f us a story, of which the stage's code "
        "%.0f us (start-up %.2f s apart)\n",
        stage_names[i], cpu[i], micros, stage_micros[i], startup[i]);
    Result(absl::StrCat("stage_us.", stage_names[i]), stage_micros[i]);
    Result(absl::StrCat("cpu_us.", stage_names[i]), micros);
    Result(absl::StrCat("startup_cpu_s.", stage_names[i]), startup[i]);
  }
  std::printf("  all four  %5.0f us a story\n", total);
  Result("cpu_us.workers", total);
  if (broker_pid > 0) {
    std::printf("  broker    CPU %6.2f s = %5.0f us a story\n", broker_cpu,
                broker_cpu * 1e6 / stories_);
    Result("cpu_us.broker", broker_cpu * 1e6 / stories_);
  }

  if (rate_ == 0 && absl::GetFlag(FLAGS_passthrough_chain)) {
    const double chain = PassthroughChain();
    std::printf(
        "four passthrough workers over the same records: %.0f stories/s; "
        "the pipeline did %.2f of that\n",
        chain, chain > 0 ? throughput / chain : 0.0);
    Result("chain_throughput", chain);
    Result("chain_ratio", chain > 0 ? throughput / chain : 0.0);
  }

  if (rate_ > 0) {
    // Raw timestamps, read back now that everything is through.
    auto raw = Reader(bootstrap_, tag_ + "raw-reader", {Name("wire.raw")});
    std::map<std::string, int64_t> raw_at;
    int64_t raw_count = 0;
    const absl::Time raw_deadline = absl::Now() + absl::Minutes(2);
    while (raw_count < stories_ && absl::Now() < raw_deadline) {
      std::unique_ptr<RdKafka::Message> m(raw->consume(100));
      if (m->err() != RdKafka::ERR_NO_ERROR) continue;
      ++raw_count;
      const std::string key = m->key() != nullptr ? *m->key() : "";
      raw_at.emplace(key, m->timestamp().timestamp);  // keeps the first
    }
    raw->close();
    int64_t raw_first = INT64_MAX;
    for (const auto& [id, at] : raw_at) raw_first = std::min(raw_first, at);
    const int64_t settled_from =
        raw_first + int64_t{1000} * absl::GetFlag(FLAGS_settle_s);
    std::vector<double> enriched, alerted, enriched_all, alerted_all;
    for (const auto& [id, at] : enriched_at_) {
      auto it = raw_at.find(id);
      if (it == raw_at.end()) continue;
      enriched_all.push_back(at - it->second);
      if (it->second >= settled_from) enriched.push_back(at - it->second);
    }
    for (const auto& [story_id, at] : alert_at_) {
      auto item = feed_item_of_story_.find(story_id);
      if (item == feed_item_of_story_.end()) continue;
      auto it = raw_at.find(item->second);
      if (it == raw_at.end()) continue;
      alerted_all.push_back(at - it->second);
      if (it->second >= settled_from) alerted.push_back(at - it->second);
    }
    PrintLatency("raw -> enriched", "enriched_latency", enriched);
    PrintLatency("raw -> alert", "alert_latency", alerted);
    PrintLatency("raw -> enriched, every story (first seconds included)",
                 "enriched_latency_all", enriched_all);
  }
  return 0;
}

}  // namespace
}  // namespace wirestream

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return wirestream::Bench().Main();
}
