#include "pipeline/stages/normalize/story_text.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::normalize {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

struct DatelineCase {
  std::string paragraph;
  std::string place;
  std::string date_text;
  std::string agency;
  std::string rest;
};

class LeadingDatelineTest : public testing::TestWithParam<DatelineCase> {};

TEST_P(LeadingDatelineTest, IsTakenFromTheParagraph) {
  const DatelineCase& c = GetParam();
  std::string paragraph = c.paragraph;
  v1::Dateline dateline;
  ASSERT_TRUE(TakeLeadingDateline(&paragraph, &dateline)) << c.paragraph;
  EXPECT_EQ(dateline.place(), c.place);
  EXPECT_EQ(dateline.date_text(), c.date_text);
  EXPECT_EQ(dateline.agency(), c.agency);
  EXPECT_EQ(paragraph, c.rest);
}

INSTANTIATE_TEST_SUITE_P(
    Wires, LeadingDatelineTest,
    testing::Values(
        DatelineCase{"TOKYO — A strong quake hit.", "TOKYO", "", "",
                     "A strong quake hit."},
        DatelineCase{"WASHINGTON (AP) — The Senate voted.", "WASHINGTON", "",
                     "AP", "The Senate voted."},
        DatelineCase{"LONDON, Nov 28 (Reuters) - Britain's economy grew.",
                     "LONDON", "Nov 28", "Reuters", "Britain's economy grew."},
        DatelineCase{"NEW YORK, Nov. 28, 2023 /PRNewswire/ -- Acme said.",
                     "NEW YORK", "Nov. 28, 2023", "PRNewswire", "Acme said."},
        DatelineCase{"GROSSETO, Italy (AP) -- The trial began.",
                     "GROSSETO, Italy", "", "AP", "The trial began."},
        DatelineCase{"ST. LOUIS (AP) — Rain fell.", "ST. LOUIS", "", "AP",
                     "Rain fell."},
        DatelineCase{"Berlin (dpa) - Die Bahn streikt.", "Berlin", "", "dpa",
                     "Die Bahn streikt."},
        DatelineCase{"Berlin (KNA) Die Kommission tagte.", "Berlin", "", "KNA",
                     "Die Kommission tagte."},
        DatelineCase{"Sevilla (EFE).- El Betis ganó.", "Sevilla", "", "EFE",
                     "El Betis ganó."},
        DatelineCase{"PARIS, 28 novembre (AFP) - Le gouvernement a annoncé.",
                     "PARIS", "28 novembre", "AFP",
                     "Le gouvernement a annoncé."},
        DatelineCase{"DALLAS (AP) _ Tornadoes tore through.", "DALLAS", "",
                     "AP", "Tornadoes tore through."},
        DatelineCase{"TORONTO — Stocks rose.", "TORONTO", "", "",
                     "Stocks rose."}));

TEST(LeadingDatelineTest, LeavesOrdinaryParagraphsAlone) {
  for (std::string paragraph :
       {std::string("The U.S.-led coalition said on Tuesday it had struck."),
        std::string("NATO - the alliance - met on Tuesday."),
        std::string("Apple (AAPL) - shares rose 2% on Tuesday."),
        std::string("He said: (quote) - and left."),
        std::string("TOKYO (AP) —")}) {
    v1::Dateline dateline;
    std::string before = paragraph;
    EXPECT_FALSE(TakeLeadingDateline(&paragraph, &dateline)) << paragraph;
    EXPECT_EQ(paragraph, before);
  }
}

TEST(ParseDatelineTest, ReadsADatelineOnItsOwn) {
  v1::Dateline dateline;
  ASSERT_TRUE(ParseDateline("PARIS, Nov 28 (AFP)", &dateline));
  EXPECT_EQ(dateline.place(), "PARIS");
  EXPECT_EQ(dateline.date_text(), "Nov 28");
  EXPECT_EQ(dateline.agency(), "AFP");
  EXPECT_FALSE(ParseDateline("it rained all day in the capital", &dateline));
}

TEST(ResolveDatelineDateTest, PicksTheYearBeforeTheReference) {
  v1::Dateline dateline;
  dateline.set_date_text("Nov. 28");
  ResolveDatelineDate(absl::FromUnixSeconds(1701172800), &dateline);
  EXPECT_EQ(dateline.date().seconds(), 1701129600);  // 2023-11-28T00:00Z

  // A story sent on Jan. 1 with a Dec. 31 dateline is from the year before.
  dateline.set_date_text("Dec 31");
  ResolveDatelineDate(absl::FromUnixSeconds(1704067200), &dateline);
  EXPECT_EQ(dateline.date().seconds(), 1703980800);  // 2023-12-31T00:00Z

  dateline.clear_date();
  dateline.set_date_text("Tuesday");
  ResolveDatelineDate(absl::FromUnixSeconds(1701172800), &dateline);
  EXPECT_FALSE(dateline.has_date());
}

TEST(BylineTest, RecognisesBylines) {
  EXPECT_THAT(AsByline("By Jane Doe"), Optional(std::string("By Jane Doe")));
  EXPECT_THAT(AsByline("BY JANE DOE, Associated Press Writer"),
              Optional(std::string("BY JANE DOE, Associated Press Writer")));
  EXPECT_THAT(AsByline("Von Christian Hollmann, dpa"),
              Optional(std::string("Von Christian Hollmann, dpa")));
  EXPECT_THAT(AsByline("By Jane Doe and John van der Berg"),
              Optional(std::string("By Jane Doe and John van der Berg")));
  EXPECT_EQ(AsByline("By the end of the year, prices had doubled."),
            std::nullopt);
  EXPECT_EQ(AsByline("By Tuesday, the river had risen two meters."),
            std::nullopt);
}

