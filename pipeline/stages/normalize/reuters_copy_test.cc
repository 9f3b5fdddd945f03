// Real Reuters copy (testdata/reuters, Reuters-21578) as plain-text wire
// files: company names and tickers in angle brackets are text, whether they
// open the headline ("<NOVA> WINS ...") or sit inside it ("GREAT WESTERN
// <GWF> ..."). A payload that opens like markup but reads as text is read as
// plain text and says so in Story.attributes; it is never dead-lettered.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "pipeline/stages/normalize/test_support.h"

namespace wirestream::normalize {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr absl::string_view kReutersDir =
    "pipeline/stages/normalize/testdata/reuters";

absl::StatusOr<v1::Story> NormalizeReuters(absl::string_view newid) {
  std::unique_ptr<Normalizer> normalizer =
      *Normalizer::Create(NormalizerConfig{});
  std::string file = absl::StrCat("reuters-", newid, ".txt");
  return normalizer->Normalize(SampleRawStory(
      file, ReadWorkspaceFile(absl::StrCat(kReutersDir, "/", file))));
}

std::string Body(const v1::Story& story) {
  std::string body;
  for (const std::string& paragraph : story.paragraphs()) {
    absl::StrAppend(&body, body.empty() ? "" : "\n", paragraph);
  }
  return body;
}

TEST(ReutersCopyTest, BracketedCompanyOpeningTheHeadlineIsPlainText) {
  absl::StatusOr<v1::Story> story = NormalizeReuters("157");
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->format(), v1::WIRE_FORMAT_PLAIN_TEXT);
  EXPECT_EQ(story->headline(),
            "<NOVA> WINS GOVERNMENT OKAY FOR HUSKY <HYO> DEAL");
  EXPECT_EQ(story->dateline().place(), "CALGARY, Alberta");
  EXPECT_EQ(story->dateline().date_text(), "Feb 26");
  EXPECT_THAT(story->attributes(),
              UnorderedElementsAre(
                  Pair(kFormatFallbackAttribute, "plain_text"),
                  Pair(kFormatFallbackReasonAttribute, HasSubstr("<NOVA…>"))));
  // Names in brackets across a line break stay in the body as written.
  EXPECT_THAT(Body(*story),
              HasSubstr("under which <Union Faith Canada Holding Ltd> would "
                        "buy a 43 pct stake in Husky."));
  EXPECT_THAT(Body(*story), HasSubstr("<Hutchison Whampoa Ltd> and <Hong "
                                      "Kong Electric Holdings Ltd>."));
}

TEST(ReutersCopyTest, BracketedCompanyOpeningHeadlineAndBody) {
  absl::StatusOr<v1::Story> story = NormalizeReuters("120");
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->headline(), "<HIGH POINT FINANCIAL CORP> SETS OFFERING");
  EXPECT_EQ(story->dateline().place(), "BRANCHVILLE, N.J.");
  ASSERT_FALSE(story->paragraphs().empty());
  EXPECT_THAT(story->paragraphs(0),
              HasSubstr("<High Point Financial Corp> said it filed a "
                        "registration statement"));
  EXPECT_EQ(story->attributes().at(kFormatFallbackAttribute), "plain_text");
}

TEST(ReutersCopyTest, EarningsTableUnderABracketedCompany) {
  absl::StatusOr<v1::Story> story = NormalizeReuters("38");
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->headline(), "<CINRAM LTD> 4TH QTR NET");
  EXPECT_THAT(Body(*story), HasSubstr("Shr 45 cts vs 58 cts"));
  EXPECT_THAT(Body(*story), HasSubstr("Avg shrs 2,332,397 vs 1,428,000"));
}

TEST(ReutersCopyTest, TickerThatIsAnElementNameIsText) {
  absl::StatusOr<v1::Story> story = NormalizeReuters("1075");
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->headline(),
            "<FRUIT OF THE LOOM INC> INITIAL OFFERING STARTS");
  EXPECT_EQ(story->attributes().at(kFormatFallbackAttribute), "plain_text");
  EXPECT_THAT(Body(*story), HasSubstr("<S>"));
}

TEST(ReutersCopyTest, ApostropheInsideTheBracketsIsText) {
  absl::StatusOr<v1::Story> story = NormalizeReuters("7883");
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_THAT(story->headline(), testing::StartsWith("<HUDSON'S BAY CO>"));
  EXPECT_EQ(story->attributes().at(kFormatFallbackAttribute), "plain_text");
}

TEST(ReutersCopyTest, TickerInsideTheHeadlineIsKept) {
  for (const auto& [newid, headline] :
       std::vector<std::pair<std::string, std::string>>{
           {"2474", "GREAT WESTERN FINANCIAL <GWF> UNIT BUYS BANKS"},
           {"11867", "CITADEL <CDL> SETTLES WITH GREAT WESTERN <GWF>"},
           {"16986", "GREAT WESTERN <GWF>SEES ANOTHER OUTSTANDING YEAR"},
       }) {
    absl::StatusOr<v1::Story> story = NormalizeReuters(newid);
    ASSERT_TRUE(story.ok()) << newid << ": " << story.status();
    EXPECT_EQ(story->headline(), headline) << newid;
    EXPECT_EQ(story->format(), v1::WIRE_FORMAT_PLAIN_TEXT) << newid;
    // Plain text that does not open like markup needs no fallback note.
    EXPECT_TRUE(story->attributes().empty()) << newid;
    EXPECT_THAT(story->normalized_text(), HasSubstr("<gwf>")) << newid;
  }
}

}  // namespace
}  // namespace wirestream::normalize
