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

TEST(IsBoilerplateLineTest, RecognisesCaptionsEmbedsAndNotices) {
  // Lines of real pages saved as text (testdata/boilerplate_real).
  for (const char* line :
       {"FILE - In this Monday, Oct. 28, 2019, file photo, U.S. Ambassador "
        "to the European Union Gordon Sondland walks to a secure area.",
        "The front headlights of the new Ford Mustang Mach-E SUV. (Carlos "
        "Osorio / AP)",
        "This illustration shows how private operators could take people "
        "back to the Moon [SpaceX via Nasa]",
        "Materials from the campaign. (onmeth.com)",
        "Representative image. (AFP file photo)",
        "Natalie Naccache | Bloomberg | Getty Images",
        "Patrick Semansky, ASSOCIATED PRESS",
        "Christopher Tays Submitted photo", "1 of 6",
        "Twitter post by @AOC: Private equity groups’ predatory practices "
        "actively hurt millions of Americans.",
        "— Dele (@dele_official) November 19, 2019",
        "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
        "These are external links and will open in a new window",
        "This document is subject to copyright. Apart from any fair dealing "
        "no part may be reproduced without the written permission.",
        "We urge you to turn off your ad blocker for The Telegraph website.",
        "Story continues below gallery", "View all (23)"}) {
    EXPECT_TRUE(IsBoilerplateLine(line)) << line;
  }
  for (const char* line :
       {"(Reporting by Jane Doe in London/Editing by John Roe)", "Reuters",
        "The order is valued at $8.8 billion (list prices).",
        "Police said the man, 57, was arrested at the scene."}) {
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

PageBlock DumpLine(std::string text, int group) {
  PageBlock block = Line(std::move(text));
  block.group = group;
  return block;
}

// A text dump: the article, then teasers for other stories, each a title,
// a summary and a "Read More »" line, as the page had them.
TEST(SelectArticleBlocksTest, DropsTeasersAfterTheArticleInADump) {
  std::vector<PageBlock> blocks = {
      DumpLine("TOKYO — Japan and China agreed on Tuesday to resume talks on "
               "a maritime hotline, officials from both governments said after "
               "a meeting in Beijing.",
               0),
      DumpLine("The two sides last met in March and will meet again in "
               "January, the foreign ministry in Tokyo said in a statement.",
               1),
      DumpLine("Source: Nikkei Asia", 2),
      DumpLine("Indonesia raises rates for a third time", 3),
      DumpLine("Bank Indonesia raised its benchmark rate by a quarter point "
               "on Thursday to defend the rupiah, which hit a record low "
               "against the dollar this week.",
               4),
      DumpLine("Read More »", 5),
      DumpLine("Vietnam exports slow as chip demand cools", 6),
      DumpLine("Vietnam's exports grew at the slowest pace in a year in "
               "November as demand for electronics and chips from its main "
               "markets cooled, data showed.",
               7),
      DumpLine("Read More »", 8),
  };
  EXPECT_THAT(Kept(blocks, "Japan and China agree to resume hotline talks"),
              ElementsAre(testing::StartsWith("TOKYO — Japan and China"),
                          testing::StartsWith("The two sides last met")));
}

// A picture's caption, its credit and an embedded post inside the article
// do not cut it in two.
TEST(SelectArticleBlocksTest, CaptionsInsideADumpInterruptTheArticle) {
  std::vector<PageBlock> blocks = {
      DumpLine("Police arrested six people Monday during a narcotics "
               "investigation involving drug activity at a home on the east "
               "side of the city, police said.",
               0),
      DumpLine("Story continues below gallery", 1),
      DumpLine("1 of 6", 2),
      DumpLine("[5dd4109988]", 3),
      DumpLine("Christopher Battin Submitted photo", 3),
      DumpLine("[5dd4109c71]", 4),
      DumpLine("Jonathan P. Blair Submitted photo", 4),
      DumpLine("A sheriff's department canine later alerted to the odor of "
               "narcotics in the vehicle and officers found methamphetamine "
               "and a scale, police said.",
               5),
  };
  EXPECT_THAT(Kept(blocks, ""),
              ElementsAre(testing::StartsWith("Police arrested six"),
                          testing::StartsWith("A sheriff's department")));
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
