#include "pipeline/runtime/runner_config.h"

#include "absl/strings/str_cat.h"

namespace wirestream::runtime {

absl::Status RunnerConfig::Validate() const {
  if (bootstrap_servers.empty()) {
    return absl::InvalidArgumentError("no Kafka bootstrap servers given");
  }
  if (input_topics.empty()) {
    return absl::InvalidArgumentError("no input topic given");
  }
  for (const std::string& topic : input_topics) {
    if (topic.empty()) return absl::InvalidArgumentError("empty input topic");
    if (topic == output_topic || topic == dead_letter_topic) {
      return absl::InvalidArgumentError(
          absl::StrCat("input topic ", topic,
                       " is also an output; the stage would read its own "
                       "records"));
    }
  }
  if (output_topic.empty()) {
    return absl::InvalidArgumentError("no output topic given");
  }
  if (dead_letter_topic.empty()) {
    return absl::InvalidArgumentError("no dead-letter topic given");
  }
  if (instance_id.empty()) {
    return absl::InvalidArgumentError("empty instance id");
  }
  if (batch_max_records < 1) {
    return absl::InvalidArgumentError("batch size must be at least 1 record");
  }
  if (batch_max_time <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("batch time must be positive");
  }
  if (batch_idle_time < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("batch idle time must not be negative");
  }
  // A dead letter keeps 16 KiB for the Kafka record around it; below 32 KiB
  // little or nothing of the original value would fit.
  if (max_record_bytes < 1 || max_output_bytes < 1 ||
      max_dead_letter_bytes < (32 << 10)) {
    return absl::InvalidArgumentError(
        "record size limits must be positive (dead letters: at least 32 KiB)");
  }
  if (retry_initial_backoff <= absl::ZeroDuration() ||
      retry_max_backoff < retry_initial_backoff) {
    return absl::InvalidArgumentError(
        "retry backoff must be positive and the maximum at least the "
        "initial backoff");
  }
  if (shutdown_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("shutdown timeout must be positive");
  }
  return absl::OkStatus();
}

}  // namespace wirestream::runtime
