#include "pipeline/runtime/kafka_io.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "pipeline/runtime/log.h"
#include "simdjson.h"

namespace wirestream::runtime {
namespace {

constexpr int kAdminTimeoutMs = 30000;
// Room above the largest dead letter for the request envelope.
constexpr int64_t kProducerRequestAllowance = 1 << 20;

std::string Describe(const std::vector<TopicPartition>& partitions) {
  std::string out;
  for (const auto& tp : partitions) {
    absl::StrAppend(&out, out.empty() ? "" : " ", tp.topic, "[", tp.partition,
                    "]");
  }
  return out.empty() ? "none" : out;
}

std::vector<TopicPartition> ToPartitions(
    const std::vector<RdKafka::TopicPartition*>& partitions) {
  std::vector<TopicPartition> out;
  out.reserve(partitions.size());
  for (const auto* p : partitions) out.push_back({p->topic(), p->partition()});
  return out;
}

// Owns a librdkafka partition list.
class PartitionList {
 public:
  PartitionList() = default;
  explicit PartitionList(const OffsetMap& offsets) {
    for (const auto& [tp, offset] : offsets) {
      list_.push_back(
          RdKafka::TopicPartition::create(tp.topic, tp.partition, offset));
    }
  }
  ~PartitionList() { RdKafka::TopicPartition::destroy(list_); }
  std::vector<RdKafka::TopicPartition*>& get() { return list_; }

 private:
  std::vector<RdKafka::TopicPartition*> list_;
};

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeConf(
    const std::vector<std::pair<std::string, std::string>>& properties) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [key, value] : properties) {
    if (conf->set(key, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Kafka property ", key, "=",
          IsSecretProperty(key) ? "<hidden>" : value, " rejected: ", error));
    }
  }
  return conf;
}

// Returns the integer field `key` of `object`, or -1.
int64_t IntField(simdjson::dom::element object, const char* key) {
  int64_t value = -1;
  if (object[key].get(value) != simdjson::SUCCESS) return -1;
  return value;
}

// Reads librdkafka's statistics JSON into the metrics.
void ApplyStatistics(const std::string& json, StageMetrics* metrics,
                     bool consumer) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return;
  if (!consumer) {
    int64_t msg_cnt = 0;
    if (root["msg_cnt"].get(msg_cnt) == simdjson::SUCCESS) {
      metrics->producer_queue_messages->Set(static_cast<double>(msg_cnt));
    }
    return;
  }
  double rtt_sum = 0;
  int rtt_count = 0;
  simdjson::dom::object brokers;
  if (root["brokers"].get(brokers) == simdjson::SUCCESS) {
    for (auto [name, broker] : brokers) {
      int64_t avg = 0;
      if (broker["rtt"]["avg"].get(avg) == simdjson::SUCCESS && avg > 0) {
        rtt_sum += static_cast<double>(avg) / 1e6;
        ++rtt_count;
      }
    }
  }
  if (rtt_count > 0) metrics->broker_rtt_seconds->Set(rtt_sum / rtt_count);

  double total_lag = 0;
  simdjson::dom::object topics;
  if (root["topics"].get(topics) == simdjson::SUCCESS) {
    for (auto [topic_name, topic] : topics) {
      simdjson::dom::object partitions;
      if (topic["partitions"].get(partitions) != simdjson::SUCCESS) continue;
      for (auto [partition_key, partition] : partitions) {
        int partition_id = -1;
        if (!absl::SimpleAtoi(std::string(partition_key), &partition_id) ||
            partition_id < 0) {
          continue;
        }
        std::string_view fetch_state;
        if (partition["fetch_state"].get(fetch_state) != simdjson::SUCCESS ||
            fetch_state == "none" || fetch_state == "stopped") {
          continue;
        }
        // Lag = end of the readable log (last stable offset under
        // read_committed) minus the next offset handed to the stage.
        int64_t end = IntField(partition, "ls_offset");
        if (end < 0) end = IntField(partition, "hi_offset");
        int64_t app = IntField(partition, "app_offset");
        if (end < 0) continue;
        if (app < 0) app = IntField(partition, "committed_offset");
        const double lag = app < 0 ? 0 : std::max<int64_t>(0, end - app);
        metrics->PartitionLag({std::string(topic_name), partition_id}).Set(lag);
        total_lag += lag;
      }
    }
  }
  metrics->consumer_lag_records->Set(total_lag);
  if (total_lag == 0) metrics->consumer_lag_seconds->Set(0);
}

