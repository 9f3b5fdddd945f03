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

TEST(LiteralMatcherTest, LatinAndCyrillicNamesAreWholeWords) {
  auto matcher = LiteralMatcher::Create(
      {{"Allemagne", true}, {"Россия", true}, {"Iran", true}});
  ASSERT_TRUE(matcher.ok());
  std::vector<Hit> hits;
  // "’" and "«" are punctuation; "Россиянин" and "Iranian" are other words.
  (*matcher)->Scan("d’Allemagne «Россия» Россиянин Iranian", &hits);
  EXPECT_THAT(hits, ElementsAre(Hit{0, 4, 13}, Hit{1, 16, 28}));
}

TEST(LiteralMatcherTest, HanAndKanaNamesMatchInsideRunningText) {
  auto matcher = LiteralMatcher::Create(
      {{"中国", true}, {"日本", true}, {"東京", true}, {"マリ", true}});
  ASSERT_TRUE(matcher.ok());
  std::vector<Hit> hits;
  // 访问中国时 / 日本は東京で / マリオ is no Mali, マリで is.
  (*matcher)->Scan("访问中国时日本は東京でマリオとマリで", &hits);
  EXPECT_THAT(hits, ElementsAre(Hit{0, 6, 12}, Hit{1, 15, 21}, Hit{2, 24, 30},
                                Hit{3, 45, 51}));
}

TEST(LiteralMatcherTest, HangulNamesTakeParticles) {
  auto matcher = LiteralMatcher::Create({{"한국", true}, {"인도", true}});
  ASSERT_TRUE(matcher.ok());
  std::vector<Hit> hits;
  // 한국은 (Korea + topic particle) counts; 대한민국 and 인도하다 (to lead)
  // do not hold the names.
  (*matcher)->Scan("한국은 대한민국 인도하다 인도와", &hits);
  EXPECT_THAT(hits, ElementsAre(Hit{0, 0, 6}, Hit{1, 36, 42}));
}

TEST(LiteralMatcherTest, ArabicNamesTakeClitics) {
  auto matcher = LiteralMatcher::Create({{"الصين", true}});
  ASSERT_TRUE(matcher.ok());
  std::vector<Hit> hits;
  // والصين (and China) counts; الصينية (Chinese) is another word.
  (*matcher)->Scan("والصين الصينية", &hits);
  EXPECT_THAT(hits, ElementsAre(Hit{0, 2, 12}));
}

TEST(LiteralMatcherTest, RejectsEmptyInput) {
  EXPECT_EQ(LiteralMatcher::Create({}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LiteralMatcher::Create({{"", true}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LiteralMatcherTest, ShortHanWordsFollowWordSegmentation) {
  auto matcher = LiteralMatcher::Create({{"长沙", true, /*han_word=*/true},
                                         {"武汉", true, /*han_word=*/true},
                                         {"中美", true, /*han_word=*/false}});
  ASSERT_TRUE(matcher.ok()) << matcher.status();
  std::vector<Hit> hits;
  // "东海|地区": 海地 (Haiti) straddles two words; 武汉 is one; a pattern
  // without the flag matches inside running text as before.
  (*matcher)->Scan("东海地区到武汉谈中美关系", &hits);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].pattern, 1u);
  EXPECT_EQ(hits[1].pattern, 2u);
}

}  // namespace
}  // namespace wirestream::classify
