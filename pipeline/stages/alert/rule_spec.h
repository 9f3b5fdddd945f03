// File: pipeline/stages/alert/rule_spec.h
//
// AlertRule and RulesConfig: alert rules as an editor wrote them, before
// compilation. The rules file (rules_file.h) produces them; RuleSet
// (rule_set.h) compiles them; tests and tools may build them in code.
//
//   AlertRule rule;
//   rule.id = "spy-balloon";
//   rule.query = "\"spy balloon\" OR balloon* NEAR/5 military";
//   rule.severity = wirestream::v1::SEVERITY_CRITICAL;
//
// Plain values; no behaviour.
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_RULE_SPEC_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_RULE_SPEC_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "wirestream/v1/alert.pb.h"

namespace wirestream::alert {

// Where a webhook channel posts alerts.
struct WebhookTarget {
  // The channel as a rule names it: "webhook:<name>", or the URL itself.
  std::string channel;
  // http:// or https:// URL the alert is POSTed to.
  std::string url;
  // Time limit of one attempt (connect + request + response).
  absl::Duration timeout = absl::Seconds(5);
  // Attempts before giving up (1 = no retry).
  int max_attempts = 5;
  // Extra request headers, e.g. {"Authorization", "Bearer ..."}.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Which stories a rule looks at, besides its query. Each non-empty list
// must contain one of the story's values; all given filters must pass.
struct RuleFilters {
  // IPTC Media Topics codes, e.g. "medtop:11000000"; a story passes with
  // the topic itself or a subtopic of it.
  std::vector<std::string> topics;
  // ISO 3166-1 alpha-2 codes (upper case); the story's countries or focus
  // country.
  std::vector<std::string> countries;
  // UN M49 region codes ("030") or names ("Eastern Asia", any case).
  std::vector<std::string> regions;
  // Feeds or providers (lower case), e.g. "ap", "reuters".
  std::vector<std::string> sources;
  // BCP 47 primary language tags (lower case): "en" passes "en-GB".
  std::vector<std::string> languages;
  // Only stories with urgency 1..max_urgency (1 = flash); 0: any urgency.
  int max_urgency = 0;
};

// One alert rule.
struct AlertRule {
  // Stable id: letters, digits, '.', '_' and '-'. Keys alerts and state.
  std::string id;
  // Human name for editors; the id when not given.
  std::string name;
  // The query (query.h).
  std::string query;
  // Match case and accents exactly instead of folding them.
  bool exact_case = false;
  // Fields the query looks at.
  bool in_headline = true;
  bool in_body = true;
  RuleFilters filters;
  wirestream::v1::Severity severity = wirestream::v1::SEVERITY_INFO;
  // Delivery channels as written, e.g. "desk-world", "webhook:world-desk".
  std::vector<std::string> channels;
  // The channels that are webhooks, resolved.
  std::vector<WebhookTarget> webhooks;
  // Lines (1-based) of the rule and of its query in the rules file; 0 when
  // the rule did not come from a file.
  int line = 0;
  int query_line = 0;
};

// A whole set of rules, as read from one file.
struct RulesConfig {
  // Where the rules came from (the file name), for messages.
  std::string origin;
  std::vector<AlertRule> rules;
};

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_RULE_SPEC_H_
