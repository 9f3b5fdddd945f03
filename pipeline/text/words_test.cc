#include "pipeline/text/words.h"

#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::text {

void PrintTo(const WordSpan& w, std::ostream* os) {
  *os << "{" << w.begin << ", " << w.size << (w.numeric ? ", numeric}" : "}");
}

namespace {

using ::testing::ElementsAre;

// The words of `text`, numeric ones marked with a trailing '#'.
std::vector<std::string> Words(absl::string_view text) {
  auto segmenter = WordSegmenter::Create();
  EXPECT_TRUE(segmenter.ok()) << segmenter.status();
  std::vector<std::string> out;
  for (const WordSpan& w : (*segmenter)->Segment(text)) {
    out.emplace_back(w.In(text));
    if (w.numeric) out.back() += "#";
  }
  return out;
}

// Regression: the elision rule once measured the text with strlen, so a
// NUL byte before an elided article read past the shortened text.
TEST(WordSegmenterTest, NulBytesBeforeAnElision) {
  const std::string ascii("a\0b l'eau", 9);
  EXPECT_THAT(Words(ascii), ElementsAre("a", "b", "l'", "eau"));
  const std::string icu("\0\xC3\xA9t\xC3\xA9 l'\xC3\xA9t\xC3\xA9", 14);
  EXPECT_THAT(Words(icu),
              ElementsAre("\xC3\xA9t\xC3\xA9", "l'", "\xC3\xA9t\xC3\xA9"));
}

TEST(WordSegmenterTest, English) {
  EXPECT_THAT(Words("The U.S. economy's 3rd-quarter growth beat forecasts, "
                    "Acme Corp <ACME.N> said on Tuesday."),
              ElementsAre("The", "U.S", "economy's", "3rd", "quarter", "growth",
                          "beat", "forecasts", "Acme", "Corp", "ACME.N", "said",
                          "on", "Tuesday"));
}

TEST(WordSegmenterTest, Numbers) {
  EXPECT_THAT(Words("The index rose 4,512.3 points, or 1.5%, to 1987 levels "
                    "in 3 days; A320 jets cost $98.5 mln"),
              ElementsAre("The", "index", "rose", "4,512.3#", "points", "or",
                          "1.5#", "to", "1987#", "levels", "in", "3#", "days",
                          "A320#", "jets", "cost", "98.5#", "mln"));
}

TEST(WordSegmenterTest, FrenchSplitsElision) {
  EXPECT_THAT(
      Words("L'économie française a progressé de 0,3 % au troisième "
            "trimestre, selon l\u2019Insee et qu'il l'a dit."),
      ElementsAre("L'", "économie", "française", "a", "progressé", "de", "0,3#",
                  "au", "troisième", "trimestre", "selon", "l\u2019", "Insee",
                  "et", "qu'", "il", "l'", "a", "dit"));
}

TEST(WordSegmenterTest, German) {
  EXPECT_THAT(Words("Die Bundesregierung hält an der Schuldenbremse fest, "
                    "sagte der Sprecher in München."),
              ElementsAre("Die", "Bundesregierung", "hält", "an", "der",
                          "Schuldenbremse", "fest", "sagte", "der", "Sprecher",
                          "in", "München"));
}

TEST(WordSegmenterTest, ChineseByDictionary) {
  EXPECT_THAT(
      Words("新华社东京12月7日电 中国外交部发言人表示，"
            "日本政府应当停止在东京的挑衅行为。"),
      ElementsAre("新华社", "东京", "12#", "月", "7#", "日", "电", "中国",
                  "外交部", "发言", "人", "表示", "日本", "政府", "应当",
                  "停止", "在", "东京", "的", "挑衅", "行为"));
}

TEST(WordSegmenterTest, JapaneseByDictionary) {
  EXPECT_THAT(Words("共同通信によると、東京都は7日、新たに感染者を確認したと"
                    "発表した。"),
              ElementsAre("共同", "通信", "による", "と", "東京", "都", "は",
                          "7#", "日", "新た", "に", "感染", "者", "を", "確認",
                          "した", "と", "発表", "した"));
}

TEST(WordSegmenterTest, KoreanAtSpaces) {
  EXPECT_THAT(Words("북한은 7일 동해상으로 탄도미사일을 발사했다고 "
                    "합동참모본부가 밝혔다."),
              ElementsAre("북한은", "7#", "일", "동해상으로", "탄도미사일을",
                          "발사했다고", "합동참모본부가", "밝혔다"));
}

TEST(WordSegmenterTest, Arabic) {
  EXPECT_THAT(Words("قال الرئيس المصري إن الاقتصاد نما بنسبة 4.5 في المئة."),
              ElementsAre("قال", "الرئيس", "المصري", "إن", "الاقتصاد", "نما",
                          "بنسبة", "4.5#", "في", "المئة"));
}

TEST(WordSegmenterTest, Russian) {
  EXPECT_THAT(Words("Президент России заявил в среду, что экономика выросла "
                    "на 4,5%."),
              ElementsAre("Президент", "России", "заявил", "в", "среду", "что",
                          "экономика", "выросла", "на", "4,5#"));
}

TEST(WordSegmenterTest, EmptyAndPunctuationOnly) {
  EXPECT_THAT(Words(""), ElementsAre());
  EXPECT_THAT(Words(" -- ... \u2014 \n"), ElementsAre());
}

TEST(WordSegmenterTest, InvalidUtf8IsNoWord) {
  EXPECT_THAT(Words("abc \xFF\xFE def"), ElementsAre("abc", "def"));
}

TEST(WordSegmenterTest, SpansPointIntoTheText) {
  auto segmenter = *WordSegmenter::Create();
  const std::string text = "Ab 東京 12";
  EXPECT_THAT(segmenter->Segment(text),
              ElementsAre(WordSpan{0, 2, false}, WordSpan{3, 6, false},
                          WordSpan{10, 2, true}));
}

// The ASCII fast path must cut exactly as ICU does. Letters that are no
// elided article, so the elision rule never applies.
TEST(WordSegmenterTest, AsciiFastPathEqualsIcu) {
  auto segmenter = *WordSegmenter::Create();
  const std::string alphabet = "abXZ0139_.,;:'-$% \n()<>";
  std::mt19937 random(17);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 24);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (int k = length(random); k > 0; --k)
      text.push_back(alphabet[pick(random)]);
    ASSERT_EQ(segmenter->Segment(text), segmenter->SegmentWithIcuOnly(text))
        << "text: \"" << text << "\"";
  }
}