TEST(AttributionTest, RecognisesAttributionLines) {
  for (const char* line :
       {"(Reporting by Andy Brook; Editing by Kate Holton)", "Source: AP",
        "(Reuters)", "Jane Doe in Paris contributed to this report.",
        "Copyright 2023 The Associated Press. All rights reserved.",
        "© 2023 Reuters", "Mit Material von dpa", "dpa ab yydd n1 cs",
        "lf/jj/rl", "SOURCE Northwind Robotics",
        "Essien reported from Abuja, Nigeria.",
        "This report by The Canadian Press was first published Nov. 28, "
        "2023."}) {
    EXPECT_TRUE(IsAttribution(line)) << line;
  }
  // As web pages print them: no parentheses.
  for (const char* line :
       {"Reporting by Rodrigo Campos; additional reporting by Stephanie "
        "Kelly; Editing by Tom Brown",
        "Provided by European Space Agency", "Source: Nikkei Asia"}) {
    EXPECT_TRUE(IsAttribution(line)) << line;
  }
  for (const char* line :
       {"Copyright lawsuits rose sharply last year, the report said.",
        "Sources said the talks had stalled.", "The AP Stylebook changed.",
        "Reporting by the BBC found that the agency had lied.",
        "Provided by the city, the grant pays for two nurses."}) {
    EXPECT_FALSE(IsAttribution(line)) << line;
  }
}

TEST(ExtractStoryPartsTest, MovesTextPartsIntoFields) {
  v1::Story story;
  story.set_headline("Quake shakes Tokyo");
  story.add_paragraphs("Quake shakes Tokyo");
  story.add_paragraphs("By KEN MORIYAMA");
  story.add_paragraphs("TOKYO (AP) — A quake shook Tokyo on Tuesday.");
  story.add_paragraphs("Trains stopped. (Reporting by Ken Moriyama)");
  story.add_paragraphs("(END)");
  story.add_paragraphs("Copyright 2023 The Associated Press.");
  ExtractStoryParts(&story);
  EXPECT_EQ(story.byline(), "By KEN MORIYAMA");
  EXPECT_EQ(story.dateline().place(), "TOKYO");
  EXPECT_EQ(story.dateline().agency(), "AP");
  EXPECT_THAT(story.paragraphs(), ElementsAre("A quake shook Tokyo on Tuesday.",
                                              "Trains stopped."));
  EXPECT_THAT(story.attributions(),
              ElementsAre("(Reporting by Ken Moriyama)",
                          "Copyright 2023 The Associated Press."));
}

TEST(ExtractStoryPartsTest, TakesTheDatelineAfterAStandfirst) {
  v1::Story story;
  story.set_headline("Japan and China agree to resume talks");
  story.add_paragraphs("The two sides will meet again next month.");
  story.add_paragraphs(
      "TOKYO — Japan and China agreed on Tuesday to resume talks.");
  story.add_paragraphs("Source: Nikkei Asia");
  ExtractStoryParts(&story);
  EXPECT_EQ(story.dateline().place(), "TOKYO");
  EXPECT_THAT(
      story.paragraphs(),
      ElementsAre("The two sides will meet again next month.",
                  "Japan and China agreed on Tuesday to resume talks."));
  EXPECT_THAT(story.attributions(), ElementsAre("Source: Nikkei Asia"));
}

TEST(ExtractStoryPartsTest, NoDatelineAfterALongParagraph) {
  v1::Story story;
  std::string long_paragraph;
  for (int i = 0; i < 70; ++i) long_paragraph += "word ";
  story.add_paragraphs(long_paragraph + "end.");
  story.add_paragraphs("TOKYO — Officials said more talks were planned.");
  ExtractStoryParts(&story);
  EXPECT_FALSE(story.has_dateline());
  EXPECT_EQ(story.paragraphs(1),
            "TOKYO — Officials said more talks were planned.");
}

TEST(ExtractStoryPartsTest, CreditLineUnderTheBylineIsAnAttribution) {
  v1::Story story;
  story.add_paragraphs("By LISA MASCARO");
  story.add_paragraphs("Associated Press");
  story.add_paragraphs("WASHINGTON (AP) — The hearing opened on Wednesday.");
  ExtractStoryParts(&story);
  EXPECT_EQ(story.byline(), "By LISA MASCARO");
  EXPECT_EQ(story.dateline().place(), "WASHINGTON");
  EXPECT_THAT(story.paragraphs(),
              ElementsAre("The hearing opened on Wednesday."));
  EXPECT_THAT(story.attributions(), ElementsAre("Associated Press"));
}

TEST(ExtractStoryPartsTest, KeepsTheFeedsDatelineAndSkipsEditorsNotes) {
  v1::Story story;
  story.mutable_dateline()->set_place("MONROVIA");
  story.add_paragraphs("(Corrects figure in paragraph 2)");
  story.add_paragraphs("MONROVIA, Liberia (AP) — Results came in.");
  ExtractStoryParts(&story);
  EXPECT_EQ(story.dateline().place(), "MONROVIA");
  EXPECT_EQ(story.dateline().agency(), "AP");
  EXPECT_THAT(
      story.paragraphs(),
      ElementsAre("(Corrects figure in paragraph 2)", "Results came in."));
}

}  // namespace
}  // namespace wirestream::normalize
