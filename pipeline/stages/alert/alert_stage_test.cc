#include "pipeline/stages/alert/alert_stage.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/alert/rules_file.h"
#include "pipeline/stages/alert/scripted_http_server.h"
#include "prometheus/registry.h"
#include "wirestream/v1/alert.pb.h"
#include "wirestream/v1/alert_state.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::alert {
namespace {

using ::testing::ElementsAre;
using ::wirestream::runtime::InputRecord;
using ::wirestream::runtime::OutputRecord;
using ::wirestream::v1::Alert;
using ::wirestream::v1::AlertStateEntry;
using ::wirestream::v1::EnrichedStory;

const absl::Time kNow = absl::FromUnixSeconds(1700000000);
const absl::Time kEventTime = absl::FromUnixSeconds(1699990000);

// A RuleSource whose rules a test can swap.
class SwappableRules : public RuleSource {
 public:
  explicit SwappableRules(const std::string& yaml) { Set(yaml); }
  void Set(const std::string& yaml) {
    absl::StatusOr<RulesConfig> config = ParseRulesYaml(yaml, "rules.yaml");
    ASSERT_TRUE(config.ok()) << config.status();
    absl::StatusOr<std::shared_ptr<const RuleSet>> set =
        RuleSet::Create(*std::move(config));
    ASSERT_TRUE(set.ok()) << set.status();
    absl::MutexLock lock(&mu_);
    rules_ = *std::move(set);
  }
  std::shared_ptr<const RuleSet> Current() const override {
    absl::MutexLock lock(&mu_);
    return rules_;
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const RuleSet> rules_;
};

// Holds changelog records the way a compacted topic would hand them back:
// in the order written, per topic partition.
class FakeChangelog : public runtime::ChangelogReader {
 public:
  void Append(const std::vector<OutputRecord>& outputs) {
    for (const OutputRecord& r : outputs) {
      if (r.topic != "wire.alert.state") continue;
      std::optional<std::string> value;
      if (!r.tombstone) value = r.value;
      records_[{r.topic, r.partition.value_or(-1)}].emplace_back(*r.key, value);
    }
  }
  void AppendRaw(int32_t partition, std::string key,
                 std::optional<std::string> value) {
    records_[{"wire.alert.state", partition}].emplace_back(std::move(key),
                                                           std::move(value));
  }
  absl::Status Replay(const std::string& topic, int32_t partition,
                      const std::function<void(
                          absl::string_view, std::optional<absl::string_view>)>&
                          apply) override {
    ++replays;
    if (unavailable) return absl::UnavailableError("broker down");
    for (const auto& [key, value] : records_[{topic, partition}]) {
      std::optional<absl::string_view> v;
      if (value.has_value()) v = *value;
      apply(key, v);
    }
    return absl::OkStatus();
  }
  int replays = 0;
  bool unavailable = false;

 private:
  std::map<std::pair<std::string, int32_t>,
           std::vector<std::pair<std::string, std::optional<std::string>>>>
      records_;
};

constexpr char kRules[] = R"(rules:
  - id: spy-balloon
    name: Spy balloons
    query: '"spy balloon" OR balloon* NEAR/3 military'
    severity: critical
    channels: [desk-world]
  - id: montana
    query: montana
)";

EnrichedStory Story(const std::string& id, const std::string& cluster,
                    wirestream::v1::DedupKind kind, const std::string& headline,
                    std::vector<std::string> paragraphs = {}) {
  EnrichedStory s;
  s.mutable_story()->set_id(id);
  s.mutable_story()->set_headline(headline);
  for (std::string& p : paragraphs) s.mutable_story()->add_paragraphs(p);
  s.mutable_story()->mutable_received_at()->set_seconds(1699999000);
  s.mutable_verdict()->set_cluster_id(cluster);
  s.mutable_verdict()->set_kind(kind);
  return s;
}

InputRecord Record(const EnrichedStory& story, int64_t offset,
                   int32_t partition = 3, absl::Time timestamp = kEventTime) {
  InputRecord r;
  r.topic = "wire.classified";
  r.partition = partition;
  r.offset = offset;
  r.key = story.story().id();
  r.value = story.SerializeAsString();
  r.timestamp = timestamp;
  return r;
}

class AlertStageTest : public ::testing::Test {
 protected:
  AlertStageTest() : rules_(kRules), metrics_(registry_) {}

