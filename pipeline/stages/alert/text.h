// File: pipeline/stages/alert/text.h
//
// The alert stage's tokenizer: splits a field's display text into words,
// keeping each word's byte range in the display text so matches can be
// highlighted, and gives each word two forms:
//   - folded: Unicode case folding, compatibility decomposition, accents
//     and other marks removed ("ÉLYSÉE" -> "elysee", "İstanbul" ->
//     "istanbul", "Straße" -> "strasse"); what case-insensitive rules match;
//   - exact: the word as written; what exact-case rules match.
//
//   std::vector<Token> words = Tokenize("Biden's anti-drone plan");
//   // words: "biden" [0,5), "anti" [8,12), "drone" [13,18), "plan" [19,23)
//
// The rules (see README.md, "Tokenization"):
//   - a word is a run of letters, digits and combining marks;
//   - everything else separates words: spaces, punctuation, hyphens and
//     dashes ("anti-drone" is the two words "anti" "drone");
//   - an apostrophe (' or ’) between two word characters stays inside the
//     word ("don't", "rock'n'roll"), except a final possessive 's, which is
//     cut off ("Biden's" -> "biden"), and after a one-letter word or "qu",
//     where it separates an elided article or pronoun ("L'Élysée" -> "l"
//     "elysee", "O'Brien" -> "o" "brien"); both apostrophes are written ';
//   - each Chinese or Japanese ideograph or kana is a word of its own;
//   - bytes that are not valid UTF-8 separate words.
// Query terms go through the same function, so a rule and a story always
// agree on what a word is.
//
// Stateless and thread-safe.
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_TEXT_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_TEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wirestream::alert {

// One word of a display text.
struct Token {
  // The word's byte range in the display text: [begin, end). A possessive
  // "'s" lies outside it.
  int32_t begin = 0;
  int32_t end = 0;
  // Case- and accent-folded form, for case-insensitive matching.
  std::string folded;
  // The word as written (’ written as '), for exact-case matching.
  std::string exact;
};

// Returns the words of `text` in order (rules in the file comment).
std::vector<Token> Tokenize(absl::string_view text);

// Same, into `out` (cleared first); reuses its capacity.
void TokenizeInto(absl::string_view text, std::vector<Token>* out);

// Appends the words of `text` to `out`, their offsets moved by `base` (the
// text's offset in a larger display text). Without `with_exact` the exact
// forms are left empty, which is faster.
void TokenizeAppend(absl::string_view text, int32_t base, bool with_exact,
                    std::vector<Token>* out);

// Returns the number of Unicode code points in `s` (invalid bytes count one
// each).
int CodePointCount(absl::string_view s);

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_TEXT_H_
