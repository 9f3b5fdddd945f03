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

struct Floor {
  double precision = 0.97;
  double recall = 0.97;
  double page_f1 = 0.8;
};

void ExpectAccurate(const std::string& dir, size_t min_pages,
                    Floor floor = {}) {
  EvalReport report = EvaluateBoilerplate(WorkspacePath(dir));
  std::cout << dir << "\n" << FormatReport(report);
  EXPECT_GE(report.pages.size(), min_pages);
  EXPECT_GE(report.micro_precision, floor.precision);
  EXPECT_GE(report.micro_recall, floor.recall);
  for (const PageScore& page : report.pages) {
    EXPECT_GE(page.f1, floor.page_f1) << page.name;
  }
}

TEST(BoilerplateEvalTest, DevelopmentSetStaysAccurate) {
  ExpectAccurate("pipeline/stages/normalize/testdata/boilerplate", 25);
}

// Written after the rules of the development set, and first measured
// blind (see BENCHMARKS.md); kept as a regression set since.
TEST(BoilerplateEvalTest, SecondSetStaysAccurate) {
  ExpectAccurate("pipeline/stages/normalize/testdata/boilerplate_heldout", 8);
}

// Real pages nobody here wrote, as text dumps: scored blind at P 0.782,
// R 0.997 (BENCHMARKS.md); the floors are what the rules reach now
// (P 0.978, R 0.997, the worst page F1 0.938), rounded down.
TEST(BoilerplateEvalTest, RealPagesStayAccurate) {
  Floor floor;
  floor.precision = 0.97;
  floor.recall = 0.99;
  floor.page_f1 = 0.93;
  ExpectAccurate("pipeline/stages/normalize/testdata/boilerplate_real", 19,
                 floor);
}

}  // namespace
}  // namespace wirestream::normalize
