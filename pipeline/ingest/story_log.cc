#include "pipeline/ingest/story_log.h"

#include <map>

#include "absl/container/node_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "pipeline/runtime/log.h"
#include "pipeline/runtime/topics.h"

namespace wirestream::ingest {
namespace {

using runtime::LogInfo;
using runtime::LogWarning;

int Millis(absl::Duration d) {
  return static_cast<int>(absl::ToInt64Milliseconds(d));
}

// Where one produced record's delivery report lands.
struct DeliverySlot {
  RdKafka::ErrorCode error = RdKafka::ERR__IN_PROGRESS;
  std::string error_text;
  int32_t partition = -1;
  int64_t offset = -1;
};

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeConf(
    const std::string& bootstrap,
    const std::vector<std::pair<std::string, std::string>>& ours,
    const std::vector<std::pair<std::string, std::string>>& operators) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  if (conf->set("bootstrap.servers", bootstrap, error) !=
      RdKafka::Conf::CONF_OK) {
    return absl::InvalidArgumentError(error);
  }
  for (const auto* list : {&ours, &operators}) {
    for (const auto& [key, value] : *list) {
      if (conf->set(key, value, error) != RdKafka::Conf::CONF_OK) {
        return absl::InvalidArgumentError(
            absl::StrCat("Kafka property ", key, ": ", error));
      }
    }
  }
  return conf;
}

}  // namespace

// Delivery reports come back in the thread that polls, which holds the
// log's lock. A record is named by a sequence number, not a pointer, so a
// late report of a purged record (after an abort) finds nothing.
class KafkaStoryLog::DeliveryReports : public RdKafka::DeliveryReportCb {
 public:
  // Returns the slot a new record's report goes to, and its name.
  std::pair<void*, DeliverySlot*> Expect() {
    const uintptr_t id = ++next_id_;
    return {reinterpret_cast<void*>(id), &slots_[id]};
  }
  // Forgets every slot (reports still to come are ignored).
  void Clear() { slots_.clear(); }

  void dr_cb(RdKafka::Message& message) override {
    auto it = slots_.find(reinterpret_cast<uintptr_t>(message.msg_opaque()));
    if (it == slots_.end()) return;
    DeliverySlot* slot = &it->second;
    slot->error = message.err();
    slot->error_text = message.errstr();
    slot->partition = message.partition();
    slot->offset = message.offset();
  }

 private:
  uintptr_t next_id_ = 0;
  // node_hash_map: slots keep their address while others are added.
  absl::node_hash_map<uintptr_t, DeliverySlot> slots_;
};

KafkaStoryLog::KafkaStoryLog(KafkaStoryLogOptions options,
                             IngestMetrics* metrics)
    : options_(std::move(options)),
      metrics_(metrics),
      reports_(std::make_unique<DeliveryReports>()) {}

KafkaStoryLog::~KafkaStoryLog() {
  absl::MutexLock lock(&mu_);
  Disconnect();
}

absl::StatusOr<std::unique_ptr<KafkaStoryLog>> KafkaStoryLog::Create(
    const KafkaStoryLogOptions& options, IngestMetrics* metrics) {
  if (options.bootstrap_servers.empty()) {
    return absl::InvalidArgumentError("no Kafka bootstrap servers given");
  }
  if (options.transactional_id.empty() || options.raw_topic.empty() ||
      options.state_topic.empty()) {
    return absl::InvalidArgumentError(
        "a gateway needs a transactional id, a raw topic and a state topic");
  }
  std::unique_ptr<KafkaStoryLog> log(new KafkaStoryLog(options, metrics));
  absl::Status topic = log->EnsureStateTopic();
  if (!topic.ok()) return topic;
  absl::MutexLock lock(&log->mu_);
  absl::Status connected = log->Connect();
  if (!connected.ok()) return connected;
  return log;
}

