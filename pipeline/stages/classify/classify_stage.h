// File: pipeline/stages/classify/classify_stage.h
//
// ClassifyStage is the classify microstage: it reads DedupedStory records
// (wire.unique) and writes EnrichedStory records (wire.classified) with
// the story, dedup's verdict, IPTC topics, countries, regions and the
// focus country, keyed by story id. A value that is not a DedupedStory,
// or one without a story, is dead-lettered as UNPARSABLE_RECORD.
//
//   auto stage = ClassifyStage::Create({});  // embedded data, no metrics yet
//   (*stage)->RegisterMetrics(*registry);     // what the runner does
//   auto counted = ClassifyStage::Create({}, registry.get());
//
// The stage's metrics (classify_metrics.h) are registered once: by Create
// when given a registry, else by the first RegisterMetrics call; later
// RegisterMetrics calls change nothing.
//
// Stateless; Process is called from one thread at a time (the classifier
// itself is thread-safe).
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFY_STAGE_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFY_STAGE_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/classify/classifier.h"
#include "pipeline/stages/classify/classify_metrics.h"
#include "prometheus/registry.h"

namespace wirestream::classify {

class ClassifyStage : public runtime::Stage {
 public:
  // Returns a stage whose classifier is built from `config` (see
  // Classifier::Create for the errors). With a `registry`, the stage's own
  // metrics (classify_metrics.h) are registered there; it must outlive the
  // stage's last Process call.
  static absl::StatusOr<std::unique_ptr<ClassifyStage>> Create(
      const ClassifierConfig& config, prometheus::Registry* registry = nullptr);

  absl::string_view name() const override { return "classify"; }
  absl::StatusOr<std::vector<runtime::OutputRecord>> Process(
      const runtime::InputRecord& record) override;

  // Registers the stage's metrics in `registry` unless they were already
  // registered (by Create or an earlier call): metrics are never registered
  // twice, and a stage counts into one registry only. `registry` must
  // outlive the stage's last Process call.
  void RegisterMetrics(prometheus::Registry& registry) override;

  const Classifier& classifier() const { return *classifier_; }

 private:
  explicit ClassifyStage(std::unique_ptr<Classifier> classifier)
      : classifier_(std::move(classifier)) {}
  std::unique_ptr<Classifier> classifier_;
  std::unique_ptr<ClassifyMetrics> metrics_;  // null: not counted
};

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFY_STAGE_H_
