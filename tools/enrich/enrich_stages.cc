#include "tools/enrich/enrich_stages.h"

#include <memory>
#include <utility>

#include "pipeline/stages/normalize/normalize_stage.h"

namespace wirestream::enrich {

absl::StatusOr<std::unique_ptr<InProcessPipeline>> BuildPipeline(
    const EnrichOptions& options) {
  auto pipeline = std::make_unique<InProcessPipeline>();

  absl::StatusOr<std::unique_ptr<normalize::NormalizeStage>> normalize =
      normalize::NormalizeStage::Create(options.normalize);
  if (!normalize.ok()) return normalize.status();
  pipeline->AddStage(*std::move(normalize), RecordType::kStory);

  return pipeline;
}

}  // namespace wirestream::enrich
