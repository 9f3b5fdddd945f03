// The push server on a socket: what malformed, oversized, endless and
// cut-off requests get, byte for byte as a sender would send them.
#include "pipeline/ingest/push_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/ingest/testing/fake_story_log.h"

namespace wirestream::ingest {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kToken[] = "server-test-token-0123456789";

// Sends `request` (closing the sending side when `half_close`), returns
// everything the server answered.
std::string Exchange(int port, const std::string& request, bool half_close) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n =
        send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (413)
    sent += static_cast<size_t>(n);
  }
  if (half_close) shutdown(fd, SHUT_WR);
  std::string response;
  char buffer[4096];
  ssize_t n;
  // Read one response: headers, then Content-Length bytes (the server may
  // keep the connection open a while after a refusal).
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
    response.append(buffer, n);
    const size_t end = response.find("\r\n\r\n");
    const size_t length_at = response.find("Content-Length: ");
    if (end == std::string::npos || length_at == std::string::npos ||
        length_at > end) {
      continue;
    }
    size_t length = 0;
    if (absl::SimpleAtoi(
            response.substr(length_at + 16,
                            response.find("\r\n", length_at) - length_at - 16),
            &length) &&
        response.size() >= end + 4 + length) {
      break;
    }
  }
  close(fd);
  return response;
}

class PushServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    const std::string path =
        absl::StrCat(tmp ? tmp : "/tmp", "/push-server-test.tokens");
    std::ofstream(path) << "ap " << kToken << "\n";
    tokens_ = *AccessTokens::Load(path);
    queue_ =
        std::make_unique<CommitQueue>(&log_, &ledger_, CommitQueueOptions{});
    PushGatewayOptions options;
    options.max_body_bytes = 1000;
    gateway_ = std::make_unique<PushGateway>(options, tokens_.get(), &limiter_,
                                             queue_.get(), nullptr);
    server_ = *PushServer::Start("127.0.0.1:0", gateway_.get(), {});
  }

  std::string Head(const std::string& extra) {
    return absl::StrCat(
        "POST /v1/stories/ap HTTP/1.1\r\nHost: x\r\n"
        "Authorization: Bearer ",
        kToken, "\r\n", extra, "\r\n");
  }

  FakeStoryLog log_;
  TakenLedger ledger_{absl::Hours(1)};
  RateLimiter limiter_{0, 0};
  std::unique_ptr<AccessTokens> tokens_;
  std::unique_ptr<CommitQueue> queue_;
  std::unique_ptr<PushGateway> gateway_;
  std::unique_ptr<PushServer> server_;
};

TEST_F(PushServerTest, AcceptsAWellFormedPost) {
  const std::string response = Exchange(
      server_->port(),
      Head("Content-Type: text/plain\r\nContent-Length: 5\r\n") + "STORM",
      true);
  EXPECT_THAT(response, StartsWith("HTTP/1.1 202"));
  EXPECT_THAT(response, HasSubstr("\"partition\":0,\"offset\":0"));
  ASSERT_EQ(log_.stories().size(), 1u);
  EXPECT_EQ(log_.stories()[0].story.payload(), "STORM");
}

TEST_F(PushServerTest, MalformedRequestLineGets400) {
  EXPECT_THAT(Exchange(server_->port(), "HELLO THERE\r\n\r\n", true),
              HasSubstr(" 400 Bad Request\r\n"));
  EXPECT_EQ(log_.writes(), 0);
}

TEST_F(PushServerTest, DotDotInThePathIsRefused) {
  const std::string response =
      Exchange(server_->port(),
               "POST /v1/stories/..%2F..%2Fetc HTTP/1.1\r\nHost: x\r\n"
               "Content-Length: 1\r\n\r\nx",
               true);
  EXPECT_THAT(response, HasSubstr("HTTP/1.1 4"));
  EXPECT_EQ(log_.writes(), 0);
}

TEST_F(PushServerTest, OversizedContentLengthGets413WithoutReading) {
  const std::string response = Exchange(
      server_->port(), Head("Content-Length: 100000000\r\n") + "x", false);
  EXPECT_THAT(response, StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(response, HasSubstr("Connection: close"));
  EXPECT_EQ(log_.writes(), 0);
}

TEST_F(PushServerTest, EndlessChunkedBodyGets413) {
  std::string chunks;
  for (int i = 0; i < 200; ++i)
    absl::StrAppend(&chunks, "10\r\n", std::string(16, 'x'), "\r\n");
  const std::string response = Exchange(
      server_->port(), Head("Transfer-Encoding: chunked\r\n") + chunks, false);
  EXPECT_THAT(response, StartsWith("HTTP/1.1 413"));
  EXPECT_EQ(log_.writes(), 0);
}

TEST_F(PushServerTest, BodyCutShortGets400AndNothingIsWritten) {
  const std::string response =
      Exchange(server_->port(),
               Head("Content-Length: 500\r\n") +
                   "only forty bytes of a story, then EOF..",
               true);
  EXPECT_THAT(response, StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(response, HasSubstr("Content-Length said 500"));
  EXPECT_EQ(log_.writes(), 0);
}

}  // namespace
}  // namespace wirestream::ingest