absl::Status KafkaStoryLog::EnsureStateTopic() {
  runtime::TopicAdminOptions admin_options;
  admin_options.bootstrap_servers = options_.bootstrap_servers;
  admin_options.client_config = options_.properties;
  auto admin = runtime::TopicAdmin::Create(admin_options);
  if (!admin.ok()) return admin.status();
  auto partitions = (*admin)->PartitionCount(options_.state_topic);
  if (partitions.ok()) return absl::OkStatus();
  if (!absl::IsNotFound(partitions.status())) {
    return absl::UnavailableError(absl::StrCat("cannot reach Kafka at ",
                                               options_.bootstrap_servers, ": ",
                                               partitions.status().message()));
  }
  runtime::TopicSpec spec;
  spec.name = options_.state_topic;
  spec.partitions = 1;
  spec.configs = {{"cleanup.policy", "compact"}};
  LogInfo("ingest: creating the ledger topic %s (compacted)",
          options_.state_topic);
  return (*admin)->CreateTopic(spec);
}

absl::Status KafkaStoryLog::Connect() {
  auto conf = MakeConf(
      options_.bootstrap_servers,
      {{"transactional.id", options_.transactional_id},
       {"enable.idempotence", "true"},
       {"acks", "all"},
       {"linger.ms", "5"},
       {"transaction.timeout.ms", "60000"},
       {"message.timeout.ms",
        absl::StrCat(std::max(1000, Millis(options_.write_timeout)))},
       {"message.max.bytes", absl::StrCat(options_.max_record_bytes + 65536)},
       {"client.id", options_.transactional_id}},
      options_.properties);
  if (!conf.ok()) return conf.status();
  std::string error;
  (*conf)->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(reports_.get()),
               error);
  std::unique_ptr<RdKafka::Producer> producer(
      RdKafka::Producer::create(conf->get(), error));
  if (producer == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot make a Kafka producer: ", error));
  }
  std::unique_ptr<RdKafka::Error> init(
      producer->init_transactions(Millis(options_.write_timeout * 2)));
  if (init) {
    available_ = false;
    return absl::UnavailableError(
        absl::StrCat("cannot start transactions as ", options_.transactional_id,
                     " on ", options_.bootstrap_servers, ": ", init->str()));
  }
  producer_ = std::move(producer);
  available_ = true;
  return absl::OkStatus();
}

void KafkaStoryLog::Disconnect() {
  if (producer_ == nullptr) return;
  producer_->purge(RdKafka::Producer::PURGE_QUEUE |
                   RdKafka::Producer::PURGE_INFLIGHT |
                   RdKafka::Producer::PURGE_NON_BLOCKING);
  producer_->poll(0);
  producer_.reset();
}

void KafkaStoryLog::Abort() {
  std::unique_ptr<RdKafka::Error> error(
      producer_->abort_transaction(Millis(options_.write_timeout)));
  producer_->poll(0);
  if (error) {
    LogWarning(
        "ingest: aborting a transaction failed (%s); reconnecting, which "
        "aborts it on the broker",
        error->str());
    Disconnect();
  }
}

