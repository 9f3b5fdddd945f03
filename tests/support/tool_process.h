// File: tests/support/tool_process.h
//
// Runs an operator tool (//tools/...) as a child process the way an
// engineer at a shell would: arguments, optional standard input, its
// standard output and error kept apart, its exit code, how long it took.
//
//   ToolResult r = RunTool(ToolBinary("replay/replay"),
//                          {"--source=a", "--dry-run"}, absl::Seconds(60));
//   EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
//
//   ToolProcess slow(ToolBinary("replay/replay"), {...});
//   ASSERT_TRUE(slow.Start().ok());
//   slow.Signal(SIGINT);
//   std::optional<int> code = slow.Wait(absl::Seconds(30));
//
// Not thread-safe.
#ifndef WIRESTREAM_TESTS_SUPPORT_TOOL_PROCESS_H_
#define WIRESTREAM_TESTS_SUPPORT_TOOL_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace wirestream::testsupport {

// Returns the path of a tool binary below //tools in the test's runfiles,
// e.g. ToolBinary("replay/replay"); the test lists it in `data`.
std::string ToolBinary(const std::string& path_under_tools);

struct ToolResult {
  // The exit code, 128+signal if a signal ended it, -1 if it was still
  // running at the timeout (it is then killed).
  int exit_code = -1;
  std::string stdout_text;
  std::string stderr_text;
  absl::Duration elapsed;
};

class ToolProcess {
 public:
  // `stdin_text` is what the tool reads on standard input.
  ToolProcess(std::string binary, std::vector<std::string> args,
              std::string stdin_text = "");
  ~ToolProcess();  // SIGKILLs a tool still running.

  absl::Status Start();
  void Signal(int signal);
  // Waits up to `timeout`; returns the exit code (128+signal), or nullopt.
  std::optional<int> Wait(absl::Duration timeout);
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  std::string binary_;
  std::vector<std::string> args_;
  std::string stdin_path_;
  std::string stdout_path_;
  std::string stderr_path_;
  pid_t pid_ = -1;
};

// Starts the tool and waits up to `timeout` for it.
ToolResult RunTool(const std::string& binary,
                   const std::vector<std::string>& args,
                   absl::Duration timeout = absl::Seconds(60),
                   const std::string& stdin_text = "");

}  // namespace wirestream::testsupport

#endif  // WIRESTREAM_TESTS_SUPPORT_TOOL_PROCESS_H_