void LogKafkaEvent(const std::string& stage, RdKafka::Event& event) {
  switch (event.type()) {
    case RdKafka::Event::EVENT_ERROR:
      LogWarning("%s: Kafka: %s%s", stage, event.fatal() ? "FATAL: " : "",
                 event.str());
      break;
    case RdKafka::Event::EVENT_LOG:
      if (event.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING) {
        LogWarning("%s: Kafka %s: %s", stage, event.fac(), event.str());
      }
      break;
    default:
      break;
  }
}

// Returns the producer's linger.ms for `mode`. Exactly-once outputs become
// visible only when the batch's transaction commits, which flushes
// whatever lingers, so a long linger costs no latency and sends fewer,
// larger requests. At-least-once outputs are visible as soon as they are
// written: a short linger keeps each hop's wait short. lz4 (set beside
// it) shrinks what the broker writes and serves to every reader.
std::string LingerFor(DeliveryMode mode) {
  return mode == DeliveryMode::kExactlyOnce ? "50" : "5";
}

}  // namespace

bool IsSecretProperty(absl::string_view key) {
  const std::string lower = absl::AsciiStrToLower(key);
  return absl::StrContains(lower, "password") ||
         absl::StrContains(lower, "secret") ||
         absl::StrContains(lower, "token") ||
         absl::StrContains(lower, "sasl.jaas") ||
         (absl::StrContains(lower, "key") &&
          !absl::StrContains(lower, "location"));
}

std::string TransactionalIdFor(const RunnerConfig& config,
                               absl::string_view stage) {
  return absl::StrCat(config.GroupIdFor(std::string(stage)), ".",
                      config.instance_id);
}

std::vector<std::pair<std::string, std::string>> ClientProperties(
    const RunnerConfig& config, absl::string_view stage,
    absl::string_view role) {
  std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", config.bootstrap_servers},
      {"client.id",
       absl::StrCat("wirestream.", stage, ".", config.instance_id, ".", role)},
      {"statistics.interval.ms",
       absl::StrCat(absl::ToInt64Milliseconds(config.stats_interval))},
  };
  if (role == "consumer") {
    props.insert(
        props.end(),
        {
            {"group.id", config.GroupIdFor(std::string(stage))},
            {"partition.assignment.strategy", "cooperative-sticky"},
            {"enable.auto.commit", "false"},
            {"enable.auto.offset.store", "false"},
            {"auto.offset.reset", "earliest"},
            {"isolation.level", "read_committed"},
            {"enable.partition.eof", "false"},
            {"fetch.message.max.bytes",
             absl::StrCat(std::min<int64_t>(
                 std::max<int64_t>(config.max_record_bytes + 65536, 1 << 20),
                 1000000000))},
        });
  } else {
    props.insert(props.end(), {
                                  {"enable.idempotence", "true"},
                                  // See LingerFor.
                                  {"linger.ms", LingerFor(config.mode)},
                                  {"compression.type", "lz4"},
                                  {"message.max.bytes",
                                   absl::StrCat(std::min<int64_t>(
                                       std::max(config.max_dead_letter_bytes,
                                                config.max_output_bytes) +
                                           kProducerRequestAllowance,
                                       1000000000))},
                              });
  }
  for (const auto& kv : config.kafka_properties) props.push_back(kv);
  return props;
}

// ---------------------------------------------------------------- source

