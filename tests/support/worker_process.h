// File: tests/support/worker_process.h
//
// Runs a worker binary as a child process the way an orchestrator would:
// start it, signal it (SIGTERM for a clean stop, SIGKILL for a crash), wait
// for its exit code. Its stderr goes to a log file the test can read.
//
//   WorkerProcess worker(WorkerBinary("passthrough"), {"--input=a", ...});
//   ASSERT_TRUE(worker.Start().ok());
//   worker.Kill();                         // kill -9
//   int code = worker.Stop(absl::Seconds(30));  // SIGTERM, wait
//
// Not thread-safe.
#ifndef WIRESTREAM_TESTS_SUPPORT_WORKER_PROCESS_H_
#define WIRESTREAM_TESTS_SUPPORT_WORKER_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace wirestream::testsupport {

// Returns the path of a worker binary of //pipeline/workers in the test's
// runfiles (the test must list it in `data`).
std::string WorkerBinary(const std::string& name);

// Returns a TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// Returns the body of GET http://127.0.0.1:port/path, or UNAVAILABLE.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path,
                                    int* status_code = nullptr);

// Returns the body of an empty POST to http://127.0.0.1:port/path, or
// UNAVAILABLE.
absl::StatusOr<std::string> HttpPost(int port, const std::string& path,
                                     int* status_code = nullptr);

// Returns the value of the sample `name{labels}` in Prometheus text, where
// `selector` is the exact text between the braces, e.g. stage="passthrough".
std::optional<double> MetricValue(const std::string& text,
                                  const std::string& name,
                                  const std::string& selector);

class WorkerProcess {
 public:
  WorkerProcess(std::string binary, std::vector<std::string> args);
  ~WorkerProcess();  // SIGKILLs a worker still running.

  // Starts (or restarts) the worker; stderr appends to log_path().
  absl::Status Start();
  // True while the process has not exited.
  bool Running();
  // Sends SIGKILL and reaps it.
  void Kill();
  // Sends SIGTERM and waits up to `timeout`; returns the exit code, or -1
  // if it did not exit in time (it is then killed), or 128+signal.
  int Stop(absl::Duration timeout);
  // Waits up to `timeout` for the worker to exit by itself; returns its
  // exit code or nullopt.
  std::optional<int> Wait(absl::Duration timeout);
  // Everything the worker logged so far.
  std::string Log() const;
  const std::string& log_path() const { return log_path_; }
  // The running process's id; -1 before Start.
  pid_t pid() const { return pid_; }

 private:
  std::string binary_;
  std::vector<std::string> args_;
  std::string log_path_;
  pid_t pid_ = -1;
};

}  // namespace wirestream::testsupport

#endif  // WIRESTREAM_TESTS_SUPPORT_WORKER_PROCESS_H_
