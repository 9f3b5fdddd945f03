#include "pipeline/stages/alert/rules_file.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::alert {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

EnvLookup FakeEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (name == "WORLD_DESK_TOKEN") return "s3cret";
    return std::nullopt;
  };
}

// The error message for `yaml`, or "ok".
std::string Error(const std::string& yaml) {
  absl::StatusOr<RulesConfig> config =
      ParseRulesYaml(yaml, "rules.yaml", FakeEnv());
  if (config.ok()) return "ok";
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(config.status().message());
}

TEST(ParseRulesYamlTest, ReadsEveryField) {
  const std::string yaml = R"(# The world desk's rules.
webhooks:
  - name: world-desk
    url: https://hooks.example.com/world
    timeout_ms: 2500
    max_attempts: 3
    headers:
      Authorization: "Bearer ${WORLD_DESK_TOKEN}"
rules:
  - id: spy-balloon
    name: Spy balloons
    query: '"spy balloon" OR balloon* NEAR/5 (military OR pentagon)'
    fields: [headline, body]
    exact_case: false
    severity: critical
    filters:
      topics: [medtop:11000000]
      countries: [us, CA]
      regions: ["021", Eastern Asia]
      sources: [AP, reuters]
      languages: [EN]
      max_urgency: 3
    channels: [desk-world, webhook:world-desk, https://example.org/hook]
  - id: apple
    query: Apple
    exact_case: yes
    fields: headline
  - id: retired
    query: zeppelin
    enabled: false
)";
  absl::StatusOr<RulesConfig> config =
      ParseRulesYaml(yaml, "rules.yaml", FakeEnv());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->origin, "rules.yaml");
  ASSERT_EQ(config->rules.size(), 2u);

  const AlertRule& r = config->rules[0];
  EXPECT_EQ(r.id, "spy-balloon");
  EXPECT_EQ(r.name, "Spy balloons");
  EXPECT_EQ(r.query,
            "\"spy balloon\" OR balloon* NEAR/5 (military OR pentagon)");
  EXPECT_EQ(r.line, 10);
  EXPECT_EQ(r.query_line, 12);
  EXPECT_TRUE(r.in_headline);
  EXPECT_TRUE(r.in_body);
  EXPECT_FALSE(r.exact_case);
  EXPECT_EQ(r.severity, wirestream::v1::SEVERITY_CRITICAL);
  EXPECT_THAT(r.filters.topics, ElementsAre("medtop:11000000"));
  EXPECT_THAT(r.filters.countries, ElementsAre("US", "CA"));
  EXPECT_THAT(r.filters.regions, ElementsAre("021", "Eastern Asia"));
  EXPECT_THAT(r.filters.sources, ElementsAre("ap", "reuters"));
  EXPECT_THAT(r.filters.languages, ElementsAre("en"));
  EXPECT_EQ(r.filters.max_urgency, 3);
  EXPECT_THAT(r.channels, ElementsAre("desk-world", "webhook:world-desk",
                                      "https://example.org/hook"));
  ASSERT_EQ(r.webhooks.size(), 2u);
  EXPECT_EQ(r.webhooks[0].channel, "webhook:world-desk");
  EXPECT_EQ(r.webhooks[0].url, "https://hooks.example.com/world");
  EXPECT_EQ(r.webhooks[0].timeout, absl::Milliseconds(2500));
  EXPECT_EQ(r.webhooks[0].max_attempts, 3);
  EXPECT_THAT(r.webhooks[0].headers,
              ElementsAre(Pair("Authorization", "Bearer s3cret")));
  EXPECT_EQ(r.webhooks[1].channel, "https://example.org/hook");
  EXPECT_EQ(r.webhooks[1].url, "https://example.org/hook");
  EXPECT_EQ(r.webhooks[1].timeout, absl::Seconds(5));
  EXPECT_EQ(r.webhooks[1].max_attempts, 5);

  const AlertRule& a = config->rules[1];
  EXPECT_EQ(a.id, "apple");
  EXPECT_EQ(a.name, "apple");
  EXPECT_TRUE(a.exact_case);
  EXPECT_TRUE(a.in_headline);
  EXPECT_FALSE(a.in_body);
  EXPECT_EQ(a.severity, wirestream::v1::SEVERITY_INFO);
  EXPECT_EQ(a.line, 24);
}

TEST(ParseRulesYamlTest, EmptyRuleListIsValid) {
  absl::StatusOr<RulesConfig> config =
      ParseRulesYaml("rules: []\n", "rules.yaml", FakeEnv());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->rules.empty());
}

TEST(ParseRulesYamlTest, FileLevelErrors) {
  EXPECT_EQ(Error(""),
            "rules.yaml:1: the file is empty: it needs a 'rules' list");
  EXPECT_EQ(Error("- a\n"),
            "rules.yaml:1: the file must be a mapping with a 'rules' list");
  EXPECT_EQ(Error("webhooks: []\n"),
            "rules.yaml:1: the file has no 'rules' list");
  EXPECT_EQ(Error("rules: []\nrulez: []\n"),
            "rules.yaml:2: unknown key 'rulez' in the file (known: rules, "
            "webhooks)");
  EXPECT_EQ(Error("rules: balloon\n"),
            "rules.yaml:1: 'rules' must be a list of rules");
  EXPECT_EQ(Error("rules:\n  - id: a\n    query: [unclosed\n"),
            "rules.yaml:4: not valid YAML: end of sequence flow not found");
}

