#include "pipeline/runtime/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/runtime/metrics.h"
#include "prometheus/registry.h"

namespace wirestream::runtime {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct HttpReply {
  std::string status_line;
  std::string headers;
  std::string body;
};

// Sends "<method> <path> HTTP/1.0" with `body` to 127.0.0.1:<port> and
// reads the reply until the server closes the connection. The server
// answers in HTTP/1.0 too.
absl::StatusOr<HttpReply> Send(int port, const std::string& method,
                               const std::string& path, const std::string& body,
                               const std::string& extra_headers = "") {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket failed");
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot connect to ", port));
  }
  const std::string request = absl::StrCat(
      method, " ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n", extra_headers,
      "Content-Length: ", body.size(), "\r\n\r\n", body);
  if (write(fd, request.data(), request.size()) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    return absl::UnavailableError("short write");
  }
  std::string response;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) response.append(buffer, n);
  close(fd);
  if (n < 0) return absl::DeadlineExceededError("read failed or timed out");

  HttpReply reply;
  const size_t head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    return absl::DataLossError(absl::StrCat("no header end in: ", response));
  }
  const size_t status_end = response.find("\r\n");
  reply.status_line = response.substr(0, status_end);
  reply.headers = response.substr(status_end + 2, head_end - status_end - 2);
  reply.body = response.substr(head_end + 4);
  return reply;
}

absl::StatusOr<HttpReply> Get(int port, const std::string& path) {
  return Send(port, "GET", path, "");
}

// One server for all tests: stopping civetweb takes a couple of seconds.
class HttpServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = new std::shared_ptr<prometheus::Registry>(
        std::make_shared<prometheus::Registry>());
    metrics_ = new StageMetrics(**registry_, "t");
    auto server = HttpServer::Start("127.0.0.1:0", *registry_,
                                    [] { return ready_.load(); });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }

  static void TearDownTestSuite() {
    delete server_;
    delete metrics_;
    delete registry_;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    ready_ = false;
  }

  static std::shared_ptr<prometheus::Registry>* registry_;
  static StageMetrics* metrics_;
  static std::atomic<bool> ready_;
  static HttpServer* server_;
};

std::shared_ptr<prometheus::Registry>* HttpServerTest::registry_ = nullptr;
StageMetrics* HttpServerTest::metrics_ = nullptr;
std::atomic<bool> HttpServerTest::ready_{false};
HttpServer* HttpServerTest::server_ = nullptr;

TEST_F(HttpServerTest, ServesTheRegistryOnMetrics) {
  ASSERT_GT(server_->port(), 0);
  metrics_->consumed->Increment(3);
  metrics_->DeadLettered(wirestream::v1::DEAD_LETTER_REASON_EMPTY_STORY)
      .Increment();

  auto reply = Get(server_->port(), "/metrics");

  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status_line, "HTTP/1.0 200 OK");
  EXPECT_THAT(reply->headers,
              HasSubstr("Content-Type: text/plain; version=0.0.4; "
                        "charset=utf-8\r\n"));
  EXPECT_THAT(reply->headers,
              HasSubstr(absl::StrCat("Content-Length: ", reply->body.size())));
  EXPECT_THAT(
      reply->body,
      HasSubstr("\nwirestream_records_consumed_total{stage=\"t\"} 3\n"));
  EXPECT_THAT(reply->body,
              HasSubstr("\nwirestream_records_dead_lettered_total{reason="
                        "\"empty_story\",stage=\"t\"} 1\n"));
  EXPECT_THAT(
      reply->body,
      HasSubstr("\nwirestream_records_produced_total{stage=\"t\"} 0\n"));
  EXPECT_EQ(reply->body, server_->MetricsText());
}

TEST_F(HttpServerTest, HealthzIsOkWhileTheProcessRuns) {
  auto reply = Get(server_->port(), "/healthz");

  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status_line, "HTTP/1.0 200 OK");
  EXPECT_EQ(reply->body, "ok\n");
}

TEST_F(HttpServerTest, ReadyzFollowsReadiness) {
  auto before = Get(server_->port(), "/readyz");
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->status_line, "HTTP/1.0 503 Service Unavailable");
  EXPECT_EQ(before->body,
            "not ready: waiting for partitions or state restore\n");

  ready_ = true;
  auto after = Get(server_->port(), "/readyz");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->status_line, "HTTP/1.0 200 OK");
  EXPECT_EQ(after->body, "ready\n");

  ready_ = false;
  auto again = Get(server_->port(), "/readyz");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->status_line, "HTTP/1.0 503 Service Unavailable");
}

