// demo: the whole pipeline on the embedded cluster, in one process.
//
//   scripts/demo.sh                 # or: bazel run //tools/demo
//   bazel run //tools/demo -- --wait_s=60 --metrics_port=0
//
// Starts librdkafka's in-process mock cluster, creates the pipeline topics
// and runs normalize, dedup, classify and alert each as its own worker
// thread with the same runner production uses (at-least-once: the mock has
// no transactions), each serving /metrics on its own port. It publishes
// the sample stories (plus one broken payload) to wire.raw and, once those
// are through, the follow-ups (a re-send from another feed and another
// outlet's rewrite), then shows as they arrive the enriched stories
// (verdict, cluster, topics, countries, rule hits), the alerts and the dead
// letters. The newsroom dashboard serves the same stories as a web page
// (address printed at start, --dashboard_port). Runs until Ctrl-C (exit 0), or
// with --wait_s until everything is through or the time is up; the last line
// sums it up.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafkacpp.h"
#include "pipeline/dashboard/dashboard.h"
#include "pipeline/runtime/embedded_cluster.h"
#include "pipeline/runtime/help.h"
#include "pipeline/runtime/log.h"
#include "pipeline/runtime/runner.h"
#include "pipeline/stages/alert/alert_metrics.h"
#include "pipeline/stages/alert/rule_watcher.h"
#include "tools/demo/live_view.h"
#include "tools/demo/pipeline_chain.h"
#include "wirestream/v1/alert.pb.h"
#include "wirestream/v1/dead_letter.pb.h"
#include "wirestream/v1/enriched_story.pb.h"
#include "wirestream/v1/raw_story.pb.h"

ABSL_FLAG(std::string, samples, "pipeline/stages/normalize/testdata/stories",
          "Folder of sample stories, one file each, published first.");
ABSL_FLAG(std::string, stories, "tools/demo/stories",
          "Folder of more stories published with the samples.");
ABSL_FLAG(std::string, followups, "tools/demo/followups",
          "Folder of follow-up stories (re-sends, rewrites) published once "
          "the first ones are through.");
ABSL_FLAG(std::string, rules, "tools/demo/demo_rules.yaml",
          "The alert rules file; edits are picked up while the demo runs.");
ABSL_FLAG(int, partitions, 3,
          "Partitions of wire.stories, wire.unique and wire.enriched.");
ABSL_FLAG(int, metrics_port, 9464,
          "Port of the first stage's /metrics; the others follow in order "
          "(normalize, dedup, classify, alert). 0: free ports (logged).");
ABSL_FLAG(int, wait_s, 0,
          "0: run until Ctrl-C. Otherwise stop once every story is through, "
          "or after this many seconds.");
ABSL_FLAG(int, dashboard_port, 8080,
          "Port of the newsroom dashboard (the web page of enriched stories "
          "and alerts); 0 picks a free one, as does --metrics_port=0; -1 "
          "starts none.");
ABSL_FLAG(int, window_hours, 72,
          "dedup's window: stories further apart in event time never match.");

namespace wirestream::demo {
namespace {

using runtime::LogError;
using runtime::LogInfo;

std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

std::unique_ptr<RdKafka::Conf> Conf(
    const std::vector<std::pair<std::string, std::string>>& kv) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [k, v] : kv) conf->set(k, v, error);
  return conf;
}

// Returns the stories in `dir` as RawStory envelopes, in file name order.
std::vector<v1::RawStory> LoadStories(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  if (error) LogError("demo: cannot read %s: %s", dir, error.message());
  std::sort(files.begin(), files.end());
  std::vector<v1::RawStory> out;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    v1::RawStory story;
    story.set_feed_item_id(path.filename().string());
    story.set_source("samples");
    story.set_payload(bytes.str());
    out.push_back(std::move(story));
  }
  return out;
}

void Publish(RdKafka::Producer& producer, std::vector<v1::RawStory> stories) {
  for (v1::RawStory& story : stories) {
    const int64_t now = absl::ToUnixNanos(absl::Now());
    story.mutable_received_at()->set_seconds(now / 1000000000);
    story.mutable_received_at()->set_nanos(now % 1000000000);
    const std::string value = story.SerializeAsString();
    const std::string& key = story.feed_item_id();
    producer.produce("wire.raw", RdKafka::Topic::PARTITION_UA,
                     RdKafka::Producer::RK_MSG_COPY,
                     const_cast<char*>(value.data()), value.size(), key.data(),
                     key.size(), 0, nullptr);
  }
  producer.flush(10000);
}