class KafkaSource::Callbacks : public RdKafka::RebalanceCb,
                               public RdKafka::EventCb {
 public:
  explicit Callbacks(KafkaSource* source) : source_(source) {}
  void rebalance_cb(
      RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
      std::vector<RdKafka::TopicPartition*>& partitions) override {
    source_->OnRebalance(consumer, err, partitions);
  }
  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_STATS) {
      ApplyStatistics(event.str(), source_->metrics_, /*consumer=*/true);
    } else {
      LogKafkaEvent(source_->stage_, event);
    }
  }

 private:
  KafkaSource* source_;
};

absl::StatusOr<std::unique_ptr<KafkaSource>> KafkaSource::Create(
    const RunnerConfig& config, absl::string_view stage,
    StageMetrics* metrics) {
  std::unique_ptr<KafkaSource> source(new KafkaSource());
  source->stage_ = std::string(stage);
  source->metrics_ = metrics;
  source->callbacks_ = std::make_unique<Callbacks>(source.get());
  auto properties = ClientProperties(config, stage, "consumer");
  for (const auto& [key, value] : properties) {
    if (key == "auto.offset.reset") {
      source->reset_to_end_ =
          value == "latest" || value == "largest" || value == "end";
    }
  }
  auto conf = MakeConf(properties);
  if (!conf.ok()) return conf.status();
  std::string error;
  if ((*conf)->set("rebalance_cb",
                   static_cast<RdKafka::RebalanceCb*>(source->callbacks_.get()),
                   error) != RdKafka::Conf::CONF_OK ||
      (*conf)->set("event_cb",
                   static_cast<RdKafka::EventCb*>(source->callbacks_.get()),
                   error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(error);
  }
  source->consumer_.reset(RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!source->consumer_) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create the Kafka consumer: ", error));
  }
  RdKafka::ErrorCode err = source->consumer_->subscribe(config.input_topics);
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot subscribe to the input topics: ", RdKafka::err2str(err)));
  }
  return source;
}

KafkaSource::~KafkaSource() {
  // Leaving the group revokes partitions; nobody is listening any more.
  listener_ = nullptr;
  if (consumer_ && !closed_) consumer_->close();
}

void KafkaSource::OnRebalance(
    RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
    std::vector<RdKafka::TopicPartition*>& partitions) {
  const bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
  const std::vector<TopicPartition> changed = ToPartitions(partitions);
  if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
    std::unique_ptr<RdKafka::Error> error;
    if (cooperative) {
      error.reset(consumer->incremental_assign(partitions));
    } else {
      consumer->assign(partitions);
    }
    if (error) {
      LogError("%s: could not take %s: %s", stage_, Describe(changed),
               error->str());
      return;
    }
    if (!cooperative) assigned_.clear();
    assigned_.insert(changed.begin(), changed.end());
    if (listener_) listener_->OnAssigned(changed);
    return;
  }
  // Revoke (or an error, which drops everything): let the listener commit
  // what it has of these partitions, then let go of them.
  if (consumer->assignment_lost()) {
    LogWarning(
        "%s: lost %s to the group (session timed out?); uncommitted "
        "work on them is abandoned",
        stage_, Describe(changed));
  }
  if (listener_) listener_->OnRevoking(changed);
  if (cooperative) {
    std::unique_ptr<RdKafka::Error> error(
        consumer->incremental_unassign(partitions));
    if (error) {
      LogError("%s: could not release %s: %s", stage_, Describe(changed),
               error->str());
    }
  } else {
    consumer->unassign();
  }
  if (err == RdKafka::ERR__REVOKE_PARTITIONS && cooperative) {
    for (const auto& tp : changed) assigned_.erase(tp);
  } else {
    assigned_.clear();
  }
  metrics_->assigned_partitions->Set(assigned_.size());
}

