// File: pipeline/runtime/runner_flags.h
//
// The flags every worker shares, turned into a RunnerConfig:
//
//   --bootstrap=HOST:PORT      (or env WIRESTREAM_BOOTSTRAP)
//   --input=TOPIC[,TOPIC]  --output=TOPIC  --dlq=TOPIC  --group=ID
//   --instance=ID  --mode=exactly-once|at-least-once
//   --batch_records=N  --batch_ms=MS  --batch_idle_ms=MS
//   --max_record_bytes=N ...
//   --http=HOST:PORT   (empty: no HTTP server)
//   --kafka KEY=VALUE          any librdkafka property; repeatable
//   --kafka_from_env KEY=VAR   the value of a secret from an environment
//                              variable; repeatable
//   --kafka_from_file KEY=PATH the value of a secret from a file (trailing
//                              newline dropped); repeatable
//
// Secret values never appear in logs.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_RUNNER_FLAGS_H_
#define WIRESTREAM_PIPELINE_RUNTIME_RUNNER_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pipeline/runtime/runner_config.h"

namespace wirestream::runtime {

// Removes every occurrence of the repeatable flags --kafka, --kafka_from_env
// and --kafka_from_file ("--kafka K=V" or "--kafka=K=V") from `args` and
// returns the librdkafka properties they give, secrets resolved. `args`
// keeps argv[0] and the other flags, for absl::ParseCommandLine.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
ExtractKafkaProperties(std::vector<std::string>& args);

// Returns INVALID_ARGUMENT, with a one-line message, when `args` (argv,
// --kafka flags already extracted) name a flag no linked code defines or
// give a flag a value it cannot take (e.g. --batch_records=many), so that
// a worker reports bad flags with exit code 2 rather than absl's exit 1.
// Checking a value sets the flag, as absl::ParseCommandLine then does
// again. Arguments after "--", positional arguments and the flags absl
// handles itself (--flagfile, --fromenv, --tryfromenv, --undefok, --help*)
// are left to absl::ParseCommandLine.
absl::Status CheckFlags(const std::vector<std::string>& args);

// Returns the RunnerConfig from the parsed absl flags over `defaults`
// (flags left empty keep the default), plus `kafka_properties`, validated.
absl::StatusOr<RunnerConfig> RunnerConfigFromFlags(
    const RunnerConfig& defaults,
    std::vector<std::pair<std::string, std::string>> kafka_properties);

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_RUNNER_FLAGS_H_
