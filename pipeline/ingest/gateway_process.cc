#include "pipeline/ingest/gateway_process.h"

#include <csignal>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "pipeline/runtime/log.h"
#include "pipeline/runtime/runner_flags.h"

ABSL_FLAG(std::string, state_topic, "wire.ingest.state",
          "Compacted topic holding the ledger of what the gateway took "
          "(created when missing).");
ABSL_FLAG(absl::Duration, ledger_window, absl::Hours(168),
          "How long a taken story or file is remembered: a retried POST or "
          "the same file again within it is not sent twice.");
ABSL_FLAG(absl::Duration, write_timeout, absl::Seconds(10),
          "How long a batch waits for Kafka's acknowledgement before it is "
          "abandoned (503 to a pushing sender; a file stays in place).");

namespace wirestream::ingest {
namespace {

std::atomic<bool> stop_flag{false};

void OnStopSignal(int) { stop_flag = true; }

}  // namespace

std::vector<std::string> ExtractRepeatedFlag(const std::string& name,
                                             std::vector<std::string>& args) {
  std::vector<std::string> values;
  std::vector<std::string> kept;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      kept.insert(kept.end(), args.begin() + i, args.end());
      break;
    }
    bool matched = false;
    for (const std::string& prefix : {"--" + name, "-" + name}) {
      if (arg == prefix && i + 1 < args.size()) {
        values.push_back(args[++i]);
        matched = true;
        break;
      }
      if (absl::StartsWith(arg, prefix + "=")) {
        values.push_back(arg.substr(prefix.size() + 1));
        matched = true;
        break;
      }
    }
    if (!matched) kept.push_back(arg);
  }
  args = std::move(kept);
  return values;
}

int ExitCodeFor(const absl::Status& status) {
  return absl::IsInvalidArgument(status) || absl::IsFailedPrecondition(status)
             ? 2
             : 1;
}

const std::atomic<bool>& GatewayProcess::stop_requested() const {
  return stop_flag;
}

absl::StatusOr<std::unique_ptr<GatewayProcess>> GatewayProcess::Start(
    const std::string& gateway, std::vector<std::string> args) {
  auto kafka = runtime::ExtractKafkaProperties(args);
  if (!kafka.ok()) return kafka.status();
  absl::Status flags_ok = runtime::CheckFlags(args);
  if (!flags_ok.ok()) return flags_ok;
  std::vector<char*> rest;
  for (std::string& a : args) rest.push_back(a.data());
  absl::ParseCommandLine(static_cast<int>(rest.size()), rest.data());
  runtime::RunnerConfig defaults;
  // A gateway reads no topic; the worker flags still want one named.
  defaults.input_topics = {"-"};
  defaults.output_topic = "wire.raw";
  auto config = runtime::RunnerConfigFromFlags(defaults, *std::move(kafka));
  if (!config.ok()) return config.status();

  std::unique_ptr<GatewayProcess> process(new GatewayProcess());
  process->config_ = *std::move(config);
  process->ledger_prefix_ =
      absl::StrCat(gateway, "/", process->config_.instance_id, "/");
  process->registry_ = std::make_shared<prometheus::Registry>();
  process->metrics_ =
      std::make_unique<IngestMetrics>(*process->registry_, gateway);
  process->ledger_ =
      std::make_unique<TakenLedger>(absl::GetFlag(FLAGS_ledger_window));

  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);

  GatewayProcess* raw = process.get();
  if (!process->config_.http_address.empty()) {
    auto http = runtime::HttpServer::Start(
        process->config_.http_address, process->registry_,
        [raw] { return raw->started_.load() && raw->log_->available(); });
    if (!http.ok()) return absl::InvalidArgumentError(http.status().message());
    process->http_ = *std::move(http);
    runtime::LogInfo("%s: metrics and health on port %d", gateway,
                     process->http_->port());
  }

  KafkaStoryLogOptions options;
  options.bootstrap_servers = process->config_.bootstrap_servers;
  options.raw_topic = process->config_.output_topic;
  options.state_topic = absl::GetFlag(FLAGS_state_topic);
  options.transactional_id =
      absl::StrCat(process->config_.GroupIdFor("ingest." + gateway), ".",
                   process->config_.instance_id);
  options.properties = process->config_.kafka_properties;
  options.write_timeout = absl::GetFlag(FLAGS_write_timeout);
  options.max_record_bytes = process->config_.max_output_bytes;
  // Kafka may still be starting: try for a while before giving up.
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (true) {
    auto log = KafkaStoryLog::Create(options, process->metrics_.get());
    if (log.ok()) {
      process->log_ = *std::move(log);
      break;
    }
    if (!absl::IsUnavailable(log.status()) &&
        !absl::IsDeadlineExceeded(log.status())) {
      return log.status();
    }
    if (absl::Now() > give_up || stop_flag.load()) return log.status();
    runtime::LogWarning("%s: %s; trying again", gateway,
                        log.status().message());
    absl::SleepFor(absl::Seconds(1));
  }
  auto restored =
      process->log_->RestoreLedger(process->ledger_prefix_, raw->ledger_.get());
  if (!restored.ok()) return restored.status();
  process->metrics_->ledger_entries->Set(
      static_cast<double>(process->ledger_->size()));
  process->metrics_->ready->Set(1);
  process->started_ = true;
  runtime::LogInfo(
      "%s: writing to %s as %s; ledger %s restored (%d entries, window %s)",
      gateway, options.raw_topic, options.transactional_id, options.state_topic,
      process->ledger_->size(),
      absl::FormatDuration(process->ledger_->window()));
  return process;
}

}  // namespace wirestream::ingest