  std::unique_ptr<AlertStage> MakeStage(SuppressionOptions suppression = {},
                                        WebhookSender* webhooks = nullptr) {
    AlertStageOptions options;
    options.rules = &rules_;
    options.metrics = &metrics_;
    options.suppression = suppression;
    options.webhooks = webhooks;
    options.clock = [] { return kNow; };
    absl::StatusOr<std::unique_ptr<AlertStage>> stage =
        AlertStage::Create(std::move(options));
    EXPECT_TRUE(stage.ok()) << stage.status();
    return stage.ok() ? *std::move(stage) : nullptr;
  }

  static std::vector<OutputRecord> Run(AlertStage& stage,
                                       const InputRecord& record) {
    absl::StatusOr<std::vector<OutputRecord>> out = stage.Process(record);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *std::move(out) : std::vector<OutputRecord>{};
  }

  static EnrichedStory Enriched(const OutputRecord& r) {
    EnrichedStory s;
    EXPECT_TRUE(s.ParseFromString(r.value));
    return s;
  }

  // "topic|partition|key" of each output ("-" for the default topic or
  // partition), "+tombstone" for tombstones.
  static std::vector<std::string> Routes(const std::vector<OutputRecord>& out) {
    std::vector<std::string> routes;
    for (const OutputRecord& r : out) {
      routes.push_back(absl::StrCat(
          r.topic.empty() ? "-" : r.topic, "|",
          r.partition.has_value() ? absl::StrCat(*r.partition) : "-", "|",
          r.key.value_or("<none>"), r.tombstone ? "+tombstone" : ""));
    }
    return routes;
  }

