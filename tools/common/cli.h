// File: tools/common/cli.h
//
// Command-line handling the operator tools share: Kafka client properties
// given as `-X KEY=VALUE` (kcat's spelling) or `--kafka KEY=VALUE`, long
// flags written with dashes (`--dry-run` for absl's `--dry_run`), the broker
// address from a flag or WIRESTREAM_BOOTSTRAP, and the small value types
// the tools take (RFC 3339 times, partition lists).
//
//   std::vector<std::string> args(argv, argv + argc);
//   absl::StatusOr<KafkaProperties> kafka = ExtractKafkaProperties(args);
//   NormalizeFlagNames(args);
//   ... absl::ParseCommandLine on args ...
//   absl::StatusOr<std::string> bootstrap =
//       ResolveBootstrap(absl::GetFlag(FLAGS_bootstrap));
#ifndef WIRESTREAM_TOOLS_COMMON_CLI_H_
#define WIRESTREAM_TOOLS_COMMON_CLI_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wirestream::tools {

// librdkafka properties in the order given.
using KafkaProperties = std::vector<std::pair<std::string, std::string>>;

// Exit codes every tool uses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;         // the cluster refused, bad data
inline constexpr int kExitUsage = 2;          // bad flags or arguments
inline constexpr int kExitInterrupted = 130;  // SIGINT/SIGTERM

// Removes every `-X KEY=VALUE`, `-XKEY=VALUE`, `--kafka KEY=VALUE` and
// `--kafka=KEY=VALUE` from `args` (arguments after a bare `--` are left
// alone) and returns the pairs in order. Secrets stay out of the command
// line with `--kafka_from_env KEY=VAR` (the value of an environment
// variable) and `--kafka_from_file KEY=PATH` (a file's content, trailing
// newline dropped), as the workers take them. INVALID_ARGUMENT when one
// has no '=', an empty key, no value after the flag, an unset variable or
// an unreadable file.
absl::StatusOr<KafkaProperties> ExtractKafkaProperties(
    std::vector<std::string>& args);

// Removes every `--NAME=VALUE` and `--NAME VALUE` (and single-dash forms)
// from `args` and returns the values in order: for flags that may repeat,
// which absl flags would keep only the last of. Stops at a bare `--`.
std::vector<std::string> ExtractRepeatedFlag(absl::string_view name,
                                             std::vector<std::string>& args);

// Rewrites `--some-flag[=v]` to `--some_flag[=v]` (and `-some-flag`) so
// dashed spellings reach absl's underscore names. Stops at a bare `--`;
// a lone `-` (standard input) is left alone.
void NormalizeFlagNames(std::vector<std::string>& args);

// Returns `flag` if set, else the environment variable WIRESTREAM_BOOTSTRAP;
// INVALID_ARGUMENT when both are empty.
absl::StatusOr<std::string> ResolveBootstrap(const std::string& flag);

// Parses an RFC 3339 time ("2026-11-01T00:00:00Z", offsets and fractions
// allowed). INVALID_ARGUMENT naming `flag` otherwise.
absl::StatusOr<absl::Time> ParseRfc3339(absl::string_view flag,
                                        absl::string_view text);

// Parses "0,2,5" into partition numbers (sorted, duplicates removed); ""
// yields an empty list (all partitions). INVALID_ARGUMENT on anything not
// a non-negative integer.
absl::StatusOr<std::vector<int32_t>> ParsePartitionList(absl::string_view text);

// Returns `time` as RFC 3339 UTC with milliseconds when it has them.
std::string FormatRfc3339(absl::Time time);

}  // namespace wirestream::tools

#endif  // WIRESTREAM_TOOLS_COMMON_CLI_H_
