#include "pipeline/stages/classify/topic_features.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace wirestream::classify {

uint64_t StableHash(absl::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::vector<std::string> Tokenize(absl::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  bool has_letter = false;
  auto flush = [&] {
    if (current.size() > 1 && has_letter) tokens.push_back(current);
    current.clear();
    has_letter = false;
  };
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (absl::ascii_isalnum(c)) {
      has_letter |= absl::ascii_isalpha(c);
      current += absl::ascii_tolower(c);
    } else {
      flush();
    }
  }
  flush();
  return tokens;
}

bool IsStopWord(absl::string_view token) {
  static const auto* const kStop = new absl::flat_hash_set<std::string>{
      "the",     "an",        "and",      "or",     "of",       "to",
      "in",      "on",        "at",       "for",    "with",     "by",
      "from",    "as",        "is",       "was",    "are",      "were",
      "be",      "been",      "being",    "it",     "its",      "this",
      "that",    "these",     "those",    "he",     "she",      "they",
      "his",     "her",       "their",    "them",   "we",       "our",
      "you",     "your",      "but",      "not",    "no",       "has",
      "have",    "had",       "will",     "would",  "could",    "should",
      "can",     "may",       "might",    "said",   "says",     "say",
      "also",    "after",     "before",   "about",  "into",     "over",
      "than",    "then",      "there",    "which",  "who",      "whom",
      "what",    "when",      "where",    "while",  "more",     "most",
      "some",    "such",      "other",    "all",    "any",      "if",
      "so",      "up",        "out",      "did",    "do",       "does",
      "last",    "new",       "one",      "two",    "on",       "monday",
      "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
      "year",    "years",     "week",     "told",   "just",     "under",
      "per",     "cent",      "percent",  "mr",     "mrs",      "ms",
      "st"};
  return kStop->contains(token);
}

TopicFeatures ExtractTopicFeatures(const StoryText& text) {
  TopicFeatures out;
  absl::flat_hash_map<std::string, size_t> term_index, phrase_index;
  auto add = [](std::vector<TopicFeature>& list,
                absl::flat_hash_map<std::string, size_t>& index,
                std::string term, bool headline) {
    auto [it, inserted] = index.try_emplace(term, list.size());
    if (inserted) {
      TopicFeature f;
      f.bucket = FeatureBucket(term);
      f.term = std::move(term);
      f.value = headline ? 1.5f : 1.0f;
      list.push_back(std::move(f));
    } else if (headline) {
      list[it->second].value = 1.5f;
    }
  };
  for (const TextField& field : text.fields) {
    const bool headline = field.kind == FieldKind::kHeadline;
    std::vector<std::string> tokens = Tokenize(field.text);
    // Lexicon phrases: raw n-grams of 1..4 tokens.
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string gram;
      for (size_t n = 0; n < 4 && i + n < tokens.size(); ++n) {
        if (n > 0) gram += ' ';
        gram += tokens[i + n];
        add(out.phrases, phrase_index, gram, headline);
      }
    }
    // Model terms: content unigrams and adjacent-content bigrams.
    std::string previous;
    for (const std::string& t : tokens) {
      if (IsStopWord(t)) {
        previous.clear();
        continue;
      }
      add(out.terms, term_index, t, headline);
      if (!previous.empty()) {
        add(out.terms, term_index, absl::StrCat(previous, " ", t), headline);
      }
      previous = t;
    }
  }
  return out;
}

}  // namespace wirestream::classify