absl::StatusOr<std::optional<InputRecord>> KafkaSource::Next(
    absl::Duration timeout) {
  std::unique_ptr<RdKafka::Message> message(
      consumer_->consume(static_cast<int>(absl::ToInt64Milliseconds(timeout))));
  switch (message->err()) {
    case RdKafka::ERR_NO_ERROR:
      break;
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__PARTITION_EOF:
      return std::nullopt;
    case RdKafka::ERR__FATAL:
      return absl::InternalError(
          absl::StrCat("Kafka consumer failed: ", message->errstr()));
    default:
      LogWarning("%s: reading %s: %s", stage_, message->topic_name(),
                 message->errstr());
      return std::nullopt;
  }
  InputRecord record;
  record.topic = message->topic_name();
  record.partition = message->partition();
  record.offset = message->offset();
  if (message->key_pointer() != nullptr) {
    record.key.emplace(static_cast<const char*>(message->key_pointer()),
                       message->key_len());
  }
  if (message->payload() != nullptr) {
    record.value.assign(static_cast<const char*>(message->payload()),
                        message->len());
  }
  if (RdKafka::Headers* headers = message->headers()) {
    for (const RdKafka::Headers::Header& h : headers->get_all()) {
      RecordHeader header;
      header.key = h.key();
      if (h.value() != nullptr) {
        header.value.emplace(static_cast<const char*>(h.value()),
                             h.value_size());
      }
      record.headers.push_back(std::move(header));
    }
  }
  const RdKafka::MessageTimestamp ts = message->timestamp();
  if (ts.type != RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE) {
    record.timestamp = absl::FromUnixMillis(ts.timestamp);
  }
  return record;
}

absl::Status KafkaSource::RewindToCommitted() {
  PartitionList partitions;
  for (const auto& tp : assigned_) {
    partitions.get().push_back(
        RdKafka::TopicPartition::create(tp.topic, tp.partition));
  }
  if (partitions.get().empty()) return absl::OkStatus();
  RdKafka::ErrorCode err =
      consumer_->committed(partitions.get(), kAdminTimeoutMs);
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat(
        "cannot read committed offsets to rewind: ", RdKafka::err2str(err)));
  }
  for (RdKafka::TopicPartition* p : partitions.get()) {
    if (p->offset() < 0) {
      p->set_offset(reset_to_end_ ? RdKafka::Topic::OFFSET_END
                                  : RdKafka::Topic::OFFSET_BEGINNING);
    }
    err = consumer_->seek(*p, kAdminTimeoutMs);
    if (err != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(absl::StrCat("cannot rewind ", p->topic(),
                                                 "[", p->partition(),
                                                 "]: ", RdKafka::err2str(err)));
    }
  }
  return absl::OkStatus();
}

std::vector<TopicPartition> KafkaSource::Assignment() const {
  return {assigned_.begin(), assigned_.end()};
}

absl::Status KafkaSource::CommitSync(const OffsetMap& offsets) {
  if (offsets.empty()) return absl::OkStatus();
  PartitionList list(offsets);
  RdKafka::ErrorCode err = consumer_->commitSync(list.get());
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::AbortedError(
        absl::StrCat("offset commit failed: ", RdKafka::err2str(err)));
  }
  return absl::OkStatus();
}

absl::Status KafkaSource::Close() {
  if (closed_) return absl::OkStatus();
  closed_ = true;
  RdKafka::ErrorCode err = consumer_->close();
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("leaving the group failed: ", RdKafka::err2str(err)));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------- sinks

class ProducerSink::Callbacks : public RdKafka::DeliveryReportCb,
                                public RdKafka::EventCb {
 public:
  explicit Callbacks(ProducerSink* sink) : sink_(sink) {}
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR) {
      ++failed_deliveries;
      last_error = message.errstr();
    }
  }
  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_STATS) {
      ApplyStatistics(event.str(), sink_->metrics_, /*consumer=*/false);
    } else {
      LogKafkaEvent(sink_->stage_, event);
    }
  }

  int64_t failed_deliveries = 0;
  std::string last_error;

 private:
  ProducerSink* sink_;
};

ProducerSink::~ProducerSink() {
  if (producer_) producer_->flush(5000);
}

