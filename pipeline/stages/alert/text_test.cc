#include "pipeline/stages/alert/text.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::alert {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Folded(absl::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(text)) out.push_back(t.folded);
  return out;
}

std::vector<std::string> Exact(absl::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(text)) out.push_back(t.exact);
  return out;
}

// "[begin,end)" of each token.
std::vector<std::string> Spans(absl::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(text)) {
    out.push_back(std::to_string(t.begin) + "," + std::to_string(t.end));
  }
  return out;
}

TEST(TokenizeTest, SplitsOnSpacesAndPunctuation) {
  EXPECT_THAT(Folded("Spy balloon, seen over Montana!"),
              ElementsAre("spy", "balloon", "seen", "over", "montana"));
  EXPECT_THAT(Spans("Spy balloon, seen"), ElementsAre("0,3", "4,11", "13,17"));
}

TEST(TokenizeTest, EmptyAndPunctuationOnly) {
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize(" -- ... !? ").empty());
}

TEST(TokenizeTest, HyphensAndDashesSplitWords) {
  EXPECT_THAT(Folded("anti-government"), ElementsAre("anti", "government"));
  EXPECT_THAT(Folded("COVID‑19 — Covid–19"),  // U+2011, U+2014, U+2013
              ElementsAre("covid", "19", "covid", "19"));
  EXPECT_THAT(Spans("anti-government"), ElementsAre("0,4", "5,15"));
}

TEST(TokenizeTest, PossessiveIsCutOffTheWord) {
  EXPECT_THAT(Folded("Biden's plan"), ElementsAre("biden", "plan"));
  EXPECT_THAT(Folded("Biden’s plan"), ElementsAre("biden", "plan"));
  EXPECT_THAT(Folded("BIDEN'S"), ElementsAre("biden"));
  // The display range ends before the apostrophe.
  EXPECT_THAT(Spans("Biden’s plan"), ElementsAre("0,5", "10,14"));
  // Plural possessive: the trailing apostrophe is punctuation.
  EXPECT_THAT(Folded("the Joneses' house"),
              ElementsAre("the", "joneses", "house"));
}

TEST(TokenizeTest, InnerApostropheStaysInTheWord) {
  EXPECT_THAT(Folded("don't rock'n'roll İstanbul'da"),
              ElementsAre("don't", "rock'n'roll", "istanbul'da"));
  EXPECT_THAT(Exact("Don’t"), ElementsAre("Don't"));
  // Quotes around a word are not apostrophes inside it.
  EXPECT_THAT(Folded("'balloon'"), ElementsAre("balloon"));
  // A lone 's is not a word after cutting.
  EXPECT_THAT(Folded("'s"), ElementsAre("s"));
}

TEST(TokenizeTest, ElisionSplitsAfterOneLetterOrQu) {
  EXPECT_THAT(
      Folded("L'ÉLYSÉE d’Ivoire qu'il O'Brien"),
      ElementsAre("l", "elysee", "d", "ivoire", "qu", "il", "o", "brien"));
  EXPECT_THAT(Spans("L’Élysée"), ElementsAre("0,1", "4,12"));
  EXPECT_THAT(Exact("L'Élysée"), ElementsAre("L", "Élysée"));
  // A digit is no article.
  EXPECT_THAT(Folded("the 1's"), ElementsAre("the", "1"));
  EXPECT_THAT(Folded("4'33"), ElementsAre("4'33"));
}

TEST(TokenizeTest, UnicodeCaseAndAccentsFold) {
  EXPECT_THAT(Folded("İstanbul ISTANBUL istanbul"),
              ElementsAre("istanbul", "istanbul", "istanbul"));
  EXPECT_THAT(Folded("ÉLYSÉE Élysée elysee"),
              ElementsAre("elysee", "elysee", "elysee"));
  EXPECT_THAT(Folded("Diyarbakır Straße ΑΘΗΝΑ Москва"),
              ElementsAre("diyarbakir", "strasse", "αθηνα", "москва"));
  // Compatibility forms: ligature, full-width letters.
  EXPECT_THAT(Folded("ﬁnance ＮＡＴＯ"), ElementsAre("finance", "nato"));
}

