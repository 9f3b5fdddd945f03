#include "pipeline/stages/alert/scripted_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace wirestream::alert {
namespace {

// Waits up to 50 ms for `fd` to be readable; false on timeout.
bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 50) > 0;
}

}  // namespace

ScriptedHttpServer::ScriptedHttpServer(std::vector<int> script)
    : script_(script.empty() ? std::vector<int>{200} : std::move(script)) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(fd_, 16) != 0) {
    std::perror("ScriptedHttpServer: bind/listen on 127.0.0.1");
    return;
  }
  socklen_t len = sizeof(addr);
  getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

ScriptedHttpServer::~ScriptedHttpServer() { Stop(); }

void ScriptedHttpServer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

std::string ScriptedHttpServer::url(absl::string_view path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

std::vector<ScriptedHttpServer::Request> ScriptedHttpServer::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

bool ScriptedHttpServer::AwaitRequests(size_t n) const {
  absl::MutexLock lock(&mu_);
  auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return requests_.size() >= n;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
}

void ScriptedHttpServer::Serve() {
  for (int connections = 0; connections < 100 && !stop_;) {
    if (!Readable(fd_)) continue;
    const int conn = accept(fd_, nullptr, nullptr);
    if (conn < 0) continue;
    ++connections;
    Handle(conn);
    close(conn);
  }
}

void ScriptedHttpServer::Handle(int conn) {
  std::string data;
  char buf[4096];
  size_t header_end = std::string::npos;
  size_t content_length = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(2);
  while (!stop_ && absl::Now() < deadline && data.size() < (1 << 20)) {
    if (header_end != std::string::npos &&
        data.size() >= header_end + 4 + content_length) {
      break;
    }
    if (!Readable(conn)) continue;
    const ssize_t n = recv(conn, buf, sizeof(buf), 0);
    if (n <= 0) return;
    data.append(buf, n);
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end == std::string::npos) continue;
      for (absl::string_view line : absl::StrSplit(
               absl::string_view(data).substr(0, header_end), "\r\n")) {
        std::pair<std::string, std::string> kv =
            absl::StrSplit(line, absl::MaxSplits(':', 1));
        if (absl::AsciiStrToLower(kv.first) == "content-length") {
          (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(kv.second),
                                 &content_length);
        }
      }
    }
  }
  if (header_end == std::string::npos) return;
  Request r;
  r.at = absl::Now();
  std::vector<std::string> lines =
      absl::StrSplit(absl::string_view(data).substr(0, header_end), "\r\n");
  std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
  r.method = !first.empty() ? first[0] : "";
  r.path = first.size() > 1 ? first[1] : "";
  for (size_t i = 1; i < lines.size(); ++i) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(lines[i], absl::MaxSplits(':', 1));
    r.headers[absl::AsciiStrToLower(kv.first)] =
        std::string(absl::StripAsciiWhitespace(kv.second));
  }
  r.body = data.substr(header_end + 4);
  int status;
  {
    absl::MutexLock lock(&mu_);
    status = script_[std::min(requests_.size(), script_.size() - 1)];
    requests_.push_back(std::move(r));
  }
  if (status == 0) {
    // Hold the connection until the client closes it.
    const absl::Time hold = absl::Now() + absl::Seconds(5);
    while (!stop_ && absl::Now() < hold) {
      if (Readable(conn) && recv(conn, buf, sizeof(buf), 0) <= 0) return;
    }
    return;
  }
  const std::string response =
      absl::StrCat("HTTP/1.1 ", status,
                   " Scripted\r\nContent-Length: 2\r\nConnection: "
                   "close\r\n\r\nok");
  send(conn, response.data(), response.size(), MSG_NOSIGNAL);
}

}  // namespace wirestream::alert
