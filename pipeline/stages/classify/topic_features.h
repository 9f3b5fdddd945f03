// File: pipeline/stages/classify/topic_features.h
//
// The features the topic classifier and its trainer share: case-folded
// word tokens, unigrams and bigrams of content words (stop words left
// out) hashed into 2^20 buckets, each worth 1 when present in the story
// and 1.5 when the headline has it too. Lexicon phrases are matched on the
// raw token sequence (stop words kept: "bank of england").
//
//   TopicFeatures f = ExtractTopicFeatures(ExtractStoryText(story), "fr");
//   for (const TopicFeature& x : f.terms) model.Lookup(x.bucket) ...
//   std::string why = f.Text(f.terms[0]);
//
// Words come from the shared segmenter (pipeline/text/words.h: ICU word
// boundaries, Chinese and Japanese cut into dictionary words) and are
// case-folded (text::FoldCase); a token is a run of letters, marks and
// digits inside a word, so "Moscow's" gives "moscow" and "s". Each
// language keys its own rules:
//   - English (and a story of unknown language), the language the first
//     model was trained on: a token is a run of ASCII letters and digits,
//     as it always was, so "Niño" gives "ni" and "o" and the English model
//     reads exactly the terms it was trained on.
//   - Every other language: a token is a run of any letters, marks and
//     digits ("économie", "москва", "经济", "북한은"). A token of one
//     letter is dropped, except in Han, kana and Hangul, where one
//     character is a word (战, 党).
//   - Korean: a noun's trailing particle is cut off ("북한은", "북한의" →
//     "북한") when at least two syllables remain, since ICU leaves
//     particles on the word.
//   - Stop words per language (a short hand-kept list of articles,
//     prepositions, pronouns, auxiliaries and particles) are left out of
//     model terms.
//
// Terms are hashed as they are read (FNV-1a runs over "w1 w2" without
// building the string); their text is rebuilt only for evidence.
//
// Pure functions; thread-safe.
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_TOPIC_FEATURES_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_TOPIC_FEATURES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "pipeline/stages/classify/story_text.h"

namespace wirestream::classify {

inline constexpr int kFeatureBits = 20;
inline constexpr uint32_t kFeatureMask = (1u << kFeatureBits) - 1;

// Returns the 64-bit FNV-1a hash of `s`: stable across runs and machines,
// so model files trained anywhere load anywhere.
uint64_t StableHash(absl::string_view s);

// Returns the feature bucket of a term ("earthquake", "central bank").
inline uint32_t FeatureBucket(absl::string_view term) {
  return static_cast<uint32_t>(StableHash(term)) & kFeatureMask;
}

// Returns true when `language` (a primary subtag; "" for unknown) reads
// ASCII tokens only: English and unknown.
bool UsesAsciiTokens(absl::string_view language);

// Splits `text` into the case-folded word tokens of `language` (see
// above); drops tokens with no letter.
std::vector<std::string> Tokenize(absl::string_view text,
                                  absl::string_view language = "");

// Returns true for `language`'s function words, left out of model
// features.
bool IsStopWord(absl::string_view token, absl::string_view language = "");

struct TopicFeature {
  // StableHash of the term's text ("earthquake", "central bank").
  uint64_t hash = 0;
  // The hash's feature bucket (model terms).
  uint32_t bucket = 0;
  float value = 1.0f;  // 1, or 1.5 when the headline has it
  // Where the term's first occurrence is in TopicFeatures::tokens.
  uint32_t first_token = 0;
  uint32_t token_count = 1;
};

struct TopicFeatures {
  // Every token of the story, fields one after another.
  std::vector<std::string> tokens;
  // Distinct unigrams and bigrams of content words (model terms).
  std::vector<TopicFeature> terms;
  // Distinct n-grams of 1..4 raw tokens, stop words kept (lexicon phrases).
  std::vector<TopicFeature> phrases;

  // Returns the text of `f` ("central bank").
  std::string Text(const TopicFeature& f) const;
};

// Returns the features of `text`, written in `language` (primary subtag;
// "" when not known).
TopicFeatures ExtractTopicFeatures(const StoryText& text,
                                   absl::string_view language = "");

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_TOPIC_FEATURES_H_
