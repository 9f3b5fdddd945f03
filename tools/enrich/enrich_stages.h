// File: tools/enrich/enrich_stages.h
//
// The stages `enrich` runs, in pipeline order. Each later stage (dedup,
// classify, alert) adds itself to BuildPipeline with the record type it
// writes; nothing else in the tool changes.
#ifndef WIRESTREAM_TOOLS_ENRICH_ENRICH_STAGES_H_
#define WIRESTREAM_TOOLS_ENRICH_ENRICH_STAGES_H_

#include <memory>

#include "absl/status/statusor.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "tools/enrich/in_process_pipeline.h"

namespace wirestream::enrich {

// Configuration of the stages, from the command line.
struct EnrichOptions {
  normalize::NormalizerConfig normalize;
};

// Returns the pipeline of every stage, or the first stage's config error.
absl::StatusOr<std::unique_ptr<InProcessPipeline>> BuildPipeline(
    const EnrichOptions& options);

}  // namespace wirestream::enrich

#endif  // WIRESTREAM_TOOLS_ENRICH_ENRICH_STAGES_H_
