#include "pipeline/runtime/stage.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"

namespace wirestream::runtime {
namespace {

constexpr char kReasonPayloadUrl[] = "wirestream.v1/DeadLetterReason";

}  // namespace

absl::Status DeadLetterError(DeadLetterReason reason,
                             absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kReasonPayloadUrl,
                    absl::Cord(std::to_string(static_cast<int>(reason))));
  return status;
}

DeadLetterReason DeadLetterReasonOf(const absl::Status& status) {
  if (auto payload = status.GetPayload(kReasonPayloadUrl)) {
    int value = 0;
    if (absl::SimpleAtoi(std::string(*payload), &value) &&
        wirestream::v1::DeadLetterReason_IsValid(value)) {
      return static_cast<DeadLetterReason>(value);
    }
  }
  switch (status.code()) {
    case absl::StatusCode::kDataLoss:
      return wirestream::v1::DEAD_LETTER_REASON_CORRUPT_CONTENT;
    default:
      return wirestream::v1::DEAD_LETTER_REASON_INVALID_CONTENT;
  }
}

bool IsBadInput(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
      return true;
    default:
      return false;
  }
}

bool IsRetriable(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kResourceExhausted;
}

}  // namespace wirestream::runtime
