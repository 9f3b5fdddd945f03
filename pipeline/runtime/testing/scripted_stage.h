// File: pipeline/runtime/testing/scripted_stage.h
//
// ScriptedStage is a Stage whose answer is chosen by the record's value, so
// a test's input reads as its script:
//
//   "bad..."      DeadLetterError(MALFORMED_PAYLOAD, "malformed story: <v>")
//   "corrupt..."  DATA_LOSS "story is damaged: <v>"
//   "stale..."    FAILED_PRECONDITION "story is stale: <v>"
//   "flaky..."    UNAVAILABLE "dictionary service down" for the first
//                 unavailable_times() calls with that record, then one output
//   "crash..."    INTERNAL "stage bug" the first time that record (topic,
//                 partition, offset) is seen, then one output
//   "drop"        no output: the record is dropped
//   "fan..."      two outputs with the record's key: <v>#1 to the default
//                 output topic, <v>#2 to "wire.fanout"
//   "big..."      one output whose value is big_output_bytes() bytes of 'x'
//   otherwise     one output: the record's key, value and headers plus the
//                 header "seen-by: <stage name>", story_received_at set to
//                 the record's timestamp, default output topic
//
//   ScriptedStage stage;
//   stage.set_on_process([&](const InputRecord& r) {
//     if (r.value == "last") stop = true;
//   });
//
// It records what it was called with: processed() values in call order,
// assigned() and revoked() partition lists. Not thread-safe.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_TESTING_SCRIPTED_STAGE_H_
#define WIRESTREAM_PIPELINE_RUNTIME_TESTING_SCRIPTED_STAGE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pipeline/runtime/stage.h"

namespace wirestream::runtime {

class ScriptedStage : public Stage {
 public:
  explicit ScriptedStage(std::string name = "scripted")
      : name_(std::move(name)) {}

  void set_unavailable_times(int n) { unavailable_times_ = n; }
  int unavailable_times() const { return unavailable_times_; }
  void set_big_output_bytes(int64_t n) { big_output_bytes_ = n; }
  int64_t big_output_bytes() const { return big_output_bytes_; }
  // Makes OnPartitionsAssigned return `status`.
  void set_assign_status(absl::Status status) {
    assign_status_ = std::move(status);
  }
  // Runs at the start of every Process call.
  void set_on_process(std::function<void(const InputRecord&)> hook) {
    on_process_ = std::move(hook);
  }
  // Runs inside every OnPartitionsRevoked call.
  void set_on_revoked(
      std::function<void(const std::vector<TopicPartition>&)> hook) {
    on_revoked_ = std::move(hook);
  }

  // Returns the value of every Process call's record, in call order.
  const std::vector<std::string>& processed() const { return processed_; }
  const std::vector<std::vector<TopicPartition>>& assigned() const {
    return assigned_;
  }
  const std::vector<std::vector<TopicPartition>>& revoked() const {
    return revoked_;
  }

  // Stage.
  absl::string_view name() const override { return name_; }
  absl::StatusOr<std::vector<OutputRecord>> Process(
      const InputRecord& record) override;
  absl::Status OnPartitionsAssigned(
      const std::vector<TopicPartition>& partitions) override;
  absl::Status OnPartitionsRevoked(
      const std::vector<TopicPartition>& partitions) override;

 private:
  using RecordId = std::tuple<std::string, int32_t, int64_t>;

  std::string name_;
  int unavailable_times_ = 2;
  int64_t big_output_bytes_ = 2 << 20;
  absl::Status assign_status_;
  std::function<void(const InputRecord&)> on_process_;
  std::function<void(const std::vector<TopicPartition>&)> on_revoked_;
  std::vector<std::string> processed_;
  std::vector<std::vector<TopicPartition>> assigned_;
  std::vector<std::vector<TopicPartition>> revoked_;
  // Process calls so far per record, for "flaky" and "crash".
  std::map<RecordId, int> calls_;
};

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_TESTING_SCRIPTED_STAGE_H_
