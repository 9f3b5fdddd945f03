#include "pipeline/stages/normalize/boilerplate.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::normalize {
namespace {

using ::testing::ElementsAre;

TEST(IsBoilerplateLineTest, RecognisesPageFurniture) {
  for (const char* line :
       {"Skip to main content", "Home | News | Politics | Business | Sport",
        "Share this article", "Facebook X WhatsApp Copy link",
        "READ MORE: Metro line 4 extension delayed until 2026",
        "Sign up for our morning newsletter to get the top stories in your "
        "inbox.",
        "We use cookies to personalise content and ads. By using this site "
        "you accept our cookie policy.",
        "© 2023 Metro Daily Media. All rights reserved.",
        "Updated 28 November 2023, 14:05 GMT", "Advertisement",
        "Lucia Fernandes is the transport correspondent for Metro Daily.",
        "Photo: Jane Doe/Getty Images", "Terms of Use | Privacy Policy",
        "Media contact: press@example.com", "Lesen Sie auch: Neue Regeln",
        "5 min read", "Nov. 28, 2023"}) {
    EXPECT_TRUE(IsBoilerplateLine(line)) << line;
  }
  for (const char* line :
       {"The council voted 7-2 on Tuesday to approve the plan.",
        "No one was injured.",
        "Subscriptions to the service rose 8% in the quarter, the company "
        "said.",
        "Home Secretary announces review of police powers after protests.",
        "“Café war” — prices soar"}) {
    EXPECT_FALSE(IsBoilerplateLine(line)) << line;
  }
}

TEST(IsBoilerplateHeadingTest, RecognisesSectionHeadings) {
  for (const char* heading :
       {"Related stories", "SEE ALSO", "More from Local", "Most Read",
        "You may also like", "About the author",
        "Das könnte Sie auch "
        "interessieren",
        "À lire aussi", "About Northwind Robotics"}) {
    EXPECT_TRUE(IsBoilerplateHeading(heading)) << heading;
  }
  EXPECT_FALSE(IsBoilerplateHeading("Why the bridge matters"));
  EXPECT_FALSE(IsBoilerplateHeading("About 300 people attended."));
}

PageBlock Line(std::string text) {
  PageBlock block;
  block.kind = PageBlock::Kind::kLine;
  block.text = std::move(text);
  return block;
}

std::vector<std::string> Kept(const std::vector<PageBlock>& blocks,
                              const std::string& headline) {
  std::vector<bool> keep = SelectArticleBlocks(blocks, headline);
  std::vector<std::string> kept;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (keep[i]) kept.push_back(blocks[i].text);
  }
  return kept;
}

TEST(SelectArticleBlocksTest, KeepsTheArticleInOrder) {
  std::vector<PageBlock> blocks = {
      Line("Fare rise approved"),  // repeated headline
      Line("The transit authority will raise fares by an average of 5% from "
           "January, its board decided on Tuesday, citing higher costs."),
      Line("Advertisement"),
      Line("No one objected."),  // short, between article paragraphs
      Line("The increase would raise about 31 million euros a year, covering "
           "roughly half of a projected operating deficit for next year."),
      Line("Related stories"),
      Line("Strike halts buses for second day"),
      Line("New electric buses enter service on the airport route this week, "
           "the operator said in a statement on Monday evening."),
  };
  EXPECT_THAT(
      Kept(blocks, "Fare rise approved"),
      ElementsAre(testing::StartsWith("The transit authority"),
                  "No one objected.", testing::StartsWith("The increase")));
}

TEST(SelectArticleBlocksTest, DropsLinkListsAndFurnitureRegions) {
  PageBlock teaser = Line("Council split on how to pay for bridge repairs");
  teaser.link_bytes = teaser.text.size();
  PageBlock boxed = Line(
      "Dana writes about City Hall, transportation and the people who "
      "keep the city running, and has done so for a decade now.");
  boxed.region_hint = -1;
  PageBlock article = Line(
      "The City Council voted 7-2 on Tuesday night to approve a $48 "
      "million plan to rebuild the Riverside Avenue bridge after years.");
  EXPECT_THAT(Kept({article, teaser, boxed}, ""),
              ElementsAre(testing::StartsWith("The City Council")));
}

TEST(SelectArticleBlocksTest, KeepsAShortArticleWithoutLongParagraphs) {
  EXPECT_THAT(Kept({Line("Shares of Acme rose 4% in early trading on Tuesday."),
                    Line("The company reports results on Thursday morning.")},
                   ""),
              ElementsAre(testing::StartsWith("Shares"),
                          testing::StartsWith("The company")));
}

TEST(SelectArticleBlocksTest, KeepsOnlyTheMainContainer) {
  PageBlock a = Line(
      "The plan calls for replacing the bridge deck and strengthening its "
      "steel supports while keeping two lanes open for most of the work.");
  a.containers = {0, 1, 2};
  PageBlock b = Line(
      "About $30 million of the cost will come from a federal grant the city "
      "won in August, with the rest covered by a bond issue next year.");
  b.containers = {0, 1, 2};
  PageBlock c = Line(
      "Construction is expected to start next summer and take about 18 "
      "months, with detours posted two weeks before any lane closes.");
  c.containers = {0, 1, 2};
  PageBlock d = Line(
      "The two members who voted no said the city should have pursued a full "
      "replacement, which would have cost $71 million but lasted longer.");
  d.containers = {0, 1, 2};
  PageBlock stray = Line(
      "Parents packed the meeting to speak against the proposal, which would "
      "move high school classes to a later start time next autumn.");
  stray.containers = {0, 3};
  EXPECT_THAT(Kept({a, b, c, d, stray}, ""),
              ElementsAre(testing::StartsWith("The plan"),
                          testing::StartsWith("About $30"),
                          testing::StartsWith("Construction"),
                          testing::StartsWith("The two members")));
}

}  // namespace
}  // namespace wirestream::normalize
