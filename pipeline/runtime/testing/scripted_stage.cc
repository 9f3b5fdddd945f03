#include "pipeline/runtime/testing/scripted_stage.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace wirestream::runtime {

absl::StatusOr<std::vector<OutputRecord>> ScriptedStage::Process(
    const InputRecord& record) {
  if (on_process_) on_process_(record);
  processed_.push_back(record.value);
  const int calls =
      ++calls_[RecordId{record.topic, record.partition, record.offset}];
  const std::string& v = record.value;

  if (absl::StartsWith(v, "bad")) {
    return DeadLetterError(wirestream::v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD,
                           absl::StrCat("malformed story: ", v));
  }
  if (absl::StartsWith(v, "corrupt")) {
    return absl::DataLossError(absl::StrCat("story is damaged: ", v));
  }
  if (absl::StartsWith(v, "stale")) {
    return absl::FailedPreconditionError(absl::StrCat("story is stale: ", v));
  }
  if (absl::StartsWith(v, "flaky") && calls <= unavailable_times_) {
    return absl::UnavailableError("dictionary service down");
  }
  if (absl::StartsWith(v, "crash") && calls == 1) {
    return absl::InternalError("stage bug");
  }
  if (v == "drop") return std::vector<OutputRecord>{};

  std::vector<OutputRecord> out;
  if (absl::StartsWith(v, "fan")) {
    OutputRecord first;
    first.key = record.key;
    first.value = absl::StrCat(v, "#1");
    OutputRecord second;
    second.topic = "wire.fanout";
    second.key = record.key;
    second.value = absl::StrCat(v, "#2");
    out.push_back(std::move(first));
    out.push_back(std::move(second));
    return out;
  }
  OutputRecord one;
  one.key = record.key;
  if (absl::StartsWith(v, "big")) {
    one.value = std::string(big_output_bytes_, 'x');
  } else {
    one.value = v;
    one.headers = record.headers;
    one.headers.push_back({"seen-by", name_});
    one.story_received_at = record.timestamp;
  }
  out.push_back(std::move(one));
  return out;
}

absl::Status ScriptedStage::OnPartitionsAssigned(
    const std::vector<TopicPartition>& partitions) {
  assigned_.push_back(partitions);
  return assign_status_;
}

absl::Status ScriptedStage::OnPartitionsRevoked(
    const std::vector<TopicPartition>& partitions) {
  revoked_.push_back(partitions);
  if (on_revoked_) on_revoked_(partitions);
  return absl::OkStatus();
}

}  // namespace wirestream::runtime
