#include "pipeline/stages/dedup/fingerprint.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "pipeline/text/words.h"
#include "unicode/uchar.h"
#include "unicode/utf8.h"
// The stack-allocated XXH3 state needs the static-linking-only definitions.
#define XXH_STATIC_LINKING_ONLY
#include "xxhash.h"

namespace wirestream::stages::dedup {
namespace {

constexpr uint64_t kWordSeed = 0x77a3d1c5e1f0b3a9ULL;
constexpr uint64_t kNumberSeed = 0x4e554d4245525331ULL;
constexpr uint64_t kNameSeed = 0x4e414d4553534b31ULL;
constexpr uint64_t kKeySeed = 0x4b45595354424c31ULL;
constexpr uint64_t kCopySalt = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t kShingleMul = 0xbf58476d1ce4e5b9ULL;
// How much of the first paragraph is the lead.
constexpr int kLeadWords = 50;

// MurmurHash3's 64-bit finalizer: a bijection that spreads every input bit.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline uint64_t SplitMix(uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  return Mix(state);
}

inline uint64_t Hash64(absl::string_view s, uint64_t seed) {
  return XXH3_64bits_withSeed(s.data(), s.size(), seed);
}

inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// Bytes that make up words: ASCII letters and digits, and every byte of a
// multi-byte UTF-8 sequence (letters of other scripts).
inline bool IsWordByte(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Writes the number `word` (outside ASCII) with ASCII digits to `out`:
// decimal digits of every script are their values ("٤٥" and "４５" are
// "45"), the Arabic decimal separator and full-width full stop are '.', and
// thousands separators (Arabic, full-width) are dropped, like ','.
void AsciiDigits(absl::string_view word, std::string& out) {
  out.clear();
  const auto* bytes = reinterpret_cast<const uint8_t*>(word.data());
  const int32_t length = static_cast<int32_t>(word.size());
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && u_charType(c) == U_DECIMAL_DIGIT_NUMBER) {
      out.push_back(static_cast<char>('0' + u_charDigitValue(c)));
    } else if (c == 0x066B || c == 0xFF0E) {
      out.push_back('.');
    } else if (c != ',' && c != 0x066C && c != 0xFF0C) {
      out.append(word.data() + start, i - start);
    }
  }
}

// Calls `f(word, numeric)` for each word of `input` in order, as the shared
// segmenter cuts it (ICU word boundaries: Chinese and Japanese by
// dictionary), with dedup's own rules on top, which keep English words as
// they were before the segmenter:
// - a word with a digit is numeric ("4,512.3", "3rd", "a320"), with its ','
//   removed ("4,512.3" gives "4512.3") and its digits written in ASCII
//   ("٤٫٧" and "４．７" give "4.7");
// - other words are cut at inner apostrophes and dots, which ICU keeps
//   inside words ("acme's" gives "acme" and "s", "u.s" gives "u" and "s");
// - words with letters outside ASCII are case-folded ("ÉCONOMIE").
template <typename F>
void ForEachWord(absl::string_view input, text::WordSegmenter& segmenter,
                 std::vector<text::WordSpan>& spans, std::string& scratch,
                 F f) {
  segmenter.Segment(input, spans);
  for (const text::WordSpan& span : spans) {
    absl::string_view word = span.In(input);
    bool digit = span.numeric;
    bool ascii = true;
    for (char c : word) {
      digit |= IsAsciiDigit(c);
      ascii &= static_cast<unsigned char>(c) < 0x80;
    }
    if (digit) {
      if (!ascii) {
        AsciiDigits(word, scratch);
        word = scratch;
      } else if (word.find(',') != absl::string_view::npos) {
        scratch.clear();
        for (char c : word) {
          if (c != ',') scratch.push_back(c);
        }
        word = scratch;
      }
      f(word, true);
      continue;
    }
    size_t start = 0;
    for (size_t i = 0; i <= word.size(); ++i) {
      if (i < word.size() && word[i] != '\'' && word[i] != '.') continue;
      if (i > start) {
        absl::string_view piece = word.substr(start, i - start);
        if (ascii) {
          f(piece, false);
        } else {
          scratch = text::FoldCase(piece);
          f(absl::string_view(scratch), false);
        }
      }
      start = i + 1;
    }
  }
}

