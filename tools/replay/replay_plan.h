// File: tools/replay/replay_plan.h
//
// Which offsets of each source partition a replay copies, worked out before
// any record moves: the requested range clipped to what the partition still
// holds, and where a checkpoint says an earlier run stopped.
//
//   PartitionRange range = PlanPartition(/*partition=*/0, /*from=*/100,
//                                        /*to=*/kOpenEnd, low, high,
//                                        committed);
//   printf("%s", FormatPlan("wire.raw", {range}).c_str());
#ifndef WIRESTREAM_TOOLS_REPLAY_REPLAY_PLAN_H_
#define WIRESTREAM_TOOLS_REPLAY_REPLAY_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wirestream::tools::replay {

// No lower or upper bound requested: the partition's first or last record.
inline constexpr int64_t kOpenEnd = -1;

// Offsets [begin, end) of one partition, and `resume`, the first offset not
// yet copied (begin <= resume <= end).
struct PartitionRange {
  int32_t partition = 0;
  int64_t begin = 0;
  int64_t end = 0;
  int64_t resume = 0;

  // Offsets in the range; transaction markers in the source take offsets
  // too, so this is an upper bound on the records.
  int64_t Total() const { return end - begin; }
  int64_t Left() const { return end - resume; }
};

// Returns the range to copy from a partition holding offsets [low, high):
// [from, to) clipped to it (kOpenEnd: unbounded), resuming at `committed`
// when a checkpoint holds one inside the range (negative: none). A
// checkpoint past the range means nothing is left; one before it (an
// earlier, different range) is ignored.
PartitionRange PlanPartition(int32_t partition, int64_t from, int64_t to,
                             int64_t low, int64_t high, int64_t committed);

// Returns the dry-run report, one line per partition and a total line:
//   partition 0: offsets 100 to 149, 50 records, 20 already copied
//   partition 1: nothing in range
//   total: 50 records in range, 30 to copy
std::string FormatPlan(const std::vector<PartitionRange>& ranges);

}  // namespace wirestream::tools::replay

#endif  // WIRESTREAM_TOOLS_REPLAY_REPLAY_PLAN_H_
