#include "pipeline/stages/classify/topic_features.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"

namespace wirestream::classify {

namespace {

constexpr uint64_t kFnvOffset = 1469598103934665603ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

uint64_t FnvUpdate(uint64_t h, absl::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

}  // namespace

uint64_t StableHash(absl::string_view s) { return FnvUpdate(kFnvOffset, s); }

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

std::string TopicFeatures::Text(const TopicFeature& f) const {
  std::string text;
  for (uint32_t i = 0; i < f.token_count; ++i) {
    if (i > 0) text += ' ';
    text += tokens[f.first_token + i];
  }
  return text;
}

TopicFeatures ExtractTopicFeatures(const StoryText& text) {
  TopicFeatures out;
  absl::flat_hash_map<uint64_t, uint32_t> term_index, phrase_index;
  auto add = [](std::vector<TopicFeature>& list,
                absl::flat_hash_map<uint64_t, uint32_t>& index, uint64_t hash,
                uint32_t first, uint32_t count, bool headline) {
    auto [it, inserted] = index.try_emplace(hash, list.size());
    if (inserted) {
      TopicFeature f;
      f.hash = hash;
      f.bucket = static_cast<uint32_t>(hash) & kFeatureMask;
      f.value = headline ? 1.5f : 1.0f;
      f.first_token = first;
      f.token_count = count;
      list.push_back(f);
    } else if (headline) {
      list[it->second].value = 1.5f;
    }
  };
  for (const TextField& field : text.fields) {
    const bool headline = field.kind == FieldKind::kHeadline;
    const uint32_t begin = out.tokens.size();
    for (std::string& t : Tokenize(field.text)) {
      out.tokens.push_back(std::move(t));
    }
    const uint32_t end = out.tokens.size();
    const auto& tokens = out.tokens;
    for (uint32_t i = begin; i < end; ++i) {
      // Lexicon phrases: raw n-grams of 1..4 tokens, hashed as "w1 w2 ..".
      uint64_t h = kFnvOffset;
      for (uint32_t n = 0; n < 4 && i + n < end; ++n) {
        if (n > 0) h = FnvUpdate(h, " ");
        h = FnvUpdate(h, tokens[i + n]);
        add(out.phrases, phrase_index, h, i, n + 1, headline);
      }
      // Model terms: content unigrams, and bigrams of adjacent content
      // words.
      if (IsStopWord(tokens[i])) continue;
      const uint64_t unigram = StableHash(tokens[i]);
      add(out.terms, term_index, unigram, i, 1, headline);
      if (i > begin && !IsStopWord(tokens[i - 1])) {
        uint64_t bigram = FnvUpdate(StableHash(tokens[i - 1]), " ");
        bigram = FnvUpdate(bigram, tokens[i]);
        add(out.terms, term_index, bigram, i - 1, 2, headline);
      }
    }
  }
  return out;
}

}  // namespace wirestream::classify
