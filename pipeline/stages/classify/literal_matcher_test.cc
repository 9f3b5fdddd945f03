#include "pipeline/stages/classify/literal_matcher.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::classify {
namespace {

using Hit = LiteralMatcher::Hit;
using ::testing::ElementsAre;

TEST(LiteralMatcherTest, FindsWholeWordsCaselessAndExact) {
  auto matcher = LiteralMatcher::Create(
      {{"New York", true}, {"US", false}, {"York", true}, {"U.S.", false}});
  ASSERT_TRUE(matcher.ok()) << matcher.status();
  std::vector<Hit> hits;
  (*matcher)->Scan("NEW YORK told us: the US and U.S. Yorkshire", &hits);
  EXPECT_THAT(hits, ElementsAre(Hit{0, 0, 8}, Hit{2, 4, 8}, Hit{1, 22, 24},
                                Hit{3, 29, 33}));
}

TEST(LiteralMatcherTest, RespectsMultiByteNeighbours) {
  auto matcher = LiteralMatcher::Create({{"Kyiv", true}});
  ASSERT_TRUE(matcher.ok());
  std::vector<Hit> hits;
  (*matcher)->Scan("Kyivé Kyiv's", &hits);
  EXPECT_THAT(hits, ElementsAre(Hit{0, 7, 11}));
}

TEST(LiteralMatcherTest, RejectsEmptyInput) {
  EXPECT_EQ(LiteralMatcher::Create({}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LiteralMatcher::Create({{"", true}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wirestream::classify
