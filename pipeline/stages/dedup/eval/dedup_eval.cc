// dedup_eval: scores the Deduplicator on dedup's evaluation set and prints
// precision and recall per verdict; with --real, on the real-copy pairs
// instead (see ../README.md).
//
//   bazel run //pipeline/stages/dedup/eval:dedup_eval -- --seed=2 --misjudged
//   bazel run //pipeline/stages/dedup/eval:dedup_eval -- --real --misjudged
//   bazel run //pipeline/stages/dedup/eval:dedup_eval -- --real --lang=zh
//   bazel run //pipeline/stages/dedup/eval:dedup_eval -- --loadgen=20000
#include <algorithm>
#include <array>
#include <cstdint>
#include <iostream>
#include <map>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "pipeline/stages/dedup/deduplicator.h"
#include "pipeline/stages/dedup/eval/evaluation_set.h"
#include "pipeline/stages/dedup/eval/loadgen_mix.h"
#include "pipeline/stages/dedup/eval/real_copy_set.h"
#include "pipeline/stages/dedup/fingerprint.h"

ABSL_FLAG(uint64_t, seed, 2, "seed of the variant generator");
ABSL_FLAG(std::string, testdata, "", "directory of the authored stories");
ABSL_FLAG(bool, real, false,
          "score the real-copy pairs (testdata/real) instead of the authored "
          "set");
ABSL_FLAG(int64_t, loadgen, 0,
          "judge this many of loadgen's stories (default mix, --seed) and "
          "print the verdicts by the kind loadgen meant");
ABSL_FLAG(std::string, lang, "",
          "with --real: score this language of the multilingual set "
          "(testdata/multilingual/<lang>) instead of the English pairs");
ABSL_FLAG(bool, heldout, false,
          "with --real: score the held-out pairs (pairs_heldout.tsv)");
ABSL_FLAG(bool, evidence_table, false,
          "with --real: print each pair's resemblance and lead evidence, "
          "tab-separated, for studying the rules");
ABSL_FLAG(bool, misjudged, false, "list every wrong verdict");
ABSL_FLAG(bool, explain, false,
          "for each wrong verdict, compare the story with the first story of "
          "its expected cluster");
ABSL_FLAG(bool, pairs, false,
          "print the resemblance distribution of same-cluster and "
          "different-cluster pairs");
ABSL_FLAG(int, shingle_size, 1, "words per shingle (most)");
ABSL_FLAG(int, min_shingle_size, 1, "words per shingle (fewest)");
ABSL_FLAG(bool, drop_stopwords, true, "leave function words out of shingles");
ABSL_FLAG(int, headline_weight, 1, "extra copies of headline shingles");
ABSL_FLAG(int, bands, 20, "LSH bands");
ABSL_FLAG(int, rows, 3, "LSH rows per band");
ABSL_FLAG(double, resemblance, 0.55, "near-duplicate resemblance threshold");
ABSL_FLAG(double, containment, 0.8, "near-duplicate containment threshold");
ABSL_FLAG(double, numbers, 0.6, "number agreement threshold");
ABSL_FLAG(double, names, 0.7, "name agreement threshold");
ABSL_FLAG(double, rewrite_resemblance, 0.35, "rewrite resemblance threshold");
ABSL_FLAG(double, rewrite_agreement, 0.9, "rewrite entity agreement");
ABSL_FLAG(int, rewrite_entities, 4, "rewrite minimum entities compared");
ABSL_FLAG(double, short_resemblance, 0.7, "short-item resemblance threshold");

