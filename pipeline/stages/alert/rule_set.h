// File: pipeline/stages/alert/rule_set.h
//
// RuleSet is a compiled, immutable set of alert rules: it tells which rules
// a story matches, where their terms matched (byte offsets into the field's
// display text) and a highlighted snippet.
//
//   absl::StatusOr<std::shared_ptr<const RuleSet>> rules =
//       RuleSet::Create(*ReadRulesFile("rules.yaml"));
//   MatchScratch scratch;  // one per thread
//   for (const RuleMatch& m : (*rules)->Match(story, &scratch)) { ... }
//
// How a story is matched (README.md, "Matching"):
//   1. the headline and the body (paragraphs joined by "\n\n") are split
//      into words (text.h) and written out as one line of words folded by
//      the rules of the story's language (Folding), separated by single
//      spaces, and, when some rule is exact-case, one line of words as
//      written;
//   2. one Hyperscan literal database per line holds every distinct term
//      of every rule (" spy balloon"; " balloon" also serves balloon*),
//      folded the same way as the line (a database for each folding
//      whose terms differ from the generic ones): a single scan reports
//      every occurrence, and a check that the next character is a space
//      tells whole words from prefixes;
//   3. only rules with at least one term found are candidates: their
//      filters are checked, then their query is evaluated over the
//      occurrences (AND/OR/NOT, NEAR/n by word positions).
// Phrases never span the headline and the body, or two paragraphs; NEAR/n
// never spans the headline and the body.
//
// Thread-safety: a RuleSet is immutable and may be shared by threads; each
// thread matches with its own MatchScratch.
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_RULE_SET_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_RULE_SET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pipeline/stages/alert/query.h"
#include "pipeline/stages/alert/rule_spec.h"
#include "pipeline/stages/alert/text.h"
#include "wirestream/v1/enriched_story.pb.h"

struct hs_database;
struct hs_scratch;

namespace wirestream::alert {

// The fields a rule can look at.
enum class Field : int8_t { kHeadline = 0, kBody = 1 };

// Returns "headline" or "body".
absl::string_view FieldName(Field field);

// Returns a story's body display text: its paragraphs joined by "\n\n".
// Match offsets in the body are offsets into this text.
std::string BodyText(const wirestream::v1::Story& story);

// One place where a term of a rule matched.
struct TermHit {
  // The term's index in the rule's query (RuleSet::query(rule).terms).
  int term = 0;
  Field field = Field::kHeadline;
  // Byte range in the field's display text.
  int32_t offset = 0;
  int32_t length = 0;

  bool operator==(const TermHit& o) const {
    return term == o.term && field == o.field && offset == o.offset &&
           length == o.length;
  }
};

// A rule a story matched.
struct RuleMatch {
  // The rule's index in RuleSet::rules().
  int rule = 0;
  // Where its terms matched (not the terms under NOT; for NEAR, only the
  // occurrences near enough): headline first, then by offset.
  std::vector<TermHit> hits;
  // An excerpt around the first hit with every hit in it marked «like
  // this»; "…" where text was cut; whitespace runs become one space.
  std::string snippet;
};

// Per-thread working memory for RuleSet::Match. Not thread-safe; may be
// used with any RuleSet, one after another.
class MatchScratch {
 public:
  MatchScratch();
  ~MatchScratch();
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;

 private:
  friend class RuleSet;
  struct Occurrence {
    int32_t first;  // token index of the first word
    int32_t last;   // token index of the last word
  };
  hs_scratch* hs_ = nullptr;
  uint64_t prepared_for_ = 0;
  std::string body_;
  std::vector<Token> tokens_;
  std::vector<bool> break_before_;
  // Number of headline tokens; the body's follow.
  int32_t headline_tokens_ = 0;
  std::string folded_line_;
  std::string exact_line_;
  // Byte offset of each token's first character in the lines.
  std::vector<int32_t> folded_starts_;
  std::vector<int32_t> exact_starts_;
  std::vector<std::pair<uint32_t, uint32_t>> raw_hits_;  // pattern, end
  std::vector<std::vector<Occurrence>> occurrences_;     // by pattern
  std::vector<uint32_t> touched_patterns_;
  std::vector<uint32_t> rule_stamp_;
  uint32_t stamp_ = 0;
  std::vector<int> candidates_;
};

class RuleSet {
 public:
  // Returns the compiled rules, or INVALID_ARGUMENT naming the rule, the
  // file line of its query and what is wrong, e.g.
  //   rules.yaml:12: rule "spy-balloon": query: column 9: OR needs a term
  //   after it
  static absl::StatusOr<std::shared_ptr<const RuleSet>> Create(
      RulesConfig config);

  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  const std::vector<AlertRule>& rules() const { return config_.rules; }
  const Query& query(int rule) const { return queries_[rule]; }
  const std::string& origin() const { return config_.origin; }
  // Distinct terms in the prefilter databases.
  int pattern_count() const { return static_cast<int>(patterns_.size()); }
  // Unique per compiled set, for telling sets apart.
  uint64_t generation() const { return generation_; }

  // Returns the rules `story` matches, in rule order: those whose filters
  // pass and whose query is true over its headline and body.
  std::vector<RuleMatch> Match(const wirestream::v1::EnrichedStory& story,
                               MatchScratch* scratch) const;

 private:
  // A string the prefilter looks for: " w1 w2 ..." in the folded or the
  // exact line.
  struct Literal {
    std::string text;
    // The patterns spelled this way in its database (a word and its
    // wildcard share one).
    std::vector<int> patterns;
    bool operator==(const Literal& o) const {
      return text == o.text && patterns == o.patterns;
    }
  };
  // One Hyperscan database: the literals of the folded line under one
  // folding (several foldings share a database when their literals are the
  // same), or of the exact line.
  struct Database {
    hs_database* hs = nullptr;
    std::vector<Literal> literals;
  };
  // A term as matched: its number of words, and whether its last word must
  // end where its literal ends (false for wildcards).
  struct Pattern {
    int words = 0;
    bool whole_word = true;
  };
  struct Witness;
  struct EvalContext;

  explicit RuleSet(RulesConfig config);
  absl::Status Compile();
  absl::Status CompileDatabase(Database* db) const;
  absl::Status PrepareScratch(MatchScratch* scratch) const;
  void Scan(Folding folding, MatchScratch* s) const;
  bool Eval(const QueryNode& node, const EvalContext& ctx,
            std::vector<Witness>* out) const;
  void CollectOperand(const QueryNode& node, const EvalContext& ctx,
                      std::vector<Witness>* out) const;

  RulesConfig config_;
  std::vector<Query> queries_;
  // By rule, by term: the term's pattern.
  std::vector<std::vector<int>> term_patterns_;
  std::vector<Pattern> patterns_;
  // By pattern: the rules using it (each once).
  std::vector<std::vector<int>> pattern_rules_;
  std::vector<Database> databases_;
  // By folding: the index in databases_ of the folded line's database, or
  // -1 when no rule folds.
  int folded_db_[kFoldingCount] = {-1, -1, -1, -1};
  // The index in databases_ of the exact line's database, or -1 when no
  // rule is exact-case.
  int exact_db_ = -1;
  uint64_t generation_ = 0;
};

// Returns an excerpt of `text` around `spans[anchor]` (byte ranges, sorted,
// not overlapping), each span inside it marked « ». Used for
// RuleMatch::snippet; exposed for tests.
std::string MakeSnippet(absl::string_view text,
                        const std::vector<std::pair<int32_t, int32_t>>& spans,
                        int anchor);

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_RULE_SET_H_
