#include "pipeline/stages/classify/classify_stage.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::classify {

absl::StatusOr<std::unique_ptr<ClassifyStage>> ClassifyStage::Create(
    const ClassifierConfig& config, prometheus::Registry* registry) {
  absl::StatusOr<std::unique_ptr<Classifier>> classifier =
      Classifier::Create(config);
  if (!classifier.ok()) return classifier.status();
  auto stage =
      std::unique_ptr<ClassifyStage>(new ClassifyStage(*std::move(classifier)));
  if (registry != nullptr) stage->RegisterMetrics(*registry);
  return stage;
}

void ClassifyStage::RegisterMetrics(prometheus::Registry& registry) {
  if (metrics_ != nullptr) return;
  metrics_ = std::make_unique<ClassifyMetrics>(registry, *classifier_);
}

absl::StatusOr<std::vector<runtime::OutputRecord>> ClassifyStage::Process(
    const runtime::InputRecord& record) {
  wirestream::v1::DedupedStory in;
  if (!in.ParseFromString(record.value)) {
    return runtime::DeadLetterError(
        wirestream::v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD,
        absl::StrCat("value of ", record.value.size(),
                     " bytes is not a wirestream.v1.DedupedStory"));
  }
  if (!in.has_story()) {
    return runtime::DeadLetterError(
        wirestream::v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD,
        "DedupedStory has no story");
  }
  wirestream::v1::EnrichedStory out;
  if (metrics_ != nullptr) {
    const absl::Time start = absl::Now();
    classifier_->Classify(in.story(), &out);
    metrics_->Record(out, absl::Now() - start);
  } else {
    classifier_->Classify(in.story(), &out);
  }
  *out.mutable_story() = std::move(*in.mutable_story());
  if (in.has_verdict())
    *out.mutable_verdict() = std::move(*in.mutable_verdict());

  runtime::OutputRecord output;
  // The input's key (dedup's cluster id) carries on, so that alert sees a
  // story cluster on one partition; the story id when there is none.
  output.key = record.key.has_value() || out.story().id().empty()
                   ? record.key
                   : std::optional<std::string>(out.story().id());
  if (out.story().has_received_at()) {
    output.story_received_at =
        absl::FromUnixSeconds(out.story().received_at().seconds()) +
        absl::Nanoseconds(out.story().received_at().nanos());
  }
  output.value = out.SerializeAsString();
  return std::vector<runtime::OutputRecord>{std::move(output)};
}

}  // namespace wirestream::classify
