#include "pipeline/stages/classify/topic_model.h"

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

}  // namespace
}  // namespace wirestream::classify
