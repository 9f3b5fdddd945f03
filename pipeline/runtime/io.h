// File: pipeline/runtime/io.h
//
// The IO a Processor (processor.h) drives, behind small interfaces so the
// processing loop is unit-tested with fakes (testing/fake_io.h) and runs on
// Kafka in production (kafka_io.h):
//
//   RecordSource  - reads records of the assigned partitions; reports
//                   assignment changes to an AssignmentListener.
//   RecordSink    - writes records in batches and makes a batch durable
//                   together with the input offsets it consumed.
//
// A batch is: Begin, Send..., then Commit(offsets) or Abort. In exactly-once
// mode a batch is a Kafka transaction and Commit publishes outputs and
// offsets atomically; in at-least-once mode Commit waits for every delivery
// and then commits the offsets.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_IO_H_
#define WIRESTREAM_PIPELINE_RUNTIME_IO_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pipeline/runtime/stage.h"

namespace wirestream::runtime {

// The next offset to read, per input partition (Kafka's commit convention:
// last processed offset + 1).
using OffsetMap = absl::flat_hash_map<TopicPartition, int64_t>;

// Receives partition assignment changes. Called on the thread that calls
// RecordSource::Next, from inside Next.
class AssignmentListener {
 public:
  virtual ~AssignmentListener() = default;
  // `partitions` were added to this worker's assignment.
  virtual void OnAssigned(const std::vector<TopicPartition>& partitions) = 0;
  // `partitions` are about to be taken away. Every record of them that Next
  // returned has been handed to the listener's owner; it must commit (or
  // abort) its open batch before returning.
  virtual void OnRevoking(const std::vector<TopicPartition>& partitions) = 0;
};

// A source of input records. Not thread-safe: one thread calls it.
class RecordSource {
 public:
  virtual ~RecordSource() = default;

  virtual void SetListener(AssignmentListener* listener) = 0;

  // Returns the next record, or nullopt when none arrived within `timeout`.
  // An error status means the source is broken and the worker must stop.
  virtual absl::StatusOr<std::optional<InputRecord>> Next(
      absl::Duration timeout) = 0;

  // Moves every assigned partition back to its last committed offset, so
  // the records of an aborted batch are read again.
  virtual absl::Status RewindToCommitted() = 0;

  // Returns the partitions currently assigned.
  virtual std::vector<TopicPartition> Assignment() const = 0;

  // Leaves the consumer group. No call may follow.
  virtual absl::Status Close() = 0;
};

// A record on its way out: an OutputRecord with its topic resolved.
struct OutgoingRecord {
  std::string topic;
  // nullopt: by key hash.
  std::optional<int32_t> partition;
  std::optional<std::string> key;
  std::string value;
  std::vector<RecordHeader> headers;
  // True: a record with a null value (a delete on a compacted topic);
  // `value` is ignored.
  bool tombstone = false;
};

// A sink for output records. Not thread-safe: one thread calls it.
//
// Status codes from Commit and Send:
//   ABORTED   - the batch failed but the sink is usable: call Abort, rewind
//               the source and process the batch again.
//   other     - fatal (fenced by a newer worker, broker refused the
//               producer): the worker must stop.
class RecordSink {
 public:
  virtual ~RecordSink() = default;

  // Starts a batch.
  virtual absl::Status Begin() = 0;

  // Queues one record in the open batch.
  virtual absl::Status Send(OutgoingRecord record) = 0;

  // Makes every record sent since Begin durable together with `offsets`.
  virtual absl::Status Commit(const OffsetMap& offsets) = 0;

  // Drops the open batch: none of its records become visible to
  // read_committed readers (exactly-once) or are waited for (at-least-once).
  virtual absl::Status Abort() = 0;
};

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_IO_H_
