#include "pipeline/stages/alert/webhook.h"

#include <google/protobuf/util/json_util.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/alert/scripted_http_server.h"
#include "prometheus/registry.h"

namespace wirestream::alert {
namespace {

wirestream::v1::Alert MakeAlert(const std::string& id) {
  wirestream::v1::Alert a;
  a.set_alert_id(id);
  a.set_rule_id("spy-balloon");
  a.set_rule_name("Spy balloons");
  a.set_story_id("s-1");
  a.set_cluster_id("c-1");
  a.set_severity(wirestream::v1::SEVERITY_CRITICAL);
  a.set_snippet("Chinese «spy balloon» over Montana");
  return a;
}

WebhookTarget Target(const std::string& url, int max_attempts = 5,
                     absl::Duration timeout = absl::Seconds(5)) {
  WebhookTarget t;
  t.channel = "webhook:desk";
  t.url = url;
  t.max_attempts = max_attempts;
  t.timeout = timeout;
  return t;
}

WebhookOptions FastOptions(AlertMetrics* metrics = nullptr) {
  WebhookOptions o;
  o.initial_backoff = absl::Milliseconds(20);
  o.max_backoff = absl::Milliseconds(200);
  o.jitter = 0;
  o.threads = 1;
  o.metrics = metrics;
  return o;
}

// Waits (at most 10 s) until the sender has nothing pending.
void AwaitIdle(const WebhookSender& sender) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (sender.pending() > 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
}

TEST(RedactUrlTest, KeepsSchemeAndHost) {
  EXPECT_EQ(RedactUrl("https://hooks.example.com/services/T0/B0/secret"),
            "https://hooks.example.com/…");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:8080?token=x"),
            "http://127.0.0.1:8080/…");
  EXPECT_EQ(RedactUrl("https://example.com"), "https://example.com");
}

TEST(WebhookSenderTest, PostsAlertAsJsonWithIdempotencyKey) {
  ScriptedHttpServer server({200});
  prometheus::Registry registry;
  AlertMetrics metrics(registry);
  auto sender = WebhookSender::Create(FastOptions(&metrics));
  ASSERT_TRUE(sender.ok()) << sender.status();
  WebhookTarget target = Target(server.url("/hooks/world"));
  target.headers = {{"Authorization", "Bearer s3cret"}};
  ASSERT_TRUE((*sender)->Enqueue(target, MakeAlert("al-0001")));
  ASSERT_TRUE(server.AwaitRequests(1));
  AwaitIdle(**sender);

  std::vector<ScriptedHttpServer::Request> r = server.requests();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].method, "POST");
  EXPECT_EQ(r[0].path, "/hooks/world");
  EXPECT_EQ(r[0].headers["content-type"], "application/json");
  EXPECT_EQ(r[0].headers["idempotency-key"], "al-0001");
  EXPECT_EQ(r[0].headers["x-wirestream-attempt"], "1");
  EXPECT_EQ(r[0].headers["authorization"], "Bearer s3cret");
  wirestream::v1::Alert sent;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(r[0].body, &sent).ok())
      << r[0].body;
  EXPECT_EQ(sent.alert_id(), "al-0001");
  EXPECT_EQ(sent.rule_id(), "spy-balloon");
  EXPECT_EQ(sent.severity(), wirestream::v1::SEVERITY_CRITICAL);
  EXPECT_EQ(sent.snippet(), "Chinese «spy balloon» over Montana");
  EXPECT_THAT(r[0].body, ::testing::HasSubstr("\"alertId\":\"al-0001\""));

  EXPECT_EQ((*sender)->delivered(), 1u);
  EXPECT_EQ((*sender)->attempts(), 1u);
  EXPECT_EQ((*sender)->failed(), 0u);
  EXPECT_EQ(metrics.webhook_delivered->Value(), 1);
  EXPECT_EQ(metrics.webhook_attempts->Value(), 1);
}

