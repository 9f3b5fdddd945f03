#include "pipeline/text/words.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "unicode/ubrk.h"
#include "unicode/utext.h"
#include "utf8proc.h"

namespace wirestream::text {

struct WordSegmenter::Icu {
  UBreakIterator* words = nullptr;
  ~Icu() {
    if (words != nullptr) ubrk_close(words);
  }
};

namespace {

// The ASCII classes of UAX #29's word-break property, as ICU's root rules
// use them (':' is not MidLetter there).
enum class AsciiClass : unsigned char {
  kOther,
  kLetter,        // ALetter
  kDigit,         // Numeric
  kExtendNumLet,  // '_'
  kMidNumLet,     // '.' and the apostrophe (Single_Quote)
  kMidNum,        // ',' ';'
};

constexpr AsciiClass ClassOf(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
    return AsciiClass::kLetter;
  }
  if (c >= '0' && c <= '9') return AsciiClass::kDigit;
  if (c == '_') return AsciiClass::kExtendNumLet;
  if (c == '.' || c == '\'') return AsciiClass::kMidNumLet;
  if (c == ',' || c == ';') return AsciiClass::kMidNum;
  return AsciiClass::kOther;
}

// ClassOf for every byte, looked up in the fast path's inner loop.
struct AsciiClassTable {
  AsciiClass of[256];
  constexpr AsciiClassTable() : of() {
    for (int c = 0; c < 256; ++c)
      of[c] = ClassOf(static_cast<unsigned char>(c));
  }
};
constexpr AsciiClassTable kAsciiClasses;

inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' ||
         c == '\v';
}

// Elided French and Italian articles and pronouns, lower case, without
// their apostrophe.
bool IsElidedForm(absl::string_view lower) {
  static constexpr absl::string_view kForms[] = {
      "l",     "d",     "j",     "m",      "n",      "s",      "t",
      "c",     "qu",    "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
      "dell",  "all",   "dall",  "nell",   "sull",   "coll",   "un",
      "quell", "quest", "sant",  "tutt"};
  for (absl::string_view form : kForms) {
    if (lower == form) return true;
  }
  return false;
}

// Returns the length of an elided prefix of `word` including its
// apostrophe (' or U+2019), or 0 when there is none.
size_t ElidedPrefix(absl::string_view word) {
  constexpr size_t kLongest = 6;
  for (size_t i = 1; i <= kLongest && i < word.size(); ++i) {
    const char c = word[i];
    size_t apostrophe = 0;
    if (c == '\'') {
      apostrophe = 1;
    } else if (c == '\xE2' && word.substr(i, 3) == "\xE2\x80\x99") {
      apostrophe = 3;
    } else if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      return 0;
    }
    if (apostrophe == 0) continue;
    if (i + apostrophe >= word.size()) return 0;
    std::string lower(word.substr(0, i));
    absl::AsciiStrToLower(&lower);
    return IsElidedForm(lower) ? i + apostrophe : 0;
  }
  return 0;
}

void AppendSplittingElision(absl::string_view text, WordSpan word,
                            std::vector<WordSpan>& words) {
  if (!word.numeric) {
    const size_t prefix = ElidedPrefix(word.In(text));
    if (prefix > 0) {
      words.push_back({word.begin, prefix, false});
      word.begin += prefix;
      word.size -= prefix;
    }
  }
  words.push_back(word);
}

}  // namespace

absl::StatusOr<std::unique_ptr<WordSegmenter>> WordSegmenter::Create() {
  auto icu = std::make_unique<Icu>();
  UErrorCode status = U_ZERO_ERROR;
  // The root locale: its rules cover every script, and the dictionaries
  // for Chinese, Japanese, Thai and others apply whatever the locale.
  icu->words = ubrk_open(UBRK_WORD, "", nullptr, 0, &status);
  if (U_FAILURE(status) || icu->words == nullptr) {
    return absl::InternalError(absl::StrCat(
        "ICU word break iterator unavailable: ", u_errorName(status)));
  }
  return std::unique_ptr<WordSegmenter>(new WordSegmenter(std::move(icu)));
}

WordSegmenter::WordSegmenter(std::unique_ptr<Icu> icu) : icu_(std::move(icu)) {}

WordSegmenter::~WordSegmenter() = default;

std::vector<WordSpan> WordSegmenter::Segment(absl::string_view text) {
  std::vector<WordSpan> words;
  Segment(text, words);
  return words;
}

void WordSegmenter::Segment(absl::string_view text,
                            std::vector<WordSpan>& words) {
  words.clear();
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    while (i < n && IsAsciiSpace(text[i])) ++i;
    const size_t start = i;
    bool ascii = true;
    while (i < n && !IsAsciiSpace(text[i])) {
      const unsigned char c = text[i];
      // ICU's number or letter status of a word with '_' follows rule
      // chaining the fast path does not copy: such runs go to ICU.
      ascii &= c < 0x80 && c != '_';
      ++i;
    }
    if (i == start) break;
    const absl::string_view run = text.substr(start, i - start);
    if (ascii) {
      SegmentAscii(run, start, words);
    } else {
      SegmentIcu(run, start, words);
    }
  }
}

