// File: pipeline/stages/dedup/dedup_stage.h
//
// DedupStage is the dedup microstage: it reads `Story` records (from
// `wire.stories`, keyed by dedup domain), judges each with the Deduplicator
// of its input partition, and writes
//   - a `DedupedStory` (story + verdict) keyed by story id to the output
//     topic, unless the verdict's action is to drop it; DUPLICATE and
//     NEAR_DUPLICATE can instead be routed to a duplicates topic;
//   - every state change to the compacted changelog topic, in the partition
//     numbered like the input partition (tombstones for dropped entries).
// On assignment it replays each partition's changelog to restore its state
// before the first record; on revocation it drops that state.
//
//   DedupStageConfig config;
//   config.on_duplicate = DuplicateAction::kRoute;
//   auto stage = DedupStage::Create(config);
//   (*stage)->AttachChangelog(&reader);
//   (*stage)->OnPartitionsAssigned({{"wire.stories", 0}});
//   auto outputs = (*stage)->Process(record);
//
// Process, AttachChangelog and the rebalance hooks are called from one
// thread (the runner's); stats() may be called from any thread.
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_DEDUP_STAGE_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_DEDUP_STAGE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/dedup/dedup_metrics.h"
#include "pipeline/stages/dedup/deduplicator.h"

namespace wirestream::stages::dedup {

// What happens to a story with a given verdict.
enum class DuplicateAction {
  // Nothing is written for it (its state change still is).
  kDrop,
  // Written to the output topic like any other story.
  kPass,
  // Written to the duplicates topic instead of the output topic.
  kRoute,
};

// Returns the action named "drop", "pass" or "route", or INVALID_ARGUMENT.
absl::StatusOr<DuplicateAction> ParseDuplicateAction(absl::string_view name);

struct DedupStageConfig {
  DeduplicatorConfig dedup;
  // The memory budget (dedup.memory_budget_bytes) is shared evenly by the
  // assigned partitions.
  DuplicateAction on_duplicate = DuplicateAction::kDrop;
  DuplicateAction on_near_duplicate = DuplicateAction::kPass;
  std::string duplicates_topic = "wire.duplicates";
  // Compacted; as many partitions as the input topic.
  std::string changelog_topic = "wire.dedup.state";
};

// Returns OK, or INVALID_ARGUMENT naming the first bad setting.
absl::Status ValidateDedupStageConfig(const DedupStageConfig& config);

struct DedupStageStats {
  // Summed over the assigned partitions; counters include partitions
  // revoked since start-up, so they never go down.
  DedupStats state;
  // Partitions whose state is held.
  int partitions = 0;
  // Changelog restores finished, and the time they took in total.
  int64_t restores = 0;
  absl::Duration restore_time = absl::ZeroDuration();
  // The last restore's duration.
  absl::Duration last_restore_time = absl::ZeroDuration();
};

class DedupStage : public runtime::Stage {
 public:
  // Returns a stage, or INVALID_ARGUMENT when the config does not validate.
  static absl::StatusOr<std::unique_ptr<DedupStage>> Create(
      const DedupStageConfig& config);

  absl::string_view name() const override { return "dedup"; }

  // Judges one serialized Story. Dead-letters values that are not a Story
  // (UNPARSABLE_RECORD) and stories without an id (INVALID_CONTENT).
  absl::StatusOr<std::vector<runtime::OutputRecord>> Process(
      const runtime::InputRecord& record) override;

  void AttachChangelog(runtime::ChangelogReader* reader) override;

  // Restores the state of each newly assigned partition from its changelog
  // partition. Returns the reader's error (e.g. UNAVAILABLE) if one fails.
  absl::Status OnPartitionsAssigned(
      const std::vector<runtime::TopicPartition>& partitions) override;

  // Drops the state of the revoked partitions.
  absl::Status OnPartitionsRevoked(
      const std::vector<runtime::TopicPartition>& partitions) override;
  // Forgets what the aborted batch changed: the state of `assigned` is
  // dropped and replayed from the changelog, which holds committed state
  // only.
  // Verdicts given in the aborted batch are taken back from the counters:
  // its stories are judged again.
  absl::Status OnBatchAborted(
      const std::vector<runtime::TopicPartition>& assigned) override;
  // The batch's verdicts are final.
  void OnBatchCommitted() override;

  // Creates the stage's metrics (see dedup_metrics.h) in `registry`; from
  // then on they move with every record and restore.
  void RegisterMetrics(prometheus::Registry& registry) override;

  // Returns the counters and state size; thread-safe.
  DedupStageStats stats() const;

 private:
  struct PartitionState {
    std::unique_ptr<Deduplicator> dedup;
    // Tombstones from the restore, written with the next record.
    std::vector<StateChange> pending;
  };

  explicit DedupStage(const DedupStageConfig& config) : config_(config) {}

  // Returns the partition's state, restoring it first if it is new.
  absl::StatusOr<PartitionState*> StateFor(int32_t partition)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ShareBudget() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  DuplicateAction ActionFor(wirestream::v1::DedupKind kind) const;
  // Returns the counters and state size summed over the partitions.
  DedupStats SumStats() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Brings the metrics, if registered, up to date with the state.
  void UpdateMetrics() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const DedupStageConfig config_;
  runtime::ChangelogReader* reader_ = nullptr;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<int32_t, PartitionState> partitions_ ABSL_GUARDED_BY(mu_);
  // Counters of partitions no longer held.
  DedupStats retired_ ABSL_GUARDED_BY(mu_);
  // Verdicts given since the last commit.
  std::array<int64_t, wirestream::v1::DedupKind_ARRAYSIZE> uncommitted_verdicts_
      ABSL_GUARDED_BY(mu_){};
  int64_t restores_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Duration restore_time_ ABSL_GUARDED_BY(mu_);
  absl::Duration last_restore_time_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<DedupMetrics> metrics_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_DEDUP_STAGE_H_
