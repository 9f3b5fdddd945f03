// The alert worker on a real broker: the rules file changed mid-stream (by
// the file watcher and by POST /admin/reload, good and broken versions);
// suppression state that survives kill -9; a webhook that fails twice
// before it takes the alert.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/alert/scripted_http_server.h"
#include "tests/support/broker.h"
#include "tests/support/worker_process.h"
#include "wirestream/v1/alert.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;
using testsupport::TestRecord;

// The topics of one test run.
struct AlertTopics {
  std::string classified, enriched, alerts, state, dlq;
};

AlertTopics CreateAlertTopics(int partitions) {
  AlertTopics t;
  std::vector<std::string*> names = {&t.classified, &t.enriched, &t.alerts,
                                     &t.state, &t.dlq};
  const char* bases[] = {"classified", "enriched", "alerts", "alert-state",
                         "dlq"};
  for (int i = 0; i < 5; ++i) {
    std::map<std::string, std::string> configs;
    if (i == 3) configs = {{"cleanup.policy", "compact"}};
    auto topic = testsupport::CreateUniqueTopic(
        bases[i], i == 4 ? 1 : partitions, configs);
    if (!topic.ok()) {
      ADD_FAILURE() << topic.status();
      return AlertTopics{};
    }
    *names[i] = *topic;
  }
  return t;
}

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir != nullptr ? dir : ".", "/", name);
}

// Replaces the file at `path` in one rename, as an editor's save or a
// config deployment does, so the watcher never reads half a file.
void WriteRules(const std::string& path, const std::string& yaml) {
  const std::string temp = path + ".new";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << yaml;
  }
  ASSERT_EQ(std::rename(temp.c_str(), path.c_str()), 0);
}

std::vector<std::string> WorkerArgs(const AlertTopics& t,
                                    const std::string& rules, int http_port,
                                    std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      absl::StrCat("--bootstrap=", *testsupport::BootstrapServers()),
      absl::StrCat("--input=", t.classified),
      absl::StrCat("--output=", t.enriched),
      absl::StrCat("--dlq=", t.dlq),
      absl::StrCat("--group=", t.classified, ".group"),
      absl::StrCat("--alerts_topic=", t.alerts),
      absl::StrCat("--changelog_topic=", t.state),
      absl::StrCat("--rules=", rules),
      absl::StrCat("--http=127.0.0.1:", http_port),
      "--batch_records=50",
      "--kafka=session.timeout.ms=6000",
      "--kafka=heartbeat.interval.ms=500"};
  for (std::string& a : extra) args.push_back(std::move(a));
  return args;
}

v1::EnrichedStory Story(const std::string& id, const std::string& cluster,
                        v1::DedupKind kind, const std::string& headline) {
  v1::EnrichedStory s;
  s.mutable_story()->set_id(id);
  s.mutable_story()->set_headline(headline);
  s.mutable_story()->add_paragraphs("The county council met on Tuesday.");
  s.mutable_story()->set_language("en");
  s.mutable_story()->mutable_received_at()->set_seconds(1764320000);
  s.mutable_verdict()->set_cluster_id(cluster);
  s.mutable_verdict()->set_kind(kind);
  return s;
}

TestRecord Record(const v1::EnrichedStory& story,
                  std::optional<int32_t> partition = std::nullopt) {
  TestRecord r;
  r.key = story.story().id();
  r.value = story.SerializeAsString();
  if (partition) r.partition = *partition;
  return r;
}

// Story n of the reload test: "balloon" when n is even, "hotline" when n
// is a multiple of 3, its own cluster.
TestRecord NumberedStory(int n) {
  std::string headline = absl::StrCat("Council report ", n);
  if (n % 2 == 0) absl::StrAppend(&headline, " mentions a weather balloon");
  if (n % 3 == 0) absl::StrAppend(&headline, " and the hotline");
  return Record(Story(absl::StrCat("story-", n), absl::StrCat("c-", n),
                      v1::DEDUP_KIND_NEW, headline));
}