absl::StatusOr<std::vector<Receipt>> KafkaStoryLog::Write(
    const std::vector<const Submission*>& batch) {
  absl::MutexLock lock(&mu_);
  if (batch.empty()) return std::vector<Receipt>{};
  if (producer_ == nullptr) {
    absl::Status connected = Connect();
    if (!connected.ok()) {
      if (metrics_) metrics_->batches_failed->Increment();
      return connected;
    }
  }
  const absl::Time start = absl::Now();
  auto fail = [&](absl::Status status) -> absl::Status {
    available_ = false;
    if (metrics_) metrics_->batches_failed->Increment();
    return status;
  };
  auto classify = [&](RdKafka::Error* error,
                      absl::string_view what) -> absl::Status {
    if (error->is_fatal() || error->code() == RdKafka::ERR__FENCED ||
        error->code() == RdKafka::ERR_PRODUCER_FENCED) {
      return absl::PermissionDeniedError(absl::StrCat(
          what, " failed for good: ", error->str(),
          " (a newer gateway with the same transactional id took over?)"));
    }
    return absl::UnavailableError(absl::StrCat(what, ": ", error->str()));
  };

  {
    std::unique_ptr<RdKafka::Error> error(producer_->begin_transaction());
    if (error) {
      absl::Status status = classify(error.get(), "beginning a transaction");
      if (!absl::IsPermissionDenied(status)) Disconnect();
      return fail(status);
    }
  }
  // The stories first: their offsets go into the ledger entries.
  reports_->Clear();
  std::vector<DeliverySlot*> slots(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const std::string value = batch[i]->story.SerializeAsString();
    const std::string& key = batch[i]->record_key;
    auto [id, slot] = reports_->Expect();
    slots[i] = slot;
    RdKafka::ErrorCode code;
    while (true) {
      code = producer_->produce(
          options_.raw_topic, RdKafka::Topic::PARTITION_UA,
          RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
          value.size(), key.data(), key.size(), 0, id);
      if (code != RdKafka::ERR__QUEUE_FULL) break;
      producer_->poll(10);
    }
    if (code != RdKafka::ERR_NO_ERROR) {
      Abort();
      return fail(code == RdKafka::ERR_MSG_SIZE_TOO_LARGE
                      ? absl::InvalidArgumentError(absl::StrCat(
                            "story ", key, " is over Kafka's record limit"))
                      : absl::UnavailableError(absl::StrCat(
                            "sending a story: ", RdKafka::err2str(code))));
    }
  }
  producer_->flush(Millis(options_.write_timeout));
  std::vector<Receipt> receipts(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    if (slots[i]->error != RdKafka::ERR_NO_ERROR) {
      const std::string why = slots[i]->error == RdKafka::ERR__IN_PROGRESS
                                  ? "no acknowledgement in time"
                                  : slots[i]->error_text;
      Abort();
      return fail(absl::UnavailableError(
          absl::StrCat("Kafka did not take the stories: ", why)));
    }
    receipts[i].topic = options_.raw_topic;
    receipts[i].partition = slots[i]->partition;
    receipts[i].offset = slots[i]->offset;
  }
  const absl::Time taken_at = absl::Now();
  for (size_t i = 0; i < batch.size(); ++i) {
    receipts[i].taken_at = taken_at;
    const std::string value = EncodeReceipt(receipts[i]);
    std::vector<const std::string*> keys;
    if (!batch[i]->ledger_key.empty()) keys.push_back(&batch[i]->ledger_key);
    for (const std::string& k : batch[i]->also_ledger_keys) keys.push_back(&k);
    for (const std::string* key : keys) {
      RdKafka::ErrorCode code;
      while (true) {
        code = producer_->produce(
            options_.state_topic, RdKafka::Topic::PARTITION_UA,
            RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
            value.size(), key->data(), key->size(), 0, nullptr);
        if (code != RdKafka::ERR__QUEUE_FULL) break;
        producer_->poll(10);
      }
      if (code != RdKafka::ERR_NO_ERROR) {
        Abort();
        return fail(absl::UnavailableError(
            absl::StrCat("writing the ledger: ", RdKafka::err2str(code))));
      }
    }
  }
  // Commit. A retriable error leaves the outcome unknown: try again until it
  // is known, since answering either way could lose or repeat a story.
  const absl::Time give_up = absl::Now() + options_.commit_retry_budget;
  while (true) {
    std::unique_ptr<RdKafka::Error> error(
        producer_->commit_transaction(Millis(options_.write_timeout)));
    if (!error) break;
    if (error->txn_requires_abort()) {
      LogWarning("ingest: Kafka refused the batch (%s); aborting it",
                 error->str());
      Abort();
      return fail(absl::UnavailableError(
          absl::StrCat("Kafka refused the batch: ", error->str())));
    }
    absl::Status status = classify(error.get(), "committing a batch");
    if (absl::IsPermissionDenied(status)) return fail(status);
    if (!error->is_retriable() || absl::Now() > give_up) {
      return fail(absl::InternalError(absl::StrCat(
          "the outcome of a commit stayed unknown: ", error->str())));
    }
    available_ = false;
    LogWarning("ingest: commit not confirmed yet (%s); asking again",
               error->str());
  }
  available_ = true;
  if (metrics_ != nullptr) {
    metrics_->batches_committed->Increment();
    metrics_->kafka_ack_seconds->Observe(
        absl::ToDoubleSeconds(absl::Now() - start));
  }
  return receipts;
}

