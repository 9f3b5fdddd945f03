// File: pipeline/stages/dedup/dedup_metrics.h
//
// DedupMetrics holds dedup's own metrics, created once when the runner
// registers the stage (never looked up on the hot path), labelled
// stage="dedup":
//
//   wirestream_dedup_verdicts_total{verdict="new|update|duplicate|
//       near_duplicate|kill"}           stories judged, by verdict;
//   wirestream_dedup_state_entries      window entries held, all partitions;
//   wirestream_dedup_state_bytes        bytes those entries account for;
//   wirestream_dedup_state_memory_bytes memory the state holds;
//   wirestream_dedup_state_disk_bytes   its database files (state on disk);
//   wirestream_dedup_evictions_total{reason="expired|budget"};
//   wirestream_dedup_restore_duration_seconds   changelog restores (histogram);
//   wirestream_dedup_restored_entries_total.
//
//   DedupMetrics metrics(registry);
//   metrics.Update(stage.stats());
//
// Update is called from the runner's thread; the metrics are thread-safe.
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_DEDUP_METRICS_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_DEDUP_METRICS_H_

#include <array>

#include "absl/time/time.h"
#include "pipeline/stages/dedup/deduplicator.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace wirestream::stages::dedup {

class DedupMetrics {
 public:
  explicit DedupMetrics(prometheus::Registry& registry);

  // Moves the counters by what `state` counted since the last call and sets
  // the gauges to its state size.
  void Update(const DedupStats& state);

  // Records one finished changelog restore.
  void ObserveRestore(absl::Duration took);

 private:
  std::array<prometheus::Counter*, wirestream::v1::DedupKind_ARRAYSIZE>
      verdicts_{};
  prometheus::Gauge* entries_ = nullptr;
  prometheus::Gauge* bytes_ = nullptr;
  prometheus::Gauge* memory_bytes_ = nullptr;
  prometheus::Gauge* disk_bytes_ = nullptr;
  prometheus::Counter* expired_ = nullptr;
  prometheus::Counter* budget_ = nullptr;
  prometheus::Counter* restored_entries_ = nullptr;
  prometheus::Histogram* restore_seconds_ = nullptr;
  DedupStats last_;
};

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_DEDUP_METRICS_H_