// English function words (and the reporting verb "said"), left out of
// shingles: they carry no subject, and without them two unrelated stories
// share almost no shingles, which keeps LSH buckets small.
bool IsStopword(absl::string_view word) {
  static const auto* const kStopwords =
      new absl::flat_hash_set<absl::string_view>{
          "a",       "about",   "above",  "after",   "again",   "against",
          "all",     "also",    "am",     "an",      "and",     "any",
          "are",     "as",      "at",     "be",      "because", "been",
          "before",  "being",   "below",  "between", "both",    "but",
          "by",      "can",     "could",  "did",     "do",      "does",
          "doing",   "down",    "during", "each",    "few",     "for",
          "from",    "further", "had",    "has",     "have",    "having",
          "he",      "her",     "here",   "hers",    "herself", "him",
          "himself", "his",     "how",    "i",       "if",      "in",
          "into",    "is",      "it",     "its",     "itself",  "just",
          "me",      "more",    "most",   "my",      "no",      "nor",
          "not",     "now",     "of",     "off",     "on",      "once",
          "only",    "or",      "other",  "our",     "ours",    "out",
          "over",    "own",     "s",      "said",    "same",    "says",
          "she",     "should",  "so",     "some",    "such",    "t",
          "than",    "that",    "the",    "their",   "theirs",  "them",
          "then",    "there",   "these",  "they",    "this",    "those",
          "through", "to",      "too",    "under",   "until",   "up",
          "very",    "was",     "we",     "were",    "what",    "when",
          "where",   "which",   "while",  "who",     "whom",    "why",
          "will",    "with",    "would",  "you",     "your",    "yours"};
  return kStopwords->contains(word);
}

// Words that end a sentence only in appearance ("Mr. Smith", "Nov. 28"),
// lower case without dots.
bool IsAbbreviation(absl::string_view lower) {
  static const auto* const kAbbreviations =
      new absl::flat_hash_set<absl::string_view>{
          "mr",  "mrs",  "ms",  "dr",  "st",   "jan",  "feb",  "mar",
          "apr", "jun",  "jul", "aug", "sep",  "sept", "oct",  "nov",
          "dec", "gen",  "sen", "rep", "gov",  "lt",   "col",  "sgt",
          "no",  "vs",   "us",  "uk",  "un",   "eu",   "jr",   "sr",
          "inc", "corp", "co",  "ltd", "prof", "capt", "cmdr", "ave"};
  return kAbbreviations->contains(lower);
}

// True when the UTF-8 text starts with an upper-case or title-case letter
// of any cased script (Latin, Cyrillic, Greek, Armenian, ...), as ICU's
// character properties say. Scripts without case (Arabic, Chinese,
// Japanese, Korean) have no capitals, so their words are never names here.
bool StartsUpper(absl::string_view word) {
  if (word.empty()) return false;
  const unsigned char c0 = word[0];
  if (c0 < 0x80) return c0 >= 'A' && c0 <= 'Z';
  const auto* bytes = reinterpret_cast<const uint8_t*>(word.data());
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(bytes, i, static_cast<int32_t>(word.size()), c);
  return c >= 0 && (u_isupper(c) || u_istitle(c));
}

