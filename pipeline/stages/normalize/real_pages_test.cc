// Real news pages saved as text (testdata/boilerplate_real) through the
// whole Normalizer: the credit line goes to Story.attributions, not the
// body, and a dateline that opens the first paragraph after a standfirst
// is the story's dateline.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "pipeline/stages/normalize/test_support.h"

namespace wirestream::normalize {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr absl::string_view kPagesDir =
    "pipeline/stages/normalize/testdata/boilerplate_real";

v1::Story NormalizePage(absl::string_view name) {
  std::unique_ptr<Normalizer> normalizer =
      *Normalizer::Create(NormalizerConfig{});
  std::string file = absl::StrCat(name, ".txt");
  v1::RawStory raw = SampleRawStory(
      file, ReadWorkspaceFile(absl::StrCat(kPagesDir, "/", file)));
  raw.set_format(v1::WIRE_FORMAT_PLAIN_TEXT);
  absl::StatusOr<v1::Story> story = normalizer->Normalize(raw);
  EXPECT_TRUE(story.ok()) << name << ": " << story.status();
  return story.ok() ? *story : v1::Story();
}

TEST(RealPagesTest, SourceLineIsTheCredit) {
  v1::Story story = NormalizePage("r01-aljazeera");
  EXPECT_THAT(story.attributions(), ElementsAre("SOURCE: Al Jazeera News"));
  EXPECT_THAT(story.paragraphs(), Not(Contains(HasSubstr("SOURCE"))));
}

TEST(RealPagesTest, ContributorLineIsTheCredit) {
  v1::Story story = NormalizePage("r02-ap");
  EXPECT_EQ(story.dateline().place(), "WASHINGTON");
  EXPECT_EQ(story.dateline().agency(), "AP");
  // "Associated Press" under the byline, the contributors at the end.
  EXPECT_THAT(story.attributions(),
              ElementsAre("Associated Press",
                          StartsWith("Associated Press writers Alan Fram")));
  ASSERT_FALSE(story.paragraphs().empty());
  EXPECT_THAT(story.paragraphs(0), StartsWith("Ambassador Gordon Sondland,"));
}

TEST(RealPagesTest, DatelineAfterAStandfirst) {
  v1::Story story = NormalizePage("r05-cnbc");
  EXPECT_EQ(story.dateline().place(), "DUBAI, United Arab Emirates");
  EXPECT_THAT(story.paragraphs(), Not(Contains(StartsWith("DUBAI"))));
  EXPECT_THAT(story.paragraphs(),
              Contains(StartsWith("Dubai's flagship carrier Emirates Airline "
                                  "finalized a deal")));
}

TEST(RealPagesTest, AgencyLineUnderTheHeadlineIsTheCredit) {
  v1::Story story = NormalizePage("r07-deccanherald");
  EXPECT_THAT(story.attributions(), ElementsAre("Reuters"));
  EXPECT_THAT(story.paragraphs(), Not(Contains("Reuters")));
}

TEST(RealPagesTest, ProvidedByLineIsTheCredit) {
  v1::Story story = NormalizePage("r13-phys-org");
  EXPECT_THAT(story.attributions(),
              ElementsAre("Provided by European Space Agency"));
}

TEST(RealPagesTest, ReportingLineWithoutParenthesesIsTheCredit) {
  v1::Story story = NormalizePage("r14-reuters");
  EXPECT_EQ(story.dateline().place(), "NEW YORK");
  EXPECT_EQ(story.dateline().agency(), "Reuters");
  EXPECT_THAT(story.attributions(),
              ElementsAre(StartsWith("Reporting by Rodrigo Campos;")));
}

TEST(RealPagesTest, DatelineWithALocalBroadcaster) {
  v1::Story story = NormalizePage("r10-hawaiinewsnow");
  EXPECT_EQ(story.dateline().place(), "HONOLULU, Hawaii");
  ASSERT_FALSE(story.paragraphs().empty());
  EXPECT_THAT(story.paragraphs(0), StartsWith("NASA scientists"));
}

// The headline of a dump is the headline-like line nearest above the
// article, not the site's menus and banners at the top of the page.
TEST(RealPagesTest, HeadlineAboveTheArticle) {
  for (const auto& [page, headline] :
       std::vector<std::pair<std::string, std::string>>{
           {"r02-ap",
            "Unpredictable Sondland faces questions about Trump, Ukraine"},
           {"r05-cnbc",
            "Emirates inks $9 billion order for 30 Boeing 787 jets, will "
            "restart plans to expand airline by early 2020s"},
           {"r11-jpost",
            "Son of former German president stabbed to death in Berlin"},
           {"r13-phys-org",
            "Hibernating astronauts would need smaller spacecraft"},
           {"r14-reuters",
            "Oversupply angst drags oil lower, stocks drift near highs"},
           {"r18-therepublic", "CPD arrests six in drug investigation"},
       }) {
    EXPECT_EQ(NormalizePage(page).headline(), headline) << page;
  }
}

}  // namespace
}  // namespace wirestream::normalize