  SwappableRules rules_;
  prometheus::Registry registry_;
  AlertMetrics metrics_;
};

TEST_F(AlertStageTest, RejectsBadOptions) {
  AlertStageOptions options;
  EXPECT_EQ(AlertStage::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.rules = &rules_;
  options.state_topic = "";
  EXPECT_EQ(AlertStage::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AlertStageTest, UnparsableValueIsDeadLettered) {
  std::unique_ptr<AlertStage> stage = MakeStage();
  InputRecord r;
  r.value = std::string(
      "\x0a\x7f"
      "abc",
      5);
  absl::StatusOr<std::vector<OutputRecord>> out = stage->Process(r);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(out.status().message(),
            "value of 5 bytes is not a wirestream.v1.EnrichedStory");
  EXPECT_EQ(runtime::DeadLetterReasonOf(out.status()),
            wirestream::v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD);
}

TEST_F(AlertStageTest, FirstMatchEmitsStoryAlertAndState) {
  std::unique_ptr<AlertStage> stage = MakeStage();
  EnrichedStory story =
      Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW,
            "Chinese spy balloon over Montana", {"The military tracked it."});
  std::vector<OutputRecord> out = Run(*stage, Record(story, 10));
  EXPECT_THAT(Routes(out),
              ElementsAre("-|-|s-1", "wire.alerts|-|spy-balloon/c-1",
                          "wire.alerts|-|montana/c-1",
                          "wire.alert.state|3|spy-balloon/c-1",
                          "wire.alert.state|3|montana/c-1"));
  const std::string alert_id = AlertId("spy-balloon", "c-1", "s-1");
  EXPECT_EQ(alert_id.size(), 19u);

  // The enriched story lists both hits.
  EnrichedStory enriched = Enriched(out[0]);
  EXPECT_EQ(enriched.story().id(), "s-1");
  EXPECT_EQ(enriched.enriched_at().seconds(), absl::ToUnixSeconds(kNow));
  ASSERT_EQ(enriched.alert_hits_size(), 2);
  const wirestream::v1::AlertHit& hit = enriched.alert_hits(0);
  EXPECT_EQ(hit.rule_id(), "spy-balloon");
  EXPECT_EQ(hit.rule_name(), "Spy balloons");
  EXPECT_EQ(hit.severity(), wirestream::v1::SEVERITY_CRITICAL);
  EXPECT_FALSE(hit.suppressed());
  EXPECT_EQ(hit.suppressed_reason(), "");
  ASSERT_EQ(hit.matches_size(), 1);
  EXPECT_EQ(hit.matches(0).term(), "spy balloon");
  EXPECT_EQ(hit.matches(0).field(), "headline");
  EXPECT_EQ(hit.matches(0).offset(), 8);
  EXPECT_EQ(hit.matches(0).length(), 11);
  EXPECT_EQ(hit.snippet(), "Chinese «spy balloon» over Montana");
  EXPECT_EQ(enriched.alert_hits(1).rule_id(), "montana");
  EXPECT_EQ(enriched.alert_hits(1).rule_name(), "montana");
  EXPECT_EQ(enriched.alert_hits(1).severity(), wirestream::v1::SEVERITY_INFO);
  EXPECT_EQ(out[0].story_received_at, absl::FromUnixSeconds(1699999000));

  // The alert.
  Alert alert;
  ASSERT_TRUE(alert.ParseFromString(out[1].value));
  EXPECT_EQ(alert.alert_id(), alert_id);
  EXPECT_EQ(alert.rule_id(), "spy-balloon");
  EXPECT_EQ(alert.rule_name(), "Spy balloons");
  EXPECT_EQ(alert.story_id(), "s-1");
  EXPECT_EQ(alert.cluster_id(), "c-1");
  EXPECT_EQ(alert.severity(), wirestream::v1::SEVERITY_CRITICAL);
  EXPECT_EQ(alert.headline(), "Chinese spy balloon over Montana");
  EXPECT_EQ(alert.snippet(), "Chinese «spy balloon» over Montana");
  EXPECT_EQ(alert.created_at().seconds(), absl::ToUnixSeconds(kNow));
  EXPECT_THAT(alert.channels(), ElementsAre("desk-world"));
  ASSERT_EQ(alert.matches_size(), 1);
  EXPECT_EQ(alert.matches(0).offset(), 8);

  // The state record.
  AlertStateEntry entry;
  ASSERT_TRUE(entry.ParseFromString(out[3].value));
  EXPECT_EQ(entry.rule_id(), "spy-balloon");
  EXPECT_EQ(entry.cluster_id(), "c-1");
  EXPECT_EQ(entry.alert_id(), alert_id);
  EXPECT_EQ(entry.story_id(), "s-1");
  EXPECT_EQ(entry.event_time().seconds(), absl::ToUnixSeconds(kEventTime));
  EXPECT_EQ(entry.source_topic(), "wire.classified");
  EXPECT_EQ(entry.source_partition(), 3);
  EXPECT_EQ(entry.source_offset(), 10);

  EXPECT_EQ(stage->state().size(3), 2u);
  stage->OnBatchCommitted();  // the counts move when the batch commits
  EXPECT_EQ(metrics_.AlertsForRule("spy-balloon").Value(), 1);
  EXPECT_EQ(metrics_.AlertsForRule("montana").Value(), 1);
  EXPECT_EQ(metrics_.rules->Value(), 2);
  EXPECT_EQ(metrics_.state_entries->Value(), 2);
}

TEST_F(AlertStageTest, NoMatchPassesTheStoryThrough) {
  std::unique_ptr<AlertStage> stage = MakeStage();
  EnrichedStory story =
      Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW, "Weather balloon");
  // Hits an earlier run left on the story are replaced.
  story.add_alert_hits()->set_rule_id("stale");
  std::vector<OutputRecord> out = Run(*stage, Record(story, 10));
  EXPECT_THAT(Routes(out), ElementsAre("-|-|s-1"));
  EXPECT_EQ(Enriched(out[0]).alert_hits_size(), 0);
}

TEST_F(AlertStageTest, ResendAndNearDuplicateAreSuppressed) {
  std::unique_ptr<AlertStage> stage = MakeStage();
  Run(*stage, Record(Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW,
                           "Spy balloon seen"),
                     10));
  const std::string reason =
      absl::StrCat("already alerted for cluster c-1 (alert ",
                   AlertId("spy-balloon", "c-1", "s-1"), ", story s-1)");

