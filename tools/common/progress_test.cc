#include "tools/common/progress.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::tools {
namespace {

TEST(WithThousandsTest, GroupsDigits) {
  EXPECT_EQ(WithThousands(0), "0");
  EXPECT_EQ(WithThousands(999), "999");
  EXPECT_EQ(WithThousands(1000), "1,000");
  EXPECT_EQ(WithThousands(1234567), "1,234,567");
  EXPECT_EQ(WithThousands(-12345), "-12,345");
}

TEST(FormatProgressTest, RateAndTimeLeft) {
  EXPECT_EQ(FormatProgress("replay", 12000, 200000, absl::Seconds(4)),
            "replay: 12,000 of 200,000 records, 3,000/s, ETA 1:03");
  EXPECT_EQ(FormatProgress("replay", 10, 100000, absl::Seconds(1)),
            "replay: 10 of 100,000 records, 10/s, ETA 2:46:39");
}

TEST(FormatProgressTest, NoEtaWithoutTotalOrWhenDone) {
  EXPECT_EQ(FormatProgress("inspect", 500, 0, absl::Seconds(2)),
            "inspect: 500 records, 250/s");
  EXPECT_EQ(FormatProgress("replay", 100, 100, absl::Seconds(1)),
            "replay: 100 of 100 records, 100/s");
  EXPECT_EQ(FormatProgress("replay", 0, 100, absl::ZeroDuration()),
            "replay: 0 of 100 records, 0/s");
}

}  // namespace
}  // namespace wirestream::tools
