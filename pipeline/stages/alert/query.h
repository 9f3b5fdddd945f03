// File: pipeline/stages/alert/query.h
//
// The query language of alert rules (README.md, "Query language"):
//
//   balloon                    a word
//   "spy balloon"              a phrase: these words, consecutive, in order
//   balloon*                   a word starting with "balloon" (3+ letters
//                              before the '*'); also at the end of a phrase
//   a AND b, a b               both (AND may be left out)
//   a OR b                     either
//   NOT a, a NOT b             not a; a and not b
//   a NEAR/5 b                 a and b at most 5 words apart, either order
//   ( ... )                    grouping
//
// Precedence, tightest first: NOT, NEAR/n, AND, OR. Operators are written
// in capitals; "and", "or", "not" in lower case are rejected (quote them to
// search for the word). Each side of NEAR/n is a term, a phrase or an OR of
// them in parentheses. A query must require at least one term to be
// present: "NOT sport" alone is rejected.
//
//   absl::StatusOr<Query> q = ParseQuery("\"spy balloon\" OR balloon* NEAR/5 "
//                                        "(military OR pentagon)", false);
//
// Terms are split into words by Tokenize (text.h), so a hyphenated or
// dotted term is a phrase ("anti-drone" = "anti drone"), a possessive is
// dropped ("Biden's" = biden) and a Chinese or Japanese term is cut by
// dictionary ("中国日本" = "中国 日本"). Pure functions; thread-safe.
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_QUERY_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_QUERY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wirestream::alert {

// A word or phrase of a query.
struct QueryTerm {
  // As written in the query, quotes left out: "balloon*", "spy balloon".
  std::string text;
  // True when written in quotes.
  bool quoted = false;
  // Its words, folded the generic way (case-insensitive rules; FoldWord
  // gives the other languages' forms from `written`) or as written (exact
  // case).
  std::vector<std::string> words;
  // Its words as written (’ as '), one for each of `words`.
  std::vector<std::string> written;
  // True when the last word is a prefix (written with a trailing '*').
  bool prefix = false;
};

// A node of the parsed query tree.
struct QueryNode {
  enum class Op { kTerm, kAnd, kOr, kNot, kNear };
  Op op = Op::kTerm;
  // kTerm: the index of the term in Query::terms.
  int term = -1;
  // kNear: the largest number of words from one side to the other (1 for
  // neighbours).
  int distance = 0;
  // kAnd, kOr: two or more; kNot: one; kNear: two.
  std::vector<QueryNode> children;
};

struct Query {
  std::vector<QueryTerm> terms;
  QueryNode root;
};

// The largest distance NEAR/n accepts.
inline constexpr int kMaxNearDistance = 1000;
// The fewest characters a wildcard's prefix may have; in scripts whose
// characters are syllables or morphemes (Chinese, Japanese, Korean), the
// fewest is kMinPrefixSyllables.
inline constexpr int kMinPrefixChars = 3;
inline constexpr int kMinPrefixSyllables = 2;

// Returns the parsed query, or INVALID_ARGUMENT saying what is wrong and
// where, e.g. "column 14: ')' has no matching '('" ("line 2, column 3: ..."
// for a query written over several lines). `exact_case` keeps the terms'
// case and accents instead of folding them.
absl::StatusOr<Query> ParseQuery(absl::string_view text, bool exact_case);

// Returns the query in a canonical, fully parenthesised form, e.g.
// (OR "spy balloon" (NEAR/5 balloon* (OR military pentagon))).
std::string DescribeQuery(const Query& query);

// Returns true when `node` can be true for a story that contains none of
// the query's terms.
bool MatchesWithoutTerms(const QueryNode& node);

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_QUERY_H_
