#include "pipeline/runtime/testing/fake_io.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace wirestream::runtime {

int64_t FakeSource::Append(InputRecord record) {
  std::vector<InputRecord>& log =
      logs_[TopicPartition{record.topic, record.partition}];
  const int64_t next = log.empty() ? 0 : log.back().offset + 1;
  if (record.offset < 0) {
    record.offset = next;
  } else if (record.offset < next) {
    std::fprintf(stderr,
                 "FakeSource: offset %lld of %s[%d] is not above %lld\n",
                 static_cast<long long>(record.offset), record.topic.c_str(),
                 record.partition, static_cast<long long>(next - 1));
    std::abort();
  }
  log.push_back(std::move(record));
  return log.back().offset;
}

int64_t FakeSource::Append(const TopicPartition& tp, std::string value,
                           std::optional<std::string> key,
                           std::vector<RecordHeader> headers) {
  InputRecord record;
  record.topic = tp.topic;
  record.partition = tp.partition;
  record.key = std::move(key);
  record.value = std::move(value);
  record.headers = std::move(headers);
  return Append(std::move(record));
}

void FakeSource::AssignAfter(int64_t records,
                             std::vector<TopicPartition> partitions) {
  events_.push_back(
      {AssignmentEvent::Kind::kAssign, std::move(partitions), records});
}

void FakeSource::RevokeAfter(int64_t records,
                             std::vector<TopicPartition> partitions) {
  events_.push_back(
      {AssignmentEvent::Kind::kRevoke, std::move(partitions), records});
}

void FakeSource::StopWhenDry(std::atomic<bool>* stop, int64_t max_records) {
  stop_ = stop;
  max_records_ = max_records;
}

void FakeSource::CommitOffsets(const OffsetMap& offsets) {
  for (const auto& [tp, offset] : offsets) committed_[tp] = offset;
}

int64_t FakeSource::StartOffset(const TopicPartition& tp) const {
  auto it = committed_.find(tp);
  return it == committed_.end() ? 0 : it->second;
}

void FakeSource::Deliver(const AssignmentEvent& event) {
  if (event.kind == AssignmentEvent::Kind::kAssign) {
    // Like KafkaSource: the partitions are in Assignment() when the
    // listener hears of them.
    for (const TopicPartition& tp : event.partitions) {
      positions_[tp] = StartOffset(tp);
    }
    if (listener_ != nullptr) listener_->OnAssigned(event.partitions);
  } else {
    // ...and still in it while the listener commits their records.
    if (listener_ != nullptr) listener_->OnRevoking(event.partitions);
    for (const TopicPartition& tp : event.partitions) positions_.erase(tp);
  }
  if (observer_) observer_(event);
}

std::optional<InputRecord> FakeSource::Take() {
  if (positions_.empty()) return std::nullopt;
  // Start after the partition read last, so partitions take turns.
  auto start =
      last_taken_ ? positions_.upper_bound(*last_taken_) : positions_.begin();
  for (size_t i = 0; i < positions_.size(); ++i) {
    if (start == positions_.end()) start = positions_.begin();
    auto& [tp, position] = *start;
    const std::vector<InputRecord>& log = logs_[tp];
    auto it = std::lower_bound(
        log.begin(), log.end(), position,
        [](const InputRecord& r, int64_t offset) { return r.offset < offset; });
    if (it != log.end()) {
      position = it->offset + 1;
      last_taken_ = tp;
      return *it;
    }
    ++start;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<InputRecord>> FakeSource::Next(absl::Duration) {
  if (closed_) return absl::FailedPreconditionError("Next after Close");
  if (stop_ != nullptr && records_returned_ >= max_records_) {
    *stop_ = true;
    return std::nullopt;
  }
  if (!quiet_after_.empty() && quiet_after_.front() <= records_returned_) {
    quiet_after_.pop_front();
    return std::nullopt;
  }
  while (!events_.empty() &&
         events_.front().after_records <= records_returned_) {
    AssignmentEvent event = std::move(events_.front());
    events_.pop_front();
    Deliver(event);
  }
  std::optional<InputRecord> record = Take();
  // Nothing to read until the next event: deliver it now.
  while (!record && !events_.empty()) {
    AssignmentEvent event = std::move(events_.front());
    events_.pop_front();
    Deliver(event);
    record = Take();
  }
  if (record) {
    ++records_returned_;
    return record;
  }
  if (stop_ != nullptr) *stop_ = true;
  return std::nullopt;
}

absl::Status FakeSource::RewindToCommitted() {
  if (closed_) return absl::FailedPreconditionError("rewind after Close");
  ++rewinds_;
  for (auto& [tp, position] : positions_) position = StartOffset(tp);
  return absl::OkStatus();
}

std::vector<TopicPartition> FakeSource::Assignment() const {
  std::vector<TopicPartition> out;
  for (const auto& [tp, position] : positions_) out.push_back(tp);
  return out;
}

absl::Status FakeSource::Close() {
  if (closed_) return absl::OkStatus();
  if (!positions_.empty()) {
    Deliver({AssignmentEvent::Kind::kRevoke, Assignment(), records_returned_});
  }
  closed_ = true;
  return absl::OkStatus();
}

std::vector<OutgoingRecord> FakeSink::CommittedRecords() const {
  std::vector<OutgoingRecord> out;
  for (const CommittedBatch& batch : committed_) {
    out.insert(out.end(), batch.records.begin(), batch.records.end());
  }
  return out;
}

absl::Status FakeSink::Begin() {
  if (open_) return absl::FailedPreconditionError("Begin with a batch open");
  open_ = true;
  return absl::OkStatus();
}

absl::Status FakeSink::Send(OutgoingRecord record) {
  if (!open_) return absl::FailedPreconditionError("Send without Begin");
  ++send_calls_;
  if (auto it = send_failures_.find(send_calls_); it != send_failures_.end()) {
    return it->second;
  }
  open_records_.push_back(std::move(record));
  return absl::OkStatus();
}

absl::Status FakeSink::Commit(const OffsetMap& offsets) {
  if (!open_) return absl::FailedPreconditionError("Commit without Begin");
  ++commit_calls_;
  if (auto it = commit_failures_.find(commit_calls_);
      it != commit_failures_.end()) {
    return it->second;
  }
  committed_.push_back({std::move(open_records_), offsets});
  open_records_.clear();
  open_ = false;
  if (source_ != nullptr) source_->CommitOffsets(offsets);
  return absl::OkStatus();
}

absl::Status FakeSink::Abort() {
  if (!open_) return absl::FailedPreconditionError("Abort without Begin");
  aborted_.push_back(std::move(open_records_));
  open_records_.clear();
  open_ = false;
  return absl::OkStatus();
}

}  // namespace wirestream::runtime
