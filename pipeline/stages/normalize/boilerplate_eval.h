// File: pipeline/stages/normalize/boilerplate_eval.h
//
// Measures boilerplate removal on a labelled set of pages: each page
// (NAME.html or a text dump NAME.txt) comes with NAME.gold.txt, the
// article's own paragraphs one a line. The text the parser keeps is
// compared with the gold text as bags of words (lower-cased letters and
// digits): precision = matched / kept words, recall = matched / gold
// words.
//
//   EvalReport report = EvaluateBoilerplate(
//       "pipeline/stages/normalize/testdata/boilerplate");
//   std::cout << FormatReport(report);
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_BOILERPLATE_EVAL_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_BOILERPLATE_EVAL_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wirestream::normalize {

struct PageScore {
  std::string name;
  size_t gold_words = 0;
  size_t kept_words = 0;
  size_t matched_words = 0;
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

struct EvalReport {
  std::vector<PageScore> pages;
  // Over all words of all pages.
  double micro_precision = 0;
  double micro_recall = 0;
  double micro_f1 = 0;
  // The mean of the pages' F1.
  double macro_f1 = 0;
};

// Returns the words of `text` for the comparison.
std::vector<std::string> EvalWords(absl::string_view text);

// Returns the scores of `kept` against `gold` text.
PageScore ScorePage(absl::string_view name, absl::string_view gold,
                    absl::string_view kept);

// Returns the text the parser keeps of page `name` (.html: the HTML page
// parser; .txt: the plain-text parser): its paragraphs, one a line, but
// not the credit lines normalize moves to Story.attributions.
std::string KeptText(absl::string_view name, absl::string_view contents);

// Evaluates every labelled page in directory `dir`.
EvalReport EvaluateBoilerplate(const std::string& dir);

// Returns the report as a table, pages first, totals last.
std::string FormatReport(const EvalReport& report);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_BOILERPLATE_EVAL_H_
