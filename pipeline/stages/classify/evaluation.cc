#include "pipeline/stages/classify/evaluation.h"

#include <array>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace wirestream::classify {
namespace {

double Ratio(double a, double b) { return b == 0 ? 0 : a / b; }
double F1(double tp, double fp, double fn) {
  return Ratio(2 * tp, 2 * tp + fp + fn);
}

}  // namespace

EvaluationReport Evaluate(const Classifier& classifier,
                          const std::vector<LabelledStory>& stories) {
  const TopicModel& model = classifier.topic_model();
  EvaluationReport r;
  int correct_at_1 = 0, focus_correct = 0;
  std::map<std::string, std::array<int, 3>> per_top;  // tp, fp, fn
  int sub_tp = 0, sub_fp = 0, sub_fn = 0;
  int c_tp = 0, c_fp = 0, c_fn = 0;
  for (const LabelledStory& s : stories) {
    ++r.stories;
    wirestream::v1::EnrichedStory out;
    classifier.Classify(s.story, &out);
    if (!out.topics_unavailable().empty()) ++r.topics_unavailable;

    std::set<std::string> gold_top, gold_sub, got_top, got_sub;
    std::string gold_primary_top;
    for (const std::string& code : s.topics) {
      const int i = model.TopicIndex(code);
      if (i < 0) continue;
      const std::string& top = model.topics()[model.topics()[i].top].code;
      if (gold_primary_top.empty()) gold_primary_top = top;
      gold_top.insert(top);
      if (top != code) gold_sub.insert(code);
    }
    std::string best_top;
    for (const auto& t : out.topics()) {
      if (t.parent_code().empty()) {
        if (best_top.empty()) best_top = t.code();
        got_top.insert(t.code());
      } else {
        got_sub.insert(t.code());
      }
    }
    if (best_top == gold_primary_top) {
      ++correct_at_1;
    } else {
      r.mistakes.push_back(absl::StrCat(s.id, " topic: got ", best_top,
                                        " want ", gold_primary_top, " (",
                                        s.story.headline(), ")"));
    }
    for (const auto& t : model.topics()) {
      if (!t.top_level()) continue;
      const bool g = gold_top.count(t.code) > 0, p = got_top.count(t.code) > 0;
      auto& c = per_top[t.code];
      if (g && p) ++c[0];
      if (!g && p) ++c[1];
      if (g && !p) ++c[2];
    }
    for (const auto& code : got_sub) (gold_sub.count(code) ? sub_tp : sub_fp)++;
    for (const auto& code : gold_sub) {
      if (!got_sub.count(code)) ++sub_fn;
    }

    if (!s.has_countries) continue;
    ++r.country_stories;
    std::set<std::string> gold(s.countries.begin(), s.countries.end()), got;
    for (const auto& c : out.countries()) got.insert(c.code());
    std::vector<std::string> extra, missing;
    for (const auto& c : got) {
      if (gold.count(c)) {
        ++c_tp;
      } else {
        ++c_fp;
        extra.push_back(c);
      }
    }
    for (const auto& c : gold) {
      if (!got.count(c)) {
        ++c_fn;
        missing.push_back(c);
      }
    }
    if (!extra.empty() || !missing.empty()) {
      r.mistakes.push_back(
          absl::StrCat(s.id, " countries: extra [", absl::StrJoin(extra, " "),
                       "] missing [", absl::StrJoin(missing, " "), "]"));
    }
    if (out.focus_country() == s.focus) {
      ++focus_correct;
    } else {
      r.mistakes.push_back(absl::StrCat(
          s.id, " focus: got ", out.focus_country(), " want ", s.focus));
    }
  }
  r.topic_accuracy_at_1 = Ratio(correct_at_1, r.stories);
  double f1_sum = 0;
  int f1_n = 0;
  for (const auto& [code, c] : per_top) {
    if (c[0] + c[1] + c[2] == 0) continue;
    f1_sum += F1(c[0], c[1], c[2]);
    ++f1_n;
  }
  r.topic_macro_f1 = Ratio(f1_sum, f1_n);
  r.subtopic_micro_f1 = F1(sub_tp, sub_fp, sub_fn);
  r.country_precision = Ratio(c_tp, c_tp + c_fp);
  r.country_recall = Ratio(c_tp, c_tp + c_fn);
  r.country_f1 = F1(c_tp, c_fp, c_fn);
  r.focus_accuracy = Ratio(focus_correct, r.country_stories);
  return r;
}

