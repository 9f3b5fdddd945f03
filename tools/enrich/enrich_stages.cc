#include "tools/enrich/enrich_stages.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "pipeline/stages/alert/alert_stage.h"
#include "pipeline/stages/alert/rule_set.h"
#include "pipeline/stages/alert/rules_file.h"
#include "pipeline/stages/classify/classify_stage.h"
#include "pipeline/stages/dedup/dedup_stage.h"
#include "pipeline/stages/normalize/normalize_stage.h"

namespace wirestream::enrich {
namespace {

bool IsIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

absl::StatusOr<alert::AlertRule> ParseInlineRule(absl::string_view spec) {
  const size_t eq = spec.find('=');
  if (eq == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--rule '", spec, "': write it as ID=QUERY, e.g. hotline=hotline"));
  }
  alert::AlertRule rule;
  rule.id = std::string(absl::StripAsciiWhitespace(spec.substr(0, eq)));
  rule.query = std::string(absl::StripAsciiWhitespace(spec.substr(eq + 1)));
  rule.name = rule.id;
  if (rule.id.empty() || rule.id.size() > 128 ||
      !std::all_of(rule.id.begin(), rule.id.end(), IsIdChar)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--rule '", spec, "': id '", rule.id,
                     "' may only hold letters, digits, '.', '_' and '-'"));
  }
  return rule;
}

absl::StatusOr<Enricher> BuildPipeline(const EnrichOptions& options) {
  Enricher enricher;
  enricher.pipeline = std::make_unique<InProcessPipeline>();

  absl::StatusOr<std::unique_ptr<normalize::NormalizeStage>> normalize =
      normalize::NormalizeStage::Create(options.normalize);
  if (!normalize.ok()) return normalize.status();
  enricher.pipeline->AddStage(*std::move(normalize), RecordType::kStory);

  stages::dedup::DedupStageConfig dedup_config;
  dedup_config.dedup.window = options.dedup_window;
  dedup_config.on_duplicate = stages::dedup::DuplicateAction::kPass;
  dedup_config.on_near_duplicate = stages::dedup::DuplicateAction::kPass;
  absl::StatusOr<std::unique_ptr<stages::dedup::DedupStage>> dedup =
      stages::dedup::DedupStage::Create(dedup_config);
  if (!dedup.ok()) return dedup.status();
  enricher.pipeline->AddStage(*std::move(dedup), RecordType::kDedupedStory);

  absl::StatusOr<std::unique_ptr<classify::ClassifyStage>> classify =
      classify::ClassifyStage::Create({});
  if (!classify.ok()) return classify.status();
  enricher.classifier = &(*classify)->classifier();
  enricher.pipeline->AddStage(*std::move(classify), RecordType::kEnrichedStory);

  alert::RulesConfig rules;
  if (!options.rules_file.empty()) {
    absl::StatusOr<alert::RulesConfig> from_file =
        alert::ReadRulesFile(options.rules_file);
    if (!from_file.ok()) return from_file.status();
    rules = *std::move(from_file);
  }
  for (const std::string& spec : options.inline_rules) {
    absl::StatusOr<alert::AlertRule> rule = ParseInlineRule(spec);
    if (!rule.ok()) return rule.status();
    rules.rules.push_back(*std::move(rule));
  }
  if (rules.origin.empty()) rules.origin = "--rule";
  enricher.rule_count = static_cast<int>(rules.rules.size());
  absl::StatusOr<std::shared_ptr<const alert::RuleSet>> compiled =
      alert::RuleSet::Create(std::move(rules));
  if (!compiled.ok()) {
    // Rules given on the command line have no file line to name.
    return absl::InvalidArgumentError(
        absl::StrCat(options.rules_file.empty() ? "--rule: " : "",
                     compiled.status().message()));
  }
  enricher.rules =
      std::make_unique<alert::StaticRuleSource>(*std::move(compiled));
  alert::AlertStageOptions alert_options;
  alert_options.rules = enricher.rules.get();
  alert_options.alerts_topic = std::string(kAlertsTopic);
  absl::StatusOr<std::unique_ptr<alert::AlertStage>> alert_stage =
      alert::AlertStage::Create(std::move(alert_options));
  if (!alert_stage.ok()) return alert_stage.status();
  enricher.pipeline->AddStage(*std::move(alert_stage),
                              RecordType::kEnrichedStory);

  return enricher;
}

std::string FocusContinent(const classify::Classifier& classifier,
                           const v1::EnrichedStory& story) {
  if (story.focus_country().empty()) return "";
  const classify::Country* country =
      classifier.gazetteer().FindCountry(story.focus_country());
  if (country == nullptr || country->regions.empty()) return "";
  // A country's regions run finest first; the last is its continent.
  const classify::Region* continent =
      classifier.gazetteer().FindRegion(country->regions.back());
  return continent == nullptr ? "" : continent->name;
}

}  // namespace wirestream::enrich