std::vector<TestRecord> NumberedStories(int first, int end) {
  std::vector<TestRecord> records;
  for (int n = first; n < end; ++n) records.push_back(NumberedStory(n));
  return records;
}

std::vector<TestRecord> ReadAtLeast(const std::string& topic, size_t n,
                                    absl::Duration timeout) {
  auto records =
      testsupport::ReadRecords(topic, {.min_records = n, .timeout = timeout});
  EXPECT_TRUE(records.ok()) << records.status();
  return records.ok() ? *std::move(records) : std::vector<TestRecord>{};
}

std::vector<v1::Alert> Alerts(const std::vector<TestRecord>& records) {
  std::vector<v1::Alert> alerts;
  for (const TestRecord& r : records) {
    v1::Alert a;
    EXPECT_TRUE(a.ParseFromString(r.value.value_or("")));
    alerts.push_back(std::move(a));
  }
  return alerts;
}

// "<rule>@<story>" of every alert.
std::vector<std::string> AlertNames(const std::vector<TestRecord>& records) {
  std::vector<std::string> names;
  for (const v1::Alert& a : Alerts(records)) {
    names.push_back(absl::StrCat(a.rule_id(), "@", a.story_id()));
  }
  return names;
}

// Story id -> the story as the worker wrote it; counts every id seen.
std::map<std::string, v1::EnrichedStory> EnrichedById(
    const std::vector<TestRecord>& records, std::map<std::string, int>* seen) {
  std::map<std::string, v1::EnrichedStory> stories;
  for (const TestRecord& r : records) {
    v1::EnrichedStory s;
    EXPECT_TRUE(s.ParseFromString(r.value.value_or("")));
    ++(*seen)[s.story().id()];
    stories[s.story().id()] = s;
  }
  return stories;
}

// Returns a sample of the worker's /metrics, or nullopt.
std::optional<double> Metric(int port, const std::string& name,
                             const std::string& selector) {
  auto text = testsupport::HttpGet(port, "/metrics");
  if (!text.ok()) return std::nullopt;
  return testsupport::MetricValue(*text, name, selector);
}

// Waits (at most `timeout`) until the sample equals `want`; returns the
// last value read.
std::optional<double> AwaitMetric(int port, const std::string& name,
                                  const std::string& selector, double want,
                                  absl::Duration timeout = absl::Seconds(60)) {
  const absl::Time deadline = absl::Now() + timeout;
  std::optional<double> value;
  while (absl::Now() < deadline) {
    value = Metric(port, name, selector);
    if (value == want) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return value;
}

constexpr char kReloads[] = "wirestream_alert_rule_reloads_total";
constexpr char kOk[] = "result=\"ok\",stage=\"alert\"";
constexpr char kFailed[] = "result=\"failed\",stage=\"alert\"";

constexpr char kBalloonRules[] = R"(rules:
  - id: balloon
    query: balloon
)";
constexpr char kHotlineRules[] = R"(rules:
  - id: hotline
    query: hotline
    severity: critical
)";
// Line 3 holds the mistake.
constexpr char kBrokenRules[] = R"(rules:
  - id: hotline
    query: '(hotline OR balloon'
)";

