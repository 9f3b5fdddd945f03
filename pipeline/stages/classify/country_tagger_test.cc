#include "pipeline/stages/classify/country_tagger.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/classify/classifier_data.h"

namespace wirestream::classify {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
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

TEST_F(CountryTaggerTest, DatelinesWithWireStateAbbreviations) {
  CountryTagger tagger(gazetteer_);
  EXPECT_EQ(tagger.ResolveDateline("ROCHESTER, N.Y."), "US");
  EXPECT_EQ(tagger.ResolveDateline("OAK BROOK, ILL."), "US");
  EXPECT_EQ(tagger.ResolveDateline("WALTHAM, Mass"), "US");
  EXPECT_EQ(tagger.ResolveDateline("CHARLESTON, W. Va."), "US");
  EXPECT_EQ(tagger.ResolveDateline("THOMASVILLE, Ga."), "US");
  EXPECT_EQ(tagger.ResolveDateline("OAKVILLE, Ont."), "CA");
  EXPECT_EQ(tagger.ResolveDateline("BEVERLY HILLS"), "US");
  EXPECT_EQ(tagger.ResolveDateline("MINNEAPOLIS"), "US");
  EXPECT_EQ(tagger.ResolveDateline("BONN"), "DE");
  // A qualifier alone is no place.
  EXPECT_EQ(tagger.ResolveDateline("MASS."), "");
}

TEST_F(CountryTaggerTest, StateAbbreviationsAreNotReadInText) {
  CountryTagging t =
      Tag("", "Sales mixed", {"Results in Ill. and Pa. were mixed."});
  EXPECT_THAT(Codes(t), IsEmpty());
}

// Reuters-21578 NEWID 13093: a results table under a US town's dateline.
TEST_F(CountryTaggerTest, RealUsCompanyStoryWithStateDateline) {
  CountryTagging t = Tag("", "MEDICAL STERILIZATION INC <MSTI> YEAR LOSS",
                         {"SYOSSET, N.Y., April 3 - Shr loss 65 cts vs loss "
                          "1.31 dlrs",
                          "Net loss 1,366,340 vs loss 2,148,656"});
  EXPECT_EQ(t.focus_country, "US");
  EXPECT_THAT(Codes(t), ElementsAre("US"));
  EXPECT_THAT(Find(t, "US")->evidence(),
              ElementsAre("SYOSSET, N.Y. (dateline)", "<MSTI> (listing)"));
}

// Reuters-21578 NEWID 6101: a US company buys out its British unit.
TEST_F(CountryTaggerTest, RealUsCompanyBuysItsUnitAbroad) {
  CountryTagging t = Tag(
      "", "AMERICAN CYANAMID <ACY> BUYS U.K. COMPANY",
      {"WAYNE, N.J., March 17 - American Cyanamid Co said it bought the 50 "
       "pct interest of Cyanamid Fothergill Ltd held by <Fothergill and "
       "Harvey PLC>, making the unit a wholly owned subsidiary.",
       "The unit manufactures structural materials, including advanced "
       "composites, adhesives, and aluminum honeycomb for the European space "
       "industry.",
       "The current management will remain in place and the unit will "
       "continue at its locations in Wrexham, U.K., the company said."});
  EXPECT_EQ(t.focus_country, "US");
  EXPECT_THAT(Codes(t), ElementsAre("US", "GB"));
}

// Reuters-21578 NEWIDs 773 and 4622: place names inside company names.
TEST_F(CountryTaggerTest, RealCompanyNamesWithPlaceNames) {
  CountryTagging t = Tag(
      "", "WHITEHALL CORP <WHT> 4TH QTR NET",
      {"DALLAS, March 2 - Shr 15 cts vs 55 cts", "Net 557,000 vs 2,020,000"});
  EXPECT_EQ(t.focus_country, "US");
  EXPECT_THAT(Codes(t), ElementsAre("US"));
  t = Tag("", "HEARST BUYS HOUSTON CHRONICLE FOR 400 MLN DLRS",
          {"HOUSTON, March 12 - The Chronicle is in competition with the "
           "Houston Post, owned by the <Toronto Sun Publishing Corp>, and "
           "with Texas Eastern Corp's papers."});
  EXPECT_THAT(Codes(t), ElementsAre("US"));
  EXPECT_THAT(Find(t, "US")->evidence(),
              ElementsAre("HOUSTON (dateline)", "HOUSTON", "Houston"));
}

// The exchange a ticker names decides when nothing else does, and yields
// to a dateline: Reuters-21578 NEWIDs 7939, 20440 and 7841.
TEST_F(CountryTaggerTest, RealListingsDecideOnlyWhenNothingElseDoes) {
  CountryTagging t = Tag("", "NAVISTAR <NAV> UP ON HIGHER EARNINGS OPINION",
                         {"Navistar International Corp's stock rose after a "
                          "brokerage raised its earnings estimate."});
  EXPECT_EQ(t.focus_country, "US");
  ASSERT_THAT(Codes(t), ElementsAre("US"));
  EXPECT_EQ(t.countries[0].role(), wirestream::v1::COUNTRY_ROLE_SUBJECT);
  EXPECT_THAT(t.countries[0].evidence(), ElementsAre("<NAV> (listing)"));

  t = Tag("", "CONTRANS CORP <CSS.TO> 4TH QTR AUGUST 31 NET",
          {"Shr 52 cts vs 47 cts"});
  EXPECT_EQ(t.focus_country, "CA");

  t = Tag("", "SHL SYSTEMHOUSE INC <SHKIF> 2ND QTR FEB 28 NET",
          {"OTTAWA, March 20 - Shr 23 cts vs nine cts"});
  EXPECT_EQ(t.focus_country, "CA");
  EXPECT_THAT(Codes(t), ElementsAre("CA"));
}

// Reuters-21578 NEWIDs 17108 and 4988.
TEST_F(CountryTaggerTest, RealGulfOfMexicoAndSovietUnion) {
  CountryTagging t =
      Tag("", "NOBLE <NBL> SUBMITS HIGH BID FOR TRACT",
          {"ARDMORE, Okla., April 24 - Noble Affiliates Inc said it submitted "
           "the high bid for six tracts at the Central Gulf of Mexico sale on "
           "April 22."});
  EXPECT_THAT(Codes(t), ElementsAre("US"));
  t = Tag("", "NUMEROUS FACTORS SAID POINT TO USSR CORN BUYING",
          {"WASHINGTON, March 13 - A greater than anticipated need, "
           "competitive prices and political motivations could be sparking "
           "Soviet interest in U.S. corn, industry and government officials "
           "said.",
           "Rumors circulated that the Soviet Union has purchased an "
           "additional 1.5 mln tonnes of U.S. corn."});
  EXPECT_EQ(t.focus_country, "RU");
  EXPECT_THAT(Codes(t), ElementsAre("US", "RU"));  // by score: the dateline
}

// Real copy in other languages (from corpus/wire_*.txt).
TEST_F(CountryTaggerTest, ChineseNamesInsideRunningText) {
  CountryTagging t = Tag(
      "", "习近平将同美国总统特朗普举行会晤",
      {"据新华社电 外交部发言人10月29日宣布:经中美双方商定,国家主席习近平将于"
       "当地时间10月30日在韩国釜山同美国总统特朗普举行会晤。"});
  EXPECT_THAT(Codes(t), UnorderedElementsAre("US", "CN", "KR"));
}

TEST_F(CountryTaggerTest, JapanesePairsAndTokyo) {
  CountryTagging t =
      Tag("", "日米首脳電話会談",
          {"両首脳は,北朝鮮情勢及び5日から予定されているトランプ大"
           "統領の訪日について意見交換を行いました。"});
  EXPECT_THAT(Codes(t), UnorderedElementsAre("JP", "US", "KP"));
  // 中 alone is no China; 東京 and 东京 are Tokyo.
  CountryTagging tokyo =
      Tag("", "東京で会見", {"会議は中止。东京の気温は高い。"});
  EXPECT_THAT(Codes(tokyo), ElementsAre("JP"));
}

TEST_F(CountryTaggerTest, KoreanParticlesAndPairs) {
  CountryTagging t =
      Tag("", "2주만에 만난 한미 외교장관…한반도 정세 공유",
          {"한국과 미국 외교부 장관이 프랑스 파리에서 만나 한미관계와 한반도 "
           "상황 등에 대해 의견을 나눴습니다."});
  EXPECT_THAT(Codes(t), UnorderedElementsAre("KR", "US", "FR"));
  EXPECT_EQ(t.focus_country, "KR");
}

TEST_F(CountryTaggerTest, ArabicCliticsAndRussianCases) {
  CountryTagging ar = Tag(
      "", "وزير الخارجية السوري فيصل المقداد يصل إلى الجزائر في زيارة رسمية",
      {"في إطار جولته لعدة دول عربية منها تونس والعراق."});
  EXPECT_THAT(Codes(ar), UnorderedElementsAre("SY", "DZ", "TN", "IQ"));
  CountryTagging ru =
      Tag("", "У Лаврова прокомментировали визит Тиллерсона в Россию",
          {"Замглавы МИД России Сергей Рябков заявил, что пока о визите "
           "госсекретаря США Рекса Тиллерсона в Россию не известно."});
  EXPECT_THAT(Codes(ru), ElementsAre("RU", "US"));
  EXPECT_EQ(ru.focus_country, "RU");
}

TEST_F(CountryTaggerTest, RomanceNamesAndLowerCaseDemonyms) {
  CountryTagging t =
      Tag("", "Nouveau gouvernement russe: Diplomatie & Défense intouchables",
          {"Des milliers de vols ont été annulés samedi aux États-Unis et en "
           "Allemagne."});
  EXPECT_THAT(Codes(t), UnorderedElementsAre("RU", "US", "DE"));
  // English copy keeps its rules: "china" and "russe" are no places there
  // unless written so, and "Island" is no Iceland.
  CountryTagging en = Tag("", "Fine china sales rise on Long Island", {});
  EXPECT_THAT(Codes(en), IsEmpty());
}

namespace places_test {

// Names, demonyms and rules of the wire languages beyond country names:
// each case failed before the change it guards.
class WireLanguagePlacesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto g = Gazetteer::Create(EmbeddedClassifierData().gazetteer);
    ASSERT_TRUE(g.ok()) << g.status();
    gazetteer_ = g->release();
  }
  static void TearDownTestSuite() { delete gazetteer_; }