TEST(WordSegmenterTest, CuttingAtSpacesEqualsIcuOnMixedText) {
  auto segmenter = *WordSegmenter::Create();
  const std::string text =
      "Le P.D.G. de Société Générale, 4,512.3 € — 東京の株価 12.5% "
      "Straße-Bahn naïve café x_1 Путин 2023";
  EXPECT_EQ(segmenter->Segment(text), segmenter->SegmentWithIcuOnly(text));
}

TEST(FoldCaseTest, FoldsEveryScript) {
  EXPECT_EQ(FoldCase("Acme CORP"), "acme corp");
  EXPECT_EQ(FoldCase("L'ÉCONOMIE"), "l'économie");
  EXPECT_EQ(FoldCase("STRASSE Straße"), "strasse strasse");
  EXPECT_EQ(FoldCase("МОСКВА"), "москва");
  EXPECT_EQ(FoldCase("東京"), "東京");
  // Decomposed "e" + combining acute is composed.
  EXPECT_EQ(FoldCase("E\u0301TE\u0301"), "\u00e9t\u00e9");
}

TEST(FoldCaseTest, InvalidUtf8IsLoweredInAsciiOnly) {
  EXPECT_EQ(FoldCase("AB\xFF"), "ab\xFF");
}

TEST(IsAsciiTest, SaysWhetherEveryByteIsAscii) {
  EXPECT_TRUE(IsAscii("plain text 123"));
  EXPECT_FALSE(IsAscii("caf\u00e9"));
}

TEST(ThreadWordSegmenterTest, OnePerThreadMadeOnce) {
  WordSegmenter* here = ThreadWordSegmenter();
  ASSERT_NE(here, nullptr);
  EXPECT_EQ(ThreadWordSegmenter(), here);
  WordSegmenter* there = nullptr;
  std::vector<WordSpan> words_there;
  std::thread other([&] {
    there = ThreadWordSegmenter();
    words_there = there->Segment("中国和日本");
  });
  other.join();
  EXPECT_NE(there, here);
  EXPECT_EQ(words_there, here->Segment("中国和日本"));
  EXPECT_EQ(here->Segment("中国和日本").size(), 3u);
}

}  // namespace
}  // namespace wirestream::text