  // The same story sent again (same id, a later offset).
  std::vector<OutputRecord> out = Run(
      *stage, Record(Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_DUPLICATE,
                           "Spy balloon seen"),
                     11));
  EXPECT_THAT(Routes(out), ElementsAre("-|-|s-1"));
  EnrichedStory e = Enriched(out[0]);
  ASSERT_EQ(e.alert_hits_size(), 1);
  EXPECT_TRUE(e.alert_hits(0).suppressed());
  EXPECT_EQ(e.alert_hits(0).suppressed_reason(), reason);
  EXPECT_EQ(e.alert_hits(0).snippet(), "«Spy balloon» seen");

  // A rewrite from another feed.
  out = Run(*stage, Record(Story("s-2", "c-1",
                                 wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE,
                                 "Spy balloon is seen"),
                           12));
  EXPECT_THAT(Routes(out), ElementsAre("-|-|s-2"));
  e = Enriched(out[0]);
  ASSERT_EQ(e.alert_hits_size(), 1);
  EXPECT_TRUE(e.alert_hits(0).suppressed());
  EXPECT_EQ(e.alert_hits(0).suppressed_reason(), reason);
  stage->OnBatchCommitted();
  EXPECT_EQ(metrics_.suppressed_cluster->Value(), 2);
  EXPECT_EQ(metrics_.AlertsForRule("spy-balloon").Value(), 1);

  // Another cluster alerts.
  out = Run(*stage, Record(Story("s-3", "c-2", wirestream::v1::DEDUP_KIND_NEW,
                                 "Spy balloon again"),
                           13));
  EXPECT_THAT(Routes(out),
              ElementsAre("-|-|s-3", "wire.alerts|-|spy-balloon/c-2",
                          "wire.alert.state|3|spy-balloon/c-2"));
}

TEST_F(AlertStageTest, UpdateAlertsOnlyForRulesItNewlyMatches) {
  std::unique_ptr<AlertStage> stage = MakeStage();
  Run(*stage, Record(Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW,
                           "Spy balloon seen"),
                     10));
  // Version 2 adds Montana.
  std::vector<OutputRecord> out = Run(
      *stage, Record(Story("s-1v2", "c-1", wirestream::v1::DEDUP_KIND_UPDATE,
                           "Spy balloon seen over Montana"),
                     11));
  EXPECT_THAT(Routes(out), ElementsAre("-|-|s-1v2", "wire.alerts|-|montana/c-1",
                                       "wire.alert.state|3|montana/c-1"));
  EnrichedStory e = Enriched(out[0]);
  ASSERT_EQ(e.alert_hits_size(), 2);
  EXPECT_EQ(e.alert_hits(0).rule_id(), "spy-balloon");
  EXPECT_TRUE(e.alert_hits(0).suppressed());
  EXPECT_EQ(e.alert_hits(1).rule_id(), "montana");
  EXPECT_FALSE(e.alert_hits(1).suppressed());
}

