// RunStage in at-least-once mode against the embedded cluster: records and
// dead letters arrive, and a stop request ends the worker with exit code 0.
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafkacpp.h"
#include "pipeline/runtime/embedded_cluster.h"
#include "pipeline/runtime/runner.h"
#include "pipeline/stages/passthrough/passthrough_stage.h"
#include "wirestream/v1/dead_letter.pb.h"
#include "wirestream/v1/raw_story.pb.h"

namespace wirestream::runtime {
namespace {

void Produce(const std::string& bootstrap, const std::string& topic,
             const std::vector<std::pair<std::string, std::string>>& records) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  conf->set("bootstrap.servers", bootstrap, error);
  std::unique_ptr<RdKafka::Producer> producer(
      RdKafka::Producer::create(conf.get(), error));
  ASSERT_TRUE(producer) << error;
  for (const auto& [key, value] : records) {
    ASSERT_EQ(producer->produce(topic, RdKafka::Topic::PARTITION_UA,
                                RdKafka::Producer::RK_MSG_COPY,
                                const_cast<char*>(value.data()), value.size(),
                                key.data(), key.size(), 0, nullptr),
              RdKafka::ERR_NO_ERROR);
  }
  ASSERT_EQ(producer->flush(10000), RdKafka::ERR_NO_ERROR);
}

// Returns key -> value of every record on `topic`, waiting up to 30 s for
// `want` of them.
std::map<std::string, std::string> ReadAll(const std::string& bootstrap,
                                           const std::string& topic,
                                           size_t want) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  conf->set("bootstrap.servers", bootstrap, error);
  conf->set("group.id", "reader." + topic, error);
  conf->set("auto.offset.reset", "earliest", error);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  consumer->subscribe({topic});
  std::map<std::string, std::string> out;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (out.size() < want && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(200));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    out[std::string(static_cast<const char*>(m->key_pointer()), m->key_len())] =
        std::string(static_cast<const char*>(m->payload()), m->len());
  }
  consumer->close();
  return out;
}

TEST(RunnerEmbeddedTest, AtLeastOnceDeliversAndDeadLetters) {
  auto cluster = EmbeddedCluster::Start();
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  const std::string bootstrap = (*cluster)->bootstrap_servers();
  ASSERT_TRUE((*cluster)->CreateTopic("wire.raw", 2).ok());
  ASSERT_TRUE((*cluster)->CreateTopic("wire.raw.mirror", 2).ok());
  ASSERT_TRUE((*cluster)->CreateTopic("wire.dlq", 1).ok());

  std::vector<std::pair<std::string, std::string>> records;
  for (int i = 0; i < 50; ++i) {
    v1::RawStory story;
    story.set_feed_item_id(absl::StrCat("item-", i));
    records.push_back({absl::StrCat("k", i), story.SerializeAsString()});
  }
  records.push_back({"broken", std::string("\x0a\x7f"
                                           "x",
                                           3)});
  Produce(bootstrap, "wire.raw", records);

  RunnerConfig config;
  config.bootstrap_servers = bootstrap;
  config.input_topics = {"wire.raw"};
  config.output_topic = "wire.raw.mirror";
  config.mode = DeliveryMode::kAtLeastOnce;
  config.http_address = "";
  config.kafka_properties = {{"session.timeout.ms", "6000"}};
  auto stage = stages::PassthroughStage::Create({.require_raw_story = true});
  ASSERT_TRUE(stage.ok());
  std::atomic<bool> stop{false};
  int exit_code = -1;
  std::thread worker([&] { exit_code = RunStage(**stage, config, stop); });

  std::map<std::string, std::string> mirrored =
      ReadAll(bootstrap, "wire.raw.mirror", 50);
  std::map<std::string, std::string> dead = ReadAll(bootstrap, "wire.dlq", 1);
  stop = true;
  worker.join();

  EXPECT_EQ(exit_code, 0);
  ASSERT_EQ(mirrored.size(), 50u);
  for (const auto& [key, value] : records) {
    if (key == "broken") continue;
    EXPECT_EQ(mirrored[key], value) << key;
  }
  ASSERT_EQ(dead.size(), 1u);
  v1::DeadLetter letter;
  ASSERT_TRUE(letter.ParseFromString(dead["broken"]));
  EXPECT_EQ(letter.reason(), v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD);
  EXPECT_EQ(letter.original_value(), std::string("\x0a\x7f"
                                                 "x",
                                                 3));
  EXPECT_EQ(letter.source_topic(), "wire.raw");
  EXPECT_EQ(letter.stage(), "passthrough");
}

}  // namespace
}  // namespace wirestream::runtime
