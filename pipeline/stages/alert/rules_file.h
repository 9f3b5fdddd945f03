// File: pipeline/stages/alert/rules_file.h
//
// Reads the YAML rules file editors write (format in README.md, "Rules
// file"):
//
//   webhooks:
//     - name: world-desk
//       url: https://hooks.example.com/world
//       headers: {Authorization: "Bearer ${WORLD_DESK_TOKEN}"}
//   rules:
//     - id: spy-balloon
//       name: Spy balloons
//       query: '"spy balloon" OR balloon* NEAR/5 (military OR pentagon)'
//       fields: [headline, body]
//       severity: critical
//       filters: {countries: [US, CA], languages: [en], max_urgency: 3}
//       channels: [desk-world, webhook:world-desk]
//
//   absl::StatusOr<RulesConfig> rules = ReadRulesFile("rules.yaml");
//
// Every error is INVALID_ARGUMENT (NOT_FOUND for a missing file) and names
// the file, the line and, inside a rule, the rule's id:
//   rules.yaml:12: rule "spy-balloon": 'severity' must be info, warning or
//   critical, not 'urgent'
// Queries are checked by RuleSet::Create, which names the line the same
// way. Pure functions; thread-safe.
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_RULES_FILE_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_RULES_FILE_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pipeline/stages/alert/rule_spec.h"

namespace wirestream::alert {

// Looks up an environment variable; nullopt when it is not set.
using EnvLookup =
    std::function<std::optional<std::string>(const std::string& name)>;

// Returns the process environment's lookup.
EnvLookup ProcessEnv();

// Returns the rules in `yaml`. `origin` names the file in messages.
// "${NAME}" in webhook header values is replaced by environment variable
// NAME from `env` (an error when it is not set), so secrets stay out of the
// file. Rules with `enabled: false` are left out.
absl::StatusOr<RulesConfig> ParseRulesYaml(absl::string_view yaml,
                                           absl::string_view origin,
                                           const EnvLookup& env = ProcessEnv());

// Reads and parses the file at `path`.
absl::StatusOr<RulesConfig> ReadRulesFile(const std::string& path,
                                          const EnvLookup& env = ProcessEnv());

// Returns the contents of the file at `path`, or NOT_FOUND / UNAVAILABLE.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_RULES_FILE_H_