std::vector<LabelledStory> StoriesInSet(
    const std::vector<LabelledStory>& stories, absl::string_view set) {
  std::vector<LabelledStory> out;
  for (const LabelledStory& s : stories) {
    if (set.empty() || s.set == set) out.push_back(s);
  }
  return out;
}

void SetLanguage(absl::string_view language,
                 std::vector<LabelledStory>& stories) {
  for (LabelledStory& s : stories) s.story.set_language(std::string(language));
}

LanguageRow EvaluateLanguage(const Classifier& classifier,
                             absl::string_view language,
                             std::vector<LabelledStory> stories) {
  SetLanguage(language, stories);
  LanguageRow row;
  row.language = std::string(language);
  row.has_topics = classifier.TopicModelFor(language) != nullptr;
  const EvaluationReport all = Evaluate(classifier, stories);
  row.stories = all.stories;
  row.country_f1 = all.country_f1;
  row.focus_accuracy = all.focus_accuracy;
  const EvaluationReport dev =
      Evaluate(classifier, StoriesInSet(stories, "dev"));
  const EvaluationReport heldout =
      Evaluate(classifier, StoriesInSet(stories, "heldout"));
  row.dev_stories = dev.stories;
  row.heldout_stories = heldout.stories;
  row.dev_topic_accuracy = dev.topic_accuracy_at_1;
  row.heldout_topic_accuracy = heldout.topic_accuracy_at_1;
  return row;
}

std::string FormatLanguageTable(const std::vector<LanguageRow>& rows) {
  std::string s =
      "| language | stories (dev + held-out) | topic acc@1 dev | topic "
      "acc@1 held-out | country F1 | focus acc |\n"
      "|---|---|---|---|---|---|\n";
  for (const LanguageRow& r : rows) {
    const std::string dev =
        r.has_topics ? absl::StrFormat("%.3f", r.dev_topic_accuracy) : "none";
    const std::string heldout =
        r.has_topics ? absl::StrFormat("%.3f", r.heldout_topic_accuracy)
                     : "none";
    absl::StrAppendFormat(&s, "| %s | %d (%d + %d) | %s | %s | %.3f | %.3f |\n",
                          r.language, r.stories, r.dev_stories,
                          r.heldout_stories, dev, heldout, r.country_f1,
                          r.focus_accuracy);
  }
  return s;
}

std::string DescribeClassification(const wirestream::v1::EnrichedStory& story) {
  std::string s;
  for (const auto& t : story.topics()) {
    absl::StrAppendFormat(&s, "topic %s %s %.3f [%s]\n", t.code(), t.label(),
                          t.score(), absl::StrJoin(t.evidence(), ", "));
  }
  for (const auto& c : story.countries()) {
    absl::StrAppendFormat(
        &s, "country %s %s %.3f %s x%d [%s]\n", c.code(), c.name(), c.score(),
        absl::StripPrefix(wirestream::v1::CountryRole_Name(c.role()),
                          "COUNTRY_ROLE_"),
        c.mentions(), absl::StrJoin(c.evidence(), ", "));
  }
  for (const auto& r : story.regions()) {
    absl::StrAppendFormat(&s, "region %s %s %.3f\n", r.m49_code(), r.name(),
                          r.score());
  }
  absl::StrAppend(&s, "focus ",
                  story.focus_country().empty() ? "-" : story.focus_country(),
                  "\n");
  return s;
}

std::string FormatReport(const EvaluationReport& r, bool with_mistakes) {
  std::string s = absl::StrFormat(
      "stories                      %d\n"
      "topic accuracy@1 (top level) %.3f\n"
      "topic macro-F1 (top level)   %.3f\n"
      "subtopic micro-F1            %.3f\n"
      "country precision            %.3f\n"
      "country recall               %.3f\n"
      "country F1                   %.3f\n"
      "focus-country accuracy       %.3f  (%d stories)\n",
      r.stories, r.topic_accuracy_at_1, r.topic_macro_f1, r.subtopic_micro_f1,
      r.country_precision, r.country_recall, r.country_f1, r.focus_accuracy,
      r.country_stories);
  if (r.topics_unavailable > 0) {
    absl::StrAppendFormat(&s, "no topic model (no topics)   %d stories\n",
                          r.topics_unavailable);
  }
  if (with_mistakes) {
    for (const std::string& m : r.mistakes) absl::StrAppend(&s, m, "\n");
  }
  return s;
}

}  // namespace wirestream::classify