TEST_F(AlertStageTest, KillsNeverAlert) {
  std::unique_ptr<AlertStage> stage = MakeStage();
  std::vector<OutputRecord> out =
      Run(*stage, Record(Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_KILL,
                               "Spy balloon"),
                         10));
  EXPECT_THAT(Routes(out), ElementsAre("-|-|s-1"));
  EnrichedStory e = Enriched(out[0]);
  ASSERT_EQ(e.alert_hits_size(), 1);
  EXPECT_TRUE(e.alert_hits(0).suppressed());
  EXPECT_EQ(e.alert_hits(0).suppressed_reason(),
            "the story is a kill (dedup verdict KILL)");

  EnrichedStory canceled =
      Story("s-2", "c-2", wirestream::v1::DEDUP_KIND_NEW, "Spy balloon");
  canceled.mutable_story()->set_pub_status(wirestream::v1::PUB_STATUS_CANCELED);
  out = Run(*stage, Record(canceled, 11));
  EXPECT_THAT(Routes(out), ElementsAre("-|-|s-2"));
  EXPECT_EQ(Enriched(out[0]).alert_hits(0).suppressed_reason(),
            "the story is a kill (pub status CANCELED)");
  EXPECT_EQ(stage->state().total_size(), 0u);
  stage->OnBatchCommitted();
  EXPECT_EQ(metrics_.suppressed_kill->Value(), 2);
}

TEST_F(AlertStageTest, StoryWithoutClusterIsItsOwnCluster) {
  std::unique_ptr<AlertStage> stage = MakeStage();
  EnrichedStory story =
      Story("s-9", "", wirestream::v1::DEDUP_KIND_UNSPECIFIED, "Spy balloon");
  std::vector<OutputRecord> out = Run(*stage, Record(story, 10));
  EXPECT_THAT(Routes(out),
              ElementsAre("-|-|s-9", "wire.alerts|-|spy-balloon/s-9",
                          "wire.alert.state|3|spy-balloon/s-9"));
}

TEST_F(AlertStageTest, RecordReadAgainAfterAbortAlertsAgainWithSameId) {
  std::unique_ptr<AlertStage> stage = MakeStage();
  const InputRecord first = Record(
      Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW, "Spy balloon"), 10);
  std::vector<OutputRecord> a = Run(*stage, first);
  // The batch aborted; the runner reads offset 10 again.
  std::vector<OutputRecord> b = Run(*stage, first);
  EXPECT_THAT(Routes(b), ElementsAre("-|-|s-1", "wire.alerts|-|spy-balloon/c-1",
                                     "wire.alert.state|3|spy-balloon/c-1"));
  EXPECT_EQ(a[1].value, b[1].value);  // the same alert, the same id
  // But a later duplicate is suppressed.
  std::vector<OutputRecord> c = Run(
      *stage, Record(Story("s-2", "c-1", wirestream::v1::DEDUP_KIND_DUPLICATE,
                           "Spy balloon"),
                     11));
  EXPECT_THAT(Routes(c), ElementsAre("-|-|s-2"));
}

// Regression: an aborted batch's alert is raised again when its record is
// re-read; the alerts counter counts it once, when the batch commits.
TEST_F(AlertStageTest, AbortedBatchAlertsCountOnce) {
  FakeChangelog changelog;
  std::unique_ptr<AlertStage> stage = MakeStage();
  stage->AttachChangelog(&changelog);
  ASSERT_TRUE(stage->OnPartitionsAssigned({{"wire.classified", 3}}).ok());
  const InputRecord first = Record(
      Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW, "Spy balloon"), 10);
  ASSERT_EQ(Run(*stage, first).size(), 3u);
  EXPECT_EQ(metrics_.AlertsForRule("spy-balloon").Value(), 0);
  ASSERT_TRUE(stage->OnBatchAborted({{"wire.classified", 3}}).ok());
  ASSERT_EQ(Run(*stage, first).size(), 3u);
  stage->OnBatchCommitted();
  EXPECT_EQ(metrics_.AlertsForRule("spy-balloon").Value(), 1);
}

