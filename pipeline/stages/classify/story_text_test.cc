#include "pipeline/stages/classify/story_text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::classify {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

TEST(SplitLeadingDatelineTest, AgencyDatelines) {
  auto d = SplitLeadingDateline("KYIV, Ukraine (AP) - Russia fired drones.");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->place, "KYIV, Ukraine");
  EXPECT_EQ(d->rest, "Russia fired drones.");

  d = SplitLeadingDateline("GENEVA, Nov 28 (Reuters) - Talks resumed.");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->place, "GENEVA");

  d = SplitLeadingDateline("NEW YORK - Stocks rose.");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->place, "NEW YORK");
}

TEST(SplitLeadingDatelineTest, OrdinaryLeadIsNoDateline) {
  EXPECT_FALSE(SplitLeadingDateline("The talks - which began on Monday - "
                                    "ended.")
                   .has_value());
  EXPECT_FALSE(SplitLeadingDateline("No dash at all.").has_value());
}

TEST(IsBoilerplateTest, CreditsAndBlurbs) {
  EXPECT_TRUE(
      IsBoilerplate("Reporting by Jane Doe in London; Editing by "
                    "John Roe"));
  EXPECT_TRUE(IsBoilerplate("(Additional reporting by Ana Lee in Madrid)"));
  EXPECT_TRUE(
      IsBoilerplate("Associated Press writer Kim Tran in Hanoi "
                    "contributed to this report."));
  EXPECT_TRUE(IsBoilerplate("Sign up for our Asia newsletter"));
  EXPECT_TRUE(IsBoilerplate("Copyright 2024 The Associated Press."));
  EXPECT_FALSE(IsBoilerplate("Police in London arrested two men."));
}

TEST(ExtractStoryTextTest, FieldsDatelineAndBoilerplate) {
  wirestream::v1::Story story;
  story.set_headline("JAPAN \xE2\x80\x99S ECONOMY SHRINKS");
  story.add_paragraphs("TOKYO (Reuters) \xE2\x80\x94 Japan's economy shrank.");
  story.add_paragraphs("Read more: Asia markets");
  story.add_paragraphs("Exports fell.");
  StoryText text = ExtractStoryText(story);
  EXPECT_EQ(text.dateline, "TOKYO");
  EXPECT_THAT(text.fields,
              ElementsAre(Field(&TextField::text, "JAPAN 'S ECONOMY SHRINKS"),
                          Field(&TextField::text, "Japan's economy shrank."),
                          Field(&TextField::text, "Exports fell.")));
  EXPECT_TRUE(text.fields[0].all_caps);
  EXPECT_FALSE(text.fields[1].all_caps);
  EXPECT_THAT(text.boilerplate, ElementsAre("Read more: Asia markets"));
}

TEST(ExtractStoryTextTest, StoryDatelineWins) {
  wirestream::v1::Story story;
  story.mutable_dateline()->set_place("PARIS");
  story.add_paragraphs("LYON - A strike closed schools.");
  StoryText text = ExtractStoryText(story);
  EXPECT_EQ(text.dateline, "PARIS");
  EXPECT_EQ(text.fields[0].text, "A strike closed schools.");
}

}  // namespace
}  // namespace wirestream::classify
