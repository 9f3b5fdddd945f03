#include "tests/support/worker_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace wirestream::testsupport {
namespace {

std::atomic<int> worker_counter{0};

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string WorkerBinary(const std::string& name) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir ? srcdir : ".", "/wirestream/pipeline/workers/",
                      name);
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

namespace {

absl::StatusOr<std::string> HttpRequest(int port, const std::string& method,
                                        const std::string& path,
                                        int* status_code) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("no HTTP server on ", port));
  }
  const std::string request =
      absl::StrCat(method, " ", path,
                   " HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: "
                   "0\r\n\r\n");
  if (write(fd, request.data(), request.size()) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    return absl::UnavailableError("HTTP request not sent");
  }
  std::string response;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) response.append(buf, n);
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  if (body == std::string::npos) {
    return absl::UnavailableError("malformed HTTP response");
  }
  if (status_code != nullptr) {
    std::vector<std::string> first =
        absl::StrSplit(response.substr(0, response.find("\r\n")), ' ');
    *status_code = 0;
    if (first.size() > 1) (void)absl::SimpleAtoi(first[1], status_code);
  }
  return response.substr(body + 4);
}

}  // namespace

absl::StatusOr<std::string> HttpGet(int port, const std::string& path,
                                    int* status_code) {
  return HttpRequest(port, "GET", path, status_code);
}

absl::StatusOr<std::string> HttpPost(int port, const std::string& path,
                                     int* status_code) {
  return HttpRequest(port, "POST", path, status_code);
}

std::optional<double> MetricValue(const std::string& text,
                                  const std::string& name,
                                  const std::string& selector) {
  const std::string prefix = absl::StrCat(name, "{", selector, "} ");
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, prefix)) {
      double value = 0;
      if (absl::SimpleAtod(line.substr(prefix.size()), &value)) return value;
    }
  }
  return std::nullopt;
}

WorkerProcess::WorkerProcess(std::string binary, std::vector<std::string> args)
    : binary_(std::move(binary)), args_(std::move(args)) {
  const char* tmp = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  if (tmp == nullptr) tmp = std::getenv("TEST_TMPDIR");
  log_path_ = absl::StrCat(tmp ? tmp : "/tmp", "/worker-", getpid(), "-",
                           worker_counter++, ".log");
}

WorkerProcess::~WorkerProcess() {
  if (pid_ > 0) Kill();
}

absl::Status WorkerProcess::Start() {
  if (pid_ > 0 && Running()) {
    return absl::FailedPreconditionError("worker already running");
  }
  std::vector<char*> argv;
  argv.push_back(binary_.data());
  for (std::string& a : args_) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int log_fd =
      open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(log_fd, STDERR_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    execv(binary_.c_str(), argv.data());
    _exit(127);
  }
  close(log_fd);
  pid_ = pid;
  return absl::OkStatus();
}

bool WorkerProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

void WorkerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::optional<int> WorkerProcess::Wait(absl::Duration timeout) {
  if (pid_ <= 0) return std::nullopt;
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      return ExitCode(status);
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return std::nullopt;
}

int WorkerProcess::Stop(absl::Duration timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  std::optional<int> code = Wait(timeout);
  if (!code) {
    Kill();
    return -1;
  }
  return *code;
}

std::string WorkerProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace wirestream::testsupport