TEST_F(AlertStageTest, AbortedAlertThatIsNotRaisedAgainSuppressesNothing) {
  FakeChangelog changelog;
  std::unique_ptr<AlertStage> stage = MakeStage();
  stage->AttachChangelog(&changelog);
  ASSERT_TRUE(stage->OnPartitionsAssigned({{"wire.classified", 3}}).ok());
  const InputRecord first = Record(
      Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW, "Spy balloon"), 10);
  // Alerts, but its batch is aborted: nothing reaches the changelog.
  ASSERT_EQ(Run(*stage, first).size(), 3u);
  ASSERT_TRUE(stage->OnBatchAborted({{"wire.classified", 3}}).ok());
  EXPECT_EQ(stage->state().size(3), 0u);
  // Before the batch is read again the rules change: the first story no
  // longer matches, its update does.
  rules_.Set(R"(rules:
  - id: spy-balloon
    query: '"spy balloon" AND pentagon'
)");
  EXPECT_THAT(Routes(Run(*stage, first)), ElementsAre("-|-|s-1"));
  std::vector<OutputRecord> update =
      Run(*stage, Record(Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_UPDATE,
                               "Spy balloon: Pentagon briefs"),
                         11));
  EXPECT_THAT(Routes(update),
              ElementsAre("-|-|s-1", "wire.alerts|-|spy-balloon/c-1",
                          "wire.alert.state|3|spy-balloon/c-1"));
}

TEST_F(AlertStageTest, SuppressionSurvivesRestart) {
  FakeChangelog changelog;
  {
    std::unique_ptr<AlertStage> before = MakeStage();
    before->AttachChangelog(&changelog);
    ASSERT_TRUE(before->OnPartitionsAssigned({{"wire.classified", 3}}).ok());
    changelog.Append(
        Run(*before, Record(Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW,
                                  "Spy balloon"),
                            10)));
    changelog.Append(Run(
        *before,
        Record(Story("s-5", "c-5", wirestream::v1::DEDUP_KIND_NEW, "Montana"),
               0, /*partition=*/4)));
  }
  // A new process: the state comes back from the changelog.
  std::unique_ptr<AlertStage> after = MakeStage();
  after->AttachChangelog(&changelog);
  ASSERT_TRUE(after->OnPartitionsAssigned({{"wire.classified", 3}}).ok());
  EXPECT_EQ(after->state().size(3), 1u);
  EXPECT_EQ(after->state().size(4), 0u);  // not assigned here
  EXPECT_EQ(metrics_.state_restored->Value(), 1);

  std::vector<OutputRecord> out =
      Run(*after,
          Record(Story("s-2", "c-1", wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE,
                       "Spy balloon"),
                 11));
  EXPECT_THAT(Routes(out), ElementsAre("-|-|s-2"));
  EXPECT_TRUE(Enriched(out[0]).alert_hits(0).suppressed());

  // Revoked: forgotten.
  ASSERT_TRUE(after->OnPartitionsRevoked({{"wire.classified", 3}}).ok());
  EXPECT_EQ(after->state().total_size(), 0u);
}

TEST_F(AlertStageTest, RestoreAppliesTombstonesAndSkipsBadValues) {
  FakeChangelog changelog;
  AlertStateEntry entry;
  entry.set_rule_id("spy-balloon");
  entry.set_cluster_id("c-1");
  entry.set_alert_id("al-1");
  entry.set_story_id("s-1");
  entry.mutable_event_time()->set_seconds(absl::ToUnixSeconds(kEventTime));
  changelog.AppendRaw(3, "spy-balloon/c-1", entry.SerializeAsString());
  changelog.AppendRaw(3, "garbage", std::string("\x0a\x7f", 2));
  entry.set_cluster_id("c-2");
  changelog.AppendRaw(3, "spy-balloon/c-2", entry.SerializeAsString());
  changelog.AppendRaw(3, "spy-balloon/c-1", std::nullopt);
  std::unique_ptr<AlertStage> stage = MakeStage();
  stage->AttachChangelog(&changelog);
  ASSERT_TRUE(stage->OnPartitionsAssigned({{"wire.classified", 3}}).ok());
  EXPECT_EQ(stage->state().size(3), 1u);
  EXPECT_EQ(metrics_.state_restored->Value(), 3);
  EXPECT_EQ(metrics_.state_restore_skipped->Value(), 1);

  std::vector<OutputRecord> out = Run(
      *stage,
      Record(Story("s-7", "c-1", wirestream::v1::DEDUP_KIND_NEW, "Spy balloon"),
             20));
  EXPECT_THAT(Routes(out),
              ElementsAre("-|-|s-7", "wire.alerts|-|spy-balloon/c-1",
                          "wire.alert.state|3|spy-balloon/c-1"));
}

