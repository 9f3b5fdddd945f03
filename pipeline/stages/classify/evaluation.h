// File: pipeline/stages/classify/evaluation.h
//
// Scores a Classifier against a labelled corpus (corpus/eval.txt): topic
// accuracy@1 and macro-F1 over the 17 top-level IPTC topics, micro-F1 over
// the deeper topics, country precision and recall, focus-country accuracy.
//
//   EvaluationReport r = Evaluate(*classifier, stories);
//   std::cout << FormatReport(r);
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_EVALUATION_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_EVALUATION_H_

#include <string>
#include <vector>

#include "pipeline/stages/classify/classifier.h"
#include "pipeline/stages/classify/corpus.h"

namespace wirestream::classify {

struct EvaluationReport {
  int stories = 0;
  // Top-level topic: the best-scoring top-level topic is the primary
  // label's top-level topic.
  double topic_accuracy_at_1 = 0;
  // Mean over the top-level topics of F1 between output top-level topics
  // and the labels' top-level topics (topics never labelled nor output
  // are left out of the mean).
  double topic_macro_f1 = 0;
  // Micro-F1 over deeper topics (output vs labelled).
  double subtopic_micro_f1 = 0;
  // Countries, micro-averaged over stories labelled with countries.
  double country_precision = 0;
  double country_recall = 0;
  double country_f1 = 0;
  // Stories whose focus country (or its absence) matches the label.
  double focus_accuracy = 0;
  int country_stories = 0;
  // Stories that got no topics because their language has no topic model
  // (counted wrong for topic accuracy).
  int topics_unavailable = 0;
  // One line per mistake, for reading.
  std::vector<std::string> mistakes;
};

// Returns the scores of `classifier` on `stories`.
EvaluationReport Evaluate(const Classifier& classifier,
                          const std::vector<LabelledStory>& stories);

// Returns the report as text: the numbers, then the mistakes when
// `with_mistakes`.
std::string FormatReport(const EvaluationReport& report, bool with_mistakes);

// Returns the stories of `stories` in set `set` ("dev", "heldout"; ""
// for all).
std::vector<LabelledStory> StoriesInSet(
    const std::vector<LabelledStory>& stories, absl::string_view set);

// Sets every story's language tag to `language` ("" for none: the English
// model reads it).
void SetLanguage(absl::string_view language,
                 std::vector<LabelledStory>& stories);

// One row of the per-language table: a language's real copy
// (corpus/real_<lang>.txt) scored on its dev and held-out halves.
struct LanguageRow {
  std::string language;
  int stories = 0;
  int dev_stories = 0;
  int heldout_stories = 0;
  // False when the language has no topic model (no topics output).
  bool has_topics = false;
  double dev_topic_accuracy = 0;
  double heldout_topic_accuracy = 0;
  double country_f1 = 0;
  double focus_accuracy = 0;
};

// Returns `language`'s row for `stories` (every story read in
// `language`).
LanguageRow EvaluateLanguage(const Classifier& classifier,
                             absl::string_view language,
                             std::vector<LabelledStory> stories);

// Returns the rows as a Markdown table: language, stories, topic acc@1
// (dev, held-out; "none" without a model), country F1, focus accuracy.
std::string FormatLanguageTable(const std::vector<LanguageRow>& rows);

// Returns the classification part of `story` (topics, countries, regions,
// focus) as text, one item a line with its evidence:
//   topic medtop:20000056 armed conflict 0.97 [airstrike, shelling]
//   country UA Ukraine 0.93 SUBJECT x3 [KYIV (dateline), Ukraine]
//   region 151 Eastern Europe 0.93
//   focus UA
std::string DescribeClassification(const wirestream::v1::EnrichedStory& story);

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_EVALUATION_H_
