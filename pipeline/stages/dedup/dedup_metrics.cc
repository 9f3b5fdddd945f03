#include "pipeline/stages/dedup/dedup_metrics.h"

#include <algorithm>

#include "prometheus/family.h"

namespace wirestream::stages::dedup {
namespace {

void Advance(prometheus::Counter* counter, int64_t now, int64_t before) {
  if (counter != nullptr && now > before) {
    counter->Increment(static_cast<double>(now - before));
  }
}

}  // namespace

DedupMetrics::DedupMetrics(prometheus::Registry& registry) {
  auto& verdicts = prometheus::BuildCounter()
                       .Name("wirestream_dedup_verdicts_total")
                       .Help("Stories judged by dedup, by verdict.")
                       .Register(registry);
  const std::pair<wirestream::v1::DedupKind, const char*> kNames[] = {
      {wirestream::v1::DEDUP_KIND_NEW, "new"},
      {wirestream::v1::DEDUP_KIND_UPDATE, "update"},
      {wirestream::v1::DEDUP_KIND_DUPLICATE, "duplicate"},
      {wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE, "near_duplicate"},
      {wirestream::v1::DEDUP_KIND_KILL, "kill"},
  };
  for (const auto& [kind, name] : kNames) {
    verdicts_[kind] = &verdicts.Add({{"stage", "dedup"}, {"verdict", name}});
  }
  entries_ = &prometheus::BuildGauge()
                  .Name("wirestream_dedup_state_entries")
                  .Help("Window entries held, summed over assigned partitions.")
                  .Register(registry)
                  .Add({{"stage", "dedup"}});
  bytes_ = &prometheus::BuildGauge()
                .Name("wirestream_dedup_state_bytes")
                .Help(
                    "Bytes the window entries account for, summed over "
                    "assigned partitions.")
                .Register(registry)
                .Add({{"stage", "dedup"}});
  memory_bytes_ = &prometheus::BuildGauge()
                       .Name("wirestream_dedup_state_memory_bytes")
                       .Help(
                           "Memory the state holds: its tables, or with the "
                           "state on disk its database cache and write "
                           "buffers; summed over assigned partitions.")
                       .Register(registry)
                       .Add({{"stage", "dedup"}});
  disk_bytes_ = &prometheus::BuildGauge()
                     .Name("wirestream_dedup_state_disk_bytes")
                     .Help(
                         "Bytes of the state's database files (0 with the "
                         "state in memory), summed over assigned partitions.")
                     .Register(registry)
                     .Add({{"stage", "dedup"}});
  auto& evictions = prometheus::BuildCounter()
                        .Name("wirestream_dedup_evictions_total")
                        .Help(
                            "Window entries dropped: expired from the "
                            "window, or evicted for the memory budget.")
                        .Register(registry);
  expired_ = &evictions.Add({{"stage", "dedup"}, {"reason", "expired"}});
  budget_ = &evictions.Add({{"stage", "dedup"}, {"reason", "budget"}});
  restored_entries_ = &prometheus::BuildCounter()
                           .Name("wirestream_dedup_restored_entries_total")
                           .Help("Window entries restored from the changelog.")
                           .Register(registry)
                           .Add({{"stage", "dedup"}});
  restore_seconds_ =
      &prometheus::BuildHistogram()
           .Name("wirestream_dedup_restore_duration_seconds")
           .Help("Time to restore a partition's state from its changelog.")
           .Register(registry)
           .Add({{"stage", "dedup"}},
                prometheus::Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.5, 1,
                                                        2.5, 5, 10, 30, 60});
}

void DedupMetrics::Update(const DedupStats& state) {
  for (size_t k = 0; k < verdicts_.size(); ++k) {
    Advance(verdicts_[k], state.verdicts[k], last_.verdicts[k]);
  }
  Advance(expired_, state.expirations, last_.expirations);
  Advance(budget_, state.evictions, last_.evictions);
  Advance(restored_entries_, state.restored_entries, last_.restored_entries);
  entries_->Set(static_cast<double>(state.entries));
  bytes_->Set(static_cast<double>(state.bytes));
  memory_bytes_->Set(static_cast<double>(state.allocated_bytes));
  disk_bytes_->Set(static_cast<double>(state.disk_bytes));
  // Counters only go up: after an aborted batch's verdicts are taken back,
  // its stories' second judging counts only beyond what was exported.
  for (size_t k = 0; k < verdicts_.size(); ++k) {
    last_.verdicts[k] = std::max(last_.verdicts[k], state.verdicts[k]);
  }
  last_.expirations = std::max(last_.expirations, state.expirations);
  last_.evictions = std::max(last_.evictions, state.evictions);
  last_.restored_entries =
      std::max(last_.restored_entries, state.restored_entries);
}

void DedupMetrics::ObserveRestore(absl::Duration took) {
  restore_seconds_->Observe(absl::ToDoubleSeconds(took));
}

}  // namespace wirestream::stages::dedup
