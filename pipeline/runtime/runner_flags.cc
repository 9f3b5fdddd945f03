#include "pipeline/runtime/runner_flags.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

ABSL_FLAG(std::string, bootstrap, "",
          "Kafka bootstrap servers, HOST:PORT[,HOST:PORT]. Default: env "
          "WIRESTREAM_BOOTSTRAP.");
ABSL_FLAG(std::string, input, "",
          "Comma-separated input topics (default: the stage's).");
ABSL_FLAG(std::string, output, "", "Output topic (default: the stage's).");
ABSL_FLAG(std::string, dlq, "", "Dead-letter topic (default: wire.dlq).");
ABSL_FLAG(std::string, group, "",
          "Consumer group (default: wirestream.<stage>). Backfills use their "
          "own.");
ABSL_FLAG(std::string, instance, "",
          "This worker's id within the stage, stable across restarts "
          "(default: 0). Workers of one stage need distinct ids.");
ABSL_FLAG(std::string, mode, "",
          "exactly-once (default; needs a real broker) or at-least-once.");
ABSL_FLAG(int, batch_records, 0,
          "Close a batch after this many input records (default 1000).");
ABSL_FLAG(int, batch_ms, 0,
          "Close a batch this many ms after its first record (default 100).");
ABSL_FLAG(int, batch_idle_ms, -1,
          "Close a batch once the input has had nothing new for this many ms "
          "(default 30, at-least-once 10, 0 when --batch_ms is given; 0: "
          "only by size and time).");
ABSL_FLAG(int64_t, max_record_bytes, 0,
          "Dead-letter input records larger than this (default 8 MiB).");
ABSL_FLAG(int64_t, max_output_bytes, 0,
          "Dead-letter inputs whose output is larger than this (default "
          "1000000, Kafka's default topic limit).");
ABSL_FLAG(int64_t, max_dead_letter_bytes, 0,
          "Cut dead letters' original values to fit this (default 64 MiB).");
ABSL_FLAG(std::string, http, "-",
          "HOST:PORT for /metrics, /healthz, /readyz (default "
          "127.0.0.1:9464; empty disables).");
ABSL_FLAG(int, shutdown_timeout_s, 0,
          "Seconds SIGTERM may take before the worker exits anyway "
          "(default 30).");
ABSL_FLAG(int, stats_interval_ms, 0,
          "How often Kafka client statistics refresh (default 5000).");

namespace wirestream::runtime {
namespace {

absl::StatusOr<std::pair<std::string, std::string>> SplitKeyValue(
    absl::string_view flag, absl::string_view text) {
  std::pair<std::string, std::string> kv =
      absl::StrSplit(text, absl::MaxSplits('=', 1));
  if (kv.first.empty() || !absl::StrContains(text, '=')) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " wants KEY=VALUE, got \"", text, "\""));
  }
  return kv;
}

}  // namespace

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
ExtractKafkaProperties(std::vector<std::string>& args) {
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<std::string> kept;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string flag, value;
    bool matched = false;
    for (const char* name : {"kafka", "kafka_from_env", "kafka_from_file"}) {
      for (const std::string& prefix :
           {absl::StrCat("--", name), absl::StrCat("-", name)}) {
        if (arg == prefix) {
          if (i + 1 >= args.size()) {
            return absl::InvalidArgumentError(
                absl::StrCat("--", name, " needs KEY=VALUE"));
          }
          flag = name;
          value = args[++i];
          matched = true;
        } else if (absl::StartsWith(arg, prefix + "=")) {
          flag = name;
          value = arg.substr(prefix.size() + 1);
          matched = true;
        }
        if (matched) break;
      }
      if (matched) break;
    }
    if (!matched) {
      kept.push_back(arg);
      continue;
    }
    auto kv = SplitKeyValue(flag, value);
    if (!kv.ok()) return kv.status();
    if (flag == "kafka_from_env") {
      const char* secret = std::getenv(kv->second.c_str());
      if (secret == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("--kafka_from_env ", kv->first,
                         ": environment "
                         "variable ",
                         kv->second, " is not set"));
      }
      kv->second = secret;
    } else if (flag == "kafka_from_file") {
      std::ifstream in(kv->second);
      if (!in) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--kafka_from_file ", kv->first, ": cannot read ", kv->second));
      }
      std::stringstream content;
      content << in.rdbuf();
      std::string secret = content.str();
      while (!secret.empty() &&
             (secret.back() == '\n' || secret.back() == '\r')) {
        secret.pop_back();
      }
      kv->second = secret;
    }
    properties.push_back(*std::move(kv));
  }
  args = std::move(kept);
  return properties;
}

