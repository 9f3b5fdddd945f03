#include "pipeline/stages/classify/country_tagger.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/classify/classifier_data.h"

namespace wirestream::classify {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::wirestream::v1::CountryScore;

class CountryTaggerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto g = Gazetteer::Create(EmbeddedClassifierData().gazetteer);
    ASSERT_TRUE(g.ok()) << g.status();
    gazetteer_ = g->release();
  }
  static void TearDownTestSuite() { delete gazetteer_; }

  CountryTagging Tag(const std::string& dateline, const std::string& headline,
                     const std::vector<std::string>& paragraphs) {
    wirestream::v1::Story story;
    story.mutable_dateline()->set_place(dateline);
    story.set_headline(headline);
    for (const auto& p : paragraphs) story.add_paragraphs(p);
    return CountryTagger(gazetteer_).Tag(ExtractStoryText(story));
  }

  static std::vector<std::string> Codes(const CountryTagging& t) {
    std::vector<std::string> codes;
    for (const CountryScore& c : t.countries) codes.push_back(c.code());
    return codes;
  }
  static const CountryScore* Find(const CountryTagging& t,
                                  const std::string& code) {
    for (const CountryScore& c : t.countries) {
      if (c.code() == code) return &c;
    }
    return nullptr;
  }

  static Gazetteer* gazetteer_;
};

Gazetteer* CountryTaggerTest::gazetteer_ = nullptr;

TEST_F(CountryTaggerTest, DatelinedInOneCountryAboutAnother) {
  CountryTagging t =
      Tag("GENEVA", "Iran nuclear talks resume",
          {"Iranian negotiators met European envoys on Tuesday as Tehran said "
           "it was ready to limit enrichment.",
           "Iran wants sanctions lifted first."});
  EXPECT_EQ(t.focus_country, "IR");
  EXPECT_THAT(Codes(t), ElementsAre("IR", "CH"));
  EXPECT_EQ(Find(t, "IR")->role(), wirestream::v1::COUNTRY_ROLE_SUBJECT);
  EXPECT_EQ(Find(t, "CH")->role(), wirestream::v1::COUNTRY_ROLE_DATELINE);
  EXPECT_EQ(Find(t, "IR")->mentions(), 4);
  EXPECT_THAT(Find(t, "IR")->evidence(),
              ElementsAre("Iran", "Iranian", "Tehran (government)"));
  EXPECT_THAT(Find(t, "CH")->evidence(), ElementsAre("GENEVA (dateline)"));
}

TEST_F(CountryTaggerTest, DemonymsOnly) {
  CountryTagging t = Tag("", "Talks stall",
                         {"Japanese and South Korean officials met, but the "
                          "Japanese side left early."});
  EXPECT_EQ(t.focus_country, "JP");
  EXPECT_THAT(Codes(t), ElementsAre("JP", "KR"));
  EXPECT_EQ(Find(t, "JP")->mentions(), 2);
}

TEST_F(CountryTaggerTest, AmbiguousWordsNeedContext) {
  CountryTagging t =
      Tag("", "Holiday meal prices rise",
          {"Turkey prices rose before Thanksgiving, and shoppers in Reading "
           "and Mobile found nice deals.",
           "Michael Jordan and Chad Smith were not available for comment."});
  EXPECT_THAT(Codes(t), IsEmpty());
  EXPECT_EQ(t.focus_country, "");
}

TEST_F(CountryTaggerTest, AmbiguousWordsWithContext) {
  CountryTagging t =
      Tag("", "Georgia protests",
          {"Thousands marched in Tbilisi as Georgia's ruling party shelved "
           "the EU bid.",
           "Turkey, Jordan and Chad called for calm."});
  EXPECT_EQ(t.focus_country, "GE");
  EXPECT_THAT(Codes(t), ElementsAre("GE", "JO", "TD", "TR"));
}

TEST_F(CountryTaggerTest, GeorgiaTheState) {
  CountryTagging t = Tag("ATLANTA", "Georgia recount ordered",
                         {"Georgia's Republican governor ordered a recount in "
                          "Fulton County."});
  EXPECT_EQ(t.focus_country, "US");
  EXPECT_THAT(Codes(t), ElementsAre("US"));
}

TEST_F(CountryTaggerTest, NiceDatelineAndContext) {
  CountryTagging t = Tag("NICE, France", "Storm floods Riviera",
                         {"Streets in Nice were under water."});
  EXPECT_EQ(t.focus_country, "FR");
  EXPECT_THAT(Codes(t), ElementsAre("FR"));
  EXPECT_EQ(Find(t, "FR")->mentions(), 2);
  EXPECT_THAT(Find(t, "FR")->evidence(),
              ElementsAre("NICE, France (dateline)", "Nice"));
}

TEST_F(CountryTaggerTest, CompanyNamesWithPlaceNames) {
  CountryTagging t =
      Tag("", "Airbus wins order",
          {"Air France and Bank of America said on Monday that the deal, "
           "reported by the New York Times, was financed in Germany."});
  EXPECT_THAT(Codes(t), ElementsAre("DE"));
}

TEST_F(CountryTaggerTest, BoilerplateAddsNoCountry) {
  CountryTagging t =
      Tag("", "Kenya cuts rates",
          {"Kenya's central bank cut its main rate.",
           "Reporting by Duncan Miriri in Nairobi; Editing by Alex Richardson "
           "in London",
           "Reuters reporter Ana Diaz in Madrid contributed to this report.",
           "Sign up for our Brazil newsletter"});
  EXPECT_THAT(Codes(t), ElementsAre("KE"));
}

TEST_F(CountryTaggerTest, ExonymsAbbreviationsAndInstitutions) {
  CountryTagging t =
      Tag("", "Kiev talks",
          {"Officials from the U.S. met counterparts in Kiev while the "
           "Kremlin said it would respond; Peking duck was served."});
  EXPECT_THAT(Codes(t), ElementsAre("UA", "US", "RU"));
  EXPECT_EQ(t.focus_country, "UA");
  EXPECT_THAT(Find(t, "RU")->evidence(), ElementsAre("Kremlin"));
}

TEST_F(CountryTaggerTest, LowerCaseUsIsNotTheUnitedStates) {
  CountryTagging t = Tag("", "Tell us", {"Let us know what you think."});
  EXPECT_THAT(Codes(t), IsEmpty());
}

TEST_F(CountryTaggerTest, RegionsRollUpToM49) {
  CountryTagging t = Tag("NAIROBI", "Kenya rates", {"Kenya cut rates."});
  std::vector<std::string> regions;
  for (const auto& r : t.regions) {
    regions.push_back(r.m49_code() + " " + r.name());
  }
  EXPECT_THAT(regions, ElementsAre("014 Eastern Africa",
                                   "202 Sub-Saharan Africa", "002 Africa"));
  EXPECT_EQ(t.regions[2].level(), wirestream::v1::REGION_LEVEL_CONTINENT);
}

TEST_F(CountryTaggerTest, ResolveDateline) {
  CountryTagger tagger(gazetteer_);
  EXPECT_EQ(tagger.ResolveDateline("KYIV, Ukraine"), "UA");
  EXPECT_EQ(tagger.ResolveDateline("PARIS, Texas"), "US");
  EXPECT_EQ(tagger.ResolveDateline("READING, England"), "GB");
  EXPECT_EQ(tagger.ResolveDateline("WASHINGTON"), "US");
  EXPECT_EQ(tagger.ResolveDateline("NEW DELHI"), "IN");
  EXPECT_EQ(tagger.ResolveDateline("ATLANTIS"), "");
}

}  // namespace
}  // namespace wirestream::classify