void WordSegmenter::SegmentAscii(absl::string_view run, size_t offset,
                                 std::vector<WordSpan>& words) const {
  const size_t n = run.size();
  auto cls = [&](size_t k) {
    return k < n ? kAsciiClasses.of[static_cast<unsigned char>(run[k])]
                 : AsciiClass::kOther;
  };
  size_t i = 0;
  while (i < n) {
    AsciiClass c = cls(i);
    if (c != AsciiClass::kLetter && c != AsciiClass::kDigit &&
        c != AsciiClass::kExtendNumLet) {
      ++i;
      continue;
    }
    const size_t start = i;
    bool apostrophe = false;
    while (true) {
      const AsciiClass next = cls(i + 1);
      if (next == AsciiClass::kLetter || next == AsciiClass::kDigit ||
          next == AsciiClass::kExtendNumLet) {
        // WB5, WB8-WB10, WB13a/b.
        ++i;
        c = next;
        continue;
      }
      const AsciiClass after = cls(i + 2);
      if (c == AsciiClass::kLetter && next == AsciiClass::kMidNumLet &&
          after == AsciiClass::kLetter) {
        // WB6/WB7: "u.s", "don't".
        apostrophe |= run[i + 1] == '\'';
        i += 2;
        c = after;
        continue;
      }
      if (c == AsciiClass::kDigit &&
          (next == AsciiClass::kMidNumLet || next == AsciiClass::kMidNum) &&
          after == AsciiClass::kDigit) {
        // WB11/WB12: "4,512.3".
        i += 2;
        c = after;
        continue;
      }
      break;
    }
    ++i;
    // ICU's status: a word that ends in a digit is a number ("4,512.3",
    // "A320"), one that ends in a letter is not ("3rd").
    const WordSpan word{offset + start, i - start,
                        cls(i - 1) == AsciiClass::kDigit};
    if (apostrophe) {
      // The whole text up to the run's end (a text may hold NUL bytes, so
      // never measure it with strlen).
      AppendSplittingElision(
          absl::string_view(run.data() - offset, offset + run.size()), word,
          words);
    } else {
      words.push_back(word);
    }
  }
}

void WordSegmenter::SegmentIcu(absl::string_view run, size_t offset,
                               std::vector<WordSpan>& words) {
  UErrorCode status = U_ZERO_ERROR;
  UText* utext = utext_openUTF8(nullptr, run.data(),
                                static_cast<int64_t>(run.size()), &status);
  if (U_FAILURE(status)) return;
  ubrk_setUText(icu_->words, utext, &status);
  if (U_FAILURE(status)) {
    utext_close(utext);
    return;
  }
  int32_t begin = ubrk_first(icu_->words);
  for (int32_t end = ubrk_next(icu_->words); end != UBRK_DONE;
       begin = end, end = ubrk_next(icu_->words)) {
    const int32_t rule = ubrk_getRuleStatus(icu_->words);
    if (rule < UBRK_WORD_NONE_LIMIT) continue;
    const WordSpan word{
        offset + static_cast<size_t>(begin), static_cast<size_t>(end - begin),
        rule >= UBRK_WORD_NUMBER && rule < UBRK_WORD_NUMBER_LIMIT};
    AppendSplittingElision(
        absl::string_view(run.data() - offset, offset + run.size()), word,
        words);
  }
  // Detach the text before closing it.
  ubrk_setText(icu_->words, nullptr, 0, &status);
  utext_close(utext);
}

std::vector<WordSpan> WordSegmenter::SegmentWithIcuOnly(
    absl::string_view text) {
  std::vector<WordSpan> words;
  UErrorCode status = U_ZERO_ERROR;
  UText* utext = utext_openUTF8(nullptr, text.data(),
                                static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return words;
  ubrk_setUText(icu_->words, utext, &status);
  int32_t begin = ubrk_first(icu_->words);
  for (int32_t end = ubrk_next(icu_->words); end != UBRK_DONE;
       begin = end, end = ubrk_next(icu_->words)) {
    const int32_t rule = ubrk_getRuleStatus(icu_->words);
    if (rule < UBRK_WORD_NONE_LIMIT) continue;
    words.push_back(
        {static_cast<size_t>(begin), static_cast<size_t>(end - begin),
         rule >= UBRK_WORD_NUMBER && rule < UBRK_WORD_NUMBER_LIMIT});
  }
  status = U_ZERO_ERROR;
  ubrk_setText(icu_->words, nullptr, 0, &status);
  utext_close(utext);
  return words;
}

bool IsAscii(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

WordSegmenter* ThreadWordSegmenter() {
  thread_local std::unique_ptr<WordSegmenter> segmenter = [] {
    absl::StatusOr<std::unique_ptr<WordSegmenter>> made =
        WordSegmenter::Create();
    return made.ok() ? *std::move(made) : nullptr;
  }();
  return segmenter.get();
}

std::string FoldCase(absl::string_view text) {
  if (IsAscii(text)) return absl::AsciiStrToLower(text);
  utf8proc_uint8_t* folded = nullptr;
  const utf8proc_ssize_t size =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &folded,
                   static_cast<utf8proc_option_t>(
                       UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  if (size < 0) {
    free(folded);
    return absl::AsciiStrToLower(text);
  }
  std::string out(reinterpret_cast<const char*>(folded),
                  static_cast<size_t>(size));
  free(folded);
  return out;
}

}  // namespace wirestream::text
