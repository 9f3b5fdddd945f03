#include "tools/replay/replay_plan.h"

#include "gtest/gtest.h"

namespace wirestream::tools::replay {
namespace {

TEST(PlanPartitionTest, OpenRangeIsTheWholePartition) {
  PartitionRange r = PlanPartition(2, kOpenEnd, kOpenEnd, 40, 90, -1);
  EXPECT_EQ(r.partition, 2);
  EXPECT_EQ(r.begin, 40);
  EXPECT_EQ(r.end, 90);
  EXPECT_EQ(r.resume, 40);
  EXPECT_EQ(r.Total(), 50);
}

TEST(PlanPartitionTest, ClipsToWhatThePartitionHolds) {
  PartitionRange r = PlanPartition(0, 10, 500, 40, 90, -1);
  EXPECT_EQ(r.begin, 40);
  EXPECT_EQ(r.end, 90);
  PartitionRange past = PlanPartition(0, 200, 300, 40, 90, -1);
  EXPECT_EQ(past.begin, 90);
  EXPECT_EQ(past.end, 90);
  EXPECT_EQ(past.Total(), 0);
}

TEST(PlanPartitionTest, ResumesAtACheckpointInsideTheRange) {
  EXPECT_EQ(PlanPartition(0, 50, 80, 0, 100, 65).resume, 65);
  // Past the range: all copied.
  PartitionRange done = PlanPartition(0, 50, 80, 0, 100, 95);
  EXPECT_EQ(done.resume, 80);
  EXPECT_EQ(done.Left(), 0);
  // Before the range (an earlier replay's checkpoint): start at the range.
  EXPECT_EQ(PlanPartition(0, 50, 80, 0, 100, 10).resume, 50);
}

TEST(FormatPlanTest, OneLinePerPartitionAndATotal) {
  std::vector<PartitionRange> ranges = {PlanPartition(0, 100, 150, 0, 200, 120),
                                        PlanPartition(1, 100, 150, 0, 90, -1),
                                        PlanPartition(2, 100, 150, 0, 200, -1)};
  EXPECT_EQ(FormatPlan(ranges),
            "partition 0: offsets 100 to 149, 50 records, 20 already copied\n"
            "partition 1: nothing in range\n"
            "partition 2: offsets 100 to 149, 50 records\n"
            "total: 100 records in range, 80 to copy\n");
}

}  // namespace
}  // namespace wirestream::tools::replay