TEST(WebhookSenderTest, RetriesWithBackoffUntilDelivered) {
  // Fails twice, then succeeds.
  ScriptedHttpServer server({500, 503, 200});
  prometheus::Registry registry;
  AlertMetrics metrics(registry);
  auto sender = WebhookSender::Create(FastOptions(&metrics));
  ASSERT_TRUE(sender.ok());
  ASSERT_TRUE((*sender)->Enqueue(Target(server.url()), MakeAlert("al-0002")));
  ASSERT_TRUE(server.AwaitRequests(3));
  AwaitIdle(**sender);

  std::vector<ScriptedHttpServer::Request> r = server.requests();
  ASSERT_EQ(r.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(r[i].headers["idempotency-key"], "al-0002");
    EXPECT_EQ(r[i].headers["x-wirestream-attempt"], std::to_string(i + 1));
    EXPECT_EQ(r[i].body, r[0].body);
  }
  // Backoff 20 ms, then 40 ms (no jitter); only lower bounds are certain.
  EXPECT_GE(r[1].at - r[0].at, absl::Milliseconds(20));
  EXPECT_GE(r[2].at - r[1].at, absl::Milliseconds(40));
  EXPECT_EQ((*sender)->delivered(), 1u);
  EXPECT_EQ((*sender)->attempts(), 3u);
  EXPECT_EQ((*sender)->failed(), 0u);
  EXPECT_EQ(metrics.webhook_delivered->Value(), 1);
  EXPECT_EQ(metrics.webhook_attempts->Value(), 3);
}

TEST(WebhookSenderTest, GivesUpAfterMaxAttempts) {
  ScriptedHttpServer server({502});
  auto sender = WebhookSender::Create(FastOptions());
  ASSERT_TRUE(sender.ok());
  ASSERT_TRUE((*sender)->Enqueue(Target(server.url(), /*max_attempts=*/3),
                                 MakeAlert("al-0003")));
  ASSERT_TRUE(server.AwaitRequests(3));
  AwaitIdle(**sender);
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ((*sender)->failed(), 1u);
  EXPECT_EQ((*sender)->delivered(), 0u);
  EXPECT_EQ((*sender)->attempts(), 3u);
}

TEST(WebhookSenderTest, ClientErrorIsNotRetried) {
  ScriptedHttpServer server({400, 200});
  auto sender = WebhookSender::Create(FastOptions());
  ASSERT_TRUE(sender.ok());
  ASSERT_TRUE((*sender)->Enqueue(Target(server.url()), MakeAlert("al-0004")));
  ASSERT_TRUE(server.AwaitRequests(1));
  AwaitIdle(**sender);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ((*sender)->failed(), 1u);
  EXPECT_EQ((*sender)->attempts(), 1u);
}

TEST(WebhookSenderTest, TooManyRequestsIsRetried) {
  ScriptedHttpServer server({429, 200});
  auto sender = WebhookSender::Create(FastOptions());
  ASSERT_TRUE(sender.ok());
  ASSERT_TRUE((*sender)->Enqueue(Target(server.url()), MakeAlert("al-0005")));
  ASSERT_TRUE(server.AwaitRequests(2));
  AwaitIdle(**sender);
  EXPECT_EQ((*sender)->delivered(), 1u);
  EXPECT_EQ((*sender)->attempts(), 2u);
}

TEST(WebhookSenderTest, TimeoutIsRetriedThenFails) {
  ScriptedHttpServer server({0});  // never answers
  auto sender = WebhookSender::Create(FastOptions());
  ASSERT_TRUE(sender.ok());
  const absl::Time start = absl::Now();
  ASSERT_TRUE((*sender)->Enqueue(
      Target(server.url(), /*max_attempts=*/2, absl::Milliseconds(200)),
      MakeAlert("al-0006")));
  ASSERT_TRUE(server.AwaitRequests(2));
  AwaitIdle(**sender);
  EXPECT_EQ((*sender)->failed(), 1u);
  EXPECT_EQ((*sender)->attempts(), 2u);
  // Two timed-out attempts and one backoff, far below the server's 5 s hold.
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));
}

TEST(WebhookSenderTest, ConnectionRefusedIsRetriedThenFails) {
  // A port that was just free: nothing listens on it.
  int port;
  {
    ScriptedHttpServer gone({200});
    port = gone.port();
  }
  auto sender = WebhookSender::Create(FastOptions());
  ASSERT_TRUE(sender.ok());
  ASSERT_TRUE((*sender)->Enqueue(
      Target(absl::StrCat("http://127.0.0.1:", port, "/hook"), 2),
      MakeAlert("al-0007")));
  AwaitIdle(**sender);
  EXPECT_EQ((*sender)->failed(), 1u);
  EXPECT_EQ((*sender)->attempts(), 2u);
}

