// Scores the classifier on the evaluation corpora and holds it to the
// goals: country F1 >= 0.95 and top-level topic accuracy@1 >= 0.85 on
// corpus/eval.txt and corpus/holdout2.txt; floors on corpus/holdout.txt and
// corpus/holdout3.txt.
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

TEST(EvaluationTest, HoldoutSetFloors) {
  auto classifier = Classifier::Create({});
  ASSERT_TRUE(classifier.ok());
  auto stories = ReadCorpus("holdout.txt");
  ASSERT_EQ(stories.size(), 40u);
  EvaluationReport r = Evaluate(**classifier, stories);
  std::cout << "holdout.txt\n" << FormatReport(r, /*with_mistakes=*/true);
  EXPECT_GE(r.country_f1, 0.95);
  EXPECT_GE(r.topic_accuracy_at_1, 0.8);
  EXPECT_GE(r.focus_accuracy, 0.8);
}

TEST(EvaluationTest, SecondHoldoutSetFloors) {
  auto classifier = Classifier::Create({});
  ASSERT_TRUE(classifier.ok());
  auto stories = ReadCorpus("holdout2.txt");
  ASSERT_EQ(stories.size(), 40u);
  EvaluationReport r = Evaluate(**classifier, stories);
  std::cout << "holdout2.txt\n" << FormatReport(r, /*with_mistakes=*/true);
  EXPECT_GE(r.country_f1, 0.95);
  EXPECT_GE(r.topic_accuracy_at_1, 0.85);
  EXPECT_GE(r.focus_accuracy, 0.85);
}

// holdout3.txt was scored blind once at topic accuracy@1 0.767; the floors
// sit just below what the current model measures, so they catch regressions
// without claiming the goal is met on it.
TEST(EvaluationTest, ThirdHoldoutSetFloors) {
  auto classifier = Classifier::Create({});
  ASSERT_TRUE(classifier.ok());
  auto stories = ReadCorpus("holdout3.txt");
  ASSERT_EQ(stories.size(), 60u);
  EvaluationReport r = Evaluate(**classifier, stories);
  std::cout << "holdout3.txt\n" << FormatReport(r, /*with_mistakes=*/true);
  EXPECT_GE(r.country_f1, 0.95);
  EXPECT_GE(r.topic_accuracy_at_1, 0.75);
  EXPECT_GE(r.focus_accuracy, 0.85);
  EXPECT_GE(r.subtopic_micro_f1, 0.70);
}

TEST(EvaluationTest, TrainingAndEvaluationStoriesDoNotOverlap) {
  auto train = ReadCorpus("train.txt");
  ASSERT_GE(train.size(), 200u);
  std::set<std::string> headlines;
  for (const auto& s : train) headlines.insert(s.story.headline());
  for (const char* name :
       {"eval.txt", "holdout.txt", "holdout2.txt", "holdout3.txt"}) {
    for (const auto& s : ReadCorpus(name)) {
      EXPECT_EQ(headlines.count(s.story.headline()), 0u)
          << name << " " << s.id << " is also a training story";
    }
  }
}

}  // namespace
}  // namespace wirestream::classify
