#include "pipeline/dashboard/feed_reader.h"

#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "librdkafka/rdkafkacpp.h"
#include "pipeline/runtime/log.h"
#include "wirestream/v1/alert.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::dashboard {
namespace {

using runtime::LogError;
using runtime::LogInfo;
using runtime::LogWarning;

// Returns the consumer, or null after logging why not.
std::unique_ptr<RdKafka::KafkaConsumer> MakeConsumer(
    const FeedOptions& options) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::vector<std::pair<std::string, std::string>> properties = {
      {"bootstrap.servers", options.bootstrap},
      {"client.id", options.client_id},
      // Required by the client; partitions are assigned by hand, nothing
      // is committed, so the group never forms.
      {"group.id", options.client_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"isolation.level", "read_committed"},
      {"enable.partition.eof", "true"},
      {"auto.offset.reset", "earliest"},
      // A page is at most this far behind a quiet topic.
      {"fetch.wait.max.ms", "100"},
  };
  for (const auto& kv : options.kafka_properties) properties.push_back(kv);
  std::string error;
  for (const auto& [key, value] : properties) {
    if (conf->set(key, value, error) != RdKafka::Conf::CONF_OK) {
      LogError("dashboard: Kafka property %s refused: %s", key, error);
      return nullptr;
    }
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  if (consumer == nullptr) LogError("dashboard: no Kafka consumer: %s", error);
  return consumer;
}

// Returns the partition counts of `topics`, or an empty vector while one of
// them does not exist (yet).
std::vector<int> PartitionCounts(RdKafka::KafkaConsumer& consumer,
                                 const std::vector<std::string>& topics) {
  RdKafka::Metadata* raw = nullptr;
  if (consumer.metadata(true, nullptr, &raw, 5000) != RdKafka::ERR_NO_ERROR) {
    return {};
  }
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  std::vector<int> counts;
  for (const std::string& topic : topics) {
    int count = 0;
    for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
      if (t->topic() == topic && t->err() == RdKafka::ERR_NO_ERROR) {
        count = static_cast<int>(t->partitions()->size());
      }
    }
    if (count == 0) return {};
    counts.push_back(count);
  }
  return counts;
}

absl::Time RecordTime(const RdKafka::Message& message) {
  const RdKafka::MessageTimestamp ts = message.timestamp();
  if (ts.type == RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE ||
      ts.timestamp <= 0) {
    return absl::Now();
  }
  return absl::FromUnixMillis(ts.timestamp);
}

}  // namespace

FeedReader::FeedReader(FeedOptions options, StoryWindow* window,
                       LiveUpdates* updates, DashboardMetrics* metrics)
    : options_(std::move(options)),
      window_(window),
      updates_(updates),
      metrics_(metrics) {}

FeedReader::~FeedReader() { Stop(); }

void FeedReader::Start() {
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void FeedReader::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void FeedReader::Run() {
  std::unique_ptr<RdKafka::KafkaConsumer> consumer = MakeConsumer(options_);
  if (consumer == nullptr) return;
  const std::vector<std::string> topics = {options_.enriched_topic,
                                           options_.alerts_topic};
  std::vector<int> counts;
  bool said_waiting = false;
  while (!stop_.load()) {
    counts = PartitionCounts(*consumer, topics);
    if (!counts.empty()) break;
    if (!said_waiting) {
      LogWarning("dashboard: waiting for topics %s and %s at %s", topics[0],
                 topics[1], options_.bootstrap);
      said_waiting = true;
    }
    absl::SleepFor(options_.retry_interval);
  }
  if (stop_.load()) return;

  // Where the window starts in every partition.
  const absl::Time now = absl::Now();
  const int64_t window_start_ms = absl::ToUnixMillis(now - window_->span());
  std::vector<RdKafka::TopicPartition*> partitions;
  for (size_t t = 0; t < topics.size(); ++t) {
    for (int p = 0; p < counts[t]; ++p) {
      partitions.push_back(RdKafka::TopicPartition::create(
          topics[t], p,
          options_.history == HistoryStart::kByTimestamp
              ? window_start_ms
              : RdKafka::Topic::OFFSET_BEGINNING));
    }
  }
  if (options_.history == HistoryStart::kByTimestamp) {
    const RdKafka::ErrorCode err = consumer->offsetsForTimes(partitions, 10000);
    if (err != RdKafka::ERR_NO_ERROR) {
      LogWarning(
          "dashboard: cannot look up the window's first records by time "
          "(%s); reading every partition from its beginning",
          RdKafka::err2str(err));
    }
    for (RdKafka::TopicPartition* tp : partitions) {
      if (err != RdKafka::ERR_NO_ERROR) {
        tp->set_offset(RdKafka::Topic::OFFSET_BEGINNING);
      } else if (tp->offset() < 0) {
        // No record as new as the window's start: nothing to load.
        tp->set_offset(RdKafka::Topic::OFFSET_END);
      }
    }
  }
  consumer->assign(partitions);
  LogInfo("dashboard: reading %s (%d partitions) and %s (%d) from %s",
          topics[0], counts[0], topics[1], counts[1],
          absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now - window_->span(),
                           absl::UTCTimeZone()));
  std::set<std::pair<std::string, int>> loading;
  for (RdKafka::TopicPartition* tp : partitions) {
    loading.insert({tp->topic(), tp->partition()});
  }
  RdKafka::TopicPartition::destroy(partitions);

  absl::Time last_expire = absl::Now();
  absl::Time last_warning = absl::InfinitePast();
  while (!stop_.load()) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(100));
    const absl::Time now = absl::Now();
    if (now - last_expire >= absl::Seconds(1)) {
      window_->Expire(now);
      last_expire = now;
      metrics_->stories_in_window->Set(window_->story_count());
      metrics_->alerts_in_window->Set(window_->alert_count());
    }
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:
        break;
      case RdKafka::ERR__TIMED_OUT:
        continue;
      case RdKafka::ERR__PARTITION_EOF:
        if (loading.erase({message->topic_name(), message->partition()}) > 0 &&
            loading.empty()) {
          LogInfo("dashboard: history loaded: %d stories, %d alerts",
                  window_->story_count(), window_->alert_count());
          ready_ = true;
          metrics_->ready->Set(1);
        }
        continue;
      default:
        // Broker down or restarting: librdkafka reconnects by itself.
        if (now - last_warning > absl::Seconds(30)) {
          LogWarning("dashboard: reading from Kafka: %s", message->errstr());
          last_warning = now;
        }
        continue;
    }
    const absl::Time arrived = RecordTime(*message);
    const bool is_story = message->topic_name() == options_.enriched_topic;
    (is_story ? metrics_->stories_received : metrics_->alerts_received)
        ->Increment();
    if (arrived < now - window_->span()) {
      metrics_->records_too_old->Increment();
      continue;
    }
    const void* payload = message->payload();
    const int size = static_cast<int>(message->len());
    std::optional<std::string> event;
    if (is_story) {
      v1::EnrichedStory story;
      if (!story.ParseFromArray(payload, size)) {
        metrics_->records_unreadable->Increment();
        continue;
      }
      event = window_->AddStory(std::move(story), arrived, now);
    } else {
      v1::Alert alert;
      if (!alert.ParseFromArray(payload, size)) {
        metrics_->records_unreadable->Increment();
        continue;
      }
      event = window_->AddAlert(std::move(alert), arrived, now);
    }
    if (event.has_value()) {
      updates_->Publish(is_story ? "story" : "alert", *std::move(event),
                        arrived);
    }
  }
  consumer->close();
}

}  // namespace wirestream::dashboard
