// Boilerplate removal on the labelled pages stays above a floor. The
// report is printed so `bazel test --test_output=all` shows the numbers.
#include "pipeline/stages/normalize/boilerplate_eval.h"

#include <iostream>

#include "gtest/gtest.h"
#include "pipeline/stages/normalize/test_support.h"

namespace wirestream::normalize {
namespace {

TEST(BoilerplateEvalTest, ScoresAWordsBagComparison) {
  PageScore score = ScorePage("p", "The cat sat. The dog ran.",
                              "the cat sat! Share this article");
  EXPECT_EQ(score.gold_words, 6u);
  EXPECT_EQ(score.kept_words, 6u);
  EXPECT_EQ(score.matched_words, 3u);
  EXPECT_DOUBLE_EQ(score.precision, 0.5);
  EXPECT_DOUBLE_EQ(score.recall, 0.5);
  EXPECT_EQ(EvalWords("“Ça va?” — l'été, 2023"),
            (std::vector<std::string>{"ça", "va", "l", "été", "2023"}));
}

TEST(BoilerplateEvalTest, DevelopmentSetStaysAccurate) {
  EvalReport report = EvaluateBoilerplate(
      WorkspacePath("pipeline/stages/normalize/testdata/boilerplate"));
  std::cout << FormatReport(report);
  EXPECT_GE(report.pages.size(), 25u);
  EXPECT_GE(report.micro_precision, 0.97);
  EXPECT_GE(report.micro_recall, 0.97);
  for (const PageScore& page : report.pages) {
    EXPECT_GE(page.f1, 0.8) << page.name;
  }
}

}  // namespace
}  // namespace wirestream::normalize
