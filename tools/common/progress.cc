#include "tools/common/progress.h"

#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace wirestream::tools {

std::string WithThousands(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string FormatProgress(absl::string_view label, int64_t done, int64_t total,
                           absl::Duration elapsed) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  const double rate = seconds > 0 ? done / seconds : 0;
  std::string line = absl::StrCat(label, ": ", WithThousands(done));
  if (total > 0) absl::StrAppend(&line, " of ", WithThousands(total));
  absl::StrAppend(&line, " records, ",
                  WithThousands(static_cast<int64_t>(rate + 0.5)), "/s");
  if (total > 0 && done < total && rate > 0) {
    const int64_t left = static_cast<int64_t>((total - done) / rate + 0.5);
    if (left >= 3600) {
      absl::StrAppend(&line, ", ETA ",
                      absl::StrFormat("%d:%02d:%02d", left / 3600,
                                      (left / 60) % 60, left % 60));
    } else {
      absl::StrAppend(&line, ", ETA ",
                      absl::StrFormat("%d:%02d", left / 60, left % 60));
    }
  }
  return line;
}

ProgressLine::ProgressLine(std::string label, int64_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled),
      terminal_(isatty(STDERR_FILENO) == 1),
      start_(absl::Now()),
      last_print_(start_) {}

double ProgressLine::Rate(int64_t done) const {
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
  return seconds > 0 ? done / seconds : 0;
}

void ProgressLine::Update(int64_t done) {
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  if (now - last_print_ < absl::Seconds(1)) return;
  last_print_ = now;
  const std::string line = FormatProgress(label_, done, total_, now - start_);
  if (terminal_) {
    fprintf(stderr, "\r%s\033[K", line.c_str());
  } else {
    fprintf(stderr, "%s\n", line.c_str());
  }
}

void ProgressLine::Finish(int64_t done) {
  if (!enabled_) return;
  const std::string line =
      FormatProgress(label_, done, total_, absl::Now() - start_);
  fprintf(stderr, terminal_ ? "\r%s\033[K\n" : "%s\n", line.c_str());
}

}  // namespace wirestream::tools
