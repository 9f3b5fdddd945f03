// Golden tests: testdata/rules.yaml run over testdata/stories.textproto by
// an AlertStage must give testdata/golden.txt; each file in
// testdata/bad_rules/ must be rejected with the error in
// testdata/bad_rules.golden. To rewrite both files after a deliberate
// change (then review the diff):
//   UPDATE_GOLDEN=1 bazel run //pipeline/stages/alert:golden_test
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "pipeline/stages/alert/alert_stage.h"
#include "pipeline/stages/alert/rules_file.h"
#include "wirestream/v1/alert.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::alert {
namespace {

using ::wirestream::v1::Alert;
using ::wirestream::v1::EnrichedStory;

constexpr char kDir[] = "pipeline/stages/alert/testdata/";

std::string Read(const std::string& path) {
  absl::StatusOr<std::string> content = ReadWholeFile(path);
  EXPECT_TRUE(content.ok()) << content.status();
  return content.ok() ? *content : "";
}

// Compares `actual` with the golden file, or rewrites it when asked to.
void CheckGolden(const std::string& name, const std::string& actual) {
  const char* update = std::getenv("UPDATE_GOLDEN");
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  if (update != nullptr && workspace != nullptr) {
    std::ofstream(absl::StrCat(workspace, "/", kDir, name)) << actual;
    return;
  }
  const std::string expected = Read(absl::StrCat(kDir, name));
  EXPECT_EQ(actual, expected)
      << "testdata/" << name << " differs; the actual output is above. "
      << "UPDATE_GOLDEN=1 bazel run //pipeline/stages/alert:golden_test "
         "rewrites it.";
}

struct NamedStory {
  std::string name;
  EnrichedStory story;
};

std::vector<NamedStory> ReadStories() {
  std::vector<NamedStory> out;
  std::string block;
  std::string name;
  auto finish = [&]() {
    if (name.empty()) return;
    NamedStory s{name, {}};
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(block, &s.story))
        << "story '" << name << "' is not an EnrichedStory";
    out.push_back(std::move(s));
  };
  for (absl::string_view line :
       absl::StrSplit(Read(absl::StrCat(kDir, "stories.textproto")), '\n')) {
    if (absl::ConsumePrefix(&line, "=== ")) {
      finish();
      name = std::string(line);
      block.clear();
    } else {
      absl::StrAppend(&block, line, "\n");
    }
  }
  finish();
  return out;
}

// The display text a match points into.
std::string Excerpt(const EnrichedStory& story,
                    const wirestream::v1::TermMatch& m) {
  const std::string text = m.field() == "headline" ? story.story().headline()
                                                   : BodyText(story.story());
  if (m.offset() < 0 ||
      m.offset() + m.length() > static_cast<int>(text.size())) {
    return "<out of range>";
  }
  return text.substr(m.offset(), m.length());
}

std::string SeverityName(wirestream::v1::Severity s) {
  switch (s) {
    case wirestream::v1::SEVERITY_WARNING:
      return "warning";
    case wirestream::v1::SEVERITY_CRITICAL:
      return "critical";
    default:
      return "info";
  }
}

TEST(GoldenTest, RulesOverStories) {
  absl::StatusOr<RulesConfig> config =
      ReadRulesFile(absl::StrCat(kDir, "rules.yaml"));
  ASSERT_TRUE(config.ok()) << config.status();
  absl::StatusOr<std::shared_ptr<const RuleSet>> rules =
      RuleSet::Create(*std::move(config));
  ASSERT_TRUE(rules.ok()) << rules.status();
  StaticRuleSource source(*rules);
  AlertStageOptions options;
  options.rules = &source;
  options.clock = [] { return absl::FromUnixSeconds(1700000000); };
  absl::StatusOr<std::unique_ptr<AlertStage>> stage =
      AlertStage::Create(std::move(options));
  ASSERT_TRUE(stage.ok()) << stage.status();

  std::string out;
  int64_t offset = 0;
  for (const NamedStory& s : ReadStories()) {
    runtime::InputRecord record;
    record.topic = "wire.classified";
    record.partition = 0;
    record.offset = offset++;
    record.key = s.story.story().id();
    record.value = s.story.SerializeAsString();
    record.timestamp =
        absl::FromUnixSeconds(1699999000) + absl::Seconds(offset);
    absl::StatusOr<std::vector<runtime::OutputRecord>> outputs =
        (*stage)->Process(record);
    ASSERT_TRUE(outputs.ok()) << s.name << ": " << outputs.status();

    EnrichedStory enriched;
    ASSERT_TRUE(enriched.ParseFromString((*outputs)[0].value));
    absl::StrAppend(&out, "=== ", s.name, "\n", "story ", enriched.story().id(),
                    ", cluster ", enriched.verdict().cluster_id(), " (",
                    absl::StripPrefix(wirestream::v1::DedupKind_Name(
                                          enriched.verdict().kind()),
                                      "DEDUP_KIND_"),
                    ")\n");
    if (enriched.alert_hits_size() == 0)
      absl::StrAppend(&out, "  no rule matched\n");
    for (const wirestream::v1::AlertHit& hit : enriched.alert_hits()) {
      absl::StrAppend(
          &out, "  ", hit.rule_id(), " [", SeverityName(hit.severity()), "] ",
          hit.suppressed()
              ? absl::StrCat("suppressed: ", hit.suppressed_reason())
              : std::string("alert"),
          "\n");
      for (const wirestream::v1::TermMatch& m : hit.matches()) {
        absl::StrAppend(&out, "    ", m.term(), " @ ", m.field(), " ",
                        m.offset(), "+", m.length(), " \"",
                        Excerpt(enriched, m), "\"\n");
      }
      absl::StrAppend(&out, "    snippet: ", hit.snippet(), "\n");
    }
    for (size_t i = 1; i < outputs->size(); ++i) {
      const runtime::OutputRecord& r = (*outputs)[i];
      if (r.topic == "wire.alerts") {
        Alert alert;
        ASSERT_TRUE(alert.ParseFromString(r.value));
        absl::StrAppend(&out, "  -> wire.alerts ", *r.key, ": ",
                        alert.alert_id(), " channels [",
                        absl::StrJoin(alert.channels(), ", "), "]\n");
      } else {
        absl::StrAppend(&out, "  -> ", r.topic, "[", r.partition.value_or(-1),
                        "] ", *r.key, r.tombstone ? " (tombstone)" : "", "\n");
      }
    }
  }
  CheckGolden("golden.txt", out);
}

TEST(GoldenTest, BadRuleFiles) {
  std::vector<std::string> names = {
      "bad_severity.yaml",
      "duplicate_id.yaml",
      "lowercase_operator.yaml",
      "multiline_query.yaml",
      "near_without_distance.yaml",
      "not_only.yaml",
      "not_yaml.yaml",
      "short_wildcard.yaml",
      "typo_key.yaml",
      "unbalanced_parenthesis.yaml",
      "unknown_webhook.yaml",
  };
  std::string out;
  for (const std::string& name : names) {
    const std::string yaml = Read(absl::StrCat(kDir, "bad_rules/", name));
    absl::StatusOr<RulesConfig> config = ParseRulesYaml(yaml, name);
    absl::Status status = config.status();
    if (config.ok()) status = RuleSet::Create(*std::move(config)).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << name;
    absl::StrAppend(&out, status.message(), "\n");
  }
  CheckGolden("bad_rules.golden", out);
}

}  // namespace
}  // namespace wirestream::alert