TEST(AlertBrokerTest, RulesFileChangedMidStream) {
  constexpr int kPhase = 60;
  const AlertTopics t = CreateAlertTopics(3);
  ASSERT_FALSE(t.classified.empty());
  const std::string rules = TempPath("reload-rules.yaml");
  WriteRules(rules, kBalloonRules);
  const int port = testsupport::FreePort();
  testsupport::WorkerProcess worker(
      testsupport::WorkerBinary("alert"),
      WorkerArgs(t, rules, port, {"--rules_poll_ms=100"}));
  ASSERT_TRUE(worker.Start().ok());

  // Phase 1 under the balloon rule.
  ASSERT_TRUE(
      testsupport::ProduceRecords(t.classified, NumberedStories(0, kPhase))
          .ok());
  ASSERT_EQ(ReadAtLeast(t.enriched, kPhase, absl::Seconds(90)).size(),
            static_cast<size_t>(kPhase))
      << worker.Log();

  // The editor replaces the balloon rule with a hotline rule.
  WriteRules(rules, kHotlineRules);
  EXPECT_EQ(AwaitMetric(port, kReloads, kOk, 1), 1) << worker.Log();

  // Phase 2 under the hotline rule.
  ASSERT_TRUE(testsupport::ProduceRecords(t.classified,
                                          NumberedStories(kPhase, 2 * kPhase))
                  .ok());
  ASSERT_EQ(ReadAtLeast(t.enriched, 2 * kPhase, absl::Seconds(60)).size(),
            static_cast<size_t>(2 * kPhase));

  // A broken save: the hotline rule stays in force.
  WriteRules(rules, kBrokenRules);
  EXPECT_EQ(AwaitMetric(port, kReloads, kFailed, 1), 1) << worker.Log();
  ASSERT_TRUE(testsupport::ProduceRecords(
                  t.classified, NumberedStories(2 * kPhase, 3 * kPhase))
                  .ok());
  const std::vector<TestRecord> enriched =
      ReadAtLeast(t.enriched, 3 * kPhase, absl::Seconds(60));

  std::vector<std::string> expected_alerts;
  for (int n = 0; n < 3 * kPhase; ++n) {
    if (n < kPhase && n % 2 == 0) {
      expected_alerts.push_back(absl::StrCat("balloon@story-", n));
    }
    if (n >= kPhase && n % 3 == 0) {
      expected_alerts.push_back(absl::StrCat("hotline@story-", n));
    }
  }
  const std::vector<TestRecord> alerts =
      ReadAtLeast(t.alerts, expected_alerts.size(), absl::Seconds(30));
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();

  EXPECT_THAT(AlertNames(alerts), UnorderedElementsAreArray(expected_alerts));
  EXPECT_EQ(alerts.size(), expected_alerts.size());
  // wire.enriched: every story exactly once, with the hits of the rules in
  // force when it was read.
  std::map<std::string, int> seen;
  const auto stories = EnrichedById(enriched, &seen);
  EXPECT_EQ(enriched.size(), static_cast<size_t>(3 * kPhase));
  for (int n = 0; n < 3 * kPhase; ++n) {
    const std::string id = absl::StrCat("story-", n);
    ASSERT_EQ(seen[id], 1) << id;
    std::vector<std::string> hits;
    for (const auto& hit : stories.at(id).alert_hits()) {
      hits.push_back(hit.rule_id());
      EXPECT_FALSE(hit.suppressed()) << id;
    }
    std::vector<std::string> want;
    if (n < kPhase && n % 2 == 0) want.push_back("balloon");
    if (n >= kPhase && n % 3 == 0) want.push_back("hotline");
    EXPECT_EQ(hits, want) << id;
  }
  EXPECT_THAT(worker.Log(),
              HasSubstr(absl::StrCat(rules, ":3: rule \"hotline\": query:")));
}

