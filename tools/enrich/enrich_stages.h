// File: tools/enrich/enrich_stages.h
//
// The stages `enrich` runs, in pipeline order: normalize, dedup, classify,
// alert. Each stage adds itself to BuildPipeline with the record type it
// writes; nothing else in the tool changes.
//
//   EnrichOptions options;
//   options.inline_rules = {"hotline=hotline", "balloon=balloon*"};
//   absl::StatusOr<Enricher> enricher = BuildPipeline(options);
//   absl::StatusOr<PipelineResult> result = enricher->pipeline->Run(record);
//
// Dedup remembers every story the pipeline has seen, so a later story is
// judged against the earlier ones; alert suppression likewise. Duplicates
// are passed on (not dropped as the dedup worker does by default) so that
// every story shows its verdict and its suppressed alert hits.
#ifndef WIRESTREAM_TOOLS_ENRICH_ENRICH_STAGES_H_
#define WIRESTREAM_TOOLS_ENRICH_ENRICH_STAGES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pipeline/stages/alert/rule_spec.h"
#include "pipeline/stages/alert/rule_watcher.h"
#include "pipeline/stages/classify/classifier.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "tools/enrich/in_process_pipeline.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::enrich {

// Configuration of the stages, from the command line.
struct EnrichOptions {
  normalize::NormalizerConfig normalize;
  // Dedup's window of event time (DeduplicatorConfig::window).
  absl::Duration dedup_window = absl::Hours(72);
  // A YAML rules file (pipeline/stages/alert/README.md); empty: none.
  std::string rules_file;
  // Rules given as "ID=QUERY", after the file's.
  std::vector<std::string> inline_rules;
};

// The topic alert writes Alerts to; PipelineResult::side_outputs with this
// topic hold serialized wirestream.v1.Alert records.
inline constexpr absl::string_view kAlertsTopic = "wire.alerts";

// The pipeline and what it takes to explain its stories.
struct Enricher {
  // The alert rules; outlive the pipeline, whose alert stage reads them.
  std::unique_ptr<alert::StaticRuleSource> rules;
  std::unique_ptr<InProcessPipeline> pipeline;
  // The classify stage's classifier, owned by the pipeline.
  const classify::Classifier* classifier = nullptr;
  // Number of alert rules in use.
  int rule_count = 0;
};

// Returns the rule in `spec` ("ID=QUERY", e.g. "hotline=hotline"), or
// INVALID_ARGUMENT naming it when it has no '=' or a bad id. The query is
// checked when the rules are compiled.
absl::StatusOr<alert::AlertRule> ParseInlineRule(absl::string_view spec);

// Returns the pipeline of every stage, or the first config error (a bad
// rules file or rule names the rule).
absl::StatusOr<Enricher> BuildPipeline(const EnrichOptions& options);

// Returns the UN M49 continent of the story's focus country ("Europe"), or
// "" when it has none.
std::string FocusContinent(const classify::Classifier& classifier,
                           const v1::EnrichedStory& story);

}  // namespace wirestream::enrich

#endif  // WIRESTREAM_TOOLS_ENRICH_ENRICH_STAGES_H_
