// The whole pipeline on a real broker, as an operator runs it: `produce`
// sends story files to a raw topic, the normalize, dedup, classify and
// alert workers run as processes of their own, and `inspect` shows the
// enriched stories and alerts. A re-send from another feed is dropped; a
// rewrite by another outlet passes as a near-duplicate of the first story,
// shares its cluster key and its partition downstream, and does not alert
// again.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/broker.h"
#include "tests/support/tool_process.h"
#include "tests/support/worker_process.h"
#include "wirestream/v1/alert.pb.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using testsupport::RunTool;
using testsupport::ToolBinary;
using testsupport::ToolResult;
using testsupport::WorkerProcess;

std::string BootstrapFlag() {
  return absl::StrCat("--bootstrap=", *testsupport::BootstrapServers());
}

std::string DemoFile(const std::string& under_demo) {
  return absl::StrCat(std::getenv("TEST_SRCDIR"), "/wirestream/tools/demo/",
                      under_demo);
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// Sends one story file with `source` as its feed; expects success.
void Produce(const std::string& topic, const std::string& source,
             const std::string& file) {
  ToolResult sent =
      RunTool(ToolBinary("produce/produce"),
              {BootstrapFlag(), "--topic=" + topic, "--source=" + source,
               "--received_at=2026-11-28T06:00:00Z", DemoFile(file)});
  ASSERT_EQ(sent.exit_code, 0) << sent.stderr_text;
}

std::vector<v1::EnrichedStory> Parse(
    const std::vector<testsupport::TestRecord>& records) {
  std::vector<v1::EnrichedStory> stories;
  for (const auto& r : records) {
    v1::EnrichedStory s;
    EXPECT_TRUE(r.value.has_value() && s.ParseFromString(*r.value));
    stories.push_back(s);
  }
  return stories;
}

TEST(PipelineBrokerTest, StoriesComeOutEnrichedAndAlertOncePerCluster) {
  // One raw partition keeps the feed in order; three everywhere else, so
  // a cluster's stories only meet in alert because they share a key.
  auto raw = testsupport::CreateUniqueTopic("wire.raw", 1);
  auto stories = testsupport::CreateUniqueTopic("wire.stories", 3);
  auto unique = testsupport::CreateUniqueTopic("wire.unique", 3);
  auto dedup_state = testsupport::CreateUniqueTopic(
      "wire.dedup.state", 3, {{"cleanup.policy", "compact"}});
  auto classified = testsupport::CreateUniqueTopic("wire.classified", 3);
  auto enriched = testsupport::CreateUniqueTopic("wire.enriched", 3);
  auto alerts = testsupport::CreateUniqueTopic("wire.alerts", 1);
  auto alert_state = testsupport::CreateUniqueTopic(
      "wire.alert.state", 3, {{"cleanup.policy", "compact"}});
  auto dlq = testsupport::CreateUniqueTopic("wire.dlq", 1);
  for (const auto* t : {&raw, &stories, &unique, &dedup_state, &classified,
                        &enriched, &alerts, &alert_state, &dlq}) {
    ASSERT_TRUE(t->ok()) << t->status();
  }

  auto worker = [&](const std::string& name, const std::string& in,
                    const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = {BootstrapFlag(),
                                     absl::StrCat("--input=", in),
                                     absl::StrCat("--output=", out),
                                     absl::StrCat("--dlq=", *dlq),
                                     absl::StrCat("--group=", in, ".", name),
                                     "--http="};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<WorkerProcess>(testsupport::WorkerBinary(name),
                                           args);
  };
  auto normalize = worker("normalize", *raw, *stories, {});
  auto dedup = worker("dedup", *stories, *unique,
                      {absl::StrCat("--changelog_topic=", *dedup_state)});
  auto classify = worker("classify", *unique, *classified, {});
  auto alert = worker("alert", *classified, *enriched,
                      {absl::StrCat("--rules=", DemoFile("demo_rules.yaml")),
                       absl::StrCat("--alerts_topic=", *alerts),
                       absl::StrCat("--changelog_topic=", *alert_state)});
  for (WorkerProcess* w :
       {normalize.get(), dedup.get(), classify.get(), alert.get()}) {
    ASSERT_TRUE(w->Start().ok());
  }

  // The first two stories, through every stage.
  Produce(*raw, "ap", "stories/text-ap-spy-balloon.txt");
  Produce(*raw, "reuters", "stories/text-reuters-hotline.txt");
  auto first = testsupport::ReadRecords(
      *enriched, {.min_records = 2, .timeout = absl::Seconds(90)});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 2u) << alert->Log();

  // Then another feed's re-send and another outlet's rewrite of the first.
  Produce(*raw, "afp", "followups/text-afp-spy-balloon-resend.txt");
  Produce(*raw, "upi", "followups/text-upi-spy-balloon-rewrite.txt");
  auto out = testsupport::ReadRecords(
      *enriched, {.min_records = 3, .timeout = absl::Seconds(90)});
  auto alerted = testsupport::ReadRecords(
      *alerts, {.min_records = 2, .timeout = absl::Seconds(30)});
  auto through_classify = testsupport::ReadRecords(
      *classified, {.min_records = 3, .timeout = absl::Seconds(30)});
  for (WorkerProcess* w :
       {normalize.get(), dedup.get(), classify.get(), alert.get()}) {
    EXPECT_EQ(w->Stop(absl::Seconds(30)), 0) << w->Log();
  }
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE(alerted.ok()) << alerted.status();
  ASSERT_TRUE(through_classify.ok()) << through_classify.status();

  // Four stories in; the re-send was dropped as a duplicate.
  ASSERT_EQ(out->size(), 3u) << dedup->Log();
  std::map<std::string, v1::EnrichedStory> by_headline;
  for (const v1::EnrichedStory& s : Parse(*out)) {
    by_headline[s.story().headline()] = s;
  }
  ASSERT_EQ(by_headline.size(), 3u);
  const v1::EnrichedStory& balloon =
      by_headline["Pentagon tracks suspected Chinese spy balloon over Montana"];
  const v1::EnrichedStory& rewrite = by_headline
      ["U.S. military follows Chinese surveillance balloon across Montana"];
  ASSERT_FALSE(balloon.story().id().empty());
  ASSERT_FALSE(rewrite.story().id().empty());
  EXPECT_EQ(balloon.verdict().kind(), v1::DEDUP_KIND_NEW);
  EXPECT_EQ(balloon.verdict().cluster_id(), balloon.story().id());
  EXPECT_EQ(balloon.focus_country(), "US");
  ASSERT_EQ(balloon.alert_hits_size(), 1);
  EXPECT_EQ(balloon.alert_hits(0).rule_id(), "spy-balloon");
  EXPECT_FALSE(balloon.alert_hits(0).suppressed());

  EXPECT_EQ(rewrite.verdict().kind(), v1::DEDUP_KIND_NEAR_DUPLICATE);
  EXPECT_EQ(rewrite.verdict().cluster_id(), balloon.story().id());
  EXPECT_EQ(rewrite.verdict().matched_story_id(), balloon.story().id());
  ASSERT_EQ(rewrite.alert_hits_size(), 1);
  EXPECT_EQ(rewrite.alert_hits(0).rule_id(), "spy-balloon");
  EXPECT_TRUE(rewrite.alert_hits(0).suppressed());

  // Between classify and alert both balloon stories travel under the
  // cluster's key, on one partition.
  std::map<std::string, const testsupport::TestRecord*> classified_by_id;
  for (const auto& r : *through_classify) {
    v1::EnrichedStory s;
    ASSERT_TRUE(s.ParseFromString(r.value.value_or("")));
    classified_by_id[s.story().id()] = &r;
  }
  ASSERT_EQ(classified_by_id.count(balloon.story().id()), 1u);
  ASSERT_EQ(classified_by_id.count(rewrite.story().id()), 1u);
  const auto* a = classified_by_id[balloon.story().id()];
  const auto* b = classified_by_id[rewrite.story().id()];
  EXPECT_EQ(a->key, balloon.story().id());
  EXPECT_EQ(b->key, balloon.story().id());
  EXPECT_EQ(a->partition, b->partition);

  // One alert per rule and cluster: hotline and spy-balloon, no repeat.
  std::vector<std::string> rules;
  for (const auto& r : *alerted) {
    v1::Alert alert_record;
    ASSERT_TRUE(alert_record.ParseFromString(r.value.value_or("")));
    rules.push_back(alert_record.rule_id());
    if (alert_record.rule_id() == "spy-balloon") {
      EXPECT_EQ(alert_record.story_id(), balloon.story().id());
      EXPECT_EQ(alert_record.cluster_id(), balloon.story().id());
      // The rewrite's hit names the alert that was sent.
      EXPECT_EQ(
          rewrite.alert_hits(0).suppressed_reason(),
          absl::StrCat("already alerted for cluster ", balloon.story().id(),
                       " (alert ", alert_record.alert_id(), ", story ",
                       balloon.story().id(), ")"));
    }
  }
  EXPECT_THAT(rules, UnorderedElementsAre("hotline", "spy-balloon"));

  // What an operator sees with inspect: the enriched stories as JSON.
  ToolResult shown =
      RunTool(ToolBinary("inspect/inspect"),
              {BootstrapFlag(), "--topic=" + *enriched, "--from-beginning",
               "--match", "story.headline~surveillance balloon"});
  ASSERT_EQ(shown.exit_code, 0) << shown.stderr_text;
  ASSERT_EQ(Lines(shown.stdout_text).size(), 1u) << shown.stdout_text;
  EXPECT_THAT(shown.stdout_text,
              HasSubstr("\"kind\":\"DEDUP_KIND_NEAR_DUPLICATE\""));
  EXPECT_THAT(shown.stdout_text, HasSubstr("\"focusCountry\":\"US\""));
  EXPECT_THAT(shown.stdout_text, HasSubstr("\"ruleId\":\"spy-balloon\""));
  EXPECT_THAT(shown.stdout_text, HasSubstr("\"suppressed\":true"));
  ToolResult counted = RunTool(
      ToolBinary("inspect/inspect"),
      {BootstrapFlag(), "--topic=" + *alerts, "--from-beginning", "--count"});
  EXPECT_EQ(counted.stdout_text, "2\n") << counted.stderr_text;
  ToolResult dead = RunTool(
      ToolBinary("inspect/inspect"),
      {BootstrapFlag(), "--topic=" + *dlq, "--from-beginning", "--count"});
  EXPECT_EQ(dead.stdout_text, "0\n") << dead.stderr_text;
}

}  // namespace
}  // namespace wirestream
