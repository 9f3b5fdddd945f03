#include "pipeline/runtime/log.h"

#include <atomic>
#include <cstdio>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace wirestream::runtime {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};
absl::Mutex log_mutex;

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

}  // namespace

void SetLogLevel(LogLevel level) { min_level = static_cast<int>(level); }

void LogLine(LogLevel level, absl::string_view message) {
  if (static_cast<int>(level) < min_level) return;
  std::string line =
      absl::StrFormat("%s %s %s\n",
                      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                       absl::UTCTimeZone()),
                      LevelName(level), message);
  absl::MutexLock lock(&log_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace wirestream::runtime
