// File: pipeline/runtime/stage.h
//
// The one abstraction every microstage implements. A Stage holds the domain
// logic of one stage: it never sees Kafka, offsets, threads or retries. The
// runner (runner.h) reads records, calls Process, writes what it returns and
// commits, the same way for every stage.
//
//   class Uppercase : public Stage {
//    public:
//     absl::string_view name() const override { return "uppercase"; }
//     absl::StatusOr<std::vector<OutputRecord>> Process(
//         const InputRecord& in) override {
//       if (in.value.empty()) {
//         return
//         DeadLetterError(DeadLetterReason::DEAD_LETTER_REASON_EMPTY_STORY,
//                                "record has no value");
//       }
//       OutputRecord out;
//       out.key = in.key;
//       out.value = absl::AsciiStrToUpper(in.value);
//       return std::vector<OutputRecord>{std::move(out)};
//     }
//   };
//
// What the returned status means to the runner:
//   - OK: the outputs are produced (zero outputs drop the record; several
//     fan out) and the input's offset is committed with them.
//   - INVALID_ARGUMENT, DATA_LOSS, OUT_OF_RANGE, FAILED_PRECONDITION: bad
//     input. The record goes to the dead-letter topic with its original
//     bytes, the status message and a reason code (from DeadLetterError's
//     payload, or derived from the status code). The stage keeps running.
//   - UNAVAILABLE, RESOURCE_EXHAUSTED: a dependency is down; the runner
//     retries the same record with backoff.
//   - anything else: the batch fails; in exactly-once mode it is aborted and
//     re-read from the last commit.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_STAGE_H_
#define WIRESTREAM_PIPELINE_RUNTIME_STAGE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "wirestream/v1/dead_letter.pb.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace wirestream::runtime {

using ::wirestream::v1::DeadLetterReason;

// A Kafka partition of a topic.
struct TopicPartition {
  std::string topic;
  int32_t partition = 0;

  bool operator==(const TopicPartition& o) const {
    return partition == o.partition && topic == o.topic;
  }
  bool operator<(const TopicPartition& o) const {
    return topic != o.topic ? topic < o.topic : partition < o.partition;
  }
  template <typename H>
  friend H AbslHashValue(H h, const TopicPartition& tp) {
    return H::combine(std::move(h), tp.topic, tp.partition);
  }
};

// One record header. A header sent without a value has no value.
struct RecordHeader {
  std::string key;
  std::optional<std::string> value;

  bool operator==(const RecordHeader& o) const {
    return key == o.key && value == o.value;
  }
};

// A record the runner read from an input topic.
struct InputRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1;
  std::optional<std::string> key;
  std::string value;
  std::vector<RecordHeader> headers;
  // The record's Kafka timestamp.
  absl::Time timestamp = absl::UnixEpoch();
};

// A record a stage asks the runner to produce.
struct OutputRecord {
  // Empty: the stage's configured output topic.
  std::string topic;
  // nullopt: chosen by the key's hash. Set it for changelog records, which
  // must land in the partition of the input they describe.
  std::optional<int32_t> partition;
  std::optional<std::string> key;
  std::string value;
  std::vector<RecordHeader> headers;
  // When the story first entered wirestream (RawStory.received_at), for the
  // end-to-end latency histogram. InfinitePast when the stage does not know.
  absl::Time story_received_at = absl::InfinitePast();
  // True: produce a tombstone, a record with a null value (not an empty
  // one), under `key`; `value` must be empty. A compacted topic, such as a
  // stateful stage's changelog, then deletes the key.
  bool tombstone = false;
};

// Reads a changelog topic partition (compacted state of a stateful stage)
// from its start to its current end, committed records only. The runner
// hands one to stateful stages before the first assignment.
class ChangelogReader {
 public:
  virtual ~ChangelogReader() = default;
  // Calls `apply` for every record of `topic`[`partition`] in offset order;
  // a tombstone has no value. Returns UNAVAILABLE when the topic cannot be
  // read to its end within the reader's time limit.
  virtual absl::Status Replay(
      const std::string& topic, int32_t partition,
      const std::function<void(absl::string_view key,
                               std::optional<absl::string_view> value)>&
          apply) = 0;
};

class Stage {
 public:
  virtual ~Stage() = default;

  // Returns the stage's name as used in metrics, logs and transactional ids,
  // e.g. "normalize". Lower case letters, digits and '-' only.
  virtual absl::string_view name() const = 0;

  // Returns the records to produce for `record`, or a status (see the top of
  // this file for what each code makes the runner do). Called from one
  // thread at a time.
  virtual absl::StatusOr<std::vector<OutputRecord>> Process(
      const InputRecord& record) = 0;

  // Lets the stage add its own metrics (verdicts, state size, rule
  // reloads ...) to the worker's registry, labelled stage="<name>". Called
  // once before processing starts; create every metric object here, never
  // on the hot path.
  virtual void RegisterMetrics(prometheus::Registry& registry) {}

  // Gives a stateful stage the means to restore its state; called once,
  // before the first OnPartitionsAssigned. The reader outlives the stage's
  // use of it.
  virtual void AttachChangelog(ChangelogReader* reader) {}

  // Called when partitions are assigned, before any of their records reach
  // Process. Stateful stages restore their state here; an error stops the
  // worker.
  virtual absl::Status OnPartitionsAssigned(
      const std::vector<TopicPartition>& partitions) {
    return absl::OkStatus();
  }

  // Called when partitions are revoked, after the open batch was committed
  // (or, if that failed, aborted: see OnBatchAborted). Stateful stages
  // flush and drop state here.
  virtual absl::Status OnPartitionsRevoked(
      const std::vector<TopicPartition>& partitions) {
    return absl::OkStatus();
  }

  // Called after a batch was aborted: every record processed since the last
  // commit will be processed again. A stateful stage must forget what those
  // records changed, e.g. by restoring `assigned` from its changelog (which
  // holds committed state only) as OnPartitionsAssigned does. An error
  // stops the worker.
  virtual absl::Status OnBatchAborted(
      const std::vector<TopicPartition>& assigned) {
    return absl::OkStatus();
  }

  // Called after the open batch was committed: what Process did since the
  // last commit is final and will not be processed again. Stages that count
  // per record (verdicts, not work done) settle those counts here and take
  // back the unsettled ones in OnBatchAborted.
  virtual void OnBatchCommitted() {}
};

// Returns an INVALID_ARGUMENT status that carries `reason`, so the runner's
// dead letter gets that reason code rather than one derived from the status
// code.
absl::Status DeadLetterError(DeadLetterReason reason,
                             absl::string_view message);

// Returns the dead-letter reason for a bad-input status: the one attached by
// DeadLetterError, else one derived from the status code.
DeadLetterReason DeadLetterReasonOf(const absl::Status& status);

// Returns true when `status` means bad input (the record is dead-lettered).
bool IsBadInput(const absl::Status& status);

// Returns true when `status` means "try the same record again later".
bool IsRetriable(const absl::Status& status);

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_STAGE_H_