absl::Status ProducerSink::Init(
    const RunnerConfig& config, absl::string_view stage, StageMetrics* metrics,
    std::vector<std::pair<std::string, std::string>> extra) {
  stage_ = std::string(stage);
  metrics_ = metrics;
  callbacks_ = std::make_unique<Callbacks>(this);
  auto properties = ClientProperties(config, stage, "producer");
  // Pass-through properties may tune anything except what defines the
  // delivery mode (transactional.id, acks): the sink's settings go last.
  properties.insert(properties.end(), extra.begin(), extra.end());
  auto conf = MakeConf(properties);
  if (!conf.ok()) return conf.status();
  std::string error;
  if ((*conf)->set("dr_cb",
                   static_cast<RdKafka::DeliveryReportCb*>(callbacks_.get()),
                   error) != RdKafka::Conf::CONF_OK ||
      (*conf)->set("event_cb", static_cast<RdKafka::EventCb*>(callbacks_.get()),
                   error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(error);
  }
  producer_.reset(RdKafka::Producer::create(conf->get(), error));
  if (!producer_) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create the Kafka producer: ", error));
  }
  return absl::OkStatus();
}

absl::Status ProducerSink::Send(OutgoingRecord record) {
  std::unique_ptr<RdKafka::Headers> headers;
  if (!record.headers.empty()) {
    headers.reset(RdKafka::Headers::create());
    for (const RecordHeader& h : record.headers) {
      if (h.value) {
        headers->add(h.key, h.value->data(), h.value->size());
      } else {
        headers->add(h.key, nullptr, 0);
      }
    }
  }
  while (true) {
    // A tombstone has a null value: a delete on a compacted topic.
    RdKafka::ErrorCode err = producer_->produce(
        record.topic, record.partition.value_or(RdKafka::Topic::PARTITION_UA),
        RdKafka::Producer::RK_MSG_COPY,
        record.tombstone ? nullptr : const_cast<char*>(record.value.data()),
        record.tombstone ? 0 : record.value.size(),
        record.key ? record.key->data() : nullptr,
        record.key ? record.key->size() : 0, 0, headers.get(), nullptr);
    if (err == RdKafka::ERR_NO_ERROR) {
      headers.release();  // Now owned by librdkafka.
      producer_->poll(0);
      return absl::OkStatus();
    }
    if (err == RdKafka::ERR__QUEUE_FULL) {
      producer_->poll(100);
      continue;
    }
    if (err == RdKafka::ERR__FATAL) {
      std::string reason;
      producer_->fatal_error(reason);
      return absl::InternalError(
          absl::StrCat("Kafka producer failed: ", reason));
    }
    return absl::AbortedError(absl::StrCat("cannot send to ", record.topic,
                                           ": ", RdKafka::err2str(err)));
  }
}

absl::StatusOr<std::unique_ptr<TransactionalSink>> TransactionalSink::Create(
    const RunnerConfig& config, absl::string_view stage, KafkaSource* source,
    StageMetrics* metrics) {
  std::unique_ptr<TransactionalSink> sink(new TransactionalSink());
  sink->source_ = source;
  const std::string txn_id = TransactionalIdFor(config, stage);
  absl::Status init =
      sink->Init(config, stage, metrics, {{"transactional.id", txn_id}});
  if (!init.ok()) return init;
  std::unique_ptr<RdKafka::Error> error(
      sink->producer_->init_transactions(kAdminTimeoutMs * 2));
  if (error) {
    return absl::UnavailableError(absl::StrCat("cannot start transactions as ",
                                               txn_id, ": ", error->str()));
  }
  LogInfo(
      "%s: exactly-once: transactional id %s (any older worker with "
      "this id is now fenced)",
      stage, txn_id);
  return sink;
}