absl::StatusOr<int64_t> KafkaStoryLog::RestoreLedger(absl::string_view prefix,
                                                     TakenLedger* ledger) {
  auto conf = MakeConf(options_.bootstrap_servers,
                       {{"group.id", options_.transactional_id + ".ledger"},
                        {"enable.auto.commit", "false"},
                        {"isolation.level", "read_committed"},
                        {"enable.partition.eof", "true"}},
                       options_.properties);
  if (!conf.ok()) return conf.status();
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (consumer == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot make a Kafka consumer: ", error));
  }
  RdKafka::Metadata* raw_metadata = nullptr;
  std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(
      consumer.get(), options_.state_topic, nullptr, error));
  if (consumer->metadata(false, topic.get(), &raw_metadata, 10000) !=
      RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("cannot read the metadata of ", options_.state_topic));
  }
  std::unique_ptr<RdKafka::Metadata> metadata(raw_metadata);
  std::vector<RdKafka::TopicPartition*> partitions;
  for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
    for (const RdKafka::PartitionMetadata* p : *t->partitions()) {
      partitions.push_back(RdKafka::TopicPartition::create(
          options_.state_topic, p->id(), RdKafka::Topic::OFFSET_BEGINNING));
    }
  }
  if (partitions.empty()) {
    return absl::UnavailableError(
        absl::StrCat("no partitions for ", options_.state_topic));
  }
  const size_t partition_count = partitions.size();
  consumer->assign(partitions);
  RdKafka::TopicPartition::destroy(partitions);
  const absl::Time oldest = absl::Now() - ledger->window();
  int64_t read = 0;
  size_t at_end = 0;
  std::map<int32_t, bool> ended;
  const absl::Time deadline = absl::Now() + absl::Minutes(5);
  while (at_end < partition_count) {
    if (absl::Now() > deadline) {
      consumer->close();
      return absl::UnavailableError(absl::StrCat(
          "reading the ledger topic ", options_.state_topic, " timed out"));
    }
    std::unique_ptr<RdKafka::Message> message(consumer->consume(500));
    if (message->err() == RdKafka::ERR__PARTITION_EOF) {
      if (!ended[message->partition()]) {
        ended[message->partition()] = true;
        ++at_end;
      }
      continue;
    }
    if (message->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (message->err() != RdKafka::ERR_NO_ERROR) {
      consumer->close();
      return absl::UnavailableError(
          absl::StrCat("reading the ledger: ", message->errstr()));
    }
    if (ended[message->partition()]) {
      ended[message->partition()] = false;
      --at_end;
    }
    if (message->key() == nullptr) continue;
    const std::string& key = *message->key();
    if (!absl::StartsWith(key, prefix)) continue;
    ++read;
    if (message->payload() == nullptr) {
      ledger->Remove(key);
      continue;
    }
    auto receipt = DecodeReceipt(absl::string_view(
        static_cast<const char*>(message->payload()), message->len()));
    if (!receipt.ok()) {
      LogWarning("ingest: skipping a ledger entry: %s",
                 receipt.status().message());
      continue;
    }
    if (receipt->taken_at < oldest) {
      ledger->Remove(key);
      continue;
    }
    ledger->Add(key, *receipt);
  }
  consumer->close();
  return read;
}

}  // namespace wirestream::ingest