namespace {

using namespace wirestream::stages::dedup;

std::string Show(std::optional<double> v) {
  return v ? absl::StrFormat("%.2f", *v) : std::string("-");
}

// Returns one line comparing the fingerprints of `a` and `b`.
std::string Compare(const Fingerprinter& fingerprinter,
                    const DeduplicatorConfig& config,
                    const wirestream::v1::Story& a,
                    const wirestream::v1::Story& b) {
  StoryFingerprint fa = fingerprinter.Compute(a, "en");
  StoryFingerprint fb = fingerprinter.Compute(b, "en");
  const double r = EstimateResemblance(fa.minhash, fb.minhash);
  int bands = 0;
  for (int j = 0; j < config.bands; ++j) {
    bands += std::equal(fa.minhash.begin() + j * config.rows,
                        fa.minhash.begin() + (j + 1) * config.rows,
                        fb.minhash.begin() + j * config.rows);
  }
  return absl::StrFormat(
      "R %.3f C %.3f shingles %d/%d words %d/%d bands %d numbers %s (%d/%d) "
      "names %s (%d/%d) languages %s/%s",
      r, ContainmentFromResemblance(r, fa.shingle_count, fb.shingle_count),
      fa.shingle_count, fb.shingle_count, fa.word_count, fb.word_count, bands,
      Show(EntityOverlap(fa.numbers, fb.numbers)), fa.numbers.count,
      fb.numbers.count, Show(EntityOverlap(fa.names, fb.names)), fa.names.count,
      fb.names.count, a.language(), b.language());
}

int ScoreRealCopy(const char* argv0, const DeduplicatorConfig& config) {
  std::string dir = absl::GetFlag(FLAGS_testdata);
  if (dir.empty()) {
    const std::string lang = absl::GetFlag(FLAGS_lang);
    dir = lang.empty() ? RealCopyDataDir(argv0)
                       : MultilingualDataDir(argv0, lang);
  }
  auto set = LoadRealCopySet(
      dir, absl::GetFlag(FLAGS_heldout) ? "pairs_heldout.tsv" : "pairs.tsv");
  if (!set.ok()) {
    std::cerr << set.status() << "\n";
    return 1;
  }
  std::cout << "real-copy set: " << set->stories.size() << " stories, "
            << set->pairs.size() << " labelled pairs\n";
  if (absl::GetFlag(FLAGS_evidence_table)) {
    auto fingerprinter = *Fingerprinter::Create(FingerprintOptionsOf(config));
    std::cout << "earlier\tlater\tlabel\tkind\tR\tmissing_later\t"
                 "missing_earlier\tother_date\tnumbers\tnames\twords\n";
    for (const LabeledPair& pair : set->pairs) {
      StoryFingerprint a =
          fingerprinter->Compute(set->stories.at(pair.earlier).story, "en");
      StoryFingerprint b =
          fingerprinter->Compute(set->stories.at(pair.later).story, "en");
      const LeadEvidence lead =
          CompareLeads(a.numbers, a.names, a.lead, b.numbers, b.names, b.lead);
      std::cout << absl::StrFormat(
          "%s\t%s\t%s\t%s\t%.3f\t%d\t%d\t%d\t%s\t%s\t%d\n", pair.earlier,
          pair.later, PairLabelName(pair.label), pair.kind,
          EstimateResemblance(a.minhash, b.minhash), lead.missing_from_a_count,
          lead.missing_from_b_count, lead.other_date ? 1 : 0,
          Show(EntityOverlap(a.numbers, b.numbers)),
          Show(EntityOverlap(a.names, b.names)),
          std::min(a.word_count, b.word_count));
    }
    return 0;
  }
  const RealCopyReport report = EvaluateRealCopy(*set, config);
  std::cout << report.ToText(absl::GetFlag(FLAGS_misjudged));
  if (absl::GetFlag(FLAGS_explain)) {
    auto fingerprinter = *Fingerprinter::Create(FingerprintOptionsOf(config));
    std::cout << "\nexplained:\n";
    for (const PairOutcome& o : report.misjudged) {
      std::cout << "  " << o.pair->earlier << " -> " << o.pair->later << "  "
                << Compare(*fingerprinter, config,
                           set->stories.at(o.pair->earlier).story,
                           set->stories.at(o.pair->later).story)
                << "\n";
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  DeduplicatorConfig config;
  config.shingle_size = absl::GetFlag(FLAGS_shingle_size);
  config.min_shingle_size = absl::GetFlag(FLAGS_min_shingle_size);
  config.headline_weight = absl::GetFlag(FLAGS_headline_weight);
  config.drop_stopwords = absl::GetFlag(FLAGS_drop_stopwords);
  config.bands = absl::GetFlag(FLAGS_bands);
  config.rows = absl::GetFlag(FLAGS_rows);
  config.near_duplicate_resemblance = absl::GetFlag(FLAGS_resemblance);
  config.near_duplicate_containment = absl::GetFlag(FLAGS_containment);
  config.number_agreement = absl::GetFlag(FLAGS_numbers);
  config.name_agreement = absl::GetFlag(FLAGS_names);
  config.rewrite_resemblance = absl::GetFlag(FLAGS_rewrite_resemblance);
  config.rewrite_entity_agreement = absl::GetFlag(FLAGS_rewrite_agreement);
  config.rewrite_min_entities = absl::GetFlag(FLAGS_rewrite_entities);
  config.short_item_resemblance = absl::GetFlag(FLAGS_short_resemblance);
  if (absl::GetFlag(FLAGS_real)) return ScoreRealCopy(argv[0], config);
  if (const int64_t n = absl::GetFlag(FLAGS_loadgen); n > 0) {
    std::cout << JudgeLoadgenStories(n, absl::GetFlag(FLAGS_seed)).ToText();
    return 0;
  }
  std::string dir = absl::GetFlag(FLAGS_testdata);
  if (dir.empty()) dir = EvaluationDataDir(argv[0]);
  auto set = LoadEvaluationSet(dir, absl::GetFlag(FLAGS_seed));
  if (!set.ok()) {
    std::cerr << set.status() << "\n";
    return 1;
  }
  auto dedup = Deduplicator::Create(config);
  if (!dedup.ok()) {
    std::cerr << dedup.status() << "\n";
    return 1;
  }
  std::cout << "evaluation set: " << set->base_stories << " base stories, "
            << set->template_stories << " template stories, " << set->followups
            << " follow-ups, " << set->urgents << " urgents, "
            << set->stories.size() << " stories with variants (seed "
            << absl::GetFlag(FLAGS_seed) << ")\n";
  EvaluationReport report = Evaluate(*set, **dedup);
  std::cout << report.ToText(absl::GetFlag(FLAGS_misjudged));
  if (absl::GetFlag(FLAGS_explain)) {
    auto fingerprinter = *Fingerprinter::Create(FingerprintOptionsOf(config));
    std::map<std::string, const LabeledStory*> first;
    for (const LabeledStory& s : set->stories) first.emplace(s.story.id(), &s);
    std::cout << "\nexplained (against the expected cluster's first story):\n";
    for (const Misjudged& m : report.misjudged) {
      auto it = first.find(m.story->expected_cluster);
      if (it == first.end()) continue;
      std::cout << absl::StrFormat("  %-44s ", m.story->story.id())
                << Compare(*fingerprinter, config, m.story->story,
                           it->second->story)
                << "\n";
    }
  }
  if (absl::GetFlag(FLAGS_pairs)) {
    auto fingerprinter = *Fingerprinter::Create(FingerprintOptionsOf(config));
    std::vector<StoryFingerprint> fps;
    for (const LabeledStory& s : set->stories) {
      fps.push_back(fingerprinter->Compute(s.story, "en"));
    }
    // Positives: each variant against the first story of its cluster.
    std::map<std::string, const LabeledStory*> root;
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < set->stories.size(); ++i) {
      root.emplace(set->stories[i].story.id(), &set->stories[i]);
      index.emplace(set->stories[i].story.id(), i);
    }
    std::map<std::string, std::vector<double>> positive;
    std::map<std::string, std::vector<double>> agreement;
    for (size_t i = 0; i < fps.size(); ++i) {
      const LabeledStory& s = set->stories[i];
      if (s.expected_kind != wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE)
        continue;
      const size_t j = index[s.expected_cluster];
      positive[s.variant].push_back(
          EstimateResemblance(fps[i].minhash, fps[j].minhash));
      agreement[s.variant].push_back(
          std::min(EntityOverlap(fps[i].numbers, fps[j].numbers).value_or(1.0),
                   EntityOverlap(fps[i].names, fps[j].names).value_or(1.0)));
    }
    std::cout << "\nnear-duplicates vs their cluster's first story: R min / 5% "
                 "/ median\n";
    for (auto& [variant, rs] : positive) {
      std::sort(rs.begin(), rs.end());
      auto& as = agreement[variant];
      std::sort(as.begin(), as.end());
      std::cout << absl::StrFormat(
          "  %-12s %5.3f %5.3f %5.3f (%d)   entity agreement min %.2f 5%% "
          "%.2f\n",
          variant, rs.front(), rs[rs.size() / 20], rs[rs.size() / 2], rs.size(),
          as.front(), as[as.size() / 20]);
    }
    // Negatives: pairs of different clusters inside the window whose
    // numbers and names agree, by resemblance.
    std::vector<std::pair<double, std::string>> negatives;
    double background_sum = 0;
    int64_t background_pairs = 0;
    std::array<int64_t, 10> background_histogram{};
    for (size_t i = 0; i < fps.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        const LabeledStory& a = set->stories[i];
        const LabeledStory& b = set->stories[j];
        if (a.expected_cluster == b.expected_cluster) continue;
        if (a.variant == "kill" || b.variant == "kill") continue;
        if (absl::AbsDuration(a.arrival - b.arrival) > config.window) continue;
        {
          const double r = EstimateResemblance(fps[i].minhash, fps[j].minhash);
          background_sum += r;
          ++background_pairs;
          ++background_histogram[std::min(9, static_cast<int>(r * 10))];
        }
        auto numbers = EntityOverlap(fps[i].numbers, fps[j].numbers);
        auto names = EntityOverlap(fps[i].names, fps[j].names);
        if (numbers && *numbers < config.number_agreement) continue;
        if (names && *names < config.name_agreement) continue;
        const double r = EstimateResemblance(fps[i].minhash, fps[j].minhash);
        if (r < 0.2) continue;
        negatives.emplace_back(
            r,
            absl::StrFormat("%-40s %-40s R %.3f numbers %s names %s",
                            a.story.id(), b.story.id(), r,
                            numbers ? absl::StrFormat("%.2f", *numbers) : "-",
                            names ? absl::StrFormat("%.2f", *names) : "-"));
      }
    }
    std::cout << absl::StrFormat(
        "\nstories of different clusters (%d pairs): mean R %.4f; R >= 0.1: "
        "%.2f%%, >= 0.2: %.2f%%, >= 0.3: %.3f%%\n",
        background_pairs, background_sum / background_pairs,
        100.0 * (background_pairs - background_histogram[0]) / background_pairs,
        100.0 *
            (background_pairs - background_histogram[0] -
             background_histogram[1]) /
            background_pairs,
        100.0 *
            (background_pairs - background_histogram[0] -
             background_histogram[1] - background_histogram[2]) /
            background_pairs);
    std::sort(negatives.rbegin(), negatives.rend());
    std::cout << "\ndifferent clusters whose numbers and names agree, by R:\n";
    for (size_t i = 0; i < std::min<size_t>(25, negatives.size()); ++i) {
      std::cout << "  " << negatives[i].second << "\n";
    }
  }
  return 0;
}