int Main() {
  const int wait_s = absl::GetFlag(FLAGS_wait_s);
  const int metrics_port = absl::GetFlag(FLAGS_metrics_port);
  const int partitions = absl::GetFlag(FLAGS_partitions);
  if (wait_s < 0 || metrics_port < 0 || metrics_port > 65532 ||
      partitions < 1 || absl::GetFlag(FLAGS_window_hours) <= 0) {
    std::fprintf(stderr,
                 "demo: --wait_s must be 0 or more, --metrics_port 0..65532, "
                 "--partitions and --window_hours positive\n");
    return 2;
  }

  // The rules first: a bad file stops the demo before anything starts.
  std::atomic<alert::AlertMetrics*> alert_metrics{nullptr};
  alert::RuleWatcherOptions watch;
  watch.path = absl::GetFlag(FLAGS_rules);
  watch.on_reload = [&alert_metrics](bool ok) {
    alert::AlertMetrics* metrics = alert_metrics.load();
    if (metrics != nullptr) {
      (ok ? metrics->reloads_ok : metrics->reloads_failed)->Increment();
    }
  };
  auto rules = alert::RuleWatcher::Create(std::move(watch));
  if (!rules.ok()) {
    std::fprintf(stderr, "demo: %s\n",
                 std::string(rules.status().message()).c_str());
    return 2;
  }
  (*rules)->Start();

  auto cluster = runtime::EmbeddedCluster::Start();
  if (!cluster.ok()) {
    std::fprintf(stderr, "demo: %s\n", cluster.status().ToString().c_str());
    return 1;
  }
  const std::string bootstrap = (*cluster)->bootstrap_servers();
  ChainOptions options;
  options.rules = rules->get();
  options.dedup_window = absl::Hours(absl::GetFlag(FLAGS_window_hours));
  options.on_alert_metrics = [&alert_metrics](alert::AlertMetrics* metrics) {
    alert_metrics.store(metrics);
  };
  const std::vector<ChainStep> chain = PipelineChain(options);

  // One feed in arrival order: wire.raw has one partition. Stories of one
  // cluster share a key from dedup on, so alert's one-alert-per-cluster
  // state holds with several partitions.
  std::map<std::string, int> topics = {{"wire.raw", 1}, {"wire.dlq", 1}};
  for (const ChainStep& step : chain) {
    topics[step.output] = partitions;
    for (const auto& extra : step.extra_topics) topics[extra] = partitions;
  }
  topics["wire.alerts"] = 1;
  for (const auto& [topic, count] : topics) {
    absl::Status created = (*cluster)->CreateTopic(topic, count);
    if (!created.ok()) {
      LogError("demo: cannot create %s: %s", topic, created.message());
      return 1;
    }
  }
  LogInfo("demo: embedded Kafka cluster at %s with %d topics", bootstrap,
          topics.size());

  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);

  // One worker thread per stage, each with its own metrics port.
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<runtime::Stage>> stages;
  std::vector<std::thread> workers;
  std::vector<int> exit_codes(chain.size(), 0);
  // Workers that have returned; one that returns before the stop (a port
  // in use, a fatal error) ends the demo.
  std::atomic<int> workers_done{0};
  for (size_t i = 0; i < chain.size(); ++i) {
    const ChainStep& step = chain[i];
    auto stage = step.make();
    if (!stage.ok()) {
      LogError("demo: cannot start the stage writing %s: %s", step.output,
               stage.status().message());
      stop = true;
      break;
    }
    stages.push_back(*std::move(stage));
    runtime::RunnerConfig config;
    config.bootstrap_servers = bootstrap;
    config.input_topics = {step.input};
    config.output_topic = step.output;
    config.mode = runtime::DeliveryMode::kAtLeastOnce;
    config.http_address = absl::StrCat(
        "127.0.0.1:",
        metrics_port == 0 ? 0 : metrics_port + static_cast<int>(i));
    config.shutdown_timeout = absl::Seconds(20);
    runtime::Stage* stage_ptr = stages.back().get();
    int* exit_code = &exit_codes[i];
    workers.emplace_back([stage_ptr, config, exit_code, &stop, &workers_done] {
      *exit_code = runtime::RunStage(*stage_ptr, config, stop);
      workers_done.fetch_add(1);
    });
  }

  // The newsroom dashboard on wire.enriched and wire.alerts. The embedded
  // cluster cannot look offsets up by time: it reads from the beginning.
  std::unique_ptr<dashboard::Dashboard> dashboard;
  const int dashboard_port = absl::GetFlag(FLAGS_dashboard_port);
  if (!stop && dashboard_port >= 0) {
    dashboard::DashboardOptions board;
    board.feed.bootstrap = bootstrap;
    board.feed.history = dashboard::HistoryStart::kFromBeginning;
    board.server.address =
        absl::StrCat("127.0.0.1:", metrics_port == 0 ? 0 : dashboard_port);
    auto started = dashboard::Dashboard::Start(std::move(board));
    if (!started.ok()) {
      LogError("demo: no dashboard: %s (--dashboard_port=0 picks a free port)",
               started.status().message());
      stop = true;
    } else {
      dashboard = *std::move(started);
      LogInfo("demo: dashboard at http://127.0.0.1:%d/", dashboard->port());
    }
  }

  std::string error;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(
      Conf({{"bootstrap.servers", bootstrap}}).get(), error));
  std::vector<v1::RawStory> first = LoadStories(absl::GetFlag(FLAGS_samples));
  for (v1::RawStory& story : LoadStories(absl::GetFlag(FLAGS_stories))) {
    first.push_back(std::move(story));
  }
  v1::RawStory broken;
  broken.set_feed_item_id("broken-feed-item");
  broken.set_source("broken");
  static constexpr char kGarbage[] = "\x00\x01\x02\xff\xfe binary garbage";
  broken.set_payload(std::string(kGarbage, sizeof(kGarbage) - 1));
  first.push_back(broken);
  std::vector<v1::RawStory> followups =
      LoadStories(absl::GetFlag(FLAGS_followups));
  size_t published = first.size();
  if (!stop) {
    Publish(*producer, first);
    LogInfo("demo: published %d raw stories to wire.raw", first.size());
  }

  // The live view: enriched stories, alerts and dead letters as they come.
  std::unique_ptr<RdKafka::KafkaConsumer> reader(
      RdKafka::KafkaConsumer::create(Conf({{"bootstrap.servers", bootstrap},
                                           {"group.id", "demo-view"},
                                           {"auto.offset.reset", "earliest"}})
                                         .get(),
                                     error));
  reader->subscribe({"wire.enriched", "wire.alerts", "wire.dlq"});
  size_t enriched = 0, alerts = 0, dead = 0;
  std::map<std::string, int> verdicts;
  bool followups_sent = followups.empty();
  bool all_through = false;
  const absl::Time deadline = wait_s == 0 ? absl::InfiniteFuture()
                                          : absl::Now() + absl::Seconds(wait_s);
  absl::Time quiet_since = absl::Now();
  while (!stop && !g_interrupted.load() && workers_done.load() == 0 &&
         absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(reader->consume(200));
    if (m->err() != RdKafka::ERR_NO_ERROR) {
      if (enriched + dead < published) continue;
      if (!followups_sent) {
        followups_sent = true;
        published += followups.size();
        Publish(*producer, followups);
        LogInfo(
            "demo: the first %d stories are through; published %d "
            "follow-ups to wire.raw",
            first.size(), followups.size());
        continue;
      }
      if (!all_through && absl::Now() - quiet_since > absl::Seconds(2)) {
        all_through = true;
        LogInfo("demo: all %d raw stories are through%s", published,
                wait_s == 0 ? "; Ctrl-C to stop" : "");
        if (wait_s > 0) break;
      }
      continue;
    }
    quiet_since = absl::Now();
    const std::string value(static_cast<const char*>(m->payload()), m->len());
    std::string lines;
    if (m->topic_name() == "wire.dlq") {
      ++dead;
      v1::DeadLetter letter;
      letter.ParseFromString(value);
      lines = DeadLetterLine(letter);
    } else if (m->topic_name() == "wire.alerts") {
      ++alerts;
      v1::Alert alert;
      alert.ParseFromString(value);
      lines = AlertLine(alert);
    } else {
      ++enriched;
      v1::EnrichedStory story;
      story.ParseFromString(value);
      ++verdicts[VerdictName(story)];
      lines = StoryLines(story);
    }
    std::fputs(lines.c_str(), stdout);
    std::fflush(stdout);
  }
  const bool interrupted = g_interrupted.load();
  if (interrupted) LogInfo("demo: interrupted; stopping the stages");
  reader->close();
  dashboard.reset();
  stop = true;
  for (auto& w : workers) w.join();
  (*rules)->Stop();

  std::vector<std::string> by_verdict;
  for (const auto& [name, count] : verdicts) {
    by_verdict.push_back(absl::StrCat(name, " ", count));
  }
  std::fprintf(stderr, "demo: verdicts: %s\n",
               absl::StrJoin(by_verdict, ", ").c_str());
  std::fprintf(stderr,
               "demo: %zu raw stories in; %zu enriched, %zu alerts, %zu "
               "dead-lettered\n",
               published, enriched, alerts, dead);
  bool workers_ok = true;
  for (size_t i = 0; i < workers.size(); ++i) {
    if (exit_codes[i] != 0) {
      LogError("demo: the stage writing %s stopped with exit code %d%s",
               chain[i].output, exit_codes[i],
               exit_codes[i] == 2 ? " (its metrics port in use? "
                                    "--metrics_port=0 picks free ones)"
                                  : "");
      workers_ok = false;
    }
  }
  if (!workers_ok || workers.size() < chain.size()) return 1;
  if (interrupted) return 0;
  return enriched + dead >= published ? 0 : 1;
}

}  // namespace
}  // namespace wirestream::demo

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "the whole pipeline on an in-process cluster: publishes sample "
      "stories and shows them enriched, with their alerts and dead letters.\n"
      "  demo [--wait_s=N] [--metrics_port=N] [--dashboard_port=N]\n"
      "Exit status: 0 done or interrupted, 1 a worker failed or stories "
      "went missing.");
  if (wirestream::runtime::AnswerHelp(argc, argv, "tools/")) return 0;
  absl::ParseCommandLine(argc, argv);
  return wirestream::demo::Main();
}
