// Scores the classifier on the evaluation corpora and holds it to the
// goals, country F1 >= 0.95 and top-level topic accuracy@1 >= 0.85, on
// every set: corpus/holdout5.txt (scored blind once), corpus/eval.txt and
// holdout.txt ... holdout4.txt (their mistakes have been read). Focus and
// subtopic floors sit just below what the model measures. The real-copy
// sets (corpus/reuters_*.txt) are held to country and focus floors only.
#include "pipeline/stages/classify/evaluation.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "gtest/gtest.h"

namespace wirestream::classify {
namespace {

std::vector<LabelledStory> ReadCorpus(const std::string& name) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const std::string path = std::string(srcdir != nullptr ? srcdir : ".") +
                           "/wirestream/pipeline/stages/classify/corpus/" +
                           name;
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto stories = ParseCorpus(ss.str(), name);
  EXPECT_TRUE(stories.ok()) << stories.status();
  return stories.ok() ? *stories : std::vector<LabelledStory>();
}

TEST(EvaluationTest, EvalSetMeetsGoals) {
  auto classifier = Classifier::Create({});
  ASSERT_TRUE(classifier.ok());
  auto stories = ReadCorpus("eval.txt");
  ASSERT_GE(stories.size(), 100u);
  EvaluationReport r = Evaluate(**classifier, stories);
  std::cout << "eval.txt\n" << FormatReport(r, /*with_mistakes=*/true);
  EXPECT_GE(r.country_f1, 0.95);
  EXPECT_GE(r.topic_accuracy_at_1, 0.85);
  EXPECT_GE(r.focus_accuracy, 0.85);
  EXPECT_GE(r.topic_macro_f1, 0.85);
}

struct HoldoutGoals {
  const char* file;
  size_t stories;
  double focus_floor;
  double subtopic_floor;
};

class HoldoutTest : public testing::TestWithParam<HoldoutGoals> {};

TEST_P(HoldoutTest, MeetsGoals) {
  const HoldoutGoals& g = GetParam();
  auto classifier = Classifier::Create({});
  ASSERT_TRUE(classifier.ok());
  auto stories = ReadCorpus(g.file);
  ASSERT_EQ(stories.size(), g.stories);
  EvaluationReport r = Evaluate(**classifier, stories);
  std::cout << g.file << "\n" << FormatReport(r, /*with_mistakes=*/true);
  EXPECT_GE(r.country_f1, 0.95);
  EXPECT_GE(r.topic_accuracy_at_1, 0.85);
  EXPECT_GE(r.focus_accuracy, g.focus_floor);
  EXPECT_GE(r.subtopic_micro_f1, g.subtopic_floor);
}

// holdout5.txt is the blind report (first scoring: accuracy@1 0.960,
// country F1 0.986, focus 0.840); holdout4.txt was scored blind once with
// an earlier model (0.775) and labelled without the labelling guide.
INSTANTIATE_TEST_SUITE_P(
    Sets, HoldoutTest,
    testing::Values(HoldoutGoals{"holdout.txt", 40, 0.85, 0.80},
                    HoldoutGoals{"holdout2.txt", 40, 0.90, 0.65},
                    HoldoutGoals{"holdout3.txt", 60, 0.90, 0.75},
                    HoldoutGoals{"holdout4.txt", 80, 0.80, 0.65},
                    HoldoutGoals{"holdout5.txt", 100, 0.80, 0.85}),
    [](const testing::TestParamInfo<HoldoutGoals>& info) {
      std::string name = info.param.file;
      return name.substr(0, name.find('.'));
    });

struct RealCopyGoals {
  const char* file;
  size_t stories;
  double country_f1_floor;
  double focus_floor;
};

class RealCopyTest : public testing::TestWithParam<RealCopyGoals> {};

// Returns the test's name: its corpus file without ".txt".
std::string SetName(const testing::TestParamInfo<RealCopyGoals>& info) {
  std::string name = info.param.file;
  return name.substr(0, name.find('.'));
}

// Real copy labelled for countries and focus only (Reuters business copy of
// 1987, and the other wire languages below); floors at what each set
// measures.
TEST_P(RealCopyTest, MeetsFloors) {
  const RealCopyGoals& g = GetParam();
  auto classifier = Classifier::Create({});
  ASSERT_TRUE(classifier.ok());
  auto stories = ReadCorpus(g.file);
  ASSERT_EQ(stories.size(), g.stories);
  EvaluationReport r = Evaluate(**classifier, stories);
  std::cout << g.file << "\n" << FormatReport(r, /*with_mistakes=*/true);
  EXPECT_EQ(r.country_stories, static_cast<int>(g.stories));
  EXPECT_GE(r.country_f1, g.country_f1_floor);
  EXPECT_GE(r.focus_accuracy, g.focus_floor);
}

// First (blind) scoring: reuters_tune.txt focus 0.670, country F1 0.916;
// reuters_holdout.txt focus 0.660, country F1 0.868. Now (the focus rules
// tuned on reuters_tune.txt only): 0.900 and 0.997; reuters_holdout.txt,
// scored once after: 0.930 and 0.982. Floors at those numbers.
INSTANTIATE_TEST_SUITE_P(
    Sets, RealCopyTest,
    testing::Values(RealCopyGoals{"reuters_tune.txt", 100, 0.99, 0.90},
                    RealCopyGoals{"reuters_holdout.txt", 100, 0.98, 0.93}),
    SetName);

// Real copy in the other wire languages (10-13 short stories each,
// labelled for countries and focus only). Floors at what each set
// measured after the changes its first (blind) scoring led to; see the
// README for both scorings.
INSTANTIATE_TEST_SUITE_P(
    Languages, RealCopyTest,
    testing::Values(RealCopyGoals{"wire_fr.txt", 11, 0.98, 0.63},
                    RealCopyGoals{"wire_de.txt", 13, 0.98, 0.46},
                    RealCopyGoals{"wire_es.txt", 10, 0.97, 0.60},
                    RealCopyGoals{"wire_it.txt", 10, 0.98, 0.40},
                    RealCopyGoals{"wire_pt.txt", 10, 0.97, 0.30},
                    RealCopyGoals{"wire_ru.txt", 11, 1.00, 0.63},
                    RealCopyGoals{"wire_ar.txt", 10, 0.97, 0.70},
                    RealCopyGoals{"wire_zh.txt", 11, 1.00, 0.63},
                    RealCopyGoals{"wire_ja.txt", 11, 0.92, 0.72},
                    RealCopyGoals{"wire_ko.txt", 12, 0.98, 0.83}),
    SetName);

// Topics on each language's real copy (corpus/real_<lang>.txt, labelled by
// the guide before any classifier ran on it): a language whose model met
// the bar on its dev half is scored by default and held to floors on its
// dev and held-out halves, at what they measured (see LANGUAGES.md); a
// language below the bar gets no topics, with the reason, on every story.
struct LanguageGoals {
  const char* language;
  size_t stories;
  double dev_floor;      // -1: no topic model by default
  double heldout_floor;  // -1: no topic model by default
};

class LanguageTopicTest : public testing::TestWithParam<LanguageGoals> {};

TEST_P(LanguageTopicTest, MeetsFloorsOrSaysWhy) {
  const LanguageGoals& g = GetParam();
  auto classifier = Classifier::Create({});
  ASSERT_TRUE(classifier.ok()) << classifier.status();
  auto stories = ReadCorpus(std::string("real_") + g.language + ".txt");
  ASSERT_EQ(stories.size(), g.stories);
  const LanguageRow row = EvaluateLanguage(**classifier, g.language, stories);
  std::cout << FormatLanguageTable({row});
  if (g.dev_floor < 0) {
    EXPECT_FALSE(row.has_topics);
    SetLanguage(g.language, stories);
    for (const LabelledStory& s : stories) {
      wirestream::v1::EnrichedStory out;
      (*classifier)->Classify(s.story, &out);
      EXPECT_EQ(out.topics_size(), 0) << s.id;
      EXPECT_EQ(out.topics_unavailable(),
                std::string("no topic model for language ") + g.language)
          << s.id;
    }
    return;
  }
  EXPECT_TRUE(row.has_topics);
  EXPECT_GE(row.dev_topic_accuracy, g.dev_floor);
  EXPECT_GE(row.heldout_topic_accuracy, g.heldout_floor);
  SetLanguage(g.language, stories);
  for (const LabelledStory& s : StoriesInSet(stories, "heldout")) {
    wirestream::v1::EnrichedStory out;
    (*classifier)->Classify(s.story, &out);
    EXPECT_EQ(out.topics_unavailable(), "") << s.id;
  }
}

// Floors at the first scoring of the held-out halves with the models as
// committed (dev: es 1.000, ru 0.786, ar 0.800, zh 1.000, ja 1.000, ko
// 0.733; held-out: es 0.903, ru 0.714, ar 0.659, zh 0.931, ja 0.750, ko
// 0.708). fr, de, it and pt were below the bar on dev (0.714, 0.600,
// 0.667, 0.643).
INSTANTIATE_TEST_SUITE_P(Languages, LanguageTopicTest,
                         testing::Values(LanguageGoals{"fr", 42, -1, -1},
                                         LanguageGoals{"de", 49, -1, -1},
                                         LanguageGoals{"es", 45, 0.99, 0.90},
                                         LanguageGoals{"it", 53, -1, -1},
                                         LanguageGoals{"pt", 42, -1, -1},
                                         LanguageGoals{"ru", 56, 0.78, 0.71},
                                         LanguageGoals{"ar", 59, 0.79, 0.65},
                                         LanguageGoals{"zh", 43, 0.99, 0.93},
                                         LanguageGoals{"ja", 53, 0.99, 0.75},
                                         LanguageGoals{"ko", 63, 0.73, 0.70}),
                         [](const testing::TestParamInfo<LanguageGoals>& info) {
                           return std::string(info.param.language);
                         });

TEST(EvaluationTest, TrainingAndEvaluationStoriesDoNotOverlap) {
  auto train = ReadCorpus("train.txt");
  ASSERT_GE(train.size(), 200u);
  std::set<std::string> headlines;
  for (const auto& s : train) headlines.insert(s.story.headline());
  for (const char* name : {"eval.txt", "holdout.txt", "holdout2.txt",
                           "holdout3.txt", "holdout4.txt", "holdout5.txt",
                           "reuters_tune.txt", "reuters_holdout.txt"}) {
    for (const auto& s : ReadCorpus(name)) {
      EXPECT_EQ(headlines.count(s.story.headline()), 0u)
          << name << " " << s.id << " is also a training story";
    }
  }
  for (const char* language :
       {"fr", "de", "es", "it", "pt", "ru", "ar", "zh", "ja", "ko"}) {
    std::set<std::string> trained;
    for (const auto& s :
         ReadCorpus(std::string("train_") + language + ".txt")) {
      trained.insert(s.story.headline());
    }
    EXPECT_GE(trained.size(), 170u) << language;
    for (const auto& s : ReadCorpus(std::string("real_") + language + ".txt")) {
      EXPECT_EQ(trained.count(s.story.headline()), 0u)
          << s.id << " is also a training story";
    }
  }
}

}  // namespace
}  // namespace wirestream::classify
