// File: pipeline/runtime/testing/fake_io.h
//
// In-memory RecordSource and RecordSink (io.h) that behave like a Kafka
// consumer in a group and a transactional producer, closely enough to test
// the Processor (processor.h) without a broker:
//
//   FakeSource  - a log of records per partition, the group's committed
//                 offsets, and scripted assignment changes delivered to the
//                 listener from inside Next, as librdkafka does from poll.
//                 A newly assigned partition and RewindToCommitted start
//                 from the committed offset (or the start of the log).
//   FakeSink    - keeps the records of the open batch, the committed
//                 batches with their offsets and the aborted batches. On a
//                 successful Commit it commits the offsets to the FakeSource,
//                 as send_offsets_to_transaction does. Scripted failures
//                 make the Nth Commit or Send fail.
//
//   std::atomic<bool> stop{false};
//   FakeSource source;
//   source.Append({"wire.raw", 0}, "first story");
//   source.AssignAfter(0, {{"wire.raw", 0}});
//   source.StopWhenDry(&stop);
//   FakeSink sink(&source);
//   sink.FailCommit(1, absl::AbortedError("transaction timed out"));
//   Processor processor(&stage, &source, &sink, &metrics, config);
//   absl::Status status = processor.Run(stop);
//   // sink.CommittedRecords(), source.committed(), ...
//
// Not thread-safe, like the interfaces they implement.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_TESTING_FAKE_IO_H_
#define WIRESTREAM_PIPELINE_RUNTIME_TESTING_FAKE_IO_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pipeline/runtime/io.h"
#include "pipeline/runtime/stage.h"

namespace wirestream::runtime {

// A scripted change of the source's assignment.
struct AssignmentEvent {
  enum class Kind { kAssign, kRevoke };
  Kind kind = Kind::kAssign;
  std::vector<TopicPartition> partitions;
  // Delivered by the first Next call made once this many records have been
  // returned in all (re-reads included), or earlier if nothing is left to
  // read.
  int64_t after_records = 0;
};

class FakeSource : public RecordSource {
 public:
  FakeSource() = default;
  FakeSource(const FakeSource&) = delete;
  FakeSource& operator=(const FakeSource&) = delete;

  // Appends `record` to the log of its topic and partition. A negative
  // offset means "right after the previous record" (0 for the first);
  // otherwise the offset must be above the previous one, so logs can have
  // gaps as transactional topics do. Returns the record's offset.
  int64_t Append(InputRecord record);
  // Appends a record with `value`, `key` and `headers` to `tp`.
  int64_t Append(const TopicPartition& tp, std::string value,
                 std::optional<std::string> key = std::nullopt,
                 std::vector<RecordHeader> headers = {});

  // Scripts an assignment or revocation (see AssignmentEvent). Events are
  // delivered in the order they were scripted.
  void AssignAfter(int64_t records, std::vector<TopicPartition> partitions);
  void RevokeAfter(int64_t records, std::vector<TopicPartition> partitions);

  // Makes the first Next call made once `records` records have been
  // returned in all come back empty, as a quiet input does.
  void QuietAfter(int64_t records) { quiet_after_.push_back(records); }

  // Sets `*stop` from inside Next once no event is pending and no assigned
  // partition has a record left, or once `max_records` were returned (a
  // guard against a test that re-reads forever).
  void StopWhenDry(std::atomic<bool>* stop, int64_t max_records = 10000);

  // Called after the listener handled each event, still inside Next.
  void SetEventObserver(std::function<void(const AssignmentEvent&)> observer) {
    observer_ = std::move(observer);
  }

  // Makes the group's committed offsets `offsets` (merged into the ones
  // already committed). FakeSink calls it on a successful Commit.
  void CommitOffsets(const OffsetMap& offsets);