// Appends the hashes of the capitalised words inside sentences of
// `paragraph` (names of people, places, companies, days, months): a word is
// skipped when it starts a sentence or a quotation, so "The" and "He" at a
// sentence start are not names.
void AppendNames(absl::string_view paragraph, std::vector<uint16_t>& out) {
  bool sentence_start = true;
  std::string name;
  size_t i = 0;
  const size_t n = paragraph.size();
  while (i < n) {
    while (i < n &&
           absl::ascii_isspace(static_cast<unsigned char>(paragraph[i]))) {
      ++i;
    }
    size_t start = i;
    while (i < n &&
           !absl::ascii_isspace(static_cast<unsigned char>(paragraph[i]))) {
      ++i;
    }
    absl::string_view token = paragraph.substr(start, i - start);
    if (token.empty()) break;
    // Leading punctuation: an opening quote or bracket starts a quotation.
    size_t b = 0;
    bool opens_quote = false;
    while (b < token.size() && !IsWordByte(token[b])) {
      opens_quote |= token[b] == '"' || token[b] == '(' || token[b] == '\'';
      ++b;
    }
    if (b < token.size() && static_cast<unsigned char>(token[b]) == 0xE2) {
      opens_quote = true;  // a curly quote
    }
    // Trailing punctuation: '.', '!', '?' or ':' may end the sentence.
    size_t e = token.size();
    bool ends_sentence = false;
    while (e > b && !IsWordByte(token[e - 1])) {
      char c = token[e - 1];
      ends_sentence |= c == '.' || c == '!' || c == '?' || c == ':';
      --e;
    }
    // Curly closing quotes are multi-byte: drop a trailing "”" or "’".
    while (e >= b + 3 && static_cast<unsigned char>(token[e - 3]) == 0xE2 &&
           static_cast<unsigned char>(token[e - 2]) == 0x80) {
      unsigned char c = token[e - 1];
      if (c != 0x9D && c != 0x99) break;
      e -= 3;
      if (e > b && token[e - 1] == '.') {
        ends_sentence = true;
        --e;
      }
    }
    absl::string_view word = token.substr(b, e - b);
    // Possessives: "Acme's", "Acme’s".
    if (absl::EndsWith(word, "'s")) {
      word.remove_suffix(2);
    } else if (absl::EndsWith(word, "\xE2\x80\x99s")) {
      word.remove_suffix(4);
    }
    name.clear();
    for (char c : word) {
      if (c != '.') name.push_back(absl::ascii_tolower(c));
    }
    // Outside ASCII, case-folded as the words of the text are, so a name in
    // a capitalised headline ("ЛАВРОВ") is the body's name ("Лавров").
    if (!text::IsAscii(name)) name = text::FoldCase(name);
    if (!sentence_start && !opens_quote && StartsUpper(word) &&
        !IsAsciiDigit(word[0]) && name != "i") {
      out.push_back(static_cast<uint16_t>(Hash64(name, kNameSeed)));
    }
    // `name` is the word lower-cased without dots ("U.S." gives "us").
    sentence_start = ends_sentence && !IsAbbreviation(name);
  }
}

// Returns how many bytes of the folded headline `folded` its desk markers
// take: "update 1-", "corrected-", "refile-", "rpt-", "wrapup 2-", in any
// sequence ("corrected-update 2-"). They say how the story was sent, not
// what it says: "UPDATE 1-" is no figure of the story.
size_t DeskMarkerLength(absl::string_view folded) {
  static constexpr absl::string_view kMarkers[] = {"update", "corrected",
                                                   "refile", "rpt", "wrapup"};
  size_t end = 0;
  for (;;) {
    absl::string_view rest = folded.substr(end);
    size_t i = 0;
    for (absl::string_view marker : kMarkers) {
      if (absl::StartsWith(rest, marker)) {
        i = marker.size();
        break;
      }
    }
    if (i == 0) return end;
    if (i + 1 < rest.size() && rest[i] == ' ' && IsAsciiDigit(rest[i + 1])) {
      ++i;
      while (i < rest.size() && IsAsciiDigit(rest[i])) ++i;
    }
    if (i >= rest.size() || rest[i] != '-') return end;
    end += i + 1;
    while (end < folded.size() && folded[end] == ' ') ++end;
  }
}

}  // namespace

EntitySketch MakeEntitySketch(std::vector<uint16_t> hashes) {
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  EntitySketch sketch;
  sketch.count = static_cast<uint8_t>(std::min<size_t>(hashes.size(), 255));
  sketch.size =
      static_cast<uint8_t>(std::min<size_t>(hashes.size(), kEntitySketchSize));
  std::copy_n(hashes.begin(), sketch.size, sketch.hashes.begin());
  return sketch;
}

