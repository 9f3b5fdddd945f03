// A plain-text wire story (headline, then a dateline lead) is never read as
// a page dump, whatever its body holds: real Reuters copy whose quotes,
// earnings tables or sign-off once made normalize take a body paragraph as
// the headline and drop the rest of the story.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "pipeline/stages/normalize/test_support.h"

namespace wirestream::normalize {
namespace {

using ::testing::HasSubstr;

struct Case {
  std::string newid;
  std::string headline;
  std::string place;
  // The story's first and last words of body, which must both be kept.
  std::string first;
  std::string last;
};

TEST(WireStoryOpeningTest, HeadlineAndEveryParagraphAreKept) {
  std::unique_ptr<Normalizer> normalizer =
      *Normalizer::Create(NormalizerConfig{});
  for (const Case& c : std::vector<Case>{
           {"414", "QUEBEC'S CAISSE DES JARDINS ISSUES YEN EUROBOND", "LONDON",
            "Caisse Centrale Desjardins du Quebec is issuing",
            "credit unions in the Province of Quebec."},
           {"17622", "NORTHGATE QUEBEC GOLD WORKERS END STRIKE", "TORONTO",
            "Northgate Exploration Ltd said hourly-paid workers",
            "produced 81,500 ounces of gold last year."},
           {"4239", "CORRECTED-INSITUFORM OF NORTH AMERICA INC<INSUA>",
            "MEMPHIS, Tenn.", "4th qtr",
            "Corrects March 11 item to exclude tax credit"},
           {"17268", "FED'S CORRIGAN OPPOSES FURTHER DOLLAR FALL",
            "OSAKA, JAPAN", "New York Federal Reserve Bank President",
            "economic policy coordination."},
       }) {
    const std::string file = absl::StrCat("reuters-", c.newid, ".txt");
    absl::StatusOr<v1::Story> story = normalizer->Normalize(SampleRawStory(
        file, ReadWorkspaceFile(absl::StrCat(
                  "pipeline/stages/normalize/testdata/reuters/", file))));
    ASSERT_TRUE(story.ok()) << c.newid << ": " << story.status();
    EXPECT_EQ(story->headline(), c.headline) << c.newid;
    EXPECT_EQ(story->dateline().place(), c.place) << c.newid;
    std::string body;
    for (const std::string& paragraph : story->paragraphs()) {
      absl::StrAppend(&body, paragraph, "\n");
    }
    EXPECT_THAT(body, HasSubstr(c.first)) << c.newid;
    EXPECT_THAT(body, HasSubstr(c.last)) << c.newid;
  }
}

}  // namespace
}  // namespace wirestream::normalize