  static CountryTagging Tag(const std::string& headline,
                            const std::vector<std::string>& paragraphs = {}) {
    wirestream::v1::Story story;
    story.set_headline(headline);
    for (const auto& p : paragraphs) story.add_paragraphs(p);
    return CountryTagger(gazetteer_).Tag(ExtractStoryText(story));
  }
  static std::vector<std::string> Codes(const CountryTagging& t) {
    std::vector<std::string> codes;
    for (const CountryScore& c : t.countries) codes.push_back(c.code());
    return codes;
  }

  static Gazetteer* gazetteer_;
};

Gazetteer* WireLanguagePlacesTest::gazetteer_ = nullptr;

TEST_F(WireLanguagePlacesTest, CitiesInEveryLanguageFromGeoNames) {
  // Munich is no time-zone city, so CLDR has none of these names.
  for (const char* headline :
       {"Sommet à Munich", "Treffen in München", "Cumbre en Múnich",
        "Vertice a Monaco di Baviera", "Cúpula em Munique", "Встреча в Мюнхене",
        "قمة في ميونخ", "慕尼黑安全会议", "ミュンヘン安全保障会議",
        "뮌헨에서 열린 회의"}) {
    EXPECT_THAT(Codes(Tag(headline)), ElementsAre("DE")) << headline;
  }
  // A city kept by hand below the cut gets its names too.
  EXPECT_THAT(Codes(Tag("Sommet à Genève")), ElementsAre("CH"));
}

