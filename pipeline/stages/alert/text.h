// File: pipeline/stages/alert/text.h
//
// The alert stage's words: splits a field's display text into words with
// the shared segmenter (pipeline/text/words.h: ICU word boundaries,
// dictionary-based for Chinese, Japanese and Thai), keeping each word's
// byte range in the display text so matches can be highlighted, and gives
// each word two forms:
//   - folded: case and accents folded by the rules of the story's language
//     (Folding; README.md, "Languages"): "ÉLYSÉE" -> "elysee", "İstanbul"
//     -> "istanbul", "Straße" -> "strasse"; Spanish keeps "ñ", German
//     writes "ä" as "ae", Japanese keeps voiced kana; what case-insensitive
//     rules match;
//   - exact: the word as written; what exact-case rules match.
//
//   std::vector<Token> words = Tokenize("Biden's anti-drone plan");
//   // words: "biden" [0,5), "anti" [8,12), "drone" [13,18), "plan" [19,23)
//   std::vector<Token> zh = Tokenize("中国和日本");
//   // words: "中国" [0,6), "和" [6,9), "日本" [9,15)
//
// The rules on top of the segmenter's words (README.md, "Tokenization"):
//   - dots, commas and semicolons inside a word separate words ("U.S." is
//     "u" "s", "4,512.3" is "4" "512" "3");
//   - an apostrophe (' or ’) inside a word stays ("don't", "İstanbul'da"),
//     except a final possessive 's, which is cut off ("Biden's" -> "biden";
//     "1's" -> "1"), and after a one-letter word or an elided article
//     ("L'Élysée" -> "l" "elysee", "O'Brien" -> "o" "brien"); both
//     apostrophes are written ';
//   - bytes that are not valid UTF-8 separate words.
// Query terms go through the same functions, so a rule and a story always
// agree on what a word is.
//
// Thread-safe: each thread segments with its own segmenter.
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_TEXT_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_TEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace wirestream::alert {

// How case-insensitive matching folds words: the rules of a story's
// language. Every folding lowers case (Unicode case folding, compatibility
// forms: "ﬁ" -> "fi", "ＮＡＴＯ" -> "nato") and removes the accents of
// Latin, Greek and Hebrew letters, Arabic harakat, tatweel and the hamza
// and madda of alef, Russian "ё" -> "е" and Cyrillic stress marks; it
// keeps marks that make another letter (kana voicing "ガ", "й", Indic and
// Thai vowel signs) and Hangul syllables whole. The languages differ in
// Latin letters only:
enum class Folding : int8_t {
  kGeneric = 0,  // every other language: every Latin accent removed
  kGerman,       // "ä" "ö" "ü" -> "ae" "oe" "ue"; other accents removed
  kSpanish,      // "ñ" kept; other accents removed
  kTurkish,      // "ç" "ğ" "ö" "ş" "ü" kept; "ı" "I" "İ" "i" all "i"
};
inline constexpr int kFoldingCount = 4;

// Returns the folding for a story's BCP 47 language tag ("de-CH" ->
// kGerman); kGeneric for other and unknown languages.
Folding FoldingForLanguage(absl::string_view language_tag);

// Returns "generic", "de", "es" or "tr".
absl::string_view FoldingName(Folding folding);

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

// Returns OK when words can be cut (ICU's word rules load), or INTERNAL.
absl::Status TokenizerStatus();

// Returns the words of `text` in order (rules in the file comment).
std::vector<Token> Tokenize(absl::string_view text,
                            Folding folding = Folding::kGeneric);

// Same, into `out` (cleared first); reuses its capacity.
void TokenizeInto(absl::string_view text, Folding folding,
                  std::vector<Token>* out);

// Appends the words of `text` to `out`, their offsets moved by `base` (the
// text's offset in a larger display text). Without `with_exact` the exact
// forms are left empty, which is faster.
void TokenizeAppend(absl::string_view text, int32_t base, bool with_exact,
                    Folding folding, std::vector<Token>* out);

// Returns one word (as Token::exact holds it) folded by `folding`: what
// Tokenize puts in Token::folded. Only letters, digits, marks and
// apostrophes stay.
std::string FoldWord(absl::string_view word, Folding folding);

// Returns the number of Unicode code points in `s` (invalid bytes count one
// each).
int CodePointCount(absl::string_view s);

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_TEXT_H_
