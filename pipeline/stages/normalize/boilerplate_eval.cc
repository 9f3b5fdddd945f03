#include "pipeline/stages/normalize/boilerplate_eval.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "pipeline/stages/normalize/html_parser.h"
#include "pipeline/stages/normalize/plain_text_parser.h"
#include "pipeline/stages/normalize/story_text.h"
#include "pipeline/stages/normalize/unicode_text.h"
#include "utf8proc.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::normalize {
namespace {

bool IsWordCodePoint(utf8proc_int32_t c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
  }
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ND:
      return true;
    default:
      return false;
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

double Ratio(size_t a, size_t b) {
  return b == 0 ? (a == 0 ? 1.0 : 0.0)
                : static_cast<double>(a) / static_cast<double>(b);
}

double F1(double p, double r) { return p + r == 0 ? 0 : 2 * p * r / (p + r); }

}  // namespace

std::vector<std::string> EvalWords(absl::string_view text) {
  std::string folded = FoldForMatching(text);
  std::vector<std::string> words;
  std::string current;
  size_t i = 0;
  while (i < folded.size()) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = utf8proc_iterate(
        reinterpret_cast<const utf8proc_uint8_t*>(folded.data() + i),
        static_cast<utf8proc_ssize_t>(folded.size() - i), &c);
    if (n <= 0) n = 1;
    if (IsWordCodePoint(c)) {
      current.append(folded, i, static_cast<size_t>(n));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
    i += static_cast<size_t>(n);
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

PageScore ScorePage(absl::string_view name, absl::string_view gold,
                    absl::string_view kept) {
  PageScore score;
  score.name = std::string(name);
  absl::flat_hash_map<std::string, size_t> gold_counts;
  for (std::string& word : EvalWords(gold)) {
    ++gold_counts[word];
    ++score.gold_words;
  }
  for (const std::string& word : EvalWords(kept)) {
    ++score.kept_words;
    auto it = gold_counts.find(word);
    if (it != gold_counts.end() && it->second > 0) {
      --it->second;
      ++score.matched_words;
    }
  }
  score.precision = Ratio(score.matched_words, score.kept_words);
  score.recall = Ratio(score.matched_words, score.gold_words);
  score.f1 = F1(score.precision, score.recall);
  return score;
}

std::string KeptText(absl::string_view name, absl::string_view contents) {
  v1::Story story;
  if (absl::EndsWith(name, ".html")) {
    if (!ParseHtmlPage(contents, "", &story).ok()) return "";
  } else {
    if (!ParsePlainText(contents, &story).ok()) return "";
  }
  // Credit lines ("Source: Nikkei Asia", "(Reporting by ...)") go to the
  // story's attributions, not its body (ExtractStoryParts): they are not
  // counted as kept text.
  std::vector<std::string> body;
  for (const std::string& paragraph : story.paragraphs()) {
    if (!IsAttribution(paragraph)) body.push_back(paragraph);
  }
  return absl::StrJoin(body, "\n");
}

EvalReport EvaluateBoilerplate(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    std::string name = entry.path().filename().string();
    if (absl::EndsWith(name, ".gold.txt")) continue;
    if (absl::EndsWith(name, ".html") || absl::EndsWith(name, ".txt")) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());

  EvalReport report;
  size_t gold = 0, kept = 0, matched = 0;
  double f1_sum = 0;
  for (const std::string& name : names) {
    std::string stem = name.substr(0, name.rfind('.'));
    std::string gold_text = ReadFile(dir + "/" + stem + ".gold.txt");
    std::string kept_text = KeptText(name, ReadFile(dir + "/" + name));
    PageScore score = ScorePage(name, gold_text, kept_text);
    gold += score.gold_words;
    kept += score.kept_words;
    matched += score.matched_words;
    f1_sum += score.f1;
    report.pages.push_back(std::move(score));
  }
  report.micro_precision = Ratio(matched, kept);
  report.micro_recall = Ratio(matched, gold);
  report.micro_f1 = F1(report.micro_precision, report.micro_recall);
  report.macro_f1 = report.pages.empty() ? 0 : f1_sum / report.pages.size();
  return report;
}

std::string FormatReport(const EvalReport& report) {
  std::string out = absl::StrFormat("%-42s %6s %6s %6s %6s %6s %6s\n", "page",
                                    "gold", "kept", "match", "P", "R", "F1");
  for (const PageScore& page : report.pages) {
    absl::StrAppendFormat(&out, "%-42s %6d %6d %6d %6.3f %6.3f %6.3f\n",
                          page.name, page.gold_words, page.kept_words,
                          page.matched_words, page.precision, page.recall,
                          page.f1);
  }
  absl::StrAppendFormat(
      &out, "%d pages: micro P %.3f  R %.3f  F1 %.3f  (macro F1 %.3f)\n",
      report.pages.size(), report.micro_precision, report.micro_recall,
      report.micro_f1, report.macro_f1);
  return out;
}

}  // namespace wirestream::normalize