TEST_F(WireLanguagePlacesTest, InflectedDemonyms) {
  EXPECT_THAT(Codes(Tag("Les autorités marocaines ont réagi")),
              ElementsAre("MA"));
  EXPECT_THAT(Codes(Tag("Die polnischen Behörden reagierten")),
              ElementsAre("PL"));
  EXPECT_THAT(Codes(Tag("Las tropas rusas avanzan")), ElementsAre("RU"));
  EXPECT_THAT(Codes(Tag("I soldati tedeschi partono")), ElementsAre("DE"));
  EXPECT_THAT(Codes(Tag("O governo alemão reagiu")), ElementsAre("DE"));
  EXPECT_THAT(Codes(Tag("Российские военные заявили")), ElementsAre("RU"));
  EXPECT_THAT(Codes(Tag("قال وزير الخارجية الأردني")), ElementsAre("JO"));
}

TEST_F(WireLanguagePlacesTest, LowerCaseDemonymIsNoSurname) {
  EXPECT_THAT(Codes(Tag("Derby", {"Coach Alessandro Russo praised the team."})),
              IsEmpty());
  EXPECT_THAT(
      Codes(Tag("Cimeira", {"Falou o presidente russo Vladimir Putin."})),
      ElementsAre("RU"));
}

TEST_F(WireLanguagePlacesTest, DemonymNamingAGovernmentIsTheSubject) {
  // The American president is the subject; Ukraine, named by its name,
  // was taken for it.
  CountryTagging t =
      Tag("Le président américain estime «peu probable» une visite en Ukraine");
  EXPECT_EQ(t.focus_country, "US");
  // A demonym before anything else is still no subject.
  EXPECT_EQ(Tag("Russian missiles hit Ukraine").focus_country, "UA");
}