TEST(AlertBrokerTest, RulesSwapWhileStoriesFlow) {
  constexpr int kChunk = 25, kChunks = 12, kChangeAfter = 4;
  const AlertTopics t = CreateAlertTopics(2);
  ASSERT_FALSE(t.classified.empty());
  const std::string rules = TempPath("flow-rules.yaml");
  WriteRules(rules, kHotlineRules);
  const int port = testsupport::FreePort();
  testsupport::WorkerProcess worker(
      testsupport::WorkerBinary("alert"),
      WorkerArgs(t, rules, port, {"--rules_poll_ms=100", "--batch_ms=50"}));
  ASSERT_TRUE(worker.Start().ok());

  // Every story mentions both words: each rule set gives it exactly one
  // hit, so a story matched by a mix of old and new rules would show.
  auto chunk = [](int c) {
    std::vector<TestRecord> records;
    for (int n = c * kChunk; n < (c + 1) * kChunk; ++n) {
      records.push_back(Record(Story(
          absl::StrCat("story-", n), absl::StrCat("c-", n), v1::DEDUP_KIND_NEW,
          absl::StrCat("Hotline and balloon report ", n))));
    }
    return records;
  };
  ASSERT_TRUE(testsupport::ProduceRecords(t.classified, chunk(0)).ok());
  ASSERT_EQ(ReadAtLeast(t.enriched, kChunk, absl::Seconds(90)).size(),
            static_cast<size_t>(kChunk))
      << worker.Log();
  for (int c = 1; c < kChunks; ++c) {
    if (c == kChangeAfter) WriteRules(rules, kBalloonRules);
    if (c == kChunks - 2) {
      // The last two chunks come after the swap.
      EXPECT_EQ(AwaitMetric(port, kReloads, kOk, 1), 1) << worker.Log();
    }
    ASSERT_TRUE(testsupport::ProduceRecords(t.classified, chunk(c)).ok());
    absl::SleepFor(absl::Milliseconds(150));
  }
  const std::vector<TestRecord> enriched =
      ReadAtLeast(t.enriched, kChunk * kChunks, absl::Seconds(60));
  const std::vector<TestRecord> alerts =
      ReadAtLeast(t.alerts, kChunk * kChunks, absl::Seconds(30));
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();

  // Each story once, with exactly one hit; per partition, in offset order,
  // the hotline rule until the swap and the balloon rule after it.
  ASSERT_EQ(enriched.size(), static_cast<size_t>(kChunk * kChunks));
  std::map<std::string, int> seen;
  std::map<std::string, std::string> rule_of;
  std::map<int32_t, bool> swapped;
  int hotline = 0, balloon = 0;
  for (const TestRecord& r : enriched) {
    v1::EnrichedStory s;
    ASSERT_TRUE(s.ParseFromString(r.value.value_or("")));
    const std::string& id = s.story().id();
    ++seen[id];
    ASSERT_EQ(s.alert_hits_size(), 1) << id;
    const std::string& rule = s.alert_hits(0).rule_id();
    rule_of[id] = rule;
    if (rule == "balloon") {
      swapped[r.partition] = true;
      ++balloon;
    } else {
      EXPECT_EQ(rule, "hotline") << id;
      EXPECT_FALSE(swapped[r.partition])
          << id << ": old rules after new ones in partition " << r.partition;
      ++hotline;
    }
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kChunk * kChunks));
  EXPECT_GE(hotline, kChunk);
  EXPECT_GE(balloon, 2 * kChunk);
  // One alert per story, for the rule its enriched record shows.
  ASSERT_EQ(alerts.size(), static_cast<size_t>(kChunk * kChunks));
  for (const v1::Alert& a : Alerts(alerts)) {
    EXPECT_EQ(a.rule_id(), rule_of[a.story_id()]) << a.story_id();
  }
}

TEST(AlertBrokerTest, MissingOrBadRulesFileStopsTheWorkerAtStart) {
  const AlertTopics t = CreateAlertTopics(1);
  ASSERT_FALSE(t.classified.empty());
  const std::string rules = TempPath("start-rules.yaml");
  WriteRules(rules, kBrokenRules);
  testsupport::WorkerProcess bad(testsupport::WorkerBinary("alert"),
                                 WorkerArgs(t, rules, 0, {"--http="}));
  ASSERT_TRUE(bad.Start().ok());
  EXPECT_EQ(bad.Wait(absl::Seconds(30)), 2);
  // One line, naming the file, the line and the rule.
  const std::string log = bad.Log();
  EXPECT_THAT(log, HasSubstr(absl::StrCat(
                       "ERROR cannot start the stage: ", rules,
                       ":3: rule \"hotline\": query: column 1: '(' is not "
                       "closed with ')'\n")));
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;

  testsupport::WorkerProcess missing(
      testsupport::WorkerBinary("alert"),
      WorkerArgs(t, rules + ".gone", 0, {"--http="}));
  ASSERT_TRUE(missing.Start().ok());
  EXPECT_EQ(missing.Wait(absl::Seconds(30)), 2);
  EXPECT_THAT(missing.Log(),
              HasSubstr(absl::StrCat("ERROR cannot start the stage: ", rules,
                                     ".gone: no such file\n")));
  // Nothing was read or written.
  auto enriched = testsupport::ReadRecords(
      t.enriched, {.min_records = 0, .timeout = absl::Seconds(2)});
  ASSERT_TRUE(enriched.ok());
  EXPECT_TRUE(enriched->empty());
}

