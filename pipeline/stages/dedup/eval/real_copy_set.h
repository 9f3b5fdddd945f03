// File: pipeline/stages/dedup/eval/real_copy_set.h
//
// dedup's real-copy evaluation set: pairs of real wire stories
// (../testdata/real/, Reuters-21578) labelled SAME or DIFFERENT by the
// written guide in that folder's README, and their scoring. Each story is
// normalized as a plain-text wire file, then every pair is judged alone:
// the earlier story, then the later one, by a fresh Deduplicator. A SAME
// pair is right when the later story joins the earlier one's cluster, a
// DIFFERENT pair when the later story is NEW.
//
//   auto set = LoadRealCopySet(RealCopyDataDir(argv[0]));
//   RealCopyReport report = EvaluateRealCopy(*set, DeduplicatorConfig{});
//   std::cout << report.ToText(/*misjudged=*/true);
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_EVAL_REAL_COPY_SET_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_EVAL_REAL_COPY_SET_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pipeline/stages/dedup/deduplicator.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::stages::dedup {

// One real story of the set, normalized.
struct RealStory {
  // NEWID in Reuters-21578.
  std::string id;
  absl::Time filed;
  wirestream::v1::Story story;
};

enum class PairLabel { kSame, kDifferent, kUnsure };

// Returns the label as pairs.tsv writes it: "SAME", "DIFFERENT", "UNSURE".
absl::string_view PairLabelName(PairLabel label);

// A labelled pair: `later` must join `earlier`'s cluster (kSame) or start
// its own (kDifferent).
struct LabeledPair {
  std::string earlier;
  std::string later;
  PairLabel label = PairLabel::kUnsure;
  // The guide's kind: "resend", "correction", "template", "other-period", ...
  std::string kind;
  std::string note;
};

struct RealCopySet {
  std::map<std::string, RealStory> stories;
  std::vector<LabeledPair> pairs;
};

// Returns the directory holding stories.txt and pairs.tsv: under the test's
// or binary's runfiles, else relative to the workspace root.
std::string RealCopyDataDir(const char* argv0);

// The wire languages of the multilingual set (../testdata/multilingual),
// English aside (it is measured on the real-copy set).
inline constexpr const char* kMultilingualLanguages[] = {
    "fr", "de", "es", "it", "pt", "ru", "ar", "zh", "ja", "ko"};

// Returns the directory of one language of the multilingual set (same
// files as the real-copy set's), found like RealCopyDataDir's.
std::string MultilingualDataDir(const char* argv0, absl::string_view language);

// Loads and normalizes the stories under `dir` and reads the labels of
// `pairs_file` there: "pairs.tsv" (the set the rules were developed on) or
// "pairs_heldout.tsv" (scored once, after).
// Returns NOT_FOUND for a missing file, INVALID_ARGUMENT (with file and
// line) for a malformed one, a pair naming an unknown story, or a story
// that normalize does not take (the set holds none).
absl::StatusOr<RealCopySet> LoadRealCopySet(
    const std::string& dir, const std::string& pairs_file = "pairs.tsv");

struct PairOutcome {
  const LabeledPair* pair;
  wirestream::v1::DedupVerdict verdict;
  bool right = false;
};

struct RealCopyReport {
  // SAME pairs clustered together, of all SAME pairs.
  int same_right = 0;
  int same_total = 0;
  // DIFFERENT pairs kept apart, of all DIFFERENT pairs.
  int different_right = 0;
  int different_total = 0;
  int unsure = 0;
  // Kind -> {right, total}.
  std::map<std::string, std::pair<int, int>> by_kind;
  // Method of the later story's verdict -> count, for right and wrong.
  std::map<std::string, int> methods;
  std::vector<PairOutcome> misjudged;

  double clustered() const;
  double kept_apart() const;
  // Returns a plain-text report; with `misjudged`, every wrong pair too.
  std::string ToText(bool misjudged = false) const;
};

// The verdicts on a pair's two stories.
struct PairVerdicts {
  wirestream::v1::DedupVerdict earlier;
  wirestream::v1::DedupVerdict later;
};

// Judges the story `earlier`, then `later` (ids in `set`), with a fresh
// Deduplicator made from `config`. INVALID_ARGUMENT for a config that does
// not validate.
absl::StatusOr<PairVerdicts> JudgeRealPair(const RealCopySet& set,
                                           const std::string& earlier,
                                           const std::string& later,
                                           const DeduplicatorConfig& config);

// Judges every labelled pair of `set` with a fresh Deduplicator made from
// `config` and scores them.
RealCopyReport EvaluateRealCopy(const RealCopySet& set,
                                const DeduplicatorConfig& config);

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_EVAL_REAL_COPY_SET_H_
