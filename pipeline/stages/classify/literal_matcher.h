// File: pipeline/stages/classify/literal_matcher.h
//
// LiteralMatcher finds every whole-word occurrence of many literal phrases
// in one pass over a text, with a Hyperscan literal database (no regular
// expressions, no loop of string searches).
//
//   auto matcher = LiteralMatcher::Create({{"New York", true}, {"US", false}});
//   std::vector<LiteralMatcher::Hit> hits;
//   (*matcher)->Scan("Flights from New York to the US resumed.", &hits);
//   // hits: {0, 13, 21}, {1, 29, 31}
//
// Thread-safe after Create: Scan may be called from several threads; each
// call borrows a Hyperscan scratch space from a small pool.
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_LITERAL_MATCHER_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_LITERAL_MATCHER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

struct hs_database;
struct hs_scratch;
struct UBreakIterator;

namespace wirestream::classify {

class LiteralMatcher {
 public:
  struct Pattern {
    std::string text;
    // Matches regardless of ASCII case; false: exact bytes only.
    bool caseless = true;
    // A short Han name ("武汉", "海地") that counts only where ICU's
    // dictionary word segmentation makes it a word of its own: "武汉" in
    // "首发于武汉的", not "长沙" in "外长沙伦赛" nor "海地" in "东海地区".
    bool han_word = false;
  };

  // One occurrence: pattern index and byte range [begin, end).
  struct Hit {
    uint32_t pattern = 0;
    uint32_t begin = 0;
    uint32_t end = 0;
    bool operator==(const Hit& o) const {
      return pattern == o.pattern && begin == o.begin && end == o.end;
    }
  };

  // Returns a matcher for `patterns` (non-empty, none empty), or
  // INVALID_ARGUMENT naming the pattern Hyperscan rejected.
  static absl::StatusOr<std::unique_ptr<LiteralMatcher>> Create(
      const std::vector<Pattern>& patterns);

  ~LiteralMatcher();
  LiteralMatcher(const LiteralMatcher&) = delete;
  LiteralMatcher& operator=(const LiteralMatcher&) = delete;

  // Appends to `hits` every occurrence of a pattern in `text` that starts
  // and ends on a word boundary, ordered by begin, then longest first. A
  // boundary is judged by the script of the pattern's edge: Latin,
  // Cyrillic and other spaced scripts need a non-letter next to the name
  // ("Kyiv's", "d’Allemagne", not "Kyivé"); Han and Hiragana need none
  // ("访问中国时", "日本は"); Katakana needs no katakana next to it ("マリ"
  // is not in "マリオ"); Hangul takes a particle after it ("한국은",
  // "미국과의"); Arabic one or two clitics before it ("والصين"). A
  // `han_word` pattern must also start and end on boundaries of ICU's
  // word segmentation.
  void Scan(absl::string_view text, std::vector<Hit>* hits) const;

  size_t pattern_count() const { return lengths_.size(); }

 private:
  LiteralMatcher() = default;

  hs_scratch* BorrowScratch() const;
  void ReturnScratch(hs_scratch* scratch) const;

  hs_database* database_ = nullptr;
  hs_scratch* prototype_ = nullptr;
  std::vector<uint32_t> lengths_;
  std::vector<bool> han_word_;
  bool any_han_word_ = false;
  // Word segmentation for `han_word` patterns; cloned for each scan that
  // needs it.
  UBreakIterator* words_ = nullptr;
  mutable absl::Mutex mu_;
  mutable std::vector<hs_scratch*> free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_LITERAL_MATCHER_H_
