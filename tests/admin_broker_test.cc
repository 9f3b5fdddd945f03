// The alert worker's admin endpoint (POST /admin/reload) on a listener of
// its own, guarded by a bearer token: 401 without it or with a wrong one,
// 200 with it; the metrics port no longer serves it, and the token shows up
// in no log line and no metric.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/broker.h"
#include "tests/support/worker_process.h"

namespace wirestream {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kTokenVariable[] = "WIRESTREAM_TEST_ADMIN_TOKEN";
constexpr char kToken[] = "admin-token-7f3c9a1e";

// Sends "POST <path> HTTP/1.0" with `headers` to 127.0.0.1:<port>; returns
// the whole reply (status line, headers, body).
absl::StatusOr<std::string> Post(int port, const std::string& path,
                                 const std::string& headers) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket failed");
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot connect to ", port));
  }
  const std::string request =
      absl::StrCat("POST ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n", headers,
                   "Content-Length: 0\r\n\r\n");
  if (write(fd, request.data(), request.size()) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    return absl::UnavailableError("short write");
  }
  std::string reply;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) reply.append(buffer, n);
  close(fd);
  return reply;
}

TEST(AdminBrokerTest, ReloadOnItsOwnListenerNeedsTheToken) {
  auto classified = testsupport::CreateUniqueTopic("classified", 1);
  auto enriched = testsupport::CreateUniqueTopic("enriched", 1);
  auto alerts = testsupport::CreateUniqueTopic("alerts", 1);
  auto dlq = testsupport::CreateUniqueTopic("dlq", 1);
  auto state = testsupport::CreateUniqueTopic("state", 1,
                                              {{"cleanup.policy", "compact"}});
  ASSERT_TRUE(classified.ok() && enriched.ok() && alerts.ok() && dlq.ok() &&
              state.ok());
  const std::string rules =
      absl::StrCat(getenv("TEST_TMPDIR"), "/admin-rules.yaml");
  std::ofstream(rules) << "rules:\n  - id: hotline\n    name: Hotline\n"
                          "    query: hotline\n";

  setenv(kTokenVariable, kToken, 1);
  const int http_port = testsupport::FreePort();
  int admin_port = testsupport::FreePort();
  while (admin_port == http_port) admin_port = testsupport::FreePort();
  testsupport::WorkerProcess worker(
      testsupport::WorkerBinary("alert"),
      {absl::StrCat("--bootstrap=", *testsupport::BootstrapServers()),
       "--input=" + *classified, "--output=" + *enriched, "--dlq=" + *dlq,
       "--group=" + *classified + ".group", "--alerts_topic=" + *alerts,
       "--changelog_topic=" + *state, "--rules=" + rules,
       absl::StrCat("--http=127.0.0.1:", http_port),
       absl::StrCat("--admin_http=127.0.0.1:", admin_port),
       absl::StrCat("--admin_token_env=", kTokenVariable)});
  ASSERT_TRUE(worker.Start().ok());

  absl::StatusOr<std::string> bare = absl::UnavailableError("not tried");
  for (int i = 0; i < 300 && !bare.ok(); ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    bare = Post(admin_port, "/admin/reload", "");
  }
  ASSERT_TRUE(bare.ok()) << bare.status() << worker.Log();
  EXPECT_THAT(*bare, StartsWith("HTTP/1.0 401 "));
  EXPECT_THAT(*bare, HasSubstr("Authorization: Bearer <token>"));

  auto wrong = Post(admin_port, "/admin/reload",
                    "Authorization: Bearer admin-token-wrong\r\n");
  ASSERT_TRUE(wrong.ok());
  EXPECT_THAT(*wrong, StartsWith("HTTP/1.0 401 "));

  auto right = Post(admin_port, "/admin/reload",
                    absl::StrCat("Authorization: Bearer ", kToken, "\r\n"));
  ASSERT_TRUE(right.ok());
  EXPECT_THAT(*right, StartsWith("HTTP/1.0 200 "));
  EXPECT_THAT(*right, HasSubstr("reloaded 1 rules\n"));

  // The metrics port does not serve admin endpoints any more.
  auto on_metrics_port =
      Post(http_port, "/admin/reload",
           absl::StrCat("Authorization: Bearer ", kToken, "\r\n"));
  ASSERT_TRUE(on_metrics_port.ok());
  EXPECT_THAT(*on_metrics_port, StartsWith("HTTP/1.0 404 "));
  auto metrics = testsupport::HttpGet(http_port, "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_THAT(*metrics, Not(HasSubstr(kToken)));

  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();
  EXPECT_THAT(worker.Log(),
              HasSubstr(absl::StrCat("alert: admin endpoints on "
                                     "http://127.0.0.1:",
                                     admin_port, " (POST /admin/reload)")));
  EXPECT_THAT(worker.Log(), HasSubstr("alert: admin endpoints need the admin "
                                      "token"));
  EXPECT_THAT(worker.Log(), Not(HasSubstr(kToken)));
  unsetenv(kTokenVariable);
}

TEST(AdminBrokerTest, BadTokenFlagsStopTheWorkerWithExitCode2) {
  unsetenv("WIRESTREAM_TEST_ADMIN_TOKEN_UNSET");
  testsupport::WorkerProcess worker(
      testsupport::WorkerBinary("alert"),
      {absl::StrCat("--bootstrap=", *testsupport::BootstrapServers()),
       "--rules=unused.yaml",
       "--admin_token_env=WIRESTREAM_TEST_ADMIN_TOKEN_UNSET"});
  ASSERT_TRUE(worker.Start().ok());
  std::optional<int> code = worker.Wait(absl::Seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_THAT(worker.Log(),
              HasSubstr("bad flags: --admin_token_env: environment variable "
                        "WIRESTREAM_TEST_ADMIN_TOKEN_UNSET is not set"));
}

}  // namespace
}  // namespace wirestream
