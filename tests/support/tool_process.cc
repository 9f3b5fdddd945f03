#include "tests/support/tool_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace wirestream::testsupport {
namespace {

std::atomic<int> tool_counter{0};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

std::string ToolBinary(const std::string& path_under_tools) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir ? srcdir : ".", "/wirestream/tools/",
                      path_under_tools);
}

ToolProcess::ToolProcess(std::string binary, std::vector<std::string> args,
                         std::string stdin_text)
    : binary_(std::move(binary)), args_(std::move(args)) {
  const char* tmp = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  if (tmp == nullptr) tmp = std::getenv("TEST_TMPDIR");
  const std::string base =
      absl::StrCat(tmp ? tmp : "/tmp", "/tool-", getpid(), "-", tool_counter++);
  stdin_path_ = base + ".stdin";
  stdout_path_ = base + ".stdout";
  stderr_path_ = base + ".stderr";
  std::ofstream(stdin_path_, std::ios::binary) << stdin_text;
}

ToolProcess::~ToolProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

absl::Status ToolProcess::Start() {
  std::vector<char*> argv;
  argv.push_back(binary_.data());
  for (std::string& a : args_) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int in = open(stdin_path_.c_str(), O_RDONLY);
  const int out =
      open(stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err =
      open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execv(binary_.c_str(), argv.data());
    _exit(127);
  }
  close(in);
  close(out);
  close(err);
  pid_ = pid;
  return absl::OkStatus();
}

void ToolProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

std::optional<int> ToolProcess::Wait(absl::Duration timeout) {
  if (pid_ <= 0) return std::nullopt;
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return std::nullopt;
}

std::string ToolProcess::Stdout() const { return ReadAll(stdout_path_); }
std::string ToolProcess::Stderr() const { return ReadAll(stderr_path_); }

ToolResult RunTool(const std::string& binary,
                   const std::vector<std::string>& args, absl::Duration timeout,
                   const std::string& stdin_text) {
  ToolResult result;
  ToolProcess tool(binary, args, stdin_text);
  const absl::Time start = absl::Now();
  if (!tool.Start().ok()) return result;
  std::optional<int> code = tool.Wait(timeout);
  result.elapsed = absl::Now() - start;
  if (code) result.exit_code = *code;
  if (!code) {
    tool.Signal(SIGKILL);
    tool.Wait(absl::Seconds(5));
  }
  result.stdout_text = tool.Stdout();
  result.stderr_text = tool.Stderr();
  return result;
}

}  // namespace wirestream::testsupport