TEST_F(AlertStageTest, RestoreFailureIsReported) {
  FakeChangelog changelog;
  changelog.unavailable = true;
  std::unique_ptr<AlertStage> stage = MakeStage();
  stage->AttachChangelog(&changelog);
  absl::Status s = stage->OnPartitionsAssigned({{"wire.classified", 3}});
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(),
            "restoring alert suppression state from wire.alert.state[3]: "
            "broker down");
}

TEST_F(AlertStageTest, ExpiredEntriesAreTombstonedAndAlertAgain) {
  std::unique_ptr<AlertStage> stage =
      MakeStage({.ttl = absl::Hours(1), .max_entries = 100});
  const absl::Time t0 = kEventTime;
  Run(*stage,
      Record(Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW, "Spy balloon"),
             10, 3, t0));
  std::vector<OutputRecord> out = Run(
      *stage, Record(Story("s-2", "c-1", wirestream::v1::DEDUP_KIND_DUPLICATE,
                           "Spy balloon"),
                     11, 3, t0 + absl::Hours(2)));
  EXPECT_THAT(Routes(out),
              ElementsAre("-|-|s-2", "wire.alerts|-|spy-balloon/c-1",
                          "wire.alert.state|3|spy-balloon/c-1+tombstone",
                          "wire.alert.state|3|spy-balloon/c-1"));
  EXPECT_TRUE(out[2].value.empty());
  EXPECT_EQ(stage->state().size(3), 1u);
}

TEST_F(AlertStageTest, OldestEntriesAreEvictedBeyondTheLimit) {
  std::unique_ptr<AlertStage> stage =
      MakeStage({.ttl = absl::Hours(24), .max_entries = 1});
  Run(*stage,
      Record(Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW, "Spy balloon"),
             10));
  std::vector<OutputRecord> out = Run(
      *stage,
      Record(Story("s-2", "c-2", wirestream::v1::DEDUP_KIND_NEW, "Spy balloon"),
             11));
  EXPECT_THAT(Routes(out),
              ElementsAre("-|-|s-2", "wire.alerts|-|spy-balloon/c-2",
                          "wire.alert.state|3|spy-balloon/c-2",
                          "wire.alert.state|3|spy-balloon/c-1+tombstone"));
  EXPECT_EQ(stage->state().size(3), 1u);
}

TEST_F(AlertStageTest, RulesSwappedMidStreamApplyFromTheNextStory) {
  std::unique_ptr<AlertStage> stage = MakeStage();
  std::vector<OutputRecord> out =
      Run(*stage, Record(Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW,
                               "Zeppelin over Montana"),
                         10));
  EXPECT_EQ(Enriched(out[0]).alert_hits_size(), 1);  // montana
  EXPECT_EQ(metrics_.rules->Value(), 2);

  rules_.Set("rules:\n  - id: zeppelin\n    query: zeppelin*\n");
  out = Run(*stage, Record(Story("s-2", "c-2", wirestream::v1::DEDUP_KIND_NEW,
                                 "Zeppelins over Montana"),
                           11));
  EXPECT_THAT(Routes(out), ElementsAre("-|-|s-2", "wire.alerts|-|zeppelin/c-2",
                                       "wire.alert.state|3|zeppelin/c-2"));
  EXPECT_EQ(metrics_.rules->Value(), 1);
  stage->OnBatchCommitted();
  EXPECT_EQ(metrics_.AlertsForRule("zeppelin").Value(), 1);
}

