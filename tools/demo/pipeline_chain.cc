#include "tools/demo/pipeline_chain.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "pipeline/runtime/log.h"
#include "pipeline/stages/alert/alert_stage.h"
#include "pipeline/stages/classify/classify_stage.h"
#include "pipeline/stages/dedup/dedup_stage.h"
#include "pipeline/stages/normalize/normalize_stage.h"

namespace wirestream::demo {
namespace {

using StageOrError = absl::StatusOr<std::unique_ptr<runtime::Stage>>;

template <typename T>
StageOrError Upcast(absl::StatusOr<std::unique_ptr<T>> stage) {
  if (!stage.ok()) return stage.status();
  return std::unique_ptr<runtime::Stage>(*std::move(stage));
}

}  // namespace

void StageWithOwnMetrics::RegisterMetrics(prometheus::Registry& registry) {
  StageOrError stage = factory_(registry);
  if (!stage.ok()) {
    build_error_ = absl::InternalError(
        absl::StrCat("cannot start ", name_, ": ", stage.status().message()));
    runtime::LogError("%s", build_error_.message());
    return;
  }
  stage_ = *std::move(stage);
  stage_->RegisterMetrics(registry);
}

absl::StatusOr<std::vector<runtime::OutputRecord>> StageWithOwnMetrics::Process(
    const runtime::InputRecord& record) {
  if (stage_ == nullptr) return build_error_;
  return stage_->Process(record);
}

void StageWithOwnMetrics::AttachChangelog(runtime::ChangelogReader* reader) {
  if (stage_ != nullptr) stage_->AttachChangelog(reader);
}

absl::Status StageWithOwnMetrics::OnPartitionsAssigned(
    const std::vector<runtime::TopicPartition>& partitions) {
  if (stage_ == nullptr) return build_error_;
  return stage_->OnPartitionsAssigned(partitions);
}

absl::Status StageWithOwnMetrics::OnPartitionsRevoked(
    const std::vector<runtime::TopicPartition>& partitions) {
  if (stage_ == nullptr) return absl::OkStatus();
  return stage_->OnPartitionsRevoked(partitions);
}

absl::Status StageWithOwnMetrics::OnBatchAborted(
    const std::vector<runtime::TopicPartition>& assigned) {
  if (stage_ == nullptr) return absl::OkStatus();
  return stage_->OnBatchAborted(assigned);
}

void StageWithOwnMetrics::OnBatchCommitted() {
  if (stage_ != nullptr) stage_->OnBatchCommitted();
}

std::vector<ChainStep> PipelineChain(const ChainOptions& options) {
  std::vector<ChainStep> chain;
  chain.push_back({"wire.raw", "wire.stories", {}, []() -> StageOrError {
                     return Upcast(normalize::NormalizeStage::Create({}));
                   }});

  stages::dedup::DedupStageConfig dedup;
  dedup.dedup.window = options.dedup_window;
  dedup.on_duplicate = stages::dedup::DuplicateAction::kPass;
  dedup.on_near_duplicate = stages::dedup::DuplicateAction::kPass;
  chain.push_back({"wire.stories",
                   "wire.unique",
                   {dedup.changelog_topic},
                   [dedup]() -> StageOrError {
                     return Upcast(stages::dedup::DedupStage::Create(dedup));
                   }});

  chain.push_back(
      {"wire.unique", "wire.classified", {}, []() -> StageOrError {
         return std::unique_ptr<runtime::Stage>(new StageWithOwnMetrics(
             "classify", [](prometheus::Registry& registry) -> StageOrError {
               return Upcast(classify::ClassifyStage::Create({}, &registry));
             }));
       }});

  const alert::RuleSource* rules = options.rules;
  auto on_metrics = options.on_alert_metrics;
  chain.push_back(
      {"wire.classified",
       "wire.enriched",
       {"wire.alerts", "wire.alert.state"},
       [rules, on_metrics]() -> StageOrError {
         // The metrics live as long as the factory, which the wrapper
         // keeps until after the stage is gone.
         auto metrics =
             std::make_shared<std::unique_ptr<alert::AlertMetrics>>();
         return std::unique_ptr<runtime::Stage>(new StageWithOwnMetrics(
             "alert",
             [rules, on_metrics,
              metrics](prometheus::Registry& registry) -> StageOrError {
               *metrics = std::make_unique<alert::AlertMetrics>(registry);
               if (on_metrics) on_metrics(metrics->get());
               alert::AlertStageOptions alert_options;
               alert_options.rules = rules;
               alert_options.metrics = metrics->get();
               return Upcast(alert::AlertStage::Create(alert_options));
             }));
       }});
  return chain;
}

}  // namespace wirestream::demo
