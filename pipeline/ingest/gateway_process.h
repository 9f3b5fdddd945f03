// File: pipeline/ingest/gateway_process.h
//
// What every gateway binary does around its own work, the same way: flags
// (the runtime's worker flags, runner_flags.h, plus --state_topic,
// --ledger_window and --write_timeout), the Kafka story log with its
// transactional id "wirestream.ingest.<gateway>.<instance>", the ledger read
// back from the state topic, metrics, the /metrics /healthz /readyz port,
// and SIGTERM/SIGINT.
//
//   std::vector<std::string> folders = ExtractRepeatedFlag("folder", args);
//   absl::StatusOr<std::unique_ptr<GatewayProcess>> gateway =
//       GatewayProcess::Start("folder", args);
//   if (!gateway.ok()) return ExitCodeFor(gateway.status());
//   ... (*gateway)->story_log(), ledger(), metrics(), stop_requested() ...
//
// Of the worker flags, --input, --group's consumer settings and the batch
// flags do not apply to a gateway: it reads no topic. --output names the raw
// topic (default wire.raw).
#ifndef WIRESTREAM_PIPELINE_INGEST_GATEWAY_PROCESS_H_
#define WIRESTREAM_PIPELINE_INGEST_GATEWAY_PROCESS_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pipeline/ingest/ingest_metrics.h"
#include "pipeline/ingest/story_log.h"
#include "pipeline/ingest/taken_ledger.h"
#include "pipeline/runtime/http_server.h"
#include "pipeline/runtime/runner_config.h"
#include "prometheus/registry.h"

namespace wirestream::ingest {

// Removes every "--NAME=VALUE" and "--NAME VALUE" from `args` and returns
// the values in order (for flags that repeat).
std::vector<std::string> ExtractRepeatedFlag(const std::string& name,
                                             std::vector<std::string>& args);

// Exit code for a start-up failure: 2 for bad flags or configuration
// (INVALID_ARGUMENT, FAILED_PRECONDITION), 1 otherwise.
int ExitCodeFor(const absl::Status& status);

class GatewayProcess {
 public:
  // Parses `args` (argv; repeated flags already extracted), connects to
  // Kafka, restores the ledger entries of this gateway and instance, starts
  // the HTTP port and installs the signal handlers.
  static absl::StatusOr<std::unique_ptr<GatewayProcess>> Start(
      const std::string& gateway, std::vector<std::string> args);

  StoryLog* story_log() { return log_.get(); }
  TakenLedger* ledger() { return ledger_.get(); }
  IngestMetrics* metrics() { return metrics_.get(); }
  runtime::HttpServer* http() { return http_.get(); }
  const runtime::RunnerConfig& config() const { return config_; }
  // "<gateway>/<instance>/": the prefix of this gateway's ledger keys.
  const std::string& ledger_prefix() const { return ledger_prefix_; }
  // True once SIGTERM or SIGINT arrived.
  const std::atomic<bool>& stop_requested() const;

 private:
  GatewayProcess() = default;
  runtime::RunnerConfig config_;
  std::string ledger_prefix_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<IngestMetrics> metrics_;
  std::unique_ptr<TakenLedger> ledger_;
  std::unique_ptr<KafkaStoryLog> log_;
  std::unique_ptr<runtime::HttpServer> http_;
  // Set once the story log exists and the ledger is restored; /readyz reads
  // it from the HTTP server's threads.
  std::atomic<bool> started_{false};
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_GATEWAY_PROCESS_H_