TEST(AlertBrokerTest, AdminReloadKeepsOldRulesOnABrokenFile) {
  const AlertTopics t = CreateAlertTopics(1);
  ASSERT_FALSE(t.classified.empty());
  const std::string rules = TempPath("admin-rules.yaml");
  WriteRules(rules, kBalloonRules);
  const int port = testsupport::FreePort();
  // The file is not polled during the test: only the endpoint reloads.
  testsupport::WorkerProcess worker(
      testsupport::WorkerBinary("alert"),
      WorkerArgs(t, rules, port, {"--rules_poll_ms=3600000"}));
  ASSERT_TRUE(worker.Start().ok());
  ASSERT_TRUE(testsupport::ProduceRecords(t.classified, {NumberedStory(0)})
                  .ok());  // balloon and hotline
  ASSERT_EQ(ReadAtLeast(t.enriched, 1, absl::Seconds(90)).size(), 1u)
      << worker.Log();

  WriteRules(rules, kBrokenRules);
  int code = 0;
  auto broken = testsupport::HttpPost(port, "/admin/reload", &code);
  ASSERT_TRUE(broken.ok()) << broken.status();
  EXPECT_EQ(code, 422);
  EXPECT_THAT(*broken, HasSubstr("rules not reloaded, the 1 rules in use "
                                 "stay: "));
  EXPECT_THAT(*broken,
              HasSubstr(absl::StrCat(rules, ":3: rule \"hotline\": query:")));
  EXPECT_EQ(Metric(port, kReloads, kFailed), 1);
  EXPECT_EQ(Metric(port, kReloads, kOk), 0);
  auto get = testsupport::HttpGet(port, "/admin/reload", &code);
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(code, 405);

  // Still the balloon rule.
  ASSERT_TRUE(
      testsupport::ProduceRecords(t.classified, {NumberedStory(6)}).ok());
  ASSERT_EQ(ReadAtLeast(t.enriched, 2, absl::Seconds(30)).size(), 2u);

  WriteRules(rules, kHotlineRules);
  auto good = testsupport::HttpPost(port, "/admin/reload", &code);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(code, 200);
  EXPECT_EQ(*good, "reloaded 1 rules\n");
  EXPECT_EQ(Metric(port, kReloads, kOk), 1);
  EXPECT_EQ(Metric(port, kReloads, kFailed), 1);
  ASSERT_TRUE(
      testsupport::ProduceRecords(t.classified, {NumberedStory(12)}).ok());
  ASSERT_EQ(ReadAtLeast(t.enriched, 3, absl::Seconds(30)).size(), 3u);
  const std::vector<TestRecord> alerts =
      ReadAtLeast(t.alerts, 3, absl::Seconds(10));
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();
  EXPECT_THAT(AlertNames(alerts),
              ::testing::ElementsAre("balloon@story-0", "balloon@story-6",
                                     "hotline@story-12"));
}

constexpr char kBothRules[] = R"(rules:
  - id: balloon
    query: balloon
  - id: hotline
    query: hotline
)";

