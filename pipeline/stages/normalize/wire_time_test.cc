#include "pipeline/stages/normalize/wire_time.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::normalize {
namespace {

using ::testing::Optional;

absl::Time Utc(int y, int m, int d, int hh, int mm, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss),
                         absl::UTCTimeZone());
}

TEST(ParseIsoTimeTest, ReadsExtendedAndBasicForms) {
  EXPECT_THAT(ParseIsoTime("2023-11-28T09:30:00Z"),
              Optional(Utc(2023, 11, 28, 9, 30)));
  EXPECT_THAT(ParseIsoTime("2023-11-28T09:30:00+01:00"),
              Optional(Utc(2023, 11, 28, 8, 30)));
  EXPECT_THAT(ParseIsoTime("2023-11-28T09:30:00.250-05:00"),
              Optional(Utc(2023, 11, 28, 14, 30) + absl::Milliseconds(250)));
  EXPECT_THAT(ParseIsoTime("2023-11-28T09:30"),
              Optional(Utc(2023, 11, 28, 9, 30)));
  EXPECT_THAT(ParseIsoTime("20231128T093000Z"),
              Optional(Utc(2023, 11, 28, 9, 30)));
  EXPECT_THAT(ParseIsoTime("20231128T221000+0100"),
              Optional(Utc(2023, 11, 28, 21, 10)));
  EXPECT_THAT(ParseIsoTime("2023-11-28"), Optional(Utc(2023, 11, 28, 0, 0)));
  EXPECT_EQ(ParseIsoTime("2023-02-30T00:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseIsoTime("yesterday"), std::nullopt);
}

TEST(ParseAnpaTimeTest, ReadsApAndCpOrders) {
  EXPECT_THAT(ParseAnpaTime("AP-NY-11-28-23 0436EST<"),
              Optional(Utc(2023, 11, 28, 9, 36)));
  EXPECT_THAT(ParseAnpaTime("11-28-23 0930GMT"),
              Optional(Utc(2023, 11, 28, 9, 30)));
  EXPECT_THAT(ParseAnpaTime("16:35ET 28-11-23<"),
              Optional(Utc(2023, 11, 28, 21, 35)));
  EXPECT_EQ(ParseAnpaTime("11-28-23 0930XYZ"), std::nullopt);
}

TEST(ParseIptc7901TimeTest, ReadsTheEndLine) {
  EXPECT_THAT(ParseIptc7901Time("281147 Nov 23"),
              Optional(Utc(2023, 11, 28, 11, 47)));
  EXPECT_THAT(ParseIptc7901Time("\r\n051200 Dez 23\r\n"),
              Optional(Utc(2023, 12, 5, 12, 0)));
}

TEST(MonthFromNameTest, KnowsSeveralLanguages) {
  EXPECT_EQ(MonthFromName("Nov."), 11);
  EXPECT_EQ(MonthFromName("November"), 11);
  EXPECT_EQ(MonthFromName("März"), 3);
  EXPECT_EQ(MonthFromName("juin"), 6);
  EXPECT_EQ(MonthFromName("juillet"), 7);
  EXPECT_EQ(MonthFromName("diciembre"), 12);
  EXPECT_EQ(MonthFromName("Tuesday"), 0);
}

}  // namespace
}  // namespace wirestream::normalize
