// File: pipeline/text/words.h
//
// Word segmentation and case folding for every script, shared by every
// stage that cuts text into words (dedup shingles, classify features, alert
// terms), so that they all agree on what a word is.
//
// A WordSegmenter cuts UTF-8 text into words with ICU's word BreakIterator
// (Unicode UAX #29 word boundaries; dictionary-based for Chinese, Japanese,
// Thai, Lao, Khmer and Burmese). Korean is cut at spaces, as ICU 72 does:
// a word keeps its particles ("북한은"). Spaces and punctuation between
// words are skipped. A numeric token keeps its inner separators
// ("4,512.3" is one word) and is flagged.
//
//   auto segmenter = text::WordSegmenter::Create();  // once per thread
//   for (const text::WordSpan& w : (*segmenter)->Segment(story_text)) {
//     absl::string_view word = w.In(story_text);
//     if (w.numeric) ...;
//   }
//   std::string folded = text::FoldCase("L'ÉCONOMIE");  // "l'économie"
//
// Fast path: a run of text between ASCII whitespace that is all ASCII is
// cut by a hand-written version of the same UAX #29 rules restricted to
// ASCII (letters and digits, with ' and . between letters or digits and
// , ; between digits; a word is numeric when it ends in a digit; runs with
// '_' go to ICU), which gives exactly ICU's words and numeric flags for it
// (words_test.cc compares the two on random ASCII text). Runs with any
// non-ASCII byte go to ICU. ICU never joins two words across whitespace,
// so cutting at whitespace first changes nothing.
//
// One rule is added on top of ICU: a French or Italian elided article or
// pronoun before a letter ("l'", "d'", "qu'", "dell'", with ' or ’) is a
// word of its own, so "l'économie" gives "l'" and "économie", as it does in
// the French and Italian word lists a reader expects; ICU keeps it whole.
#ifndef WIRESTREAM_PIPELINE_TEXT_WORDS_H_
#define WIRESTREAM_PIPELINE_TEXT_WORDS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wirestream::text {

// One word of a text: its byte range in the UTF-8 text it was cut from.
struct WordSpan {
  size_t begin = 0;
  size_t size = 0;
  // A number as ICU flags it (UBRK_WORD_NUMBER): digits with inner
  // separators ("4,512.3", "1987"), and words of letters and digits that
  // end in digits ("A320"); "3rd" is no number.
  bool numeric = false;

  // Returns the word's text in `text`, the text it was cut from.
  absl::string_view In(absl::string_view text) const {
    return text.substr(begin, size);
  }
  bool operator==(const WordSpan& o) const {
    return begin == o.begin && size == o.size && numeric == o.numeric;
  }
};

// Cuts text into words. Holds an ICU BreakIterator, which is not
// thread-safe: a WordSegmenter is for one thread at a time (give each
// thread or each owning object its own; Create is cheap after the first,
// which loads ICU's rules and dictionaries).
class WordSegmenter {
 public:
  // Returns a segmenter, or INTERNAL when ICU's word rules cannot be loaded
  // (ICU's data library missing).
  static absl::StatusOr<std::unique_ptr<WordSegmenter>> Create();

  ~WordSegmenter();
  WordSegmenter(const WordSegmenter&) = delete;
  WordSegmenter& operator=(const WordSegmenter&) = delete;

  // Returns the words of UTF-8 `text` in order. Invalid UTF-8 never fails:
  // ICU reads each bad byte as U+FFFD, which is not part of any word.
  std::vector<WordSpan> Segment(absl::string_view text);

  // Like Segment, but replaces the contents of `words` (reusing its
  // capacity).
  void Segment(absl::string_view text, std::vector<WordSpan>& words);

  // Returns the words of `text` as ICU alone cuts them: no ASCII fast path
  // and no elision rule. For tests and comparisons.
  std::vector<WordSpan> SegmentWithIcuOnly(absl::string_view text);

 private:
  struct Icu;
  explicit WordSegmenter(std::unique_ptr<Icu> icu);
  void SegmentAscii(absl::string_view text, size_t offset,
                    std::vector<WordSpan>& words) const;
  void SegmentIcu(absl::string_view text, size_t offset,
                  std::vector<WordSpan>& words);

  std::unique_ptr<Icu> icu_;
};

// Returns the calling thread's own segmenter, made on its first call, or
// null when ICU's word rules cannot be loaded. For code that cuts text on
// whatever thread calls it (a stage's Process, a matcher) without owning
// a segmenter.
WordSegmenter* ThreadWordSegmenter();

// Returns `text` case-folded for matching (Unicode full case folding,
// composed to NFC): "STRASSE" and "Straße" both give "strasse", "ÉCONOMIE"
// gives "économie", "МОСКВА" gives "москва". ASCII text is only lowered.
// Invalid UTF-8 is returned lowered in ASCII only.
std::string FoldCase(absl::string_view text);

// True when `text` has no byte above 0x7F.
bool IsAscii(absl::string_view text);

}  // namespace wirestream::text

#endif  // WIRESTREAM_PIPELINE_TEXT_WORDS_H_
