// File: pipeline/runtime/runner_config.h
//
// Everything a Runner needs to know besides the Stage: topics, group,
// delivery mode, batching, limits, the HTTP port and Kafka client
// properties. Built from flags by ParseRunnerFlags (runner_flags.h) or by
// hand in tests; Validate() before use.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_RUNNER_CONFIG_H_
#define WIRESTREAM_PIPELINE_RUNTIME_RUNNER_CONFIG_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace wirestream::runtime {

enum class DeliveryMode {
  // Transactional producer, read_committed consumer, offsets committed in
  // the transaction. Needs a real broker.
  kExactlyOnce,
  // Idempotent producer; offsets committed after every delivery is
  // confirmed. Records of a crashed batch are processed again.
  kAtLeastOnce,
};

struct RunnerConfig {
  // Kafka bootstrap servers, "host:port[,host:port]".
  std::string bootstrap_servers;
  // Topics to consume.
  std::vector<std::string> input_topics;
  // Where outputs without their own topic go.
  std::string output_topic;
  // Where bad input goes.
  std::string dead_letter_topic = "wire.dlq";
  // Consumer group; empty means "wirestream.<stage>".
  std::string group_id;
  // This worker's id within its stage, stable across restarts (e.g. the pod
  // ordinal). Part of the transactional id, so a restarted worker fences
  // its previous incarnation.
  std::string instance_id = "0";
  DeliveryMode mode = DeliveryMode::kExactlyOnce;

  // A batch (transaction) closes after this many input records...
  int batch_max_records = 1000;
  // ...or this long after its first record, whichever comes first.
  absl::Duration batch_max_time = absl::Milliseconds(100);
  // ...or once the input has had nothing new for this long (zero: never).
  // Downstream stages see a batch's outputs only when it commits, so a
  // batch that waits out batch_max_time on a quiet input adds that wait to
  // every hop; at a steady rate this closes it as soon as the burst a
  // commit upstream let through is done.
  absl::Duration batch_idle_time = absl::Milliseconds(30);

  // Input records larger than this (key + value) are dead-lettered unread.
  int64_t max_record_bytes = 8 << 20;
  // Outputs larger than this are not sent; the input is dead-lettered.
  // Match the output topic's max.message.bytes.
  int64_t max_output_bytes = 1000000;
  // Dead letters whose original value would exceed this are cut to fit
  // (DeadLetter.value_truncated). Match the dead-letter topic's
  // max.message.bytes; at least 32 KiB.
  int64_t max_dead_letter_bytes = 64 << 20;

  // A record the stage answers with UNAVAILABLE is retried with backoff
  // from retry_initial_backoff up to retry_max_backoff; after retry_budget
  // the batch fails and is processed again from the last commit.
  absl::Duration retry_initial_backoff = absl::Milliseconds(100);
  absl::Duration retry_max_backoff = absl::Seconds(5);
  absl::Duration retry_budget = absl::Seconds(30);

  // "host:port" for /metrics, /healthz and /readyz; port 0 picks a free
  // one; empty disables the server.
  std::string http_address = "127.0.0.1:9464";

  // librdkafka properties passed straight through (TLS, SASL, tuning). They
  // override the runner's own settings.
  std::vector<std::pair<std::string, std::string>> kafka_properties;

  // How long SIGTERM may take to finish the batch and leave the group.
  absl::Duration shutdown_timeout = absl::Seconds(30);
  // How often librdkafka statistics (lag, queues, round trips) refresh.
  absl::Duration stats_interval = absl::Seconds(5);

  // Returns the group id to use for `stage`.
  std::string GroupIdFor(const std::string& stage) const {
    return group_id.empty() ? "wirestream." + stage : group_id;
  }

  // Returns OK, or INVALID_ARGUMENT naming the first bad setting.
  absl::Status Validate() const;
};

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_RUNNER_CONFIG_H_