TEST_F(AlertStageTest, AlertsGoToTheRuleWebhooks) {
  ScriptedHttpServer server({200});
  rules_.Set(
      absl::StrCat("webhooks:\n  - name: desk\n    url: ", server.url("/desk"),
                   "\nrules:\n  - id: spy-balloon\n    query: balloon\n"
                   "    channels: [webhook:desk]\n"));
  WebhookOptions options;
  options.threads = 1;
  options.metrics = &metrics_;
  absl::StatusOr<std::unique_ptr<WebhookSender>> sender =
      WebhookSender::Create(options);
  ASSERT_TRUE(sender.ok());
  std::unique_ptr<AlertStage> stage = MakeStage({}, sender->get());
  std::vector<OutputRecord> out =
      Run(*stage,
          Record(Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW, "Balloon"),
                 10));
  ASSERT_TRUE(server.AwaitRequests(1));
  EXPECT_EQ((*sender)->Shutdown(absl::Seconds(5)), 0u);
  std::vector<ScriptedHttpServer::Request> r = server.requests();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].path, "/desk");
  EXPECT_EQ(r[0].headers["idempotency-key"],
            AlertId("spy-balloon", "c-1", "s-1"));
  EXPECT_EQ(metrics_.webhook_delivered->Value(), 1);
  Alert alert;
  ASSERT_TRUE(alert.ParseFromString(out[1].value));
  EXPECT_THAT(alert.channels(), ElementsAre("webhook:desk"));
}

TEST_F(AlertStageTest, EveryAlertGoesToTheWorkerWideWebhooks) {
  ScriptedHttpServer server({200});
  WebhookOptions options;
  options.threads = 1;
  options.metrics = &metrics_;
  absl::StatusOr<std::unique_ptr<WebhookSender>> sender =
      WebhookSender::Create(options);
  ASSERT_TRUE(sender.ok());
  AlertStageOptions stage_options;
  stage_options.rules = &rules_;
  stage_options.webhooks = sender->get();
  WebhookTarget all;
  all.channel = server.url("/all");
  all.url = server.url("/all");
  stage_options.webhooks_for_every_alert = {all};
  absl::StatusOr<std::unique_ptr<AlertStage>> stage =
      AlertStage::Create(std::move(stage_options));
  ASSERT_TRUE(stage.ok()) << stage.status();

  // Two rules match the first story; its re-send alerts for neither.
  Run(**stage, Record(Story("s-1", "c-1", wirestream::v1::DEDUP_KIND_NEW,
                            "Spy balloon over Montana"),
                      10));
  Run(**stage, Record(Story("s-2", "c-1", wirestream::v1::DEDUP_KIND_DUPLICATE,
                            "Spy balloon over Montana"),
                      11));
  ASSERT_TRUE(server.AwaitRequests(2));
  EXPECT_EQ((*sender)->Shutdown(absl::Seconds(5)), 0u);
  std::vector<ScriptedHttpServer::Request> r = server.requests();
  ASSERT_EQ(r.size(), 2u);
  std::vector<std::string> keys;
  for (auto& request : r) {
    EXPECT_EQ(request.path, "/all");
    keys.push_back(request.headers["idempotency-key"]);
  }
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre(
                        AlertId("spy-balloon", "c-1", "s-1"),
                        AlertId("montana", "c-1", "s-1")));
}

TEST(AlertIdTest, StableAndDistinct) {
  EXPECT_EQ(AlertId("r", "c", "s"), AlertId("r", "c", "s"));
  EXPECT_NE(AlertId("r", "c", "s"), AlertId("r", "c", "t"));
  EXPECT_NE(AlertId("a/b", "c", "s"), AlertId("a", "b/c", "s"));
  EXPECT_EQ(AlertId("r", "c", "s").substr(0, 3), "al-");
}

}  // namespace
}  // namespace wirestream::alert
