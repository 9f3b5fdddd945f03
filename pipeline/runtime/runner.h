// File: pipeline/runtime/runner.h
//
// Runs a Stage against Kafka: builds the source and sink for the delivery
// mode, the metrics and the HTTP server, handles SIGTERM/SIGINT, and turns
// the outcome into a process exit code. A worker's main is a few lines:
//
//   int main(int argc, char** argv) {
//     RunnerConfig defaults;
//     defaults.input_topics = {"wire.raw"};
//     defaults.output_topic = "wire.stories";
//     return RunWorker(argc, argv, defaults, [] { return MakeMyStage(); });
//   }
//
// A worker whose stage needs the metrics registry before it is built, or
// serves endpoints of its own on the worker's HTTP port, uses
// RunWorkerWithExtras and fills the WorkerExtras it is handed.
//
// Exit codes: 0 after a requested stop (batch committed, group left); 1 on a
// fatal error (logged in one line: fenced, broker refused, state lost); 2
// on bad flags or configuration, Kafka credentials or certificates that a
// listener refuses at start-up included; 3 when shutdown overran its time
// limit. --help (any of Abseil's help flags) prints the usage and exits 0.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_RUNNER_H_
#define WIRESTREAM_PIPELINE_RUNTIME_RUNNER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "pipeline/runtime/admin_access.h"
#include "pipeline/runtime/http_server.h"
#include "pipeline/runtime/runner_config.h"
#include "pipeline/runtime/stage.h"
#include "prometheus/registry.h"

namespace wirestream::runtime {

using StageFactory = std::function<absl::StatusOr<std::unique_ptr<Stage>>()>;

// What a worker adds to what the runner sets up by itself.
struct WorkerExtras {
  // The registry /metrics serves; the stage's RegisterMetrics gets it too.
  // Null: the runner makes one.
  std::shared_ptr<prometheus::Registry> registry;
  // Admin endpoints (they change state), served on the worker's HTTP port
  // beside /metrics, /healthz and /readyz, or on admin.address; none when
  // that is disabled. Guarded as admin_access.h says.
  std::vector<HttpRoute> routes;
  // Where the routes are served and the token they need (from flags).
  AdminAccess admin;
};

// Builds a stage; `extras` holds the registry the stage's metrics belong
// in, and the stage's wiring may add routes to it.
using StageWithExtrasFactory =
    std::function<absl::StatusOr<std::unique_ptr<Stage>>(WorkerExtras& extras)>;

// Runs `stage` until `stop` becomes true or a fatal error; returns the exit
// code (see the file comment). Does not install signal handlers.
int RunStage(Stage& stage, const RunnerConfig& config,
             const std::atomic<bool>& stop, const WorkerExtras& extras = {});

// Parses flags (runner_flags.h, plus any the worker defines), builds the
// stage, installs SIGTERM/SIGINT handlers and runs it. Returns the exit code.
int RunWorker(int argc, char** argv, const RunnerConfig& defaults,
              const StageFactory& make_stage);

// Like RunWorker; `make_stage` gets the worker's registry (already made)
// and may add HTTP routes. What the routes use must outlive the call.
int RunWorkerWithExtras(int argc, char** argv, const RunnerConfig& defaults,
                        const StageWithExtrasFactory& make_stage);

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_RUNNER_H_