absl::Status TransactionalSink::Classify(RdKafka::Error* error,
                                         absl::string_view what) {
  if (error->is_fatal() || error->code() == RdKafka::ERR__FENCED ||
      error->code() == RdKafka::ERR_PRODUCER_FENCED ||
      error->code() == RdKafka::ERR_INVALID_PRODUCER_EPOCH) {
    return absl::PermissionDeniedError(absl::StrCat(
        what, " failed for good: ", error->str(),
        error->code() == RdKafka::ERR__FENCED ||
                error->code() == RdKafka::ERR_PRODUCER_FENCED
            ? " (a newer worker with the same transactional id took over)"
            : ""));
  }
  return absl::AbortedError(absl::StrCat(what, " failed: ", error->str()));
}

absl::Status TransactionalSink::Begin() {
  std::unique_ptr<RdKafka::Error> error(producer_->begin_transaction());
  if (error) return Classify(error.get(), "beginning a transaction");
  in_transaction_ = true;
  return absl::OkStatus();
}

absl::Status TransactionalSink::Commit(const OffsetMap& offsets) {
  if (!in_transaction_) return absl::OkStatus();
  if (!offsets.empty()) {
    PartitionList list(offsets);
    std::unique_ptr<RdKafka::ConsumerGroupMetadata> group(
        source_->consumer()->groupMetadata());
    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<RdKafka::Error> error(
          producer_->send_offsets_to_transaction(list.get(), group.get(),
                                                 kAdminTimeoutMs));
      if (!error) break;
      if (error->is_retriable() && attempt < 5) continue;
      return Classify(error.get(), "adding offsets to the transaction");
    }
  }
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<RdKafka::Error> error(
        producer_->commit_transaction(kAdminTimeoutMs));
    if (!error) break;
    if (error->is_retriable() && attempt < 5) continue;
    return Classify(error.get(), "committing the transaction");
  }
  in_transaction_ = false;
  return absl::OkStatus();
}

absl::Status TransactionalSink::Abort() {
  if (!in_transaction_) return absl::OkStatus();
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<RdKafka::Error> error(
        producer_->abort_transaction(kAdminTimeoutMs));
    if (!error) break;
    if (error->is_retriable() && attempt < 5) continue;
    return absl::PermissionDeniedError(
        absl::StrCat("aborting the transaction failed: ", error->str()));
  }
  in_transaction_ = false;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<AtLeastOnceSink>> AtLeastOnceSink::Create(
    const RunnerConfig& config, absl::string_view stage, KafkaSource* source,
    StageMetrics* metrics) {
  std::unique_ptr<AtLeastOnceSink> sink(new AtLeastOnceSink());
  sink->source_ = source;
  absl::Status init = sink->Init(config, stage, metrics, {{"acks", "all"}});
  if (!init.ok()) return init;
  LogInfo(
      "%s: at-least-once: offsets are committed after every output is "
      "delivered; a crash may repeat up to one batch",
      stage);
  return sink;
}

absl::Status AtLeastOnceSink::Begin() {
  callbacks_->failed_deliveries = 0;
  return absl::OkStatus();
}

absl::Status AtLeastOnceSink::Commit(const OffsetMap& offsets) {
  RdKafka::ErrorCode err = producer_->flush(kAdminTimeoutMs);
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::AbortedError(
        absl::StrCat("outputs not delivered in time: ", RdKafka::err2str(err)));
  }
  if (callbacks_->failed_deliveries > 0) {
    const int64_t failed = callbacks_->failed_deliveries;
    callbacks_->failed_deliveries = 0;
    return absl::AbortedError(absl::StrCat(
        failed, " outputs not delivered: ", callbacks_->last_error));
  }
  return source_->CommitSync(offsets);
}

absl::Status AtLeastOnceSink::Abort() {
  producer_->purge(RdKafka::Producer::PURGE_QUEUE);
  producer_->flush(kAdminTimeoutMs);
  callbacks_->failed_deliveries = 0;
  return absl::OkStatus();
}

// ------------------------------------------------------------ changelog

KafkaChangelogReader::KafkaChangelogReader(const RunnerConfig& config,
                                           absl::string_view stage,
                                           absl::Duration time_limit)
    : config_(config), stage_(stage), time_limit_(time_limit) {}

