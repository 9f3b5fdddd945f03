// File: tools/common/progress.h
//
// A progress line on stderr for long copies: records done, rate and the
// time left, refreshed at most once a second.
//
//   ProgressLine progress("replay", /*total=*/200000);
//   for (...) progress.Update(++copied);
//   progress.Finish(copied);
//
// On a terminal the line rewrites itself; otherwise one line is printed per
// refresh. Not thread-safe.
#ifndef WIRESTREAM_TOOLS_COMMON_PROGRESS_H_
#define WIRESTREAM_TOOLS_COMMON_PROGRESS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wirestream::tools {

// Returns e.g. "replay: 12,345 of 200,000 records, 8,210/s, ETA 0:23";
// without a total (0), "inspect: 12,345 records, 8,210/s".
std::string FormatProgress(absl::string_view label, int64_t done, int64_t total,
                           absl::Duration elapsed);

// Returns `n` with thousands separators: 1234567 -> "1,234,567".
std::string WithThousands(int64_t n);

class ProgressLine {
 public:
  // `enabled` false makes every call a no-op.
  ProgressLine(std::string label, int64_t total, bool enabled = true);

  // Prints the line if a second passed since the last one.
  void Update(int64_t done);
  // Prints the final line (and ends it on a terminal).
  void Finish(int64_t done);
  // Records per second since construction.
  double Rate(int64_t done) const;

 private:
  std::string label_;
  int64_t total_;
  bool enabled_;
  bool terminal_;
  absl::Time start_;
  absl::Time last_print_;
};

}  // namespace wirestream::tools

#endif  // WIRESTREAM_TOOLS_COMMON_PROGRESS_H_
