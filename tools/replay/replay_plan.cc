#include "tools/replay/replay_plan.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace wirestream::tools::replay {

PartitionRange PlanPartition(int32_t partition, int64_t from, int64_t to,
                             int64_t low, int64_t high, int64_t committed) {
  PartitionRange range;
  range.partition = partition;
  range.begin = from == kOpenEnd ? low : std::clamp(from, low, high);
  range.end = to == kOpenEnd ? high : std::clamp(to, range.begin, high);
  range.resume = range.begin;
  if (committed >= 0 && committed > range.begin) {
    range.resume = std::min(committed, range.end);
  }
  return range;
}

std::string FormatPlan(const std::vector<PartitionRange>& ranges) {
  std::string out;
  int64_t total = 0;
  int64_t left = 0;
  for (const PartitionRange& r : ranges) {
    total += r.Total();
    left += r.Left();
    if (r.Total() == 0) {
      absl::StrAppend(&out, "partition ", r.partition, ": nothing in range\n");
      continue;
    }
    absl::StrAppend(&out, "partition ", r.partition, ": offsets ", r.begin,
                    " to ", r.end - 1, ", ", r.Total(), " records");
    if (r.resume > r.begin) {
      absl::StrAppend(&out, ", ", r.resume - r.begin, " already copied");
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out, "total: ", total, " records in range, ", left,
                  " to copy\n");
  return out;
}

}  // namespace wirestream::tools::replay