TEST_F(WireLanguagePlacesTest, ShortHanNamesMustBeWords) {
  EXPECT_THAT(Codes(Tag("东海地区发生地震")), IsEmpty());
  EXPECT_THAT(Codes(Tag("首发于武汉的病毒")), ElementsAre("CN"));
}

TEST_F(WireLanguagePlacesTest, ForeignMinistryOfTheCopyOrOfACountry) {
  EXPECT_THAT(Codes(Tag("外交部:欢迎市长访问")), ElementsAre("CN"));
  EXPECT_THAT(Codes(Tag("俄罗斯外交部发言人表示")), ElementsAre("RU"));
}

TEST_F(WireLanguagePlacesTest, AgencyDatelineWeighsForANamedCountry) {
  CountryTagging t = Tag(
      "外相会談", {"【ソウル聯合ニュース】韓国の外相は米国の長官と会談した。"});
  EXPECT_EQ(t.focus_country, "KR");
  // A dateline's place the text does not otherwise name adds no country.
  EXPECT_THAT(Codes(Tag("總統訪問", {"【香港中通社3月31日電】芬蘭總統抵達。"})),
              ElementsAre("FI"));
}

TEST_F(WireLanguagePlacesTest, NamesInsideOtherNamesCountNothing) {
  EXPECT_THAT(Codes(Tag("日本経済新聞によると株価が上昇")), IsEmpty());
  EXPECT_THAT(Codes(Tag("约旦河西岸发生冲突", {"以色列军方表示。"})),
              ElementsAre("IL"));
  EXPECT_THAT(Codes(Tag("Le dollar américain recule")), IsEmpty());
  EXPECT_THAT(Codes(Tag("Tempête sur la Nouvelle-Angleterre")),
              ElementsAre("US"));
  EXPECT_THAT(Codes(Tag("Sophia Loren premiata")), IsEmpty());
}

TEST_F(WireLanguagePlacesTest, RegionsOfTheWireLanguagesCountries) {
  EXPECT_THAT(Codes(Tag("Hochwasser in Bayern")), ElementsAre("DE"));
  EXPECT_THAT(Codes(Tag("Chuvas em Minas Gerais")), ElementsAre("BR"));
  EXPECT_THAT(Codes(Tag("Elezioni in Lombardia")), ElementsAre("IT"));
  EXPECT_THAT(Codes(Tag("Para o governo, nada muda")), IsEmpty());
  EXPECT_THAT(Codes(Tag("In Scozia hanno vinto")), ElementsAre("GB"));
}

}  // namespace places_test

}  // namespace
}  // namespace wirestream::classify