namespace {

struct Comparison {
  int in_a = 0;
  int in_b = 0;
  int common = 0;
};

// Compares the members of both sketches in the hash range both cover
// completely: below it, each sketch holds every member of its set, so the
// members there are a uniform sample of each set (hashes are random).
Comparison Compare(const EntitySketch& a, const EntitySketch& b) {
  uint32_t upper = 0x10000;
  if (!a.complete() && a.size > 0) {
    upper = std::min<uint32_t>(upper, a.hashes[a.size - 1] + 1u);
  }
  if (!b.complete() && b.size > 0) {
    upper = std::min<uint32_t>(upper, b.hashes[b.size - 1] + 1u);
  }
  Comparison c;
  while (c.in_a < a.size && a.hashes[c.in_a] < upper) ++c.in_a;
  while (c.in_b < b.size && b.hashes[c.in_b] < upper) ++c.in_b;
  for (int i = 0, j = 0; i < c.in_a && j < c.in_b;) {
    if (a.hashes[i] == b.hashes[j]) {
      ++c.common;
      ++i;
      ++j;
    } else if (a.hashes[i] < b.hashes[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return c;
}

// Returns the lead value of a number (is_name false) or name hash.
uint16_t LeadValue(uint16_t hash, bool is_name) {
  uint16_t v = hash < kLeadDateLimit ? hash | kLeadDateLimit : hash;
  return static_cast<uint16_t>((v & ~1u) | (is_name ? 1u : 0u));
}

// The lead value that marks a sketch as holding a lead at all (entries
// written before leads existed have none).
constexpr uint16_t kLeadMarker = 0;

// Returns how `value` (a lead figure or name) stands in the story with
// these sketches: +1 mentioned, -1 certainly not mentioned, 0 unknown.
int Mentions(uint16_t value, const EntitySketch& numbers,
             const EntitySketch& names, const EntitySketch& lead) {
  for (uint16_t x : lead.view()) {
    if (x == value) return 1;
  }
  const bool is_name = value & 1;
  const EntitySketch& sketch = is_name ? names : numbers;
  for (uint16_t x : sketch.view()) {
    if (LeadValue(x, is_name) == value) return 1;
  }
  // Bottom-k: every member hashing at or below the sketch's largest hash
  // is in it. The member's own hash is at most value | 1.
  if (sketch.complete() ||
      (sketch.size > 0 && (value | 1u) <= sketch.hashes[sketch.size - 1])) {
    return -1;
  }
  return 0;
}

}  // namespace

EntitySketch WithoutDays(const EntitySketch& numbers, uint16_t date_a,
                         uint16_t date_b) {
  // The number hash of each day of the month, "1" to "31".
  static const std::array<uint16_t, 32> kDayHashes = [] {
    std::array<uint16_t, 32> hashes{};
    for (int day = 1; day < 32; ++day) {
      hashes[day] =
          static_cast<uint16_t>(Hash64(absl::StrCat(day), kNumberSeed));
    }
    return hashes;
  }();
  if (date_a == 0 && date_b == 0) return numbers;
  const uint16_t day_a = date_a == 0 ? 0 : kDayHashes[date_a % 32];
  const uint16_t day_b = date_b == 0 ? 0 : kDayHashes[date_b % 32];
  EntitySketch out;
  out.count = numbers.count;
  for (uint16_t x : numbers.view()) {
    if ((date_a != 0 && x == day_a) || (date_b != 0 && x == day_b)) {
      if (out.count > 0) --out.count;
      continue;
    }
    out.hashes[out.size++] = x;
  }
  return out;
}

bool LeadMemberMissing(uint16_t value, const EntitySketch& numbers,
                       const EntitySketch& names, const EntitySketch& lead) {
  return Mentions(value, numbers, names, lead) < 0;
}

std::optional<uint16_t> LeadDate(const EntitySketch& lead) {
  for (uint16_t x : lead.view()) {
    if (x != kLeadMarker && x < kLeadDateLimit) return x;
  }
  return std::nullopt;
}

LeadEvidence CompareLeads(const EntitySketch& numbers_a,
                          const EntitySketch& names_a,
                          const EntitySketch& lead_a,
                          const EntitySketch& numbers_b,
                          const EntitySketch& names_b,
                          const EntitySketch& lead_b) {
  LeadEvidence evidence;
  if (lead_a.count == 0 || lead_b.count == 0) return evidence;
  const std::optional<uint16_t> date_a = LeadDate(lead_a);
  const std::optional<uint16_t> date_b = LeadDate(lead_b);
  evidence.other_date = date_a && date_b && *date_a != *date_b;
  for (uint16_t x : lead_a.view()) {
    if (x < kLeadDateLimit) continue;
    if (LeadMemberMissing(x, numbers_b, names_b, lead_b)) {
      if (evidence.missing_from_b_count++ == 0) evidence.missing_from_b = x;
    }
  }
  for (uint16_t x : lead_b.view()) {
    if (x < kLeadDateLimit) continue;
    if (LeadMemberMissing(x, numbers_a, names_a, lead_a)) {
      if (evidence.missing_from_a_count++ == 0) evidence.missing_from_a = x;
    }
  }
  return evidence;
}

std::optional<double> EntityOverlap(const EntitySketch& a,
                                    const EntitySketch& b) {
  const Comparison c = Compare(a, b);
  if (c.in_a == 0 || c.in_b == 0) return std::nullopt;
  return static_cast<double>(c.common) / std::min(c.in_a, c.in_b);
}

int EntityEvidence(const EntitySketch& a, const EntitySketch& b) {
  const Comparison c = Compare(a, b);
  return std::min(c.in_a, c.in_b);
}

absl::StatusOr<std::unique_ptr<Fingerprinter>> Fingerprinter::Create(
    const FingerprintOptions& options) {
  if (options.shingle_size < 1 || options.shingle_size > 8) {
    return absl::InvalidArgumentError(
        absl::StrCat("shingle_size must be 1..8, got ", options.shingle_size));
  }
  if (options.headline_weight < 0 || options.headline_weight > 8) {
    return absl::InvalidArgumentError(absl::StrCat(
        "headline_weight must be 0..8, got ", options.headline_weight));
  }
  if (options.num_hashes < 1 || options.num_hashes > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_hashes must be 1..256, got ", options.num_hashes));
  }
  absl::StatusOr<std::unique_ptr<text::WordSegmenter>> segmenter =
      text::WordSegmenter::Create();
  if (!segmenter.ok()) return segmenter.status();
  auto fingerprinter =
      std::unique_ptr<Fingerprinter>(new Fingerprinter(options));
  fingerprinter->segmenter_ = *std::move(segmenter);
  return fingerprinter;
}

Fingerprinter::Fingerprinter(const FingerprintOptions& options)
    : options_(options) {
  uint64_t state = options.seed;
  multipliers_.resize(options.num_hashes);
  offsets_.resize(options.num_hashes);
  for (int i = 0; i < options.num_hashes; ++i) {
    multipliers_[i] = SplitMix(state) | 1;  // odd: a bijection mod 2^64
    offsets_[i] = SplitMix(state);
  }
  const std::string id = absl::StrCat(
      "fingerprint/v3 words=icu digits=ascii names=icu markers=1 shingle=",
      options.min_shingle_size, "..", options.shingle_size,
      " headline=", options.headline_weight, " hashes=", options.num_hashes,
      " seed=", options.seed, " sketch=", kEntitySketchSize, " lead=1",
      " stopwords=", options.drop_stopwords ? "dropped" : "kept");
  scheme_ = XXH32(id.data(), id.size(), 0);
}

StoryFingerprint Fingerprinter::Compute(const wirestream::v1::Story& story,
                                        absl::string_view domain) const {
  StoryFingerprint fp;
  const std::string text = MatchingTextOf(story);
  if (!text.empty()) fp.text_key = StableKey({domain, text});
  // The headline's desk markers ("UPDATE 1-") say how the story was sent:
  // their words are shingled like any other, but their numbers are no
  // figures of the story, and the lead leaves them out.
  const std::string folded_headline = FoldText(story.headline());
  const size_t marker = DeskMarkerLength(folded_headline);
  const absl::string_view headline =
      absl::string_view(folded_headline).substr(marker);
  const size_t text_marker =
      marker > 0 && DeskMarkerLength(text) == marker ? marker : 0;

  // Words and numbers of the matching text.
  std::vector<uint16_t>& entities = entity_scratch_;
  entities.clear();
  word_hashes_.clear();
  int words = 0;
  for (const bool figures : {false, true}) {
    const absl::string_view part =
        figures ? absl::string_view(text).substr(text_marker)
                : absl::string_view(text).substr(0, text_marker);
    ForEachWord(
        part, *segmenter_, word_spans_, fold_scratch_,
        [&](absl::string_view word, bool numeric) {
          ++words;
          if (!options_.drop_stopwords || numeric || !IsStopword(word)) {
            word_hashes_.push_back(Hash64(word, kWordSeed));
          }
          if (numeric && figures) {
            entities.push_back(
                static_cast<uint16_t>(Hash64(word, kNumberSeed)));
          }
        });
  }
  const auto& date_text = story.dateline().date_text();
  ForEachWord(
      FoldText(date_text), *segmenter_, word_spans_, fold_scratch_,
      [&](absl::string_view word, bool numeric) {
        if (numeric) {
          entities.push_back(static_cast<uint16_t>(Hash64(word, kNumberSeed)));
        }
      });
  fp.numbers = MakeEntitySketch(entities);
  fp.word_count = static_cast<uint16_t>(
      std::min<int>(words, std::numeric_limits<uint16_t>::max()));

  // Names from the body's display text and the dateline.
  entities.clear();
  for (const std::string& paragraph : story.paragraphs()) {
    AppendNames(paragraph, entities);
  }
  for (absl::string_view part : {absl::string_view(story.dateline().place()),
                                 absl::string_view(date_text)}) {
    ForEachWord(
        FoldText(part), *segmenter_, word_spans_, fold_scratch_,
        [&](absl::string_view word, bool numeric) {
          if (!numeric) {
            entities.push_back(static_cast<uint16_t>(Hash64(word, kNameSeed)));
          }
        });
  }
  fp.names = MakeEntitySketch(entities);

  // The lead: dateline date, then the headline's and first paragraph's
  // figures and names. A headline word is a name when the body writes it
  // as one (wire headlines are in capitals) or it is a ticker ("<ACME>").
  std::vector<uint16_t> lead = {kLeadMarker};
  fp.lead_terms.clear();
  if (story.dateline().has_date()) {
    const absl::CivilDay day = absl::ToCivilDay(
        absl::FromUnixSeconds(story.dateline().date().seconds()),
        absl::UTCTimeZone());
    lead.push_back(static_cast<uint16_t>(day.month() * 32 + day.day()));
  }
  const absl::flat_hash_set<uint16_t> body_names(entities.begin(),
                                                 entities.end());
  auto add_lead = [&](absl::string_view word, uint16_t hash, bool is_name) {
    const uint16_t value = LeadValue(hash, is_name);
    lead.push_back(value);
    fp.lead_terms.emplace_back(value, std::string(word));
  };
  ForEachWord(
      headline, *segmenter_, word_spans_, fold_scratch_,
      [&](absl::string_view word, bool numeric) {
        if (numeric) {
          add_lead(word, static_cast<uint16_t>(Hash64(word, kNumberSeed)),
                   false);
          return;
        }
        const auto hash = static_cast<uint16_t>(Hash64(word, kNameSeed));
        if (body_names.contains(hash)) add_lead(word, hash, true);
      });
  for (size_t open = story.headline().find('<'); open != std::string::npos;
       open = story.headline().find('<', open + 1)) {
    const size_t close = story.headline().find('>', open);
    if (close == std::string::npos) break;
    std::string ticker = absl::AsciiStrToLower(
        story.headline().substr(open + 1, close - open - 1));
    ticker.erase(std::remove(ticker.begin(), ticker.end(), '.'), ticker.end());
    if (!ticker.empty() && ticker.size() <= 12) {
      add_lead(ticker, static_cast<uint16_t>(Hash64(ticker, kNameSeed)), true);
    }
  }
  if (!story.paragraphs().empty()) {
    // The first paragraph's first kLeadWords words: wire copy that comes
    // without paragraph breaks is one long paragraph.
    // Words are counted between spaces in ASCII text (as before the shared
    // segmenter), and as the segmenter cuts them otherwise: Chinese and
    // Japanese have no spaces.
    absl::string_view first = story.paragraphs(0);
    size_t end = 0;
    if (text::IsAscii(first)) {
      int words_seen = 0;
      while (end < first.size() && words_seen < kLeadWords) {
        while (end < first.size() && first[end] == ' ') ++end;
        while (end < first.size() && first[end] != ' ') ++end;
        ++words_seen;
      }
    } else {
      segmenter_->Segment(first, word_spans_);
      end = word_spans_.size() > static_cast<size_t>(kLeadWords)
                ? word_spans_[kLeadWords - 1].begin +
                      word_spans_[kLeadWords - 1].size
                : first.size();
    }
    first = first.substr(0, end);
    ForEachWord(FoldText(first), *segmenter_, word_spans_, fold_scratch_,
                [&](absl::string_view word, bool numeric) {
                  if (numeric) {
                    add_lead(word,
                             static_cast<uint16_t>(Hash64(word, kNumberSeed)),
                             false);
                  }
                });
    std::vector<uint16_t> lead_names;
    AppendNames(first, lead_names);
    for (uint16_t hash : lead_names) {
      lead.push_back(LeadValue(hash, true));
    }
  }
  fp.lead = MakeEntitySketch(std::move(lead));

  // Shingles of the text, plus weighted copies of the headline's.
  shingles_.clear();
  // Every run of min_shingle_size..shingle_size words is a shingle.
  auto add_shingles = [&](const std::vector<uint64_t>& words, uint64_t salt) {
    if (words.empty()) return;
    for (int k = options_.min_shingle_size; k <= options_.shingle_size; ++k) {
      if (k > 1 && words.size() < static_cast<size_t>(k)) break;
      const uint64_t width_salt = salt ^ (kShingleMul * k);
      for (size_t i = 0; i + k <= words.size(); ++i) {
        uint64_t s = words[i];
        for (int j = 1; j < k; ++j) s = Mix(s * kShingleMul + words[i + j]);
        shingles_.push_back(Mix(s ^ width_salt));
      }
    }
    if (words.size() < static_cast<size_t>(options_.min_shingle_size)) {
      // Fewer words than the smallest shingle: one shingle of them all.
      uint64_t s = words[0];
      for (size_t j = 1; j < words.size(); ++j) {
        s = Mix(s * kShingleMul + words[j]);
      }
      shingles_.push_back(Mix(s ^ salt));
    }
  };
  add_shingles(word_hashes_, 0);
  if (options_.headline_weight > 0 && !story.headline().empty()) {
    std::vector<uint64_t> headline_words;
    ForEachWord(
        folded_headline, *segmenter_, word_spans_, fold_scratch_,
        [&](absl::string_view word, bool numeric) {
          if (!options_.drop_stopwords || numeric || !IsStopword(word)) {
            headline_words.push_back(Hash64(word, kWordSeed));
          }
        });
    for (int copy = 1; copy <= options_.headline_weight; ++copy) {
      add_shingles(headline_words, kCopySalt * copy);
    }
  }
  std::sort(shingles_.begin(), shingles_.end());
  shingles_.erase(std::unique(shingles_.begin(), shingles_.end()),
                  shingles_.end());
  fp.shingle_count = static_cast<uint16_t>(
      std::min<size_t>(shingles_.size(), std::numeric_limits<uint16_t>::max()));
  if (shingles_.empty()) return fp;

  const int n = options_.num_hashes;
  minimums_.resize(n);
  const uint64_t* mul = multipliers_.data();
  const uint64_t* off = offsets_.data();
  const uint64_t* shingles = shingles_.data();
  const size_t count = shingles_.size();
  // Four hash functions at a time, their minimums kept in registers.
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    uint64_t m0 = ~uint64_t{0}, m1 = m0, m2 = m0, m3 = m0;
    for (size_t k = 0; k < count; ++k) {
      const uint64_t x = shingles[k];
      m0 = std::min(m0, mul[i] * x + off[i]);
      m1 = std::min(m1, mul[i + 1] * x + off[i + 1]);
      m2 = std::min(m2, mul[i + 2] * x + off[i + 2]);
      m3 = std::min(m3, mul[i + 3] * x + off[i + 3]);
    }
    minimums_[i] = m0;
    minimums_[i + 1] = m1;
    minimums_[i + 2] = m2;
    minimums_[i + 3] = m3;
  }
  for (; i < n; ++i) {
    uint64_t m = ~uint64_t{0};
    for (size_t k = 0; k < count; ++k) {
      m = std::min(m, mul[i] * shingles[k] + off[i]);
    }
    minimums_[i] = m;
  }
  const uint64_t* mins = minimums_.data();
  // The minimum's top bits are mostly zero; bits 32..39 are uniform for any
  // set smaller than ~16 million shingles.
  fp.minhash.resize(n);
  for (int i = 0; i < n; ++i) {
    fp.minhash[i] = static_cast<uint8_t>(mins[i] >> 32);
  }
  return fp;
}

double EstimateResemblance(absl::Span<const uint8_t> a,
                           absl::Span<const uint8_t> b) {
  if (a.empty() || a.size() != b.size()) return 0.0;
  int equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i];
  // Li & König's b-bit estimator for sparse sets: unequal minima still agree
  // in their low 8 bits with probability 1/256.
  constexpr double kChance = 1.0 / 256;
  const double p = static_cast<double>(equal) / a.size();
  return std::clamp((p - kChance) / (1 - kChance), 0.0, 1.0);
}

double ContainmentFromResemblance(double resemblance, int size_a, int size_b) {
  const int smaller = std::min(size_a, size_b);
  if (smaller <= 0) return 0.0;
  const double common = resemblance * (size_a + size_b) / (1 + resemblance);
  return std::min(1.0, common / smaller);
}

std::string FoldText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  auto put = [&](char c) {
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = text[i];
    if (c == 0xE2 && i + 2 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0x80) {
      unsigned char c2 = text[i + 2];
      if (c2 == 0x98 || c2 == 0x99) {
        put('\'');
        i += 2;
        continue;
      }
      if (c2 == 0x9C || c2 == 0x9D) {
        put('"');
        i += 2;
        continue;
      }
      if (c2 >= 0x90 && c2 <= 0x95) {
        put('-');
        i += 2;
        continue;
      }
    }
    if (c == 0xC2 && i + 1 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0xA0) {
      space = true;
      ++i;
      continue;
    }
    if (absl::ascii_isspace(c)) {
      space = true;
      continue;
    }
    put(absl::ascii_tolower(c));
  }
  return out;
}

std::string MatchingTextOf(const wirestream::v1::Story& story) {
  if (!story.normalized_text().empty()) return story.normalized_text();
  std::string joined = story.headline();
  for (const std::string& paragraph : story.paragraphs()) {
    absl::StrAppend(&joined, "\n", paragraph);
  }
  return FoldText(joined);
}

uint64_t StableKey(std::initializer_list<absl::string_view> parts) {
  XXH3_state_t state;
  XXH3_64bits_reset_withSeed(&state, kKeySeed);
  bool first = true;
  for (absl::string_view part : parts) {
    if (!first) XXH3_64bits_update(&state, "\0", 1);
    first = false;
    XXH3_64bits_update(&state, part.data(), part.size());
  }
  uint64_t key = XXH3_64bits_digest(&state);
  return key == 0 ? 1 : key;
}

}  // namespace wirestream::stages::dedup
