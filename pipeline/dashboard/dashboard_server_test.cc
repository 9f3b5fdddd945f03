#include "pipeline/dashboard/dashboard_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::dashboard {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Sends `request` to 127.0.0.1:port and returns what comes back until the
// server closes, `until` appears, or 10 s pass.
std::string Exchange(int port, const std::string& request,
                     const std::string& until = "") {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  send(fd, request.data(), request.size(), 0);
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
    response.append(buf, n);
    if (!until.empty() && absl::StrContains(response, until)) break;
  }
  close(fd);
  return response;
}

std::string Get(int port, const std::string& path,
                const std::string& headers = "") {
  return Exchange(port,
                  absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                               headers, "Connection: close\r\n\r\n"));
}

class DashboardServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    window_ = *StoryWindow::Create({});
    v1::EnrichedStory story;
    story.mutable_story()->set_id("quake 1");
    story.mutable_story()->set_headline("<b>Earthquake</b> hits Chile");
    story.mutable_verdict()->set_cluster_id("c-quake");
    window_->AddStory(story, absl::Now(), absl::Now());
  }

  void Start(const std::string& token) {
    ServerOptions options;
    options.address = "127.0.0.1:0";
    options.token = token;
    options.max_clients = 2;
    options.keepalive = absl::Milliseconds(200);
    auto server =
        DashboardServer::Start(options, window_.get(), &updates_, registry_,
                               &metrics_, [this] { return ready_.load(); });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::unique_ptr<StoryWindow> window_;
  LiveUpdates updates_{100};
  std::shared_ptr<prometheus::Registry> registry_ =
      std::make_shared<prometheus::Registry>();
  DashboardMetrics metrics_{*registry_};
  std::atomic<bool> ready_{false};
  std::unique_ptr<DashboardServer> server_;
};

TEST_F(DashboardServerTest, ServesThePageWithAPolicyAgainstInlineScript) {
  Start("");
  const std::string page = Get(server_->port(), "/");
  EXPECT_THAT(page, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(page, HasSubstr(absl::StrCat("Content-Security-Policy: ",
                                           kContentSecurityPolicy, "\r\n")));
  EXPECT_THAT(page, HasSubstr("X-Content-Type-Options: nosniff"));
  EXPECT_THAT(page, HasSubstr("<script src=\"/app.js\" defer></script>"));
  // Every script is a file: no inline script, no handler attributes.
  EXPECT_THAT(page, Not(HasSubstr("<script>")));
  EXPECT_THAT(page, Not(HasSubstr("onclick")));
  EXPECT_THAT(Get(server_->port(), "/app.js"),
              HasSubstr("Content-Type: text/javascript; charset=utf-8"));
  EXPECT_THAT(Get(server_->port(), "/app.css"),
              HasSubstr("Content-Type: text/css; charset=utf-8"));
  EXPECT_THAT(Get(server_->port(), "/nothing-here"),
              StartsWith("HTTP/1.1 404"));
}

TEST_F(DashboardServerTest, AnswersTheApi) {
  Start("");
  const int port = server_->port();
  const std::string stories = Get(port, "/api/stories?limit=5");
  EXPECT_THAT(stories, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(stories, HasSubstr("application/json"));
  EXPECT_THAT(stories, HasSubstr(R"({"stories":[{"id":"quake 1")"));
  EXPECT_THAT(stories, HasSubstr(R"(\u003cb\u003eEarthquake)"));
  EXPECT_THAT(Get(port, "/api/stories?country=FR"),
              HasSubstr(R"({"stories":[],"total":0})"));
  EXPECT_THAT(Get(port, "/api/stories/quake%201"),
              HasSubstr(R"({"summary":{"id":"quake 1")"));
  EXPECT_THAT(Get(port, "/api/stories/other"), StartsWith("HTTP/1.1 404"));
  EXPECT_THAT(Get(port, "/api/stories?since=soon"), StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(Get(port, "/api/stories?limit=0"), StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(Get(port, "/api/alerts"), HasSubstr(R"({"alerts":[]})"));
  EXPECT_THAT(Get(port, "/api/counts"), HasSubstr(R"("stories":1,)"));
  EXPECT_THAT(Exchange(port,
                       "POST /api/stories HTTP/1.1\r\nHost: x\r\n"
                       "Content-Length: 0\r\nConnection: close\r\n\r\n"),
              StartsWith("HTTP/1.1 405"));
}

TEST_F(DashboardServerTest, TheTokenGuardsThePageAndTheApiOnly) {
  Start("s3cret");
  const int port = server_->port();
  EXPECT_THAT(Get(port, "/api/stories"), StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(Get(port, "/"), StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(Get(port, "/api/stories", "Authorization: Bearer wrong\r\n"),
              StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(Get(port, "/api/stories", "Authorization: Bearer s3cret\r\n"),
              StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(Get(port, "/api/stories",
                  "Cookie: wirestream_dashboard_token=s3cret\r\n"),
              StartsWith("HTTP/1.1 200"));
  const std::string page = Get(port, "/?token=s3cret");
  EXPECT_THAT(page, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(page, HasSubstr("Set-Cookie: wirestream_dashboard_token=s3cret; "
                              "Path=/; HttpOnly; SameSite=Strict"));
  EXPECT_THAT(Get(port, "/healthz"), StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(Get(port, "/readyz"), StartsWith("HTTP/1.1 503"));
  ready_ = true;
  EXPECT_THAT(Get(port, "/readyz"), StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(Get(port, "/metrics"),
              HasSubstr("wirestream_dashboard_requests_unauthorized_total 3"));
}

TEST_F(DashboardServerTest, StreamsLiveEventsAndResumesAfterTheLastSeen) {
  Start("");
  const int port = server_->port();
  updates_.Publish("story", R"({"id":"first"})", absl::Now());
  std::thread publisher([this] {
    absl::SleepFor(absl::Milliseconds(300));
    updates_.Publish("alert", R"({"alert_id":"al-1"})", absl::Now());
  });
  const std::string stream =
      Exchange(port,
               "GET /api/events HTTP/1.1\r\nHost: x\r\nConnection: "
               "close\r\n\r\n",
               "al-1\"}\n\n");
  publisher.join();
  EXPECT_THAT(stream, HasSubstr("Content-Type: text/event-stream"));
  // Only what was published after connecting.
  EXPECT_THAT(stream, Not(HasSubstr("first")));
  EXPECT_THAT(stream, HasSubstr("id: 2\nevent: alert\ndata: "
                                "{\"alert_id\":\"al-1\"}\n\n"));

  const std::string resumed =
      Exchange(port,
               "GET /api/events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: "
               "0\r\nConnection: close\r\n\r\n",
               "al-1\"}\n\n");
  EXPECT_THAT(resumed, HasSubstr("id: 1\nevent: story\ndata: "
                                 "{\"id\":\"first\"}\n\nid: 2\n"));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_THAT(Get(port, "/metrics"),
              HasSubstr("wirestream_dashboard_live_events_sent_total 3"));
}

}  // namespace
}  // namespace wirestream::dashboard
