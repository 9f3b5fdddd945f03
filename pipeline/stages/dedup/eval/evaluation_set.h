// File: pipeline/stages/dedup/eval/evaluation_set.h
//
// dedup's evaluation set: authored wire stories (testdata/eval/) and
// variants generated from them, each labelled with the verdict and cluster
// dedup should give it, in arrival order; and the scoring of a Deduplicator
// on it (precision and recall per verdict). See ../README.md.
//
//   auto set = LoadEvaluationSet(EvaluationDataDir(argv[0]), /*seed=*/1);
//   auto dedup = Deduplicator::Create(DeduplicatorConfig{});
//   EvaluationReport report = Evaluate(*set, **dedup);
//   std::cout << report.ToText();
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_EVAL_EVALUATION_SET_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_EVAL_EVALUATION_SET_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pipeline/stages/dedup/deduplicator.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::stages::dedup {

// One story of the set with the verdict it should get.
struct LabeledStory {
  wirestream::v1::Story story;
  // When it arrives (the record time); the set is sorted by it.
  absl::Time arrival;
  wirestream::v1::DedupKind expected_kind;
  std::string expected_cluster;
  // How it was made: "base", "template", "follow-up", "urgent", "resend",
  // "other-feed",
  // "correction", "correction-new-id", "retitled", "trimmed", "reordered",
  // "rewrite", "kill".
  std::string variant;
};

struct EvaluationSet {
  std::vector<LabeledStory> stories;
  int base_stories = 0;
  int template_stories = 0;
  int followups = 0;
  int urgents = 0;
};

// Returns the directory holding base_stories.txt, templates.txt,
// followups.txt and urgents.txt: under the test's or binary's runfiles, else
// relative to the workspace root.
std::string EvaluationDataDir(const char* argv0);

// Loads the authored stories under `dir` and generates their variants with
// a deterministic random generator seeded with `seed`. Returns
// INVALID_ARGUMENT (with file and line) for malformed data, NOT_FOUND for a
// missing file.
absl::StatusOr<EvaluationSet> LoadEvaluationSet(const std::string& dir,
                                                uint64_t seed);

struct VerdictScore {
  // Stories given this verdict with the expected cluster and expected to.
  int true_positives = 0;
  // Given this verdict, but expected another (or another cluster).
  int false_positives = 0;
  // Expected this verdict, but given another (or another cluster).
  int false_negatives = 0;

  double precision() const;
  double recall() const;
};

struct Misjudged {
  const LabeledStory* story;
  wirestream::v1::DedupVerdict verdict;
};

struct EvaluationReport {
  std::array<VerdictScore, wirestream::v1::DedupKind_ARRAYSIZE> by_kind;
  // Variant -> {right, total}.
  std::map<std::string, std::pair<int, int>> by_variant;
  std::vector<Misjudged> misjudged;
  int stories = 0;
  absl::Duration judge_time;
  DedupStats stats;

  const VerdictScore& score(wirestream::v1::DedupKind kind) const {
    return by_kind[kind];
  }
  // Returns a plain-text table of precision and recall per verdict and
  // accuracy per variant; with `misjudged`, every wrong verdict too.
  std::string ToText(bool misjudged = false) const;
};

// Judges every story of `set` in arrival order with `dedup` (which should
// be empty) and scores the verdicts. A verdict is right when its kind and
// cluster id are the expected ones.
EvaluationReport Evaluate(const EvaluationSet& set, Deduplicator& dedup);

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_EVAL_EVALUATION_SET_H_