TEST(AlertBrokerTest, SuppressionSurvivesKill9) {
  const AlertTopics t = CreateAlertTopics(2);
  ASSERT_FALSE(t.classified.empty());
  const std::string rules = TempPath("suppression-rules.yaml");
  WriteRules(rules, kBothRules);
  const int port = testsupport::FreePort();
  testsupport::WorkerProcess worker(testsupport::WorkerBinary("alert"),
                                    WorkerArgs(t, rules, port));
  ASSERT_TRUE(worker.Start().ok());

  // Suppression is per input partition: the cluster's stories go to one.
  ASSERT_TRUE(
      testsupport::ProduceRecords(
          t.classified, {Record(Story("s-1", "c-1", v1::DEDUP_KIND_NEW,
                                      "Spy balloon drifts over Montana"),
                                0)})
          .ok());
  ASSERT_EQ(ReadAtLeast(t.alerts, 1, absl::Seconds(90)).size(), 1u)
      << worker.Log();
  // The alert is committed, and its changelog entry with it.
  ASSERT_EQ(ReadAtLeast(t.state, 1, absl::Seconds(10)).size(), 1u);
  worker.Kill();
  ASSERT_TRUE(worker.Start().ok());

  ASSERT_TRUE(
      testsupport::ProduceRecords(
          t.classified,
          {// The agency sends the same story again.
           Record(Story("s-1", "c-1", v1::DEDUP_KIND_DUPLICATE,
                        "Spy balloon drifts over Montana"),
                  0),
           // Another feed's near-copy.
           Record(Story("s-2", "c-1", v1::DEDUP_KIND_NEAR_DUPLICATE,
                        "Spy balloon drifting over Montana"),
                  0),
           // A new version that now mentions the hotline.
           Record(Story("s-1", "c-1", v1::DEDUP_KIND_UPDATE,
                        "Spy balloon over Montana: Pentagon uses hotline"),
                  0),
           // Another cluster, another partition.
           Record(Story("s-3", "c-3", v1::DEDUP_KIND_NEW,
                        "Weather balloon lands in a field"),
                  1)})
          .ok());
  const std::vector<TestRecord> enriched =
      ReadAtLeast(t.enriched, 5, absl::Seconds(90));
  const std::vector<TestRecord> alerts =
      ReadAtLeast(t.alerts, 3, absl::Seconds(30));
  EXPECT_EQ(Metric(port, "wirestream_alert_state_restored_total", kOk), 1)
      << worker.Log();
  EXPECT_EQ(Metric(port, "wirestream_alert_hits_suppressed_total",
                   "reason=\"cluster\",stage=\"alert\""),
            3);
  // Since the restart: the update's hotline alert, the other cluster's.
  EXPECT_EQ(Metric(port, "wirestream_alerts_total",
                   "rule=\"hotline\",stage=\"alert\""),
            1);
  EXPECT_EQ(Metric(port, "wirestream_alerts_total",
                   "rule=\"balloon\",stage=\"alert\""),
            1);
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();

  // Exactly three alerts: the first story, the update's new rule, the
  // other cluster.
  EXPECT_THAT(
      AlertNames(alerts),
      UnorderedElementsAreArray({"balloon@s-1", "hotline@s-1", "balloon@s-3"}));
  ASSERT_EQ(alerts.size(), 3u);
  for (const v1::Alert& a : Alerts(alerts)) {
    EXPECT_EQ(a.cluster_id(), a.story_id() == "s-3" ? "c-3" : "c-1");
  }
  std::string first_alert;
  for (const v1::Alert& a : Alerts(alerts)) {
    if (a.rule_id() == "balloon" && a.story_id() == "s-1") {
      first_alert = a.alert_id();
    }
  }
  ASSERT_FALSE(first_alert.empty());

  // wire.enriched (partition 0 in order, then partition 1): every story
  // once, its matches kept, the repeats marked as suppressed and why.
  ASSERT_EQ(enriched.size(), 5u);
  std::vector<std::string> lines;
  for (const TestRecord& r : enriched) {
    v1::EnrichedStory s;
    ASSERT_TRUE(s.ParseFromString(r.value.value_or("")));
    std::string line = absl::StrCat(s.story().id(), ":");
    for (const auto& hit : s.alert_hits()) {
      absl::StrAppend(&line, " ", hit.rule_id(),
                      hit.suppressed() ? "(suppressed)" : "");
      if (hit.suppressed()) {
        EXPECT_THAT(hit.suppressed_reason(),
                    HasSubstr(absl::StrCat("already alerted for cluster c-1 "
                                           "(alert ",
                                           first_alert, ", story s-1)")));
      }
    }
    lines.push_back(line);
  }
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         "s-1: balloon", "s-1: balloon(suppressed)",
                         "s-2: balloon(suppressed)",
                         "s-1: balloon(suppressed) hotline", "s-3: balloon"));
  EXPECT_THAT(worker.Log(),
              HasSubstr("restored 1 suppression entries for partition 0"));
}