TEST(ParseRulesYamlTest, RuleErrorsNameTheRuleAndLine) {
  EXPECT_EQ(Error("rules:\n  - query: balloon\n"),
            "rules.yaml:2: rule #1: 'id' is missing");
  EXPECT_EQ(Error("rules:\n  - balloon\n"),
            "rules.yaml:2: rule #1: a rule must be a mapping (id, query, ...)");
  EXPECT_EQ(Error("rules:\n  - id: a\n    name: A\n"),
            "rules.yaml:2: rule \"a\": 'query' is missing");
  EXPECT_EQ(Error("rules:\n  - id: a\n    query:\n"),
            "rules.yaml:3: rule \"a\": 'query' is empty");
  EXPECT_EQ(Error("rules:\n  - id: a b\n    query: x\n"),
            "rules.yaml:2: rule #1: id 'a b' may only hold letters, digits, "
            "'.', '_' and '-' (at most 100)");
  EXPECT_EQ(Error("rules:\n  - id: a\n    query: x\n  - id: a\n    query: y\n"),
            "rules.yaml:4: rule \"a\": the id is already used by the rule at "
            "line 2");
  EXPECT_EQ(Error("rules:\n  - id: a\n    query: x\n    feilds: body\n"),
            "rules.yaml:4: rule \"a\": unknown key 'feilds' in a rule (known: "
            "id, name, query, fields, exact_case, severity, filters, "
            "channels, enabled)");
  EXPECT_EQ(Error("rules:\n  - id: a\n    query: x\n    severity: urgent\n"),
            "rules.yaml:4: rule \"a\": 'severity' must be info, warning or "
            "critical, not 'urgent'");
  EXPECT_EQ(
      Error("rules:\n  - id: a\n    query: x\n    fields: [title]\n"),
      "rules.yaml:4: rule \"a\": 'fields' may hold headline, body or all, "
      "not 'title'");
  EXPECT_EQ(Error("rules:\n  - id: a\n    query: x\n    exact_case: maybe\n"),
            "rules.yaml:4: rule \"a\": 'exact_case' must be true or false, not "
            "'maybe'");
  EXPECT_EQ(Error("rules:\n  - id: a\n    query: [x]\n"),
            "rules.yaml:3: rule \"a\": 'query' must be a single value");
}

TEST(ParseRulesYamlTest, FilterErrors) {
  EXPECT_EQ(
      Error("rules:\n  - id: a\n    query: x\n    filters:\n      max_urgency: "
            "12\n"),
      "rules.yaml:5: rule \"a\": 'max_urgency' must be a whole number from 1 "
      "to 9, not '12'");
  EXPECT_EQ(
      Error("rules:\n  - id: a\n    query: x\n    filters:\n      countries: "
            "[USA]\n"),
      "rules.yaml:5: rule \"a\": 'countries' holds ISO 3166-1 two-letter "
      "codes, not 'USA'");
  EXPECT_EQ(
      Error("rules:\n  - id: a\n    query: x\n    filters:\n      topic: x\n"),
      "rules.yaml:5: rule \"a\": unknown key 'topic' in 'filters' (known: "
      "topics, countries, regions, sources, languages, max_urgency)");
  EXPECT_EQ(Error("rules:\n  - id: a\n    query: x\n    filters: [x]\n"),
            "rules.yaml:4: rule \"a\": 'filters' must be a mapping of keys to "
            "values");
}

TEST(ParseRulesYamlTest, WebhookErrors) {
  EXPECT_EQ(Error("rules:\n  - id: a\n    query: x\n    channels: "
                  "[webhook:slack]\n"),
            "rules.yaml:4: rule \"a\": channel 'webhook:slack': no webhook "
            "named 'slack' in 'webhooks' (none defined)");
  EXPECT_EQ(Error("webhooks:\n  - name: desk\n    url: https://x/\nrules:\n  - "
                  "id: a\n    query: x\n    channels: [webhook:slack]\n"),
            "rules.yaml:7: rule \"a\": channel 'webhook:slack': no webhook "
            "named 'slack' in 'webhooks' (defined: desk)");
  EXPECT_EQ(Error("webhooks:\n  - name: desk\n    url: ftp://x/\nrules: []\n"),
            "rules.yaml:3: webhook \"desk\": 'url' must start with http:// or "
            "https://, not 'ftp://x/'");
  EXPECT_EQ(Error("webhooks:\n  - name: desk\nrules: []\n"),
            "rules.yaml:2: webhook \"desk\": 'url' is missing");
  EXPECT_EQ(Error("webhooks:\n  - name: desk\n    url: https://x/\n    "
                  "headers:\n      Authorization: Bearer ${NOPE}\nrules: []\n"),
            "rules.yaml:5: webhook \"desk\": header 'Authorization': "
            "environment variable NOPE is not set");
  EXPECT_EQ(
      Error("webhooks:\n  - name: desk\n    url: https://x/\n    "
            "timeout_ms: 0\nrules: []\n"),
      "rules.yaml:4: webhook \"desk\": 'timeout_ms' must be a whole number "
      "from 1 to 120000, not '0'");
}

TEST(ReadRulesFileTest, MissingFileIsNotFound) {
  absl::StatusOr<RulesConfig> config =
      ReadRulesFile("/nonexistent/rules.yaml", FakeEnv());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(config.status().message(), "/nonexistent/rules.yaml: no such file");
}

}  // namespace
}  // namespace wirestream::alert
