// File: pipeline/ingest/story_log.h
//
// StoryLog is where a gateway writes what it takes: stories to the raw topic
// and, in the same Kafka transaction, one ledger entry per submission to
// the gateway's compacted state topic. A batch is committed whole or not at
// all, so a crash at any point leaves either the stories and their ledger
// entries, or neither; the ledger read back at start-up then says exactly
// which stories need not be sent again.
//
//   KafkaStoryLogOptions options;
//   options.bootstrap_servers = "127.0.0.1:9092";
//   options.transactional_id = "wirestream.ingest.folder.0";
//   auto log = KafkaStoryLog::Create(options);
//   TakenLedger ledger(absl::Hours(24));
//   (*log)->RestoreLedger("folder/0/", &ledger);
//   absl::StatusOr<std::vector<Receipt>> receipts = (*log)->Write(batch);
//
// Write is thread-safe (calls are serialized).
#ifndef WIRESTREAM_PIPELINE_INGEST_STORY_LOG_H_
#define WIRESTREAM_PIPELINE_INGEST_STORY_LOG_H_

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pipeline/ingest/ingest_metrics.h"
#include "pipeline/ingest/taken_ledger.h"
#include "wirestream/v1/raw_story.pb.h"

namespace wirestream::ingest {

// One story to write, and the ledger key that marks it taken.
struct Submission {
  // Key of the ledger entry on the state topic.
  std::string ledger_key;
  // More keys that mark the same story taken (a feed item's link and
  // content hash beside its guid); each gets the same entry.
  std::vector<std::string> also_ledger_keys;
  // Key of the story's record on the raw topic (its feed_item_id).
  std::string record_key;
  v1::RawStory story;
};

class StoryLog {
 public:
  virtual ~StoryLog() = default;

  // Writes `batch` in one transaction. Returns one receipt per submission,
  // in order, once Kafka has committed it. UNAVAILABLE: Kafka did not take
  // the batch and none of it is visible to read_committed readers; the
  // caller may offer it again. PERMISSION_DENIED: fenced by a newer gateway
  // with the same id; INTERNAL: the outcome of a commit stayed unknown.
  // Both are fatal: the gateway stops and its next start reads the ledger.
  virtual absl::StatusOr<std::vector<Receipt>> Write(
      const std::vector<const Submission*>& batch) = 0;

  // True while the last write (or the start) reached Kafka.
  virtual bool available() const = 0;
};

struct KafkaStoryLogOptions {
  std::string bootstrap_servers;
  // Where stories go.
  std::string raw_topic = "wire.raw";
  // The compacted topic of ledger entries; created (compacted, one
  // partition) when missing.
  std::string state_topic = "wire.ingest.state";
  // Stable per gateway instance: a restarted gateway fences the old one and
  // aborts its open transaction.
  std::string transactional_id;
  // librdkafka properties, passed straight through (TLS, SASL, tuning).
  std::vector<std::pair<std::string, std::string>> properties;
  // How long a batch may wait for Kafka's acknowledgement before it is
  // aborted and reported UNAVAILABLE.
  absl::Duration write_timeout = absl::Seconds(10);
  // How long a commit whose outcome is unknown is retried before the
  // gateway gives up (INTERNAL).
  absl::Duration commit_retry_budget = absl::Minutes(2);
  // Largest story record, bytes (the raw topic's max.message.bytes).
  int64_t max_record_bytes = 1000000;
};

class KafkaStoryLog : public StoryLog {
 public:
  // Connects, creates the state topic if missing and initialises
  // transactions (fencing an older gateway with the same id).
  // UNAVAILABLE when Kafka does not answer; INVALID_ARGUMENT for a bad
  // property.
  static absl::StatusOr<std::unique_ptr<KafkaStoryLog>> Create(
      const KafkaStoryLogOptions& options, IngestMetrics* metrics = nullptr);
  ~KafkaStoryLog() override;

  // Reads every committed ledger entry whose key starts with `prefix` from
  // the state topic into `ledger` (tombstones remove, entries older than
  // the ledger's window are skipped). Returns the number of entries read.
  absl::StatusOr<int64_t> RestoreLedger(absl::string_view prefix,
                                        TakenLedger* ledger);

  absl::StatusOr<std::vector<Receipt>> Write(
      const std::vector<const Submission*>& batch) override;
  bool available() const override { return available_.load(); }

 private:
  class DeliveryReports;
  explicit KafkaStoryLog(KafkaStoryLogOptions options, IngestMetrics* metrics);

  // Makes the producer and initialises transactions.
  absl::Status Connect() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops the producer; the next Write connects again, which aborts
  // whatever transaction the old one left open.
  void Disconnect() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Aborts the open transaction; on failure disconnects.
  void Abort() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status EnsureStateTopic();

  const KafkaStoryLogOptions options_;
  IngestMetrics* const metrics_;
  std::atomic<bool> available_{false};
  absl::Mutex mu_;
  std::unique_ptr<DeliveryReports> reports_;
  std::unique_ptr<RdKafka::Producer> producer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_STORY_LOG_H_
