#include "pipeline/stages/dedup/fingerprint.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::stages::dedup {
namespace {

using ::testing::DoubleNear;
using ::testing::Optional;
using ::wirestream::v1::Story;

Story MakeStory(const std::string& headline,
                const std::vector<std::string>& paragraphs) {
  Story story;
  story.set_headline(headline);
  for (const auto& p : paragraphs) story.add_paragraphs(p);
  std::string text = headline;
  for (const auto& p : paragraphs) text += "\n" + p;
  story.set_normalized_text(FoldText(text));
  return story;
}

std::unique_ptr<Fingerprinter> Default() {
  auto fingerprinter = Fingerprinter::Create(FingerprintOptions{});
  EXPECT_TRUE(fingerprinter.ok()) << fingerprinter.status();
  return *std::move(fingerprinter);
}

EntitySketch Sketch(std::vector<uint16_t> hashes) {
  return MakeEntitySketch(std::move(hashes));
}

TEST(FoldTextTest, LowersAndPlainsQuotesAndDashesAndCollapsesSpace) {
  EXPECT_EQ(FoldText("  \u201CAcme\u201D\u2019s  CEO \u2014 it\u2019s\n\n"
                     "up\u00A03%  "),
            "\"acme\"'s ceo - it's up 3%");
}

TEST(MatchingTextTest, PrefersNormalizedTextElseFoldsHeadlineAndBody) {
  Story story;
  story.set_headline("Acme Rises");
  story.add_paragraphs("Shares  ROSE.");
  EXPECT_EQ(MatchingTextOf(story), "acme rises shares rose.");
  story.set_normalized_text("already folded");
  EXPECT_EQ(MatchingTextOf(story), "already folded");
}

TEST(StableKeyTest, IsStableAcrossBuilds) {
  // Persisted in the changelog: these values must never change. XXH3-64 of
  // "en\0hello world" with the key seed.
  EXPECT_EQ(StableKey({"en", "hello world"}), 0x5824afc8e797e7a7ULL);
  EXPECT_NE(StableKey({"en", "hello world"}), StableKey({"enhello world"}));
}

TEST(EntitySketchTest, KeepsTheSmallestDistinctHashes) {
  // Twenty distinct hashes, one repeated, in no order: the sixteen
  // smallest are kept.
  EntitySketch s = Sketch({40, 3,  3,  12, 1,  5,  7,  11, 2,  10, 4,
                           38, 13, 14, 15, 16, 17, 18, 19, 39, 20});
  ASSERT_EQ(kEntitySketchSize, 16);
  EXPECT_EQ(s.count, 20);
  EXPECT_EQ(s.size, kEntitySketchSize);
  EXPECT_FALSE(s.complete());
  EXPECT_THAT(s.view(), ::testing::ElementsAre(1, 2, 3, 4, 5, 7, 10, 11, 12, 13,
                                               14, 15, 16, 17, 18, 19));
  EXPECT_TRUE(Sketch({4, 1}).complete());
}

TEST(EntityOverlapTest, IsExactForCompleteSketches) {
  EXPECT_THAT(EntityOverlap(Sketch({1, 2, 3, 4}), Sketch({3, 4, 5})),
              Optional(DoubleNear(2.0 / 3, 1e-9)));
  EXPECT_THAT(EntityOverlap(Sketch({1, 2}), Sketch({8, 9})), Optional(0.0));
  EXPECT_EQ(EntityOverlap(Sketch({}), Sketch({8, 9})), std::nullopt);
}

TEST(EntityOverlapTest, SubsetOfALargeSetOverlapsFully) {
  std::vector<uint16_t> large;
  for (uint16_t h = 100; h < 3000; h += 100) large.push_back(h);  // 29
  std::vector<uint16_t> part(large.begin(), large.begin() + 12);
  EXPECT_THAT(EntityOverlap(Sketch(part), Sketch(large)), Optional(1.0));
  // Disjoint large sets in the same hash range.
  std::vector<uint16_t> other;
  for (uint16_t h = 150; h < 3000; h += 100) other.push_back(h);
  EXPECT_THAT(EntityOverlap(Sketch(other), Sketch(large)), Optional(0.0));
}

TEST(EntityOverlapTest, NoEvidenceWhenTheCoveredRangeMissesASet) {
  // `large`'s sketch covers hashes below 900; `small` lies above it.
  std::vector<uint16_t> large;
  for (uint16_t h = 100; h < 3000; h += 100) large.push_back(h);
  EXPECT_EQ(EntityOverlap(Sketch({5000, 6000}), Sketch(large)), std::nullopt);
}

TEST(FingerprinterTest, RejectsOptionsOutOfRange) {
  EXPECT_EQ(Fingerprinter::Create({.shingle_size = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fingerprinter::Create({.num_hashes = 300}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fingerprinter::Create({.headline_weight = -1}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FingerprinterTest, SchemeDependsOnOptions) {
  auto a = Fingerprinter::Create({});
  auto b = Fingerprinter::Create({.shingle_size = 2});
  auto c = Fingerprinter::Create({});
  EXPECT_NE((*a)->scheme(), (*b)->scheme());
  EXPECT_EQ((*a)->scheme(), (*c)->scheme());
}

TEST(FingerprinterTest, ExtractsNumbersAndNames) {
  Story story = MakeStory(
      "Acme profit rises",
      {"Shares of Acme Corp. rose 4.5% to $1,250.75 on Tuesday, the company "
       "said. The results beat forecasts, Chief Executive Jane Doe told "
       "analysts.",
       "\u201CWe are pleased,\u201D Doe said."});
  story.mutable_dateline()->set_place("NEW YORK");
  story.mutable_dateline()->set_date_text("Nov. 28");
  StoryFingerprint fp = Default()->Compute(story, "en");
  // Numbers: 4.5, 1250.75 and the dateline's 28.
  EXPECT_EQ(fp.numbers.count, 3);
  // Names: acme, corp, tuesday, chief, executive, jane, doe; new, york, nov.
  // "Shares", "The" and the quoted "We" start sentences; "Doe" at the start
  // of a quotation's sentence is not counted twice.
  EXPECT_EQ(fp.names.count, 10);
  StoryFingerprint same_number = Default()->Compute(
      MakeStory("Acme profit rises",
                {"Shares of Acme Corp. rose 4.5% to $1250.75 on Tuesday."}),
      "en");
  StoryFingerprint other_number = Default()->Compute(
      MakeStory("Acme profit rises",
                {"Shares of Acme Corp. rose 4.5% to $1250.76 on Tuesday."}),
      "en");
  EXPECT_THAT(EntityOverlap(fp.numbers, same_number.numbers), Optional(1.0));
  EXPECT_THAT(EntityOverlap(same_number.numbers, other_number.numbers),
              Optional(0.5));
}

TEST(FingerprinterTest, CutsChineseAndJapaneseIntoWords) {
  // 新华社 东京 12 月 7 日 电 中国 外交部 发言 人 表示: 12 words, two of
  // them numbers (before the shared segmenter, 4 tokens).
  Story chinese = MakeStory("新华社东京12月7日电 中国外交部发言人表示", {});
  StoryFingerprint zh = Default()->Compute(chinese, "zh");
  EXPECT_EQ(zh.word_count, 12);
  EXPECT_EQ(zh.numbers.count, 2);
  // 共同 通信 による と 東京 都 は 7 日 発表 した: 11 words.
  Story japanese = MakeStory("共同通信によると東京都は7日発表した", {});
  StoryFingerprint ja = Default()->Compute(japanese, "ja");
  EXPECT_EQ(ja.word_count, 11);
  EXPECT_EQ(ja.numbers.count, 1);
}

TEST(FingerprinterTest, KeepsEnglishWordsAsBefore) {
  // acme, s, u, s, unit, 3rd, quarter, 4512.3, l, économie: apostrophes and
  // dots inside words cut them, a word with a digit is a number, and the
  // elided article is a word of its own.
  Story story =
      MakeStory("Acme's U.S. unit 3rd-quarter 4,512.3 L'ÉCONOMIE", {});
  StoryFingerprint fp = Default()->Compute(story, "en");
  EXPECT_EQ(fp.word_count, 10);
  EXPECT_EQ(fp.numbers.count, 2);
  // Words outside ASCII are case-folded: "ÉCONOMIE" is "économie".
  StoryFingerprint lower = Default()->Compute(
      MakeStory("acme's u.s. unit 3rd-quarter 4512.3 l'économie", {}), "en");
  EXPECT_EQ(EstimateResemblance(fp.minhash, lower.minhash), 1.0);
}

TEST(FingerprinterTest, TextKeyDependsOnDomainAndText) {
  auto fingerprinter = Default();
  Story a = MakeStory("Quake hits", {"A strong earthquake struck."});
  Story b = MakeStory("Quake hits", {"A strong earthquake struck!"});
  EXPECT_EQ(fingerprinter->Compute(a, "en").text_key,
            fingerprinter->Compute(a, "en").text_key);
  EXPECT_NE(fingerprinter->Compute(a, "en").text_key,
            fingerprinter->Compute(a, "fr").text_key);
  EXPECT_NE(fingerprinter->Compute(a, "en").text_key,
            fingerprinter->Compute(b, "en").text_key);
  EXPECT_EQ(fingerprinter->Compute(Story(), "en").text_key, 0u);
  EXPECT_TRUE(fingerprinter->Compute(Story(), "en").minhash.empty());
}

TEST(FingerprinterTest, ResemblanceTracksSharedShingles) {
  auto fingerprinter = Default();
  std::vector<std::string> body = {
      "The central bank raised its benchmark interest rate by a quarter "
      "point on Wednesday, its third increase this year, citing stubborn "
      "inflation in services and a tight labour market.",
      "Policymakers voted seven to two for the move, with two members "
      "preferring to hold rates steady, according to minutes released "
      "alongside the decision.",
      "Markets had largely priced in the increase, and the currency was "
      "little changed after the announcement."};
  StoryFingerprint original = fingerprinter->Compute(
      MakeStory("Central bank raises rates", body), "en");
  StoryFingerprint copy = fingerprinter->Compute(
      MakeStory("Central bank raises rates", body), "en");
  EXPECT_EQ(EstimateResemblance(original.minhash, copy.minhash), 1.0);

  std::vector<std::string> trimmed(body.begin(), body.begin() + 2);
  StoryFingerprint shorter = fingerprinter->Compute(
      MakeStory("Central bank raises rates", trimmed), "en");
  const double r = EstimateResemblance(original.minhash, shorter.minhash);
  EXPECT_GT(r, 0.55);
  EXPECT_LT(r, 0.95);
  EXPECT_GT(ContainmentFromResemblance(r, original.shingle_count,
                                       shorter.shingle_count),
            0.85);

  StoryFingerprint unrelated = fingerprinter->Compute(
      MakeStory("Storm closes schools",
                {"Heavy snow closed schools across the region on Monday as "
                 "forecasters warned of more to come overnight."}),
      "en");
  EXPECT_LT(EstimateResemblance(original.minhash, unrelated.minhash), 0.1);
}

TEST(ContainmentTest, FollowsFromResemblanceAndSizes) {
  // |A| = 100, B ⊂ A with |B| = 50: resemblance 0.5, containment 1.
  EXPECT_DOUBLE_EQ(ContainmentFromResemblance(0.5, 100, 50), 1.0);
  EXPECT_NEAR(ContainmentFromResemblance(0.25, 100, 100), 0.4, 1e-9);
  EXPECT_EQ(ContainmentFromResemblance(0.5, 0, 10), 0.0);
}
}  // namespace
}  // namespace wirestream::stages::dedup

namespace wirestream::stages::dedup {
namespace {

// Two monthly payouts of sibling funds, written from one template (real
// Reuters copy, NEWIDs 690 and 701), and a re-send of the first with its
// headline reworded.
Story FundPayout(const std::string& fund, const std::string& cents,
                 const std::string& headline) {
  Story story = MakeStory(
      headline,
      {absl::StrCat("Mthly div ", cents, " cts vs ", cents, " cts prior"),
       "Pay March 31", "Record March 16",
       absl::StrCat("NOTE: Franklin ", fund, " Tax-Free Income Fund.")});
  story.mutable_dateline()->set_place("SAN MATEO, Calif.");
  story.mutable_dateline()->set_date_text("March 2");
  story.mutable_dateline()->mutable_date()->set_seconds(absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilDay(1987, 3, 2), absl::UTCTimeZone())));
  return story;
}

LeadEvidence Compare(const StoryFingerprint& a, const StoryFingerprint& b) {
  return CompareLeads(a.numbers, a.names, a.lead, b.numbers, b.names, b.lead);
}

TEST(LeadTest, HoldsTheDatelineDateAndTheHeadlinesFiguresAndNames) {
  auto fingerprinter = Default();
  StoryFingerprint fp = fingerprinter->Compute(
      FundPayout("Insured", "7.1", "FRANKLIN INSURED TAX-FREE SETS PAYOUT"),
      "en");
  EXPECT_THAT(LeadDate(fp.lead), Optional(3 * 32 + 2));
  std::vector<std::string> terms;
  for (const auto& [value, term] : fp.lead_terms) terms.push_back(term);
  // The body writes "Insured" as a name ("Franklin" opens its sentence);
  // it never writes "sets" or "payout" so.
  EXPECT_THAT(terms, ::testing::IsSupersetOf({"insured", "7.1"}));
  EXPECT_THAT(terms, ::testing::Not(::testing::Contains("payout")));
}

TEST(LeadTest, SiblingTemplateStoriesConflict) {
  auto fingerprinter = Default();
  StoryFingerprint insured = fingerprinter->Compute(
      FundPayout("Insured", "7.1", "FRANKLIN INSURED TAX-FREE SETS PAYOUT"),
      "en");
  StoryFingerprint ohio = fingerprinter->Compute(
      FundPayout("Ohio Insured", "6.1",
                 "FRANKLIN OHIO INSURED TAX-FREE SETS PAYOUT"),
      "en");
  const LeadEvidence evidence = Compare(insured, ohio);
  EXPECT_TRUE(evidence.conflict());
  EXPECT_FALSE(evidence.other_date);
  EXPECT_GE(evidence.missing_from_a_count, 2);  // "ohio", "6.1"
  EXPECT_GE(evidence.missing_from_b_count, 1);  // "7.1"
}

TEST(LeadTest, ARetitledResendDoesNotConflict) {
  auto fingerprinter = Default();
  StoryFingerprint first = fingerprinter->Compute(
      FundPayout("Insured", "7.1", "FRANKLIN INSURED TAX-FREE SETS PAYOUT"),
      "en");
  StoryFingerprint again = fingerprinter->Compute(
      FundPayout("Insured", "7.1",
                 "FRANKLIN INSURED TAX-FREE <FTIF> DECLARES MONTHLY DIVIDEND"),
      "en");
  const LeadEvidence evidence = Compare(first, again);
  EXPECT_FALSE(evidence.conflict());
  EXPECT_EQ(evidence.missing_from_b_count, 0);
}

TEST(LeadTest, EntriesWithoutALeadGiveNoEvidence) {
  auto fingerprinter = Default();
  StoryFingerprint a = fingerprinter->Compute(
      FundPayout("Insured", "7.1", "FRANKLIN INSURED TAX-FREE SETS PAYOUT"),
      "en");
  StoryFingerprint b = fingerprinter->Compute(
      FundPayout("Ohio Insured", "6.1",
                 "FRANKLIN OHIO INSURED TAX-FREE SETS PAYOUT"),
      "en");
  b.lead = EntitySketch{};  // restored from a changelog written before leads
  EXPECT_FALSE(Compare(a, b).conflict());
}

TEST(LeadTest, WithoutDaysDropsTheDatelineDay) {
  auto fingerprinter = Default();
  StoryFingerprint fp = fingerprinter->Compute(
      FundPayout("Insured", "7.1", "FRANKLIN INSURED TAX-FREE SETS PAYOUT"),
      "en");
  // 7.1, 31, 16 and the dateline's 2 (the body has no other 2).
  EXPECT_EQ(fp.numbers.count, 4);
  EXPECT_EQ(WithoutDays(fp.numbers, 3 * 32 + 2, 0).count, 3);
  EXPECT_EQ(WithoutDays(fp.numbers, 0, 0).count, 4);
}

// Other wire languages: the sentences are from the real copy of
// testdata/multilingual (Egyptian Exchange reports, TASS, NHK).

TEST(OtherScriptsTest, ArabicIndicAndFullWidthDigitsAreTheSameFigures) {
  auto fingerprinter = Default();
  StoryFingerprint western = fingerprinter->Compute(
      MakeStory("البورصة المصرية",
                {"وارتفع مؤشر EGX 30 بنسبة 0.69% ليغلق عند مستوى 11431 "
                 "نقطة"}),
      "ar");
  StoryFingerprint arabic_indic = fingerprinter->Compute(
      MakeStory("البورصة المصرية",
                {"وارتفع مؤشر EGX ٣٠ بنسبة ٠٫٦٩% ليغلق عند مستوى ١١٤٣١ "
                 "نقطة"}),
      "ar");
  // 30, 0.69, 11431 in either digits.
  EXPECT_EQ(western.numbers.count, 3);
  EXPECT_EQ(western.numbers, arabic_indic.numbers);
  StoryFingerprint full_width = fingerprinter->Compute(
      MakeStory("日経平均株価", {"前営業日比１２４円６２銭高の４万５７５４円"}),
      "ja");
  StoryFingerprint ascii = fingerprinter->Compute(
      MakeStory("日経平均株価", {"前営業日比124円62銭高の4万5754円"}), "ja");
  EXPECT_EQ(full_width.numbers.count, 4);
  EXPECT_EQ(full_width.numbers, ascii.numbers);
  EXPECT_EQ(full_width.lead, ascii.lead);
}

TEST(OtherScriptsTest, CyrillicCapitalsAreNames) {
  StoryFingerprint fp = Default()->Compute(
      MakeStory("Лавров прибыл в Турцию",
                {"Министр иностранных дел России Сергей Лавров прибыл с "
                 "официальным визитом в турецкую Анкару."}),
      "ru");
  // России, Сергей, Лавров, Анкару ("Министр" opens the sentence).
  EXPECT_EQ(fp.names.count, 4);
}

TEST(OtherScriptsTest, ACapitalisedHeadlineNamesTheBodysNames) {
  // The body writes "Лавров" and "Анкару" as names; the headline, in
  // capitals, is case-folded like them.
  StoryFingerprint fp = Default()->Compute(
      MakeStory("ЛАВРОВ ПРИБЫЛ В АНКАРУ",
                {"Министр иностранных дел России Сергей Лавров прибыл с "
                 "официальным визитом в турецкую Анкару."}),
      "ru");
  std::vector<std::string> terms;
  for (const auto& [value, term] : fp.lead_terms) terms.push_back(term);
  EXPECT_THAT(terms, ::testing::IsSupersetOf({"лавров", "анкару"}));
  EXPECT_THAT(terms, ::testing::Not(::testing::Contains("прибыл")));
}

TEST(OtherScriptsTest, ScriptsWithoutCaseHaveNoNames) {
  // Arabic, Chinese, Japanese and Korean have no capitals: no word of theirs
  // is a name, so the lead is told by its figures alone.
  for (const auto& [text, language] :
       std::vector<std::pair<std::string, std::string>>{
           {"أنهت البورصة المصرية تعاملات جلسة اليوم الخميس", "ar"},
           {"中银基金获QDII资格。记者从中银基金管理公司获悉", "zh"},
           {"静岡県富士宮市にある白糸の滝の近くの広場で", "ja"},
           {"코스피는 모처럼 외국인 매수세가 유입되며 상승 마감했다", "ko"}}) {
    StoryFingerprint fp =
        Default()->Compute(MakeStory("x", {"x " + text}), language);
    EXPECT_EQ(fp.names.count, 0) << language;
  }
}

TEST(DeskMarkerTest, UpdateMarkerIsNoFigure) {
  // "UPDATE 1-" says how the story was sent: its "1" is no figure, and a
  // short re-send under it keeps the figures of the story.
  auto fingerprinter = Default();
  const std::vector<std::string> body = {
      "코스피는 전 거래일보다 23.80포인트 오른 2,363.91에 장을 마쳤다."};
  StoryFingerprint first =
      fingerprinter->Compute(MakeStory("코스피 상승 마감", body), "ko");
  StoryFingerprint again = fingerprinter->Compute(
      MakeStory("UPDATE 1-코스피 상승 마감", body), "ko");
  EXPECT_EQ(first.numbers, again.numbers);
  EXPECT_EQ(first.lead, again.lead);
  // Its words are words of the story as any others.
  EXPECT_EQ(again.word_count, first.word_count + 2);
  EXPECT_NE(first.text_key, again.text_key);
  StoryFingerprint corrected = fingerprinter->Compute(
      MakeStory("CORRECTED-UPDATE 2-코스피 상승 마감", body), "ko");
  EXPECT_EQ(first.numbers, corrected.numbers);
  // A headline that only starts like a marker keeps its words.
  StoryFingerprint updated =
      fingerprinter->Compute(MakeStory("Update 1 of the index", body), "en");
  EXPECT_EQ(updated.numbers.count, first.numbers.count + 1);
}

}  // namespace
}  // namespace wirestream::stages::dedup
