// Scores classify's countries and focus country in each wire language on
// real copy and holds each language to floors: corpus/wire_<lang>.txt
// (10-13 short real stories a language, their mistakes read) and
// corpus/real_<lang>.txt (40 or more real stories a language; the
// `set: dev` stories may be read and tuned on, the `set: heldout` ones are
// scored only). Floors sit at what each set measures, rounded down; the
// goal is country F1 >= 0.9 in every language on held-out stories. The
// blind and after figures are in README.md ("Places in other languages").
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "pipeline/stages/classify/classifier.h"
#include "pipeline/stages/classify/corpus.h"
#include "pipeline/stages/classify/evaluation.h"

namespace wirestream::classify {
namespace {

std::vector<LabelledStory> ReadCorpus(const std::string& name) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const std::string path = std::string(srcdir != nullptr ? srcdir : ".") +
                           "/wirestream/pipeline/stages/classify/corpus/" +
                           name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  auto stories = ParseCorpus(ss.str(), name);
  EXPECT_TRUE(stories.ok()) << stories.status();
  return stories.ok() ? *stories : std::vector<LabelledStory>();
}

// The stories of `stories` in `set` ("dev", "heldout"; "" for all).
std::vector<LabelledStory> InSet(const std::vector<LabelledStory>& stories,
                                 const std::string& set) {
  std::vector<LabelledStory> out;
  for (const LabelledStory& s : stories) {
    if (set.empty() || s.set == set) out.push_back(s);
  }
  return out;
}

struct PlacesFloors {
  const char* file;
  // "" for every story of the file, else "dev" or "heldout".
  const char* set;
  size_t stories;
  double country_f1;
  double focus;
};

class PlacesEvaluationTest : public testing::TestWithParam<PlacesFloors> {};

TEST_P(PlacesEvaluationTest, MeetsFloors) {
  const PlacesFloors& f = GetParam();
  auto classifier = Classifier::Create({});
  ASSERT_TRUE(classifier.ok()) << classifier.status();
  const std::vector<LabelledStory> stories = InSet(ReadCorpus(f.file), f.set);
  // The real-copy files may grow; a set never shrinks.
  ASSERT_GE(stories.size(), f.stories);
  const EvaluationReport r = Evaluate(**classifier, stories);
  std::cout << f.file << " " << f.set << "\n"
            << FormatReport(r, /*with_mistakes=*/true);
  // Every story is labelled for countries and focus.
  EXPECT_EQ(r.country_stories, static_cast<int>(stories.size()));
  EXPECT_GE(r.country_f1, f.country_f1);
  EXPECT_GE(r.focus_accuracy, f.focus);
}

std::string SetName(const testing::TestParamInfo<PlacesFloors>& info) {
  std::string name = info.param.file;
  name = name.substr(0, name.find('.'));
  if (info.param.set[0] != '\0') name += std::string("_") + info.param.set;
  return name;
}

// The short excerpts whose mistakes led to the names and rules of the
// other languages (not blind).
INSTANTIATE_TEST_SUITE_P(
    Wire, PlacesEvaluationTest,
    testing::Values(PlacesFloors{"wire_fr.txt", "", 11, 0.98, 0.63},
                    PlacesFloors{"wire_de.txt", "", 13, 0.98, 0.53},
                    PlacesFloors{"wire_es.txt", "", 10, 0.97, 0.60},
                    PlacesFloors{"wire_it.txt", "", 10, 1.00, 0.50},
                    PlacesFloors{"wire_pt.txt", "", 10, 0.97, 0.30},
                    PlacesFloors{"wire_ru.txt", "", 11, 1.00, 0.72},
                    PlacesFloors{"wire_ar.txt", "", 10, 0.97, 0.80},
                    PlacesFloors{"wire_zh.txt", "", 11, 1.00, 0.90},
                    PlacesFloors{"wire_ja.txt", "", 11, 0.93, 0.72},
                    PlacesFloors{"wire_ko.txt", "", 12, 0.98, 0.83}),
    SetName);

// Real copy in every wire language, held-out and dev halves apart. The
// held-out stories were scored blind once when they arrived (README.md);
// these floors sit just below the figures after the work their dev
// halves and the wire sets led to, scored once more at the end. Country
// F1 is below the goal of 0.9 for de, it, pt, ru and ko.
INSTANTIATE_TEST_SUITE_P(
    Real, PlacesEvaluationTest,
    testing::Values(PlacesFloors{"real_fr.txt", "heldout", 28, 0.901, 0.820},
                    PlacesFloors{"real_fr.txt", "dev", 14, 0.999, 0.856},
                    PlacesFloors{"real_de.txt", "heldout", 34, 0.877, 0.705},
                    PlacesFloors{"real_de.txt", "dev", 15, 0.922, 0.799},
                    PlacesFloors{"real_es.txt", "heldout", 31, 0.971, 0.838},
                    PlacesFloors{"real_es.txt", "dev", 14, 0.928, 0.928},
                    PlacesFloors{"real_it.txt", "heldout", 38, 0.814, 0.657},
                    PlacesFloors{"real_it.txt", "dev", 15, 0.962, 0.932},
                    PlacesFloors{"real_pt.txt", "heldout", 28, 0.856, 0.785},
                    PlacesFloors{"real_pt.txt", "dev", 14, 0.874, 0.856},
                    PlacesFloors{"real_ru.txt", "heldout", 42, 0.888, 0.642},
                    PlacesFloors{"real_ru.txt", "dev", 14, 0.899, 0.785},
                    PlacesFloors{"real_ar.txt", "heldout", 44, 0.923, 0.749},
                    PlacesFloors{"real_ar.txt", "dev", 15, 0.899, 0.732},
                    PlacesFloors{"real_zh.txt", "heldout", 29, 0.966, 0.896},
                    PlacesFloors{"real_zh.txt", "dev", 14, 0.943, 0.856},
                    PlacesFloors{"real_ja.txt", "heldout", 40, 0.920, 0.824},
                    PlacesFloors{"real_ja.txt", "dev", 13, 0.877, 0.768},
                    PlacesFloors{"real_ko.txt", "heldout", 48, 0.861, 0.603},
                    PlacesFloors{"real_ko.txt", "dev", 15, 0.940, 0.799}),
    SetName);

}  // namespace
}  // namespace wirestream::classify
