// File: tools/demo/pipeline_chain.h
//
// The stages the demo runs, in data-flow order (normalize → dedup →
// classify → alert), with the topics each reads and writes:
//
//   ChainOptions options;
//   options.rules = watcher.get();
//   for (const ChainStep& step : PipelineChain(options)) {
//     auto stage = step.make();   // then runtime::RunStage on its own thread
//   }
//
// Each stage added to the pipeline adds a step here.
#ifndef WIRESTREAM_TOOLS_DEMO_PIPELINE_CHAIN_H_
#define WIRESTREAM_TOOLS_DEMO_PIPELINE_CHAIN_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/alert/alert_metrics.h"
#include "pipeline/stages/alert/rule_watcher.h"
#include "prometheus/registry.h"

namespace wirestream::demo {

struct ChainOptions {
  // The alert rules; required; outlives the stages.
  const alert::RuleSource* rules = nullptr;
  // Dedup's window of event time.
  absl::Duration dedup_window = absl::Hours(72);
  // Called from the alert worker's thread once the alert stage's own
  // metrics exist (e.g. to count rule reloads); may be empty.
  std::function<void(alert::AlertMetrics*)> on_alert_metrics;
};

struct ChainStep {
  std::string input;
  std::string output;
  // Other topics the stage writes (changelogs, side outputs).
  std::vector<std::string> extra_topics;
  // Builds the stage.
  std::function<absl::StatusOr<std::unique_ptr<runtime::Stage>>()> make;
};

// Returns the pipeline's stages in order. Dedup passes duplicates on, so
// that the view shows every verdict and the alerts they did not raise.
std::vector<ChainStep> PipelineChain(const ChainOptions& options);

// A stage built only when the runner hands it its metrics registry, so
// that the stage's own metrics are served beside the runner's on the
// worker's port. Every call goes to the stage built; Process fails with
// INTERNAL (a fatal error: the worker stops) when building it failed.
// Threading: that of the stage it wraps.
class StageWithOwnMetrics : public runtime::Stage {
 public:
  using Factory = std::function<absl::StatusOr<std::unique_ptr<runtime::Stage>>(
      prometheus::Registry& registry)>;

  // `name` must be the name of the stage `factory` builds.
  StageWithOwnMetrics(std::string name, Factory factory)
      : name_(std::move(name)), factory_(std::move(factory)) {}

  absl::string_view name() const override { return name_; }
  void RegisterMetrics(prometheus::Registry& registry) override;
  absl::StatusOr<std::vector<runtime::OutputRecord>> Process(
      const runtime::InputRecord& record) override;
  void AttachChangelog(runtime::ChangelogReader* reader) override;
  absl::Status OnPartitionsAssigned(
      const std::vector<runtime::TopicPartition>& partitions) override;
  absl::Status OnPartitionsRevoked(
      const std::vector<runtime::TopicPartition>& partitions) override;
  absl::Status OnBatchAborted(
      const std::vector<runtime::TopicPartition>& assigned) override;
  void OnBatchCommitted() override;

 private:
  const std::string name_;
  // Declared before the stage: what the factory keeps alive (metrics)
  // outlives it.
  Factory factory_;
  std::unique_ptr<runtime::Stage> stage_;
  absl::Status build_error_ = absl::InternalError("the stage was not built");
};

}  // namespace wirestream::demo

#endif  // WIRESTREAM_TOOLS_DEMO_PIPELINE_CHAIN_H_
