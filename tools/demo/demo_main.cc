// demo: the whole pipeline on the embedded cluster, in one process.
//
//   scripts/demo.sh                 # or: bazel run //tools/demo
//   bazel run //tools/demo -- --samples=DIR --partitions=3
//
// Starts librdkafka's in-process mock cluster, creates the pipeline topics,
// publishes the sample stories (plus one broken payload) to wire.raw, runs
// every stage as its own worker thread with the same runner production
// uses (at-least-once: the mock has no transactions), then prints what
// came out of the last stage as JSON lines and the dead letters with their
// reasons.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "librdkafka/rdkafkacpp.h"
#include "pipeline/runtime/embedded_cluster.h"
#include "pipeline/runtime/log.h"
#include "pipeline/runtime/runner.h"
#include "tools/demo/pipeline_chain.h"
#include "wirestream/v1/dead_letter.pb.h"
#include "wirestream/v1/raw_story.pb.h"

ABSL_FLAG(std::string, samples, "",
          "Folder of sample stories, one file each (default: the ones in "
          "the repository).");
ABSL_FLAG(int, partitions, 3, "Partitions of every topic.");
ABSL_FLAG(int, wait_s, 60, "Longest wait for the stories to come through.");

namespace wirestream::demo {
namespace {

using runtime::LogInfo;

std::unique_ptr<RdKafka::Conf> Conf(
    const std::vector<std::pair<std::string, std::string>>& kv) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [k, v] : kv) conf->set(k, v, error);
  return conf;
}

std::string DefaultSamples() {
  return "pipeline/stages/normalize/testdata/stories";
}

// Returns the sample stories as RawStory envelopes, in file name order.
std::vector<std::pair<std::string, v1::RawStory>> LoadSamples(
    const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::pair<std::string, v1::RawStory>> out;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    v1::RawStory story;
    story.set_feed_item_id(path.filename().string());
    story.set_source("samples");
    story.set_payload(bytes.str());
    const int64_t now = absl::ToUnixNanos(absl::Now());
    story.mutable_received_at()->set_seconds(now / 1000000000);
    story.mutable_received_at()->set_nanos(now % 1000000000);
    out.emplace_back(story.feed_item_id(), std::move(story));
  }
  return out;
}

int Main() {
  auto cluster = runtime::EmbeddedCluster::Start();
  if (!cluster.ok()) {
    std::fprintf(stderr, "%s\n", cluster.status().ToString().c_str());
    return 1;
  }
  const std::string bootstrap = (*cluster)->bootstrap_servers();
  const std::vector<ChainStep> chain = PipelineChain();
  std::vector<std::string> topics = {"wire.raw", "wire.dlq"};
  for (const ChainStep& step : chain) {
    topics.push_back(step.output);
    for (const auto& extra : step.extra_topics) topics.push_back(extra);
  }
  for (const std::string& topic : topics) {
    (void)(*cluster)->CreateTopic(topic, absl::GetFlag(FLAGS_partitions));
  }
  LogInfo("demo: embedded Kafka cluster at %s with %d topics", bootstrap,
          topics.size());

  // Publish the samples and one payload no parser can read.
  const std::string dir = absl::GetFlag(FLAGS_samples).empty()
                              ? DefaultSamples()
                              : absl::GetFlag(FLAGS_samples);
  auto samples = LoadSamples(dir);
  v1::RawStory broken;
  broken.set_feed_item_id("broken-feed-item");
  broken.set_source("broken");
  broken.set_payload(std::string("\x00\x01\x02\xff\xfe binary garbage", 22));
  samples.emplace_back(broken.feed_item_id(), broken);
  std::string error;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(
      Conf({{"bootstrap.servers", bootstrap}}).get(), error));
  for (const auto& [key, story] : samples) {
    std::string value = story.SerializeAsString();
    producer->produce("wire.raw", RdKafka::Topic::PARTITION_UA,
                      RdKafka::Producer::RK_MSG_COPY, value.data(),
                      value.size(), key.data(), key.size(), 0, nullptr);
  }
  producer->flush(10000);
  LogInfo("demo: published %d raw stories from %s to wire.raw", samples.size(),
          dir);

  // One worker thread per stage.
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<runtime::Stage>> stages;
  std::vector<std::thread> workers;
  for (const ChainStep& step : chain) {
    auto stage = step.make();
    if (!stage.ok()) {
      std::fprintf(stderr, "cannot start %s: %s\n", step.output.c_str(),
                   stage.status().ToString().c_str());
      return 1;
    }
    stages.push_back(*std::move(stage));
    runtime::RunnerConfig config;
    config.bootstrap_servers = bootstrap;
    config.input_topics = {step.input};
    config.output_topic = step.output;
    config.mode = runtime::DeliveryMode::kAtLeastOnce;
    config.http_address = "127.0.0.1:0";
    runtime::Stage* stage_ptr = stages.back().get();
    workers.emplace_back([stage_ptr, config, &stop] {
      runtime::RunStage(*stage_ptr, config, stop);
    });
  }

  // Read the last stage's output and the dead letters.
  std::unique_ptr<RdKafka::KafkaConsumer> reader(
      RdKafka::KafkaConsumer::create(Conf({{"bootstrap.servers", bootstrap},
                                           {"group.id", "demo-reader"},
                                           {"auto.offset.reset", "earliest"}})
                                         .get(),
                                     error));
  const std::string final_topic = chain.back().output;
  reader->subscribe({final_topic, "wire.dlq"});
  size_t outputs = 0, dead = 0;
  std::vector<std::string> lines, dead_lines;
  const absl::Time deadline =
      absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_wait_s));
  absl::Time quiet_since = absl::Now();
  while (absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(reader->consume(200));
    if (m->err() != RdKafka::ERR_NO_ERROR) {
      // Everything accounted for and nothing new for a moment: done.
      if (outputs + dead >= samples.size() &&
          absl::Now() - quiet_since > absl::Seconds(2)) {
        break;
      }
      continue;
    }
    quiet_since = absl::Now();
    const std::string value(static_cast<const char*>(m->payload()), m->len());
    if (m->topic_name() == "wire.dlq") {
      ++dead;
      v1::DeadLetter letter;
      letter.ParseFromString(value);
      dead_lines.push_back(absl::StrCat(
          "dead letter from ", letter.stage(), ": ",
          v1::DeadLetterReason_Name(letter.reason()), ": ", letter.message(),
          " (", letter.original_value().size(), " original bytes kept, ",
          letter.source_topic(), "[", letter.source_partition(), "] offset ",
          letter.source_offset(), ")"));
    } else {
      ++outputs;
      lines.push_back(chain.back().render(value));
    }
  }
  reader->close();
  stop = true;
  for (auto& w : workers) w.join();

  for (const std::string& line : lines) std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  for (const std::string& line : dead_lines) {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fprintf(stderr,
               "demo: %zu raw stories in; %zu on %s (printed above as JSON), "
               "%zu dead-lettered\n",
               samples.size(), outputs, final_topic.c_str(), dead);
  return outputs + dead >= samples.size() ? 0 : 1;
}

}  // namespace
}  // namespace wirestream::demo

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return wirestream::demo::Main();
}
