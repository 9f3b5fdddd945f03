// evaluate_classifier: prints classify's scores on a labelled corpus, or
// the per-language table of the real-copy sets.
//
//   bazel run //pipeline/stages/classify/tools:evaluate_classifier --
//     --corpus=$PWD/pipeline/stages/classify/corpus/eval.txt [--mistakes]
//     [--data_dir=$PWD/pipeline/stages/classify/data] [--set=dev]
//   bazel run //pipeline/stages/classify/tools:evaluate_classifier --
//     --languages=fr,de,es,it,pt,ru,ar,zh,ja,ko
//     --corpus_dir=$PWD/pipeline/stages/classify/corpus
//
// Without --data_dir it scores the data compiled into the binary. A corpus
// named real_<lang>.txt, wire_<lang>.txt or train_<lang>.txt is read in
// that language (--language overrides; "en" reads it with the English
// model). --set=dev or --set=heldout scores that half only.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

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
ABSL_FLAG(std::string, set, "", "score only this set: dev or heldout");
ABSL_FLAG(std::string, language, "",
          "read every story in this language (en: the English model); "
          "empty: from the corpus file's name");
ABSL_FLAG(std::vector<std::string>, topic_languages, {},
          "languages given topics; empty: the default");
ABSL_FLAG(std::vector<std::string>, languages, {},
          "print the per-language table of corpus_dir/real_<lang>.txt");
ABSL_FLAG(std::string, corpus_dir, "", "directory of real_<lang>.txt");

namespace {

using namespace wirestream::classify;  // NOLINT: a tool's main

absl::StatusOr<std::vector<LabelledStory>> ReadCorpus(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseCorpus(ss.str(), path);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  ClassifierConfig config{.data_dir = absl::GetFlag(FLAGS_data_dir),
                          .topic_threshold = absl::GetFlag(FLAGS_threshold)};
  if (!absl::GetFlag(FLAGS_topic_languages).empty()) {
    config.topic_languages = absl::GetFlag(FLAGS_topic_languages);
  }
  auto classifier = Classifier::Create(config);
  if (!classifier.ok()) {
    std::cerr << classifier.status() << "\n";
    return 1;
  }
  if (!absl::GetFlag(FLAGS_languages).empty()) {
    std::vector<LanguageRow> rows;
    for (const std::string& language : absl::GetFlag(FLAGS_languages)) {
      auto stories = ReadCorpus(absl::GetFlag(FLAGS_corpus_dir) + "/real_" +
                                language + ".txt");
      if (!stories.ok()) {
        std::cerr << stories.status() << "\n";
        continue;
      }
      rows.push_back(EvaluateLanguage(**classifier, language, *stories));
    }
    std::cout << FormatLanguageTable(rows);
    return 0;
  }
  const std::string path = absl::GetFlag(FLAGS_corpus);
  auto stories = ReadCorpus(path);
  if (!stories.ok()) {
    std::cerr << stories.status() << "\n";
    return 1;
  }
  *stories = StoriesInSet(*stories, absl::GetFlag(FLAGS_set));
  std::string language = absl::GetFlag(FLAGS_language);
  if (language.empty()) language = CorpusLanguage(path);
  if (language == "en") language.clear();
  if (!language.empty()) SetLanguage(language, *stories);
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
