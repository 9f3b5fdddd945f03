// File: pipeline/runtime/kafka_io.h
//
// The production RecordSource and RecordSinks, on librdkafka:
//
//   KafkaSource          - a consumer in the stage's group with
//                          cooperative-sticky rebalancing, read_committed,
//                          no auto-commit.
//   TransactionalSink    - exactly-once: a transactional producer; Commit
//                          sends the offsets into the transaction
//                          (send_offsets_to_transaction) and commits it.
//   AtLeastOnceSink      - an idempotent producer; Commit waits for every
//                          delivery report, then commits the offsets.
//
//   auto source = KafkaSource::Create(config, "normalize", &metrics);
//   auto sink = TransactionalSink::Create(config, "normalize", source->get(),
//                                         &metrics);
//
// Each is used from one thread (the Processor's). librdkafka statistics
// (lag, queue depth, round trips) feed StageMetrics from librdkafka's
// callbacks, which also run on that thread (inside poll/consume).
#ifndef WIRESTREAM_PIPELINE_RUNTIME_KAFKA_IO_H_
#define WIRESTREAM_PIPELINE_RUNTIME_KAFKA_IO_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "librdkafka/rdkafkacpp.h"
#include "pipeline/runtime/io.h"
#include "pipeline/runtime/metrics.h"
#include "pipeline/runtime/runner_config.h"

namespace wirestream::runtime {

// Returns the transactional id of a stage's worker: stable across restarts
// of the same instance so a restart fences its previous incarnation.
std::string TransactionalIdFor(const RunnerConfig& config,
                               absl::string_view stage);

// Returns the librdkafka properties for a client of `stage`: the runner's
// defaults for `role` ("consumer" or "producer"), overridden by the
// pass-through properties of the config.
std::vector<std::pair<std::string, std::string>> ClientProperties(
    const RunnerConfig& config, absl::string_view stage,
    absl::string_view role);

// Returns `key` if it names a secret (passwords, keys, tokens) so logs can
// hide its value.
bool IsSecretProperty(absl::string_view key);

class KafkaSource : public RecordSource {
 public:
  static absl::StatusOr<std::unique_ptr<KafkaSource>> Create(
      const RunnerConfig& config, absl::string_view stage,
      StageMetrics* metrics);
  ~KafkaSource() override;

  void SetListener(AssignmentListener* listener) override {
    listener_ = listener;
  }
  absl::StatusOr<std::optional<InputRecord>> Next(
      absl::Duration timeout) override;
  absl::Status RewindToCommitted() override;
  std::vector<TopicPartition> Assignment() const override;
  absl::Status Close() override;

  // Commits `offsets` for the group (at-least-once mode).
  absl::Status CommitSync(const OffsetMap& offsets);

  // The consumer, for the transactional producer's group metadata.
  RdKafka::KafkaConsumer* consumer() { return consumer_.get(); }

 private:
  class Callbacks;
  KafkaSource() = default;
  void OnRebalance(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                   std::vector<RdKafka::TopicPartition*>& partitions);

  std::string stage_;
  StageMetrics* metrics_ = nullptr;
  bool reset_to_end_ = false;
  std::unique_ptr<Callbacks> callbacks_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  AssignmentListener* listener_ = nullptr;
  std::set<TopicPartition> assigned_;
  bool closed_ = false;
};

// Shared producer plumbing of both sinks.
class ProducerSink : public RecordSink {
 public:
  ~ProducerSink() override;
  absl::Status Send(OutgoingRecord record) override;

 protected:
  class Callbacks;
  ProducerSink() = default;
  // Creates the producer with the given extra properties.
  absl::Status Init(const RunnerConfig& config, absl::string_view stage,
                    StageMetrics* metrics,
                    std::vector<std::pair<std::string, std::string>> extra);

  std::string stage_;
  StageMetrics* metrics_ = nullptr;
  std::unique_ptr<Callbacks> callbacks_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

class TransactionalSink : public ProducerSink {
 public:
  // Creates the producer and initialises transactions, fencing any earlier
  // worker with the same transactional id.
  static absl::StatusOr<std::unique_ptr<TransactionalSink>> Create(
      const RunnerConfig& config, absl::string_view stage, KafkaSource* source,
      StageMetrics* metrics);

  absl::Status Begin() override;
  absl::Status Commit(const OffsetMap& offsets) override;
  absl::Status Abort() override;

 private:
  TransactionalSink() = default;
  // Maps a transaction error to ABORTED (abort and retry) or a fatal status.
  absl::Status Classify(RdKafka::Error* error, absl::string_view what);

  KafkaSource* source_ = nullptr;
  bool in_transaction_ = false;
};

class AtLeastOnceSink : public ProducerSink {
 public:
  static absl::StatusOr<std::unique_ptr<AtLeastOnceSink>> Create(
      const RunnerConfig& config, absl::string_view stage, KafkaSource* source,
      StageMetrics* metrics);

  absl::Status Begin() override;
  absl::Status Commit(const OffsetMap& offsets) override;
  absl::Status Abort() override;

 private:
  AtLeastOnceSink() = default;
  KafkaSource* source_ = nullptr;
};

// Replays changelog partitions with a group-less read_committed consumer.
class KafkaChangelogReader : public ChangelogReader {
 public:
  KafkaChangelogReader(const RunnerConfig& config, absl::string_view stage,
                       absl::Duration time_limit = absl::Minutes(5));

  absl::Status Replay(
      const std::string& topic, int32_t partition,
      const std::function<void(absl::string_view key,
                               std::optional<absl::string_view> value)>& apply)
      override;

 private:
  RunnerConfig config_;
  std::string stage_;
  absl::Duration time_limit_;
};

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_KAFKA_IO_H_
