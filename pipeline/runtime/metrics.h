// File: pipeline/runtime/metrics.h
//
// StageMetrics holds every metric the runner keeps for one stage, created
// once at start-up in a prometheus::Registry (never looked up on the hot
// path). All carry the label stage="<name>"; no story content or ids ever
// appear in label values.
//
//   auto registry = std::make_shared<prometheus::Registry>();
//   StageMetrics metrics(*registry, "normalize");
//   metrics.consumed->Increment();
//
// Thread-safe (prometheus-cpp metrics are).
#ifndef WIRESTREAM_PIPELINE_RUNTIME_METRICS_H_
#define WIRESTREAM_PIPELINE_RUNTIME_METRICS_H_

#include <array>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "pipeline/runtime/stage.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "wirestream/v1/dead_letter.pb.h"

namespace wirestream::runtime {

// Returns the label value for a dead-letter reason, e.g. "unparsable_record".
std::string ReasonLabel(DeadLetterReason reason);

class StageMetrics {
 public:
  StageMetrics(prometheus::Registry& registry, absl::string_view stage);

  // Records read from the input topics.
  prometheus::Counter* consumed;
  // Records written to output topics (dead letters not included).
  prometheus::Counter* produced;
  // Input records the stage chose to drop (zero outputs).
  prometheus::Counter* dropped;
  // Input records sent to the dead-letter topic, by reason.
  prometheus::Counter& DeadLettered(DeadLetterReason reason) {
    return *dead_lettered_[static_cast<int>(reason)];
  }
  // Stage calls retried because a dependency was unavailable.
  prometheus::Counter* retries;
  // Seconds Stage::Process took per record.
  prometheus::Histogram* process_seconds;
  // Seconds from a story's arrival in wirestream to this stage's output.
  prometheus::Histogram* end_to_end_seconds;
  // Batches (transactions) by result.
  prometheus::Counter* batches_committed;
  prometheus::Counter* batches_aborted;
  // Rebalance events by kind.
  prometheus::Counter* partitions_assigned_events;
  prometheus::Counter* partitions_revoked_events;
  // Partitions currently assigned.
  prometheus::Gauge* assigned_partitions;
  // Unix time of the last record processed.
  prometheus::Gauge* last_processed_timestamp;
  // How far behind the newest record this worker is, in seconds.
  prometheus::Gauge* consumer_lag_seconds;
  // Sum over assigned partitions of records not yet read.
  prometheus::Gauge* consumer_lag_records;
  // librdkafka: messages waiting in the producer queue.
  prometheus::Gauge* producer_queue_messages;
  // librdkafka: mean broker round-trip time, seconds.
  prometheus::Gauge* broker_rtt_seconds;
  // 1 while the worker is ready (connected, assigned, state restored).
  prometheus::Gauge* ready;

  // Returns the per-partition lag gauge, creating it on first use (called
  // from the statistics callback, never per record).
  prometheus::Gauge& PartitionLag(const TopicPartition& tp);

 private:
  std::string stage_;
  std::array<prometheus::Counter*, wirestream::v1::DeadLetterReason_ARRAYSIZE>
      dead_lettered_{};
  prometheus::Family<prometheus::Gauge>* partition_lag_family_;
  absl::Mutex mu_;
  absl::flat_hash_map<TopicPartition, prometheus::Gauge*> partition_lag_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_METRICS_H_
