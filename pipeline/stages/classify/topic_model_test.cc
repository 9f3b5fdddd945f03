#include "pipeline/stages/classify/topic_model.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "pipeline/stages/classify/story_text.h"
#include "pipeline/stages/classify/topic_features.h"

namespace wirestream::classify {
namespace {

constexpr char kTaxonomy[] =
    "medtop:11000000\tpolitics\t-\tmedtop:11000000\n"
    "medtop:16000000\tconflict, war and peace\t-\tmedtop:16000000\n"
    "medtop:20000638\tinternational relations\tmedtop:11000000\t"
    "medtop:11000000\n";

TopicFeatures FeaturesOf(const std::string& headline, const std::string& body) {
  wirestream::v1::Story story;
  story.set_headline(headline);
  story.add_paragraphs(body);
  return ExtractTopicFeatures(ExtractStoryText(story));
}

// One-vs-rest weights that make politics (through international
// relations) the best-scoring top-level topic of an air-strike story.
constexpr char kOneVsRest[] =
    "medtop:11000000\t__bias__\t-1.0\n"
    "medtop:16000000\t__bias__\t-1.0\n"
    "medtop:20000638\tenvoys\t3.0\n"
    "medtop:16000000\tstrikes\t1.0\n";

TEST(TopicModelTest, WithoutPrimaryHeadTheBestScoringTopIsPrimary) {
  auto model = TopicModel::Create(kTaxonomy, "", kOneVsRest);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_FALSE((*model)->has_primary_head());
  auto topics = (*model)->Classify(
      FeaturesOf("Air strikes hit city", "Envoys met as strikes went on."), {});
  ASSERT_GE(topics.size(), 1u);
  EXPECT_EQ(topics[0].code(), "medtop:11000000");
  EXPECT_TRUE(topics[0].primary());
}

TEST(TopicModelTest, PrimaryHeadChoosesAndLeadsTheOutput) {
  // One-vs-rest: politics 0.95 (logit 3, through international
  // relations), conflict 0.62 (logit 0.5). The head prefers conflict by
  // 15 × 1.5 (a headline term) - 0.5, more than 4 × the logit gap.
  const std::string model_tsv = std::string(kOneVsRest) +
                                "primary:medtop:11000000\t__bias__\t0.0\n"
                                "primary:medtop:16000000\t__bias__\t0.0\n"
                                "primary:medtop:16000000\tstrikes\t15.0\n"
                                "primary:medtop:11000000\tenvoys\t0.5\n";
  auto model = TopicModel::Create(kTaxonomy, "", model_tsv);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_TRUE((*model)->has_primary_head());
  auto topics = (*model)->Classify(
      FeaturesOf("Air strikes hit city", "Envoys met as strikes went on."),
      {.threshold = 0.3f});
  // Conflict is primary and first, although politics scores higher.
  ASSERT_EQ(topics.size(), 3u);
  EXPECT_EQ(topics[0].code(), "medtop:16000000");
  EXPECT_TRUE(topics[0].primary());
  EXPECT_EQ(topics[1].code(), "medtop:11000000");
  EXPECT_FALSE(topics[1].primary());
  EXPECT_EQ(topics[2].code(), "medtop:20000638");
  EXPECT_GT(topics[1].score(), topics[0].score());

  // A story about envoys alone is politics first.
  topics = (*model)->Classify(FeaturesOf("Envoys meet", "Envoys met."), {});
  ASSERT_GE(topics.size(), 1u);
  EXPECT_EQ(topics[0].code(), "medtop:11000000");
  EXPECT_TRUE(topics[0].primary());
}

TEST(TopicModelTest, WeakHeadDoesNotOverruleSureScores) {
  // The head prefers conflict by 2 × 1.5 (a headline term), less than 4 ×
  // the one-vs-rest logit gap of 3 - 0.5: politics stays primary.
  const std::string model_tsv =
      std::string(kOneVsRest) + "primary:medtop:16000000\tstrikes\t2.0\n";
  auto model = TopicModel::Create(kTaxonomy, "", model_tsv);
  ASSERT_TRUE(model.ok()) << model.status();
  auto topics = (*model)->Classify(
      FeaturesOf("Air strikes hit city", "Envoys met as strikes went on."), {});
  ASSERT_GE(topics.size(), 1u);
  EXPECT_EQ(topics[0].code(), "medtop:11000000");
  EXPECT_TRUE(topics[0].primary());
}

TEST(TopicModelTest, LexiconWeightOfPrimaryHeadIsRead) {
  const std::string lexicon = "medtop:16000000\t4.0\tshelling\n";
  const TopicFeatures f = FeaturesOf("Shelling", "Shelling.");
  auto model = TopicModel::Create(kTaxonomy, lexicon,
                                  "primary:medtop:11000000\t__bias__\t1.0\n");
  ASSERT_TRUE(model.ok()) << model.status();
  const int conflict = (*model)->TopicIndex("medtop:16000000");
  const int politics = (*model)->TopicIndex("medtop:11000000");
  // Lexicon logit 4 × 1.5 (headline) counts once by default ...
  EXPECT_DOUBLE_EQ((*model)->PrimaryLogits(f)[conflict], 6.0);
  EXPECT_DOUBLE_EQ((*model)->PrimaryLogits(f)[politics], 1.0);
  // ... and not at all with a lexicon weight of 0.
  model = TopicModel::Create(kTaxonomy, lexicon,
                             "primary:medtop:16000000\t__lexicon__\t0.0\n");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_DOUBLE_EQ((*model)->PrimaryLogits(f)[conflict], 0.0);
}

TEST(TopicModelTest, PrimaryRowForDeeperTopicIsAnError) {
  auto model = TopicModel::Create(kTaxonomy, "",
                                  "# head\nprimary:medtop:20000638\tx\t1\n");
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(model.status().message(),
            "model.tsv:2: the primary head covers top-level topics only, not "
            "primary:medtop:20000638");
  model = TopicModel::Create(kTaxonomy, "", "primary:medtop:99\tx\t1\n");
  EXPECT_EQ(model.status().message(),
            "model.tsv:1: unknown topic primary:medtop:99");
}

// English keeps the tokens its model was trained on: runs of ASCII
// letters and digits, lower-cased, one-letter tokens and numbers dropped.
TEST(TopicFeaturesTest, EnglishTokensAreAsciiRuns) {
  EXPECT_EQ(Tokenize("El Niño hit Moscow's U.S. A320 in 2024, 4,512.3 tons"),
            (std::vector<std::string>{"el", "ni", "hit", "moscow", "a320", "in",
                                      "tons"}));
  EXPECT_EQ(Tokenize("El Niño", "en"), Tokenize("El Niño"));
}

// Other languages: words from the shared segmenter, case-folded, with
// their letters whole.
TEST(TopicFeaturesTest, OtherLanguagesKeepTheirLetters) {
  EXPECT_EQ(Tokenize("L'ÉCONOMIE française recule", "fr"),
            (std::vector<std::string>{"économie", "française", "recule"}));
  EXPECT_EQ(Tokenize("Die STRAßE in München", "de"),
            (std::vector<std::string>{"die", "strasse", "in", "münchen"}));
  EXPECT_EQ(Tokenize("Москва ЗАЯВИЛА", "ru"),
            (std::vector<std::string>{"москва", "заявила"}));
}

// Chinese and Japanese are cut into dictionary words, not characters.
TEST(TopicFeaturesTest, ChineseAndJapaneseAreCutIntoWords) {
  const std::vector<std::string> zh = Tokenize("中国经济增长放缓", "zh");
  EXPECT_NE(std::find(zh.begin(), zh.end(), "经济"), zh.end());
  EXPECT_NE(std::find(zh.begin(), zh.end(), "增长"), zh.end());
  EXPECT_EQ(std::find(zh.begin(), zh.end(), "经"), zh.end());
  const std::vector<std::string> ja = Tokenize("日本の経済成長", "ja");
  EXPECT_NE(std::find(ja.begin(), ja.end(), "経済"), ja.end());
  EXPECT_EQ(std::find(ja.begin(), ja.end(), "経"), ja.end());
  // Bigrams are over words: "经济 增长".
  wirestream::v1::Story story;
  story.set_headline("中国经济增长放缓");
  TopicFeatures f = ExtractTopicFeatures(ExtractStoryText(story), "zh");
  bool bigram = false;
  for (const TopicFeature& t : f.terms) bigram |= f.Text(t) == "经济 增长";
  EXPECT_TRUE(bigram);
}

// Korean: a noun's trailing particle is cut off when two syllables stay.
TEST(TopicFeaturesTest, KoreanParticlesAreCutOff) {
  EXPECT_EQ(
      Tokenize("북한은 북한의 미국과의 한미관계 나는", "ko"),
      (std::vector<std::string>{"북한", "북한", "미국", "한미관계", "나는"}));
}

TEST(TopicFeaturesTest, StopWordsArePerLanguage) {
  EXPECT_TRUE(IsStopWord("the"));
  EXPECT_TRUE(IsStopWord("les", "fr"));
  EXPECT_FALSE(IsStopWord("les"));
  EXPECT_TRUE(IsStopWord("的", "zh"));
  EXPECT_FALSE(IsStopWord("the", "fr"));
}

// A language's lexicon phrases are cut by that language's tokens.
TEST(TopicModelTest, LexiconPhrasesUseTheLanguagesTokens) {
  auto model = TopicModel::Create(
      kTaxonomy, "medtop:16000000\t2.0\tfrappes aériennes\n", "", "fr");
  ASSERT_TRUE(model.ok()) << model.status();
  wirestream::v1::Story story;
  story.set_headline("Nouvelles FRAPPES AÉRIENNES sur la ville");
  TopicFeatures f = ExtractTopicFeatures(ExtractStoryText(story), "fr");
  const std::vector<double> z = (*model)->LexiconLogits(f);
  EXPECT_DOUBLE_EQ(z[(*model)->TopicIndex("medtop:16000000")], 3.0);
  auto bad = TopicModel::Create(kTaxonomy, "medtop:1\t2.0\tx\n", "", "fr");
  EXPECT_EQ(bad.status().message(), "lexicon_fr.tsv:1: unknown topic medtop:1");
}

}  // namespace
}  // namespace wirestream::classify