TEST(WebhookSenderTest, EnqueueNeverBlocksAndDropsBeyondCapacity) {
  ScriptedHttpServer server({0});  // the first request hangs
  prometheus::Registry registry;
  AlertMetrics metrics(registry);
  WebhookOptions options = FastOptions(&metrics);
  options.queue_capacity = 2;
  auto sender = WebhookSender::Create(options);
  ASSERT_TRUE(sender.ok());
  const WebhookTarget target = Target(server.url(), 1, absl::Milliseconds(500));
  const absl::Time start = absl::Now();
  int accepted = 0;
  for (int i = 0; i < 5; ++i) {
    accepted += (*sender)->Enqueue(target, MakeAlert(absl::StrCat("al-", i)));
  }
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(100));
  EXPECT_EQ(accepted, 2);
  EXPECT_EQ((*sender)->dropped(), 3u);
  EXPECT_EQ(metrics.webhook_dropped->Value(), 3);
}

TEST(WebhookSenderTest, ShutdownDropsWhatIsLeft) {
  ScriptedHttpServer server({503});
  WebhookOptions options = FastOptions();
  options.initial_backoff = options.max_backoff = absl::Seconds(60);
  auto sender = WebhookSender::Create(options);
  ASSERT_TRUE(sender.ok());
  ASSERT_TRUE((*sender)->Enqueue(Target(server.url()), MakeAlert("al-0008")));
  ASSERT_TRUE(server.AwaitRequests(1));
  // The retry waits 60 s; a short grace gives up on it.
  const absl::Time start = absl::Now();
  (*sender)->Shutdown(absl::Milliseconds(100));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ((*sender)->dropped(), 1u);
  EXPECT_EQ((*sender)->pending(), 0u);
  EXPECT_FALSE((*sender)->Enqueue(Target(server.url()), MakeAlert("late")));
  EXPECT_EQ((*sender)->dropped(), 2u);
}

TEST(WebhookSenderTest, JournalledRetryIsTakenUpByTheNextSender) {
  const std::string journal = std::string(getenv("TEST_TMPDIR")) + "/journal";
  ScriptedHttpServer server({503, 200});
  WebhookOptions options = FastOptions();
  options.initial_backoff = options.max_backoff = absl::Milliseconds(300);
  options.journal_dir = journal;
  auto first = WebhookSender::Create(options);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE((*first)->Enqueue(Target(server.url()), MakeAlert("al-0021")));
  ASSERT_TRUE(server.AwaitRequests(1));
  // The retry is waiting: this sender stops without dropping it.
  EXPECT_EQ((*first)->Shutdown(absl::ZeroDuration()), 0u);
  EXPECT_EQ((*first)->dropped(), 0u);
  EXPECT_EQ(server.requests().size(), 1u);

  auto second = WebhookSender::Create(options);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->resumed(), 1u);
  ASSERT_TRUE(server.AwaitRequests(2));
  AwaitIdle(**second);
  EXPECT_EQ((*second)->delivered(), 1u);
  const std::vector<ScriptedHttpServer::Request> requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].headers.at("idempotency-key"), "al-0021");
  EXPECT_EQ(requests[1].headers.at("x-wirestream-attempt"), "2");
  EXPECT_EQ(requests[1].body, requests[0].body);
  (*second)->Shutdown(absl::ZeroDuration());

  // Delivered: a third sender finds nothing.
  auto third = WebhookSender::Create(options);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ((*third)->resumed(), 0u);
}

TEST(WebhookSenderTest, UnusableJournalDirectoryIsRefused) {
  WebhookOptions options = FastOptions();
  options.journal_dir = "/nonexistent/parent/journal";
  EXPECT_EQ(WebhookSender::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(WebhookSenderTest, RejectsBadOptions) {
  WebhookOptions o;
  o.threads = 0;
  EXPECT_EQ(WebhookSender::Create(o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o = WebhookOptions();
  o.jitter = 1.5;
  EXPECT_EQ(WebhookSender::Create(o).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wirestream::alert
