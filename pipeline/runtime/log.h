// File: pipeline/runtime/log.h
//
// One-line, timestamped log messages on stderr, written for the engineer on
// call: say what happened to the stories, not what the code did.
//
//   LogInfo("normalize: assigned %d partitions of %s", n, topic);
//   LogError("normalize: fenced by a newer worker with the same id; stopping");
#ifndef WIRESTREAM_PIPELINE_RUNTIME_LOG_H_
#define WIRESTREAM_PIPELINE_RUNTIME_LOG_H_

#include <string>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace wirestream::runtime {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Writes one line "<UTC time> <LEVEL> <message>" to stderr. Thread-safe.
void LogLine(LogLevel level, absl::string_view message);

// Lines below this level are dropped. Default: kInfo.
void SetLogLevel(LogLevel level);

template <typename... Args>
void LogDebug(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(LogLevel::kDebug, absl::StrFormat(format, args...));
}
template <typename... Args>
void LogInfo(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(LogLevel::kInfo, absl::StrFormat(format, args...));
}
template <typename... Args>
void LogWarning(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(LogLevel::kWarning, absl::StrFormat(format, args...));
}
template <typename... Args>
void LogError(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(LogLevel::kError, absl::StrFormat(format, args...));
}

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_LOG_H_