absl::Status KafkaChangelogReader::Replay(
    const std::string& topic, int32_t partition,
    const std::function<void(absl::string_view key,
                             std::optional<absl::string_view> value)>& apply) {
  std::vector<std::pair<std::string, std::string>> properties = {
      {"bootstrap.servers", config_.bootstrap_servers},
      {"client.id", absl::StrCat("wirestream.", stage_, ".",
                                 config_.instance_id, ".restore")},
      // No group: the reader assigns the partition itself, commits nothing.
      {"group.id", absl::StrCat("wirestream.", stage_, ".restore")},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"isolation.level", "read_committed"},
      {"enable.partition.eof", "true"},
      {"auto.offset.reset", "earliest"},
  };
  for (const auto& kv : config_.kafka_properties) {
    if (absl::StartsWith(kv.first, "security.") ||
        absl::StartsWith(kv.first, "sasl.") ||
        absl::StartsWith(kv.first, "ssl.")) {
      properties.push_back(kv);
    }
  }
  auto conf = MakeConf(properties);
  if (!conf.ok()) return conf.status();
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!consumer) {
    return absl::UnavailableError(
        absl::StrCat("cannot create the changelog reader: ", error));
  }
  int64_t low = 0, high = 0;
  RdKafka::ErrorCode err = consumer->query_watermark_offsets(
      topic, partition, &low, &high, kAdminTimeoutMs);
  // A changelog created a moment ago may have no leader yet: wait for one,
  // for as long as a metadata request may take.
  const absl::Time leader_deadline =
      absl::Now() + absl::Milliseconds(kAdminTimeoutMs);
  while ((err == RdKafka::ERR_NOT_LEADER_FOR_PARTITION ||
          err == RdKafka::ERR_LEADER_NOT_AVAILABLE ||
          err == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART) &&
         absl::Now() < leader_deadline) {
    absl::SleepFor(absl::Milliseconds(200));
    err = consumer->query_watermark_offsets(topic, partition, &low, &high,
                                            kAdminTimeoutMs);
  }
  if (err != RdKafka::ERR_NO_ERROR) {
    consumer->close();
    return absl::UnavailableError(absl::StrCat("cannot find the end of ", topic,
                                               "[", partition,
                                               "]: ", RdKafka::err2str(err)));
  }
  const absl::Time started = absl::Now();
  int64_t records = 0;
  if (high > low) {
    PartitionList list;
    list.get().push_back(RdKafka::TopicPartition::create(
        topic, partition, RdKafka::Topic::OFFSET_BEGINNING));
    consumer->assign(list.get());
    bool done = false;
    while (!done) {
      if (absl::Now() - started > time_limit_) {
        consumer->close();
        return absl::UnavailableError(absl::StrCat(
            "restoring ", topic, "[", partition, "] took longer than ",
            absl::FormatDuration(time_limit_)));
      }
      std::unique_ptr<RdKafka::Message> message(consumer->consume(500));
      switch (message->err()) {
        case RdKafka::ERR_NO_ERROR: {
          ++records;
          absl::string_view key;
          if (message->key_pointer() != nullptr) {
            key = absl::string_view(
                static_cast<const char*>(message->key_pointer()),
                message->key_len());
          }
          std::optional<absl::string_view> value;
          if (message->payload() != nullptr) {
            value = absl::string_view(
                static_cast<const char*>(message->payload()), message->len());
          }
          apply(key, value);
          if (message->offset() + 1 >= high) done = true;
          break;
        }
        case RdKafka::ERR__PARTITION_EOF:
          done = true;
          break;
        case RdKafka::ERR__TIMED_OUT:
          break;
        default:
          LogWarning("%s: restoring %s[%d]: %s", stage_, topic, partition,
                     message->errstr());
          break;
      }
    }
  }
  consumer->close();
  LogInfo("%s: restored %d state records from %s[%d] in %s", stage_, records,
          topic, partition, absl::FormatDuration(absl::Now() - started));
  return absl::OkStatus();
}

}  // namespace wirestream::runtime