absl::Status CheckFlags(const std::vector<std::string>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;  // positional
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    const size_t equals = arg.find('=');
    const absl::string_view name = arg.substr(0, equals);
    if (name == "flagfile" || name == "fromenv" || name == "tryfromenv" ||
        name == "undefok" || absl::StartsWith(name, "help") ||
        name == "version" || name == "only_check_args") {
      // absl's own; --undefok makes unknown names acceptable.
      if (name == "undefok") return absl::OkStatus();
      continue;
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && absl::StartsWith(name, "no") &&
        equals == absl::string_view::npos) {
      absl::CommandLineFlag* positive =
          absl::FindCommandLineFlag(name.substr(2));
      if (positive != nullptr && positive->IsOfType<bool>()) continue;
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    std::string value;
    if (equals != absl::string_view::npos) {
      value = std::string(arg.substr(equals + 1));
    } else if (flag->IsOfType<bool>()) {
      continue;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", name, " needs a value"));
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, "=", value, ": ", error));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<RunnerConfig> RunnerConfigFromFlags(
    const RunnerConfig& defaults,
    std::vector<std::pair<std::string, std::string>> kafka_properties) {
  RunnerConfig config = defaults;
  config.bootstrap_servers = absl::GetFlag(FLAGS_bootstrap);
  if (config.bootstrap_servers.empty()) {
    if (const char* env = std::getenv("WIRESTREAM_BOOTSTRAP")) {
      config.bootstrap_servers = env;
    } else {
      config.bootstrap_servers = defaults.bootstrap_servers;
    }
  }
  if (!absl::GetFlag(FLAGS_input).empty()) {
    config.input_topics =
        absl::StrSplit(absl::GetFlag(FLAGS_input), ',', absl::SkipEmpty());
  }
  if (!absl::GetFlag(FLAGS_output).empty()) {
    config.output_topic = absl::GetFlag(FLAGS_output);
  }
  if (!absl::GetFlag(FLAGS_dlq).empty()) {
    config.dead_letter_topic = absl::GetFlag(FLAGS_dlq);
  }
  if (!absl::GetFlag(FLAGS_group).empty()) {
    config.group_id = absl::GetFlag(FLAGS_group);
  }
  if (!absl::GetFlag(FLAGS_instance).empty()) {
    config.instance_id = absl::GetFlag(FLAGS_instance);
  }
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "exactly-once") {
    config.mode = DeliveryMode::kExactlyOnce;
  } else if (mode == "at-least-once") {
    config.mode = DeliveryMode::kAtLeastOnce;
  } else if (!mode.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--mode must be exactly-once or at-least-once, not \"", mode, "\""));
  }
  if (absl::GetFlag(FLAGS_batch_records) != 0) {
    config.batch_max_records = absl::GetFlag(FLAGS_batch_records);
  }
  if (absl::GetFlag(FLAGS_batch_ms) != 0) {
    config.batch_max_time = absl::Milliseconds(absl::GetFlag(FLAGS_batch_ms));
  }
  if (absl::GetFlag(FLAGS_batch_idle_ms) >= 0) {
    config.batch_idle_time =
        absl::Milliseconds(absl::GetFlag(FLAGS_batch_idle_ms));
  } else if (absl::GetFlag(FLAGS_batch_ms) != 0) {
    // A batch time chosen on purpose (long transactions for a backfill, a
    // test holding one open) is kept unless a quiet time is given too.
    config.batch_idle_time = absl::ZeroDuration();
  } else if (config.mode == DeliveryMode::kAtLeastOnce) {
    // No transaction to pay for: commit sooner.
    config.batch_idle_time = absl::Milliseconds(10);
  }
  if (absl::GetFlag(FLAGS_max_record_bytes) != 0) {
    config.max_record_bytes = absl::GetFlag(FLAGS_max_record_bytes);
  }
  if (absl::GetFlag(FLAGS_max_output_bytes) != 0) {
    config.max_output_bytes = absl::GetFlag(FLAGS_max_output_bytes);
  }
  if (absl::GetFlag(FLAGS_max_dead_letter_bytes) != 0) {
    config.max_dead_letter_bytes = absl::GetFlag(FLAGS_max_dead_letter_bytes);
  }
  if (absl::GetFlag(FLAGS_http) != "-") {
    config.http_address = absl::GetFlag(FLAGS_http);
  }
  if (absl::GetFlag(FLAGS_shutdown_timeout_s) != 0) {
    config.shutdown_timeout =
        absl::Seconds(absl::GetFlag(FLAGS_shutdown_timeout_s));
  }
  if (absl::GetFlag(FLAGS_stats_interval_ms) != 0) {
    config.stats_interval =
        absl::Milliseconds(absl::GetFlag(FLAGS_stats_interval_ms));
  }
  for (auto& kv : kafka_properties) {
    config.kafka_properties.push_back(std::move(kv));
  }
  absl::Status valid = config.Validate();
  if (!valid.ok()) return valid;
  return config;
}

}  // namespace wirestream::runtime