TEST(TokenizeTest, ExactKeepsCaseAndAccents) {
  EXPECT_THAT(Exact("ÉLYSÉE İstanbul Apple"),
              ElementsAre("ÉLYSÉE", "İstanbul", "Apple"));
  EXPECT_THAT(Spans("ÉLYSÉE x"), ElementsAre("0,8", "9,10"));
}

TEST(TokenizeTest, DecomposedAccentsStayInTheWord) {
  // "é" written as e + U+0301 combining acute.
  EXPECT_THAT(Folded("Ele\xCC\x81vation"), ElementsAre("elevation"));
  EXPECT_THAT(Spans("Ele\xCC\x81vation"), ElementsAre("0,11"));
}

TEST(TokenizeTest, ChineseAndJapaneseAreCutIntoDictionaryWords) {
  EXPECT_THAT(Folded("中国和日本 news"),
              ElementsAre("中国", "和", "日本", "news"));
  EXPECT_THAT(Spans("中国和日本"), ElementsAre("0,6", "6,9", "9,15"));
  EXPECT_THAT(Folded("北京市"), ElementsAre("北京市"));
  EXPECT_THAT(Folded("東京都でガス漏れ"),
              ElementsAre("東京", "都", "で", "ガス", "漏れ"));
}

TEST(TokenizeTest, InvalidUtf8SeparatesWords) {
  EXPECT_THAT(Folded("spy\xff\xfe"
                     "balloon"),
              ElementsAre("spy", "balloon"));
  EXPECT_THAT(Folded("\xc3"), ElementsAre());
}

TEST(TokenizeTest, NumbersAndAbbreviations) {
  EXPECT_THAT(Folded("U.S. $3.5bn 2024"),
              ElementsAre("u", "s", "3", "5bn", "2024"));
}

TEST(FoldingTest, StoryLanguagePicksTheFolding) {
  EXPECT_EQ(FoldingForLanguage("es-MX"), Folding::kSpanish);
  EXPECT_EQ(FoldingForLanguage("de-AT"), Folding::kGerman);
  EXPECT_EQ(FoldingForLanguage("tr"), Folding::kTurkish);
  EXPECT_EQ(FoldingForLanguage("az-Latn"), Folding::kTurkish);
  EXPECT_EQ(FoldingForLanguage("en-US"), Folding::kGeneric);
  EXPECT_EQ(FoldingForLanguage("fr"), Folding::kGeneric);
  EXPECT_EQ(FoldingForLanguage(""), Folding::kGeneric);
  EXPECT_EQ(FoldingForLanguage("und"), Folding::kGeneric);
}

TEST(FoldingTest, LatinAccentsFoldByLanguage) {
  EXPECT_EQ(FoldWord("año", Folding::kGeneric), "ano");
  EXPECT_EQ(FoldWord("AÑO", Folding::kSpanish), "año");
  EXPECT_EQ(FoldWord("Canción", Folding::kSpanish), "cancion");
  EXPECT_EQ(FoldWord("MÜLLER", Folding::kGerman), "mueller");
  EXPECT_EQ(FoldWord("Ärger", Folding::kGerman), "aerger");
  EXPECT_EQ(FoldWord("Straße", Folding::kGerman), "strasse");
  EXPECT_EQ(FoldWord("Müller", Folding::kGeneric), "muller");
  EXPECT_EQ(FoldWord("Éléonore", Folding::kGerman), "eleonore");
  // "ü" written as u + U+0308 folds like the composed letter.
  EXPECT_EQ(FoldWord("Mu\xCC\x88ller", Folding::kGerman), "mueller");
  EXPECT_EQ(FoldWord("Mu\xCC\x88ller", Folding::kTurkish), "müller");
  EXPECT_EQ(FoldWord("ÉLYSÉE", Folding::kSpanish), "elysee");
  EXPECT_EQ(FoldWord("Élysée", Folding::kGeneric), "elysee");
  EXPECT_EQ(FoldWord("Coração", Folding::kGeneric), "coracao");
  EXPECT_EQ(FoldWord("Perché", Folding::kGeneric), "perche");
}

