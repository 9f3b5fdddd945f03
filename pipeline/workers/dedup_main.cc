// The dedup worker: wire.stories (Story) -> wire.unique (DedupedStory), with
// its state in the compacted changelog wire.dedup.state.
#include <cstdint>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "pipeline/runtime/runner.h"
#include "pipeline/stages/dedup/dedup_stage.h"

ABSL_FLAG(std::string, on_duplicate, "drop",
          "What to do with exact duplicates: drop, pass or route (to "
          "--duplicates_topic).");
ABSL_FLAG(std::string, on_near_duplicate, "pass",
          "What to do with near-duplicates: drop, pass or route.");
ABSL_FLAG(std::string, duplicates_topic, "wire.duplicates",
          "Where routed duplicates go.");
ABSL_FLAG(std::string, changelog_topic, "wire.dedup.state",
          "The compacted changelog topic; as many partitions as the input.");
ABSL_FLAG(int, window_hours, 72,
          "How long a story is remembered, by event time.");
ABSL_FLAG(int64_t, memory_budget_mb, 512,
          "Memory for remembered stories (with --state_dir: disk), shared by "
          "the assigned partitions; the oldest are forgotten first.");
ABSL_FLAG(std::string, state_dir, "",
          "Keep the remembered stories on disk, in a RocksDB database per "
          "partition under this directory, instead of in memory: a few bytes "
          "of memory a story instead of ~370, at ~19 times the CPU per story "
          "(1M stories in the window). Wiped at start; the changelog restores "
          "it. Each worker needs a directory of its own.");
ABSL_FLAG(int64_t, disk_cache_mb, 32,
          "With --state_dir: memory for each partition's database cache and "
          "write buffers.");

int main(int argc, char** argv) {
  using wirestream::stages::dedup::DedupStage;
  using wirestream::stages::dedup::DedupStageConfig;
  using wirestream::stages::dedup::ParseDuplicateAction;
  wirestream::runtime::RunnerConfig defaults;
  defaults.input_topics = {"wire.stories"};
  defaults.output_topic = "wire.unique";
  return wirestream::runtime::RunWorker(
      argc, argv, defaults,
      []() -> absl::StatusOr<std::unique_ptr<wirestream::runtime::Stage>> {
        DedupStageConfig config;
        auto on_duplicate =
            ParseDuplicateAction(absl::GetFlag(FLAGS_on_duplicate));
        if (!on_duplicate.ok()) return on_duplicate.status();
        auto on_near =
            ParseDuplicateAction(absl::GetFlag(FLAGS_on_near_duplicate));
        if (!on_near.ok()) return on_near.status();
        config.on_duplicate = *on_duplicate;
        config.on_near_duplicate = *on_near;
        config.duplicates_topic = absl::GetFlag(FLAGS_duplicates_topic);
        config.changelog_topic = absl::GetFlag(FLAGS_changelog_topic);
        config.dedup.window = absl::Hours(absl::GetFlag(FLAGS_window_hours));
        config.dedup.memory_budget_bytes = absl::GetFlag(FLAGS_memory_budget_mb)
                                           << 20;
        config.dedup.state_dir = absl::GetFlag(FLAGS_state_dir);
        config.dedup.disk_cache_bytes = absl::GetFlag(FLAGS_disk_cache_mb)
                                        << 20;
        auto stage = DedupStage::Create(config);
        if (!stage.ok()) return stage.status();
        return std::unique_ptr<wirestream::runtime::Stage>(*std::move(stage));
      });
}