TEST_F(HttpServerTest, OtherPathsAreNotFound) {
  auto reply = Get(server_->port(), "/metrics/extra");

  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status_line, "HTTP/1.0 404 Not Found");
}

TEST_F(HttpServerTest, AddedRoutesAnswerTheirMethodOnly) {
  std::atomic<int> calls{0};
  server_->AddRoute({"POST", "/admin/echo", [&calls](absl::string_view body) {
                       ++calls;
                       return HttpResponse{422, "text/plain",
                                           absl::StrCat("got: ", body, "\n")};
                     }});

  auto posted = Send(server_->port(), "POST", "/admin/echo", "rules");
  ASSERT_TRUE(posted.ok()) << posted.status();
  // civetweb's reason phrase for 422 is misspelt; the code is what counts.
  EXPECT_THAT(posted->status_line, StartsWith("HTTP/1.0 422 "));
  EXPECT_EQ(posted->body, "got: rules\n");

  auto got = Get(server_->port(), "/admin/echo");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->status_line, "HTTP/1.0 405 Method Not Allowed");
  EXPECT_EQ(got->body, "use POST for /admin/echo\n");
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(HttpServerTest, GuardedRoutesNeedTheBearerToken) {
  std::atomic<int> calls{0};
  server_->AddRoute({"POST", "/admin/guarded",
                     [&calls](absl::string_view) {
                       ++calls;
                       return HttpResponse{200, "text/plain", "done\n"};
                     }},
                    RouteAccess{true, "tok-123"});

  auto bare = Send(server_->port(), "POST", "/admin/guarded", "");
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(bare->status_line, "HTTP/1.0 401 Unauthorized");
  EXPECT_THAT(bare->headers, HasSubstr("WWW-Authenticate: Bearer"));
  EXPECT_EQ(bare->body,
            "admin endpoints need \"Authorization: Bearer <token>\"\n");

  auto wrong = Send(server_->port(), "POST", "/admin/guarded", "",
                    "Authorization: Bearer tok-124\r\n");
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  EXPECT_EQ(wrong->status_line, "HTTP/1.0 401 Unauthorized");
  auto basic = Send(server_->port(), "POST", "/admin/guarded", "",
                    "Authorization: tok-123\r\n");
  ASSERT_TRUE(basic.ok()) << basic.status();
  EXPECT_EQ(basic->status_line, "HTTP/1.0 401 Unauthorized");
  // Unauthorized callers learn nothing about the route, not even its
  // method.
  auto get = Get(server_->port(), "/admin/guarded");
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->status_line, "HTTP/1.0 401 Unauthorized");
  EXPECT_EQ(calls.load(), 0);

  auto right = Send(server_->port(), "POST", "/admin/guarded", "",
                    "Authorization: Bearer tok-123\r\n");
  ASSERT_TRUE(right.ok()) << right.status();
  EXPECT_EQ(right->status_line, "HTTP/1.0 200 OK");
  EXPECT_EQ(right->body, "done\n");
  EXPECT_EQ(calls.load(), 1);

  // The rest of the port stays open.
  auto metrics = Get(server_->port(), "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(metrics->status_line, "HTTP/1.0 200 OK");
}

TEST_F(HttpServerTest, GuardedRouteWithoutATokenRefusesEveryone) {
  server_->AddRoute({"POST", "/admin/closed",
                     [](absl::string_view) {
                       return HttpResponse{200, "text/plain", "done\n"};
                     }},
                    RouteAccess{true, ""});
  for (const std::string& header :
       {std::string(), std::string("Authorization: Bearer \r\n"),
        std::string("Authorization: Bearer x\r\n")}) {
    auto reply = Send(server_->port(), "POST", "/admin/closed", "", header);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(reply->status_line, "HTTP/1.0 401 Unauthorized") << header;
    EXPECT_THAT(reply->body, HasSubstr("this worker has none"));
  }
}

TEST_F(HttpServerTest, PortInUseIsUnavailable) {
  const std::string address = absl::StrCat("127.0.0.1:", server_->port());
  auto second = HttpServer::Start(address, *registry_, [] { return true; });

  EXPECT_EQ(second.status(), absl::UnavailableError(absl::StrCat(
                                 "cannot serve HTTP on ", address,
                                 " (address in use or invalid?)")));
}

}  // namespace
}  // namespace wirestream::runtime