TEST(FoldingTest, TurkishDotsAreOneLetterAndItsOwnLettersStay) {
  for (const char* word : {"İSTANBUL", "Istanbul", "ıstanbul", "istanbul"}) {
    EXPECT_EQ(FoldWord(word, Folding::kTurkish), "istanbul") << word;
    EXPECT_EQ(FoldWord(word, Folding::kGeneric), "istanbul") << word;
  }
  EXPECT_EQ(FoldWord("ERDOĞAN", Folding::kTurkish), "erdoğan");
  EXPECT_EQ(FoldWord("Şişli", Folding::kTurkish), "şişli");
  EXPECT_EQ(FoldWord("Çörek", Folding::kTurkish), "çörek");
  EXPECT_EQ(FoldWord("kâr", Folding::kTurkish), "kar");
  EXPECT_EQ(FoldWord("ERDOĞAN", Folding::kGeneric), "erdogan");
}

TEST(FoldingTest, KanaHangulAndIndicMarksStay) {
  for (Folding f : {Folding::kGeneric, Folding::kSpanish}) {
    EXPECT_EQ(FoldWord("ガス", f), "ガス");
    EXPECT_NE(FoldWord("ガス", f), FoldWord("カス", f));
  }
  // Half-width katakana with a voicing mark: the full-width letter.
  EXPECT_EQ(FoldWord("ｶﾞｽ", Folding::kGeneric), "ガス");
  EXPECT_EQ(FoldWord("ＮＡＴＯ", Folding::kGeneric), "nato");
  EXPECT_EQ(FoldWord("한국", Folding::kGeneric), "한국");
  EXPECT_EQ(FoldWord("हिन्दी", Folding::kGeneric), "हिन्दी");
  EXPECT_EQ(FoldWord("ไก่", Folding::kGeneric), "ไก่");
}

TEST(FoldingTest, CyrillicGreekHebrewArabic) {
  EXPECT_EQ(FoldWord("Ёлка", Folding::kGeneric), "елка");
  EXPECT_EQ(FoldWord("МОЙ", Folding::kGeneric), "мой");
  EXPECT_EQ(FoldWord("Київ", Folding::kGeneric), "київ");
  // A stress mark (U+0301) is no letter.
  EXPECT_EQ(FoldWord("мо\xCC\x81й", Folding::kGeneric), "мой");
  EXPECT_EQ(FoldWord("ΑΘΉΝΑ", Folding::kGeneric), "αθηνα");
  EXPECT_EQ(FoldWord("שָׁלוֹם", Folding::kGeneric), "שלום");
  EXPECT_EQ(FoldWord("مُحَمَّد", Folding::kGeneric), "محمد");
  EXPECT_EQ(FoldWord("العربيـــة", Folding::kGeneric), "العربية");
  for (const char* alef : {"أحمد", "إحمد", "آحمد", "ٱحمد"}) {
    EXPECT_EQ(FoldWord(alef, Folding::kGeneric), "احمد") << alef;
  }
  EXPECT_EQ(FoldWord("سؤال", Folding::kGeneric), "سؤال");
  EXPECT_EQ(FoldWord("ﻻ", Folding::kGeneric), "لا");
}

TEST(FoldingTest, TokensFoldByTheGivenLanguage) {
  std::vector<std::string> folded;
  for (const Token& t : Tokenize("El AÑO de Müller", Folding::kSpanish)) {
    folded.push_back(t.folded);
  }
  EXPECT_THAT(folded, ElementsAre("el", "año", "de", "muller"));
  folded.clear();
  for (const Token& t : Tokenize("El AÑO de Müller", Folding::kGerman)) {
    folded.push_back(t.folded);
  }
  EXPECT_THAT(folded, ElementsAre("el", "ano", "de", "mueller"));
}

TEST(CodePointCountTest, CountsCodePoints) {
  EXPECT_EQ(CodePointCount("abc"), 3);
  EXPECT_EQ(CodePointCount("ÉLYSÉE"), 6);
  EXPECT_EQ(CodePointCount("\xff"
                           "a"),
            2);
}

}  // namespace
}  // namespace wirestream::alert
