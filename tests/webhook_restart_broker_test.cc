// Webhook deliveries waiting for a retry survive a crash of the alert
// worker: the receiver fails the first attempt, the worker is killed with
// SIGKILL before the retry is due, and the restarted worker makes that
// retry (attempt 2, the same Idempotency-Key) from its --webhook_journal_dir.
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>

#include <fstream>
#include <string>
#include <vector>

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
using testsupport::TestRecord;

struct AlertTopics {
  std::string classified, enriched, alerts, state, dlq;
};

AlertTopics CreateAlertTopics() {
  AlertTopics t;
  auto classified = testsupport::CreateUniqueTopic("classified", 1);
  auto enriched = testsupport::CreateUniqueTopic("enriched", 1);
  auto alerts = testsupport::CreateUniqueTopic("alerts", 1);
  auto state = testsupport::CreateUniqueTopic("alert-state", 1,
                                              {{"cleanup.policy", "compact"}});
  auto dlq = testsupport::CreateUniqueTopic("dlq", 1);
  EXPECT_TRUE(classified.ok() && enriched.ok() && alerts.ok() && state.ok() &&
              dlq.ok());
  t.classified = classified.value_or("");
  t.enriched = enriched.value_or("");
  t.alerts = alerts.value_or("");
  t.state = state.value_or("");
  t.dlq = dlq.value_or("");
  return t;
}

TestRecord BalloonStory() {
  v1::EnrichedStory s;
  s.mutable_story()->set_id("s-1");
  s.mutable_story()->set_headline("Balloon over Montana");
  s.mutable_story()->add_paragraphs("Officials tracked it for a day.");
  s.mutable_story()->set_language("en");
  s.mutable_story()->mutable_received_at()->set_seconds(1764320000);
  s.mutable_verdict()->set_cluster_id("c-1");
  s.mutable_verdict()->set_kind(v1::DEDUP_KIND_NEW);
  TestRecord r;
  r.key = "s-1";
  r.value = s.SerializeAsString();
  return r;
}

// Waits (up to a minute) until `server` has read `n` requests.
bool AwaitRequests(const alert::ScriptedHttpServer& server, size_t n) {
  for (int i = 0; i < 6; ++i) {
    if (server.AwaitRequests(n)) return true;
  }
  return false;
}

TEST(WebhookRestartBrokerTest, WaitingRetrySurvivesKill9) {
  const AlertTopics t = CreateAlertTopics();
  ASSERT_FALSE(t.classified.empty());
  const std::string tmp = getenv("TEST_TMPDIR");
  const std::string rules = tmp + "/balloon-rules.yaml";
  std::ofstream(rules) << "rules:\n  - id: balloon\n    name: Balloons\n"
                          "    query: balloon*\n";
  const std::string journal = tmp + "/webhook-journal";
  // The receiver is down for the first attempt, up for the second.
  alert::ScriptedHttpServer desk({503, 200});
  const std::vector<std::string> args = {
      absl::StrCat("--bootstrap=", *testsupport::BootstrapServers()),
      "--input=" + t.classified, "--output=" + t.enriched, "--dlq=" + t.dlq,
      "--group=" + t.classified + ".group", "--alerts_topic=" + t.alerts,
      "--changelog_topic=" + t.state, "--rules=" + rules,
      absl::StrCat("--http=127.0.0.1:", testsupport::FreePort()),
      "--webhook_url=" + desk.url("/desk"), "--webhook_max_attempts=3",
      // Long enough that the kill comes first (-20% jitter: 12 s).
      "--webhook_backoff_ms=15000", "--webhook_journal_dir=" + journal,
      "--kafka=session.timeout.ms=6000", "--kafka=heartbeat.interval.ms=500"};
  testsupport::WorkerProcess worker(testsupport::WorkerBinary("alert"), args);
  ASSERT_TRUE(worker.Start().ok());
  ASSERT_TRUE(testsupport::ProduceRecords(t.classified, {BalloonStory()}).ok());

  // The first attempt failed, and the story's batch is committed: nothing
  // will be read again, so only the journal can bring the retry back.
  ASSERT_TRUE(AwaitRequests(desk, 1)) << worker.Log();
  auto enriched = testsupport::ReadRecords(
      t.enriched, {.min_records = 1, .timeout = absl::Seconds(60)});
  ASSERT_TRUE(enriched.ok());
  ASSERT_EQ(enriched->size(), 1u) << worker.Log();
  worker.Kill();
  ASSERT_EQ(desk.requests().size(), 1u) << "the retry came before the kill";

  ASSERT_TRUE(worker.Start().ok());
  ASSERT_TRUE(AwaitRequests(desk, 2)) << worker.Log();
  const std::vector<alert::ScriptedHttpServer::Request> requests =
      desk.requests();
  ASSERT_EQ(requests.size(), 2u);
  const std::string key = requests[0].headers.at("idempotency-key");
  EXPECT_FALSE(key.empty());
  EXPECT_EQ(requests[1].headers.at("idempotency-key"), key);
  EXPECT_EQ(requests[0].headers.at("x-wirestream-attempt"), "1");
  EXPECT_EQ(requests[1].headers.at("x-wirestream-attempt"), "2");
  EXPECT_EQ(requests[1].body, requests[0].body);
  EXPECT_THAT(requests[1].body, HasSubstr("\"ruleId\":\"balloon\""));

  // Delivered: nothing is left waiting, and the restarted worker said what
  // it resumed.
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();
  EXPECT_THAT(worker.Log(),
              HasSubstr("resuming 1 webhook deliveries from " + journal));
  auto alerts = testsupport::ReadRecords(
      t.alerts, {.min_records = 1, .timeout = absl::Seconds(10)});
  ASSERT_TRUE(alerts.ok());
  EXPECT_EQ(alerts->size(), 1u);
  int files = 0;
  if (DIR* dir = opendir(journal.c_str())) {
    while (dirent* e = readdir(dir)) {
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") {
        ++files;
      }
    }
    closedir(dir);
  }
  EXPECT_EQ(files, 0);
  EXPECT_EQ(desk.requests().size(), 2u);
}

}  // namespace
}  // namespace wirestream