TEST(AlertBrokerTest, WebhookRetriedUntilAcceptedWithoutHoldingTheStream) {
  constexpr int kOthers = 40;
  const AlertTopics t = CreateAlertTopics(1);
  ASSERT_FALSE(t.classified.empty());
  const std::string rules = TempPath("webhook-rules.yaml");
  WriteRules(rules, kBalloonRules);
  // The desk's receiver fails twice, then takes the alert.
  alert::ScriptedHttpServer desk({500, 500, 200});
  const int port = testsupport::FreePort();
  testsupport::WorkerProcess worker(
      testsupport::WorkerBinary("alert"),
      WorkerArgs(t, rules, port,
                 {absl::StrCat("--webhook_url=", desk.url("/desk")),
                  "--webhook_timeout_ms=2000", "--webhook_max_attempts=4",
                  "--webhook_backoff_ms=2000"}));
  ASSERT_TRUE(worker.Start().ok());

  // One story that alerts, then others that keep the stream busy.
  std::vector<TestRecord> records = {
      Record(Story("s-1", "c-1", v1::DEDUP_KIND_NEW, "Balloon over Montana"))};
  for (int n = 1; n <= kOthers; ++n) {
    records.push_back(NumberedStory(2 * n + 1));  // odd: no balloon
  }
  ASSERT_TRUE(testsupport::ProduceRecords(t.classified, records).ok());
  const std::vector<TestRecord> enriched =
      ReadAtLeast(t.enriched, kOthers + 1, absl::Seconds(90));
  const std::vector<TestRecord> alerts =
      ReadAtLeast(t.alerts, 1, absl::Seconds(10));
  // Attempts come 2 s (then 4 s) apart, +-20%.
  bool three = false;
  for (int i = 0; i < 3 && !three; ++i) three = desk.AwaitRequests(3);
  ASSERT_TRUE(three) << worker.Log();
  EXPECT_EQ(AwaitMetric(port, "wirestream_alert_webhook_deliveries_total",
                        "result=\"delivered\",stage=\"alert\"", 1),
            1);
  EXPECT_EQ(Metric(port, "wirestream_alert_webhook_attempts_total",
                   "stage=\"alert\""),
            3);
  EXPECT_EQ(Metric(port, "wirestream_alert_webhook_deliveries_total",
                   "result=\"failed\",stage=\"alert\""),
            0);
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();

  ASSERT_EQ(alerts.size(), 1u);
  const v1::Alert alert = Alerts(alerts)[0];
  EXPECT_EQ(alert.story_id(), "s-1");
  const std::vector<alert::ScriptedHttpServer::Request> requests =
      desk.requests();
  ASSERT_EQ(requests.size(), 3u);  // accepted once, never sent again
  for (size_t i = 0; i < requests.size(); ++i) {
    auto headers = requests[i].headers;
    EXPECT_EQ(requests[i].method, "POST");
    EXPECT_EQ(requests[i].path, "/desk");
    EXPECT_EQ(headers["idempotency-key"], alert.alert_id());
    EXPECT_EQ(headers["x-wirestream-attempt"], absl::StrCat(i + 1));
    EXPECT_THAT(requests[i].body,
                HasSubstr(absl::StrCat("\"alertId\":\"", alert.alert_id())));
  }

  // The stream did not wait for the webhook: every story was processed
  // before the second attempt was even made.
  ASSERT_EQ(enriched.size(), static_cast<size_t>(kOthers + 1));
  for (const TestRecord& r : enriched) {
    v1::EnrichedStory s;
    ASSERT_TRUE(s.ParseFromString(r.value.value_or("")));
    const absl::Time at = absl::FromUnixSeconds(s.enriched_at().seconds()) +
                          absl::Nanoseconds(s.enriched_at().nanos());
    EXPECT_LT(at, requests[1].at) << s.story().id();
  }
}

}  // namespace
}  // namespace wirestream
