#include "pipeline/runtime/metrics.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace wirestream::runtime {
namespace {

using prometheus::Histogram;

// Process time: 10 µs to 10 s. End-to-end latency: 1 ms to 10 min.
const Histogram::BucketBoundaries& ProcessBuckets() {
  static const auto* buckets = new Histogram::BucketBoundaries{
      1e-5,   5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2,
      2.5e-2, 5e-2, 0.1,  0.25,   0.5,  1,    2.5,    10};
  return *buckets;
}

const Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new Histogram::BucketBoundaries{
      1e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1,
      2.5,  5,    10,   30,     60,   120, 300,  600};
  return *buckets;
}

}  // namespace

std::string ReasonLabel(DeadLetterReason reason) {
  std::string name = wirestream::v1::DeadLetterReason_Name(reason);
  constexpr absl::string_view kPrefix = "DEAD_LETTER_REASON_";
  if (absl::StartsWith(name, kPrefix)) name = name.substr(kPrefix.size());
  return absl::AsciiStrToLower(name);
}

StageMetrics::StageMetrics(prometheus::Registry& registry,
                           absl::string_view stage)
    : stage_(stage) {
  const prometheus::Labels labels{{"stage", stage_}};
  auto counter = [&](const std::string& name, const std::string& help,
                     prometheus::Labels extra = {}) {
    prometheus::Labels all = labels;
    all.insert(extra.begin(), extra.end());
    return &prometheus::BuildCounter()
                .Name(name)
                .Help(help)
                .Register(registry)
                .Add(all);
  };
  auto gauge = [&](const std::string& name, const std::string& help) {
    return &prometheus::BuildGauge()
                .Name(name)
                .Help(help)
                .Register(registry)
                .Add(labels);
  };

  consumed = counter("wirestream_records_consumed_total",
                     "Records read from the stage's input topics.");
  produced = counter("wirestream_records_produced_total",
                     "Records written to output topics (dead letters not "
                     "included).");
  dropped = counter("wirestream_records_dropped_total",
                    "Input records the stage dropped on purpose (no output).");
  auto& dead_family = prometheus::BuildCounter()
                          .Name("wirestream_records_dead_lettered_total")
                          .Help(
                              "Input records sent to the dead-letter topic, "
                              "by reason.")
                          .Register(registry);
  for (int r = wirestream::v1::DeadLetterReason_MIN;
       r <= wirestream::v1::DeadLetterReason_MAX; ++r) {
    if (!wirestream::v1::DeadLetterReason_IsValid(r)) continue;
    dead_lettered_[r] = &dead_family.Add(
        {{"stage", stage_},
         {"reason", ReasonLabel(static_cast<DeadLetterReason>(r))}});
  }
  retries = counter("wirestream_stage_retries_total",
                    "Records retried because a dependency was unavailable.");
  process_seconds = &prometheus::BuildHistogram()
                         .Name("wirestream_process_seconds")
                         .Help("Time the stage's domain logic took per record.")
                         .Register(registry)
                         .Add(labels, ProcessBuckets());
  end_to_end_seconds =
      &prometheus::BuildHistogram()
           .Name("wirestream_end_to_end_latency_seconds")
           .Help(
               "Time from a story's arrival in wirestream to this stage's "
               "output.")
           .Register(registry)
           .Add(labels, LatencyBuckets());
  auto& batches = prometheus::BuildCounter()
                      .Name("wirestream_transactions_total")
                      .Help(
                          "Batches (transactions in exactly-once mode) by "
                          "result.")
                      .Register(registry);
  batches_committed =
      &batches.Add({{"stage", stage_}, {"result", "committed"}});
  batches_aborted = &batches.Add({{"stage", stage_}, {"result", "aborted"}});
  auto& rebalances = prometheus::BuildCounter()
                         .Name("wirestream_rebalances_total")
                         .Help("Consumer group rebalance events, by kind.")
                         .Register(registry);
  partitions_assigned_events =
      &rebalances.Add({{"stage", stage_}, {"kind", "assign"}});
  partitions_revoked_events =
      &rebalances.Add({{"stage", stage_}, {"kind", "revoke"}});
  assigned_partitions = gauge("wirestream_assigned_partitions",
                              "Input partitions assigned to this worker.");
  last_processed_timestamp =
      gauge("wirestream_last_processed_timestamp_seconds",
            "Unix time when this worker last processed a record.");
  consumer_lag_seconds =
      gauge("wirestream_consumer_lag_seconds",
            "Age of the oldest unprocessed input, approximated by the age of "
            "the last record read while records are waiting.");
  consumer_lag_records =
      gauge("wirestream_consumer_lag_records",
            "Records waiting to be read on the assigned partitions.");
  producer_queue_messages =
      gauge("wirestream_kafka_producer_queue_messages",
            "Messages waiting in the Kafka producer's queue.");
  broker_rtt_seconds = gauge("wirestream_kafka_broker_rtt_seconds",
                             "Mean round-trip time to the Kafka brokers.");
  ready = gauge("wirestream_ready",
                "1 while the worker is connected, assigned and restored.");
  partition_lag_family_ =
      &prometheus::BuildGauge()
           .Name("wirestream_partition_lag_records")
           .Help("Records waiting to be read, per assigned input partition.")
           .Register(registry);
}

prometheus::Gauge& StageMetrics::PartitionLag(const TopicPartition& tp) {
  absl::MutexLock lock(&mu_);
  auto it = partition_lag_.find(tp);
  if (it != partition_lag_.end()) return *it->second;
  prometheus::Gauge* g =
      &partition_lag_family_->Add({{"stage", stage_},
                                   {"topic", tp.topic},
                                   {"partition", absl::StrCat(tp.partition)}});
  partition_lag_.emplace(tp, g);
  return *g;
}

}  // namespace wirestream::runtime
