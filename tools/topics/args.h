// File: tools/topics/args.h
//
// Command-line helpers for the `topics` tool: KEY=VALUE pairs of a flag
// that may be given more than once (taken out of argv with
// tools/common/cli.h's ExtractRepeatedFlag, as absl keeps only the last).
//
//   std::vector<std::string> configs = ExtractRepeatedFlag("config", argv);
//   absl::StatusOr<std::vector<std::pair<std::string, std::string>>> pairs =
//       ParseKeyValues("--config", configs);
#ifndef WIRESTREAM_TOOLS_TOPICS_ARGS_H_
#define WIRESTREAM_TOOLS_TOPICS_ARGS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wirestream::tools {

// Splits each "KEY=VALUE" at its first '='. INVALID_ARGUMENT, naming `flag`,
// when one has no '=' or an empty key. The value may be empty or hold '='.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseKeyValues(
    absl::string_view flag, const std::vector<std::string>& items);

}  // namespace wirestream::tools

#endif  // WIRESTREAM_TOOLS_TOPICS_ARGS_H_