  // Returns the group's committed offsets.
  const OffsetMap& committed() const { return committed_; }
  // Returns how many records Next returned in all.
  int64_t records_returned() const { return records_returned_; }
  // Returns how often RewindToCommitted was called.
  int rewinds() const { return rewinds_; }
  bool closed() const { return closed_; }

  // RecordSource.
  void SetListener(AssignmentListener* listener) override {
    listener_ = listener;
  }
  absl::StatusOr<std::optional<InputRecord>> Next(
      absl::Duration timeout) override;
  absl::Status RewindToCommitted() override;
  std::vector<TopicPartition> Assignment() const override;
  // Revokes the whole assignment through the listener, as leaving the
  // group does.
  absl::Status Close() override;

 private:
  // Returns the offset a newly assigned or rewound partition reads next.
  int64_t StartOffset(const TopicPartition& tp) const;
  void Deliver(const AssignmentEvent& event);
  // Returns the next record of the assignment, round robin over the
  // partitions, or nullopt if none is left.
  std::optional<InputRecord> Take();

  std::map<TopicPartition, std::vector<InputRecord>> logs_;
  // The assigned partitions and the offset each reads next.
  std::map<TopicPartition, int64_t> positions_;
  OffsetMap committed_;
  std::deque<AssignmentEvent> events_;
  AssignmentListener* listener_ = nullptr;
  std::function<void(const AssignmentEvent&)> observer_;
  std::atomic<bool>* stop_ = nullptr;
  int64_t max_records_ = 0;
  std::optional<TopicPartition> last_taken_;
  int64_t records_returned_ = 0;
  std::deque<int64_t> quiet_after_;
  int rewinds_ = 0;
  bool closed_ = false;
};

// A batch that FakeSink made durable.
struct CommittedBatch {
  std::vector<OutgoingRecord> records;
  OffsetMap offsets;
};

class FakeSink : public RecordSink {
 public:
  // `source` (not owned; may be null) receives the offsets of every
  // committed batch.
  explicit FakeSink(FakeSource* source = nullptr) : source_(source) {}
  FakeSink(const FakeSink&) = delete;
  FakeSink& operator=(const FakeSink&) = delete;

  // Makes the `n`th call (from 1) of Commit return `status`. The batch stays
  // open, as a failed Kafka transaction does until it is aborted.
  void FailCommit(int n, absl::Status status) {
    commit_failures_[n] = std::move(status);
  }
  // Makes the `n`th call (from 1) of Send return `status`; the record is
  // not kept.
  void FailSend(int n, absl::Status status) {
    send_failures_[n] = std::move(status);
  }

  bool batch_open() const { return open_; }
  // Returns the records sent since the open batch began.
  const std::vector<OutgoingRecord>& open_records() const {
    return open_records_;
  }
  const std::vector<CommittedBatch>& committed_batches() const {
    return committed_;
  }
  const std::vector<std::vector<OutgoingRecord>>& aborted_batches() const {
    return aborted_;
  }
  // Returns every committed record, in commit order: what a read_committed
  // reader of the output topics sees.
  std::vector<OutgoingRecord> CommittedRecords() const;
  int commit_calls() const { return commit_calls_; }
  int send_calls() const { return send_calls_; }

  // RecordSink. Misuse (Send or Commit without Begin, Begin twice) returns
  // FAILED_PRECONDITION.
  absl::Status Begin() override;
  absl::Status Send(OutgoingRecord record) override;
  absl::Status Commit(const OffsetMap& offsets) override;
  absl::Status Abort() override;

 private:
  FakeSource* source_;
  bool open_ = false;
  std::vector<OutgoingRecord> open_records_;
  std::vector<CommittedBatch> committed_;
  std::vector<std::vector<OutgoingRecord>> aborted_;
  absl::flat_hash_map<int, absl::Status> commit_failures_;
  absl::flat_hash_map<int, absl::Status> send_failures_;
  int commit_calls_ = 0;
  int send_calls_ = 0;
};

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_TESTING_FAKE_IO_H_
