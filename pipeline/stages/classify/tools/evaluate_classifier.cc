// evaluate_classifier: prints classify's scores on a labelled corpus.
//
//   bazel run //pipeline/stages/classify/tools:evaluate_classifier --
//     --corpus=$PWD/pipeline/stages/classify/corpus/eval.txt [--mistakes]
//     [--data_dir=$PWD/pipeline/stages/classify/data]
//
// Without --data_dir it scores the data compiled into the binary.
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "pipeline/stages/classify/classifier.h"
#include "pipeline/stages/classify/corpus.h"
#include "pipeline/stages/classify/evaluation.h"

ABSL_FLAG(std::string, corpus, "", "labelled corpus to score");
ABSL_FLAG(std::string, data_dir, "", "data directory; empty: embedded data");
ABSL_FLAG(bool, mistakes, false, "list every mistake");
ABSL_FLAG(float, threshold, 0.3f, "topic score threshold");
ABSL_FLAG(bool, dump, false,
          "print each story's topics, countries and focus with evidence");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using namespace wirestream::classify;  // NOLINT: a tool's main
  auto classifier =
      Classifier::Create({.data_dir = absl::GetFlag(FLAGS_data_dir),
                          .topic_threshold = absl::GetFlag(FLAGS_threshold)});
  if (!classifier.ok()) {
    std::cerr << classifier.status() << "\n";
    return 1;
  }
  std::ifstream in(absl::GetFlag(FLAGS_corpus));
  if (!in) {
    std::cerr << "cannot read --corpus\n";
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto stories = ParseCorpus(ss.str(), absl::GetFlag(FLAGS_corpus));
  if (!stories.ok()) {
    std::cerr << stories.status() << "\n";
    return 1;
  }
  if (absl::GetFlag(FLAGS_dump)) {
    for (const LabelledStory& s : *stories) {
      wirestream::v1::EnrichedStory out;
      (*classifier)->Classify(s.story, &out);
      std::cout << s.id << " " << s.story.headline() << "\n"
                << DescribeClassification(out) << "\n";
    }
  }
  std::cout << FormatReport(Evaluate(**classifier, *stories),
                            absl::GetFlag(FLAGS_mistakes));
  return 0;
}
