#include "pipeline/stages/classify/literal_matcher.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "hs/hs.h"
#include "unicode/ubrk.h"
#include "unicode/uchar.h"
#include "unicode/uscript.h"
#include "unicode/utext.h"
#include "unicode/utf8.h"

namespace wirestream::classify {
namespace {

bool IsAsciiWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

// The code point that starts at `begin`, or ends at `end`; U_SENTINEL (<0)
// for invalid UTF-8.
UChar32 CodePointAt(absl::string_view t, size_t begin) {
  int32_t i = static_cast<int32_t>(begin);
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(t.data()), i,
          static_cast<int32_t>(t.size()), c);
  return c;
}
UChar32 CodePointBefore(absl::string_view t, size_t end) {
  int32_t i = static_cast<int32_t>(end);
  UChar32 c;
  U8_PREV(reinterpret_cast<const uint8_t*>(t.data()), 0, i, c);
  return c;
}

// Letters, marks and digits of any script are word characters;
// punctuation ("’", "«", "、"), spaces and symbols are not.
bool IsWordChar(UChar32 c) {
  if (c < 0) return false;
  if (c < 0x80) return IsAsciiWordByte(static_cast<unsigned char>(c));
  const int8_t type = u_charType(c);
  return u_isalnum(c) || type == U_NON_SPACING_MARK ||
         type == U_COMBINING_SPACING_MARK;
}

// How a script marks the edges of words, for the names written in it.
enum class WordEdges {
  kSpaces,    // Latin, Cyrillic, Greek ...: a name is a whole word
  kNone,      // Han, Hiragana: no spaces; "日本は", "访问中国时"
  kKatakana,  // a name ends where the run of katakana ends ("マリ" is
              // not in "マリオ")
  kHangul,    // spaces between words, particles after nouns ("한국은")
  kArabic,    // clitics before a word ("والصين", "بالعراق")
};

WordEdges EdgesOf(UChar32 c) {
  if (c < 0x80) return WordEdges::kSpaces;
  if (c == 0x30FC) return WordEdges::kKatakana;  // prolonged sound mark
  UErrorCode error = U_ZERO_ERROR;
  switch (uscript_getScript(c, &error)) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
      return WordEdges::kNone;
    case USCRIPT_KATAKANA:
      return WordEdges::kKatakana;
    case USCRIPT_HANGUL:
      return WordEdges::kHangul;
    case USCRIPT_ARABIC:
      return WordEdges::kArabic;
    default:
      return WordEdges::kSpaces;
  }
}

bool IsHangulSyllable(UChar32 c) { return c >= 0xAC00 && c <= 0xD7A3; }

// Korean particles, and nouns compounded with a country's name without a
// space, that follow a place name in the same word: "한국은", "미국과의",
// "중국산", "한미관계", "북한군".
bool IsKoreanParticle(absl::string_view w) {
  static const char* const kParticles[] = {
      "은",         "는",         "이",         "가",     "을",     "를",
      "의",         "에",         "에서",       "에게",   "와",     "과",
      "도",         "로",         "으로",       "만",     "과의",   "와의",
      "에서의",     "에서는",     "에는",       "으로는", "로는",   "까지",
      "부터",       "보다",       "측",         "산",     "인",     "이나",
      "나",         "엔",         "이다",       "이며",   "이라",   "이라는",
      "간",         "내",         "에도",       "과는",   "와는",   "으로의",
      "로의",       "측은",       "측이",       "인들",   "인은",   "인이",
      "관계",       "관계를",     "관계가",     "관계의", "정상",   "정상회담",
      "정상회담을", "정상회담에", "정상회담이", "회담",   "회담을", "회담에",
      "동맹",       "외교",       "정부",       "정부는", "정부가", "대사관",
      "대사",       "군",         "군의",       "군이",   "군은",   "협력",
      "국경",       "대통령",     "총리",       "외교부", "국민",   "양국",
      "전쟁",       "외무성",     "관계를"};
  for (const char* p : kParticles) {
    if (w == p) return true;
  }
  return false;
}

// Arabic letters that cling to the next word: wa (and), fa (so), bi (in,
// by), li (for), ka (like).
bool IsArabicClitic(UChar32 c) {
  return c == 0x0648 || c == 0x0641 || c == 0x0628 || c == 0x0644 ||
         c == 0x0643;
}

// True when the pattern starting at `begin` (with first code point
// `first`) starts a word in its script.
bool StartsWord(absl::string_view t, size_t begin, UChar32 first) {
  if (begin == 0) return true;
  const UChar32 before = CodePointBefore(t, begin);
  if (!IsWordChar(before)) return true;
  switch (EdgesOf(first)) {
    case WordEdges::kNone:
      return true;
    case WordEdges::kKatakana:
      return EdgesOf(before) != WordEdges::kKatakana;
    case WordEdges::kArabic: {
      // One or two clitics, then the start of the word.
      size_t pos = begin;
      for (int n = 0; n < 2; ++n) {
        const UChar32 c = CodePointBefore(t, pos);
        if (!IsArabicClitic(c)) return false;
        pos -= U8_LENGTH(c);
        if (pos == 0 || !IsWordChar(CodePointBefore(t, pos))) return true;
      }
      return false;
    }
    case WordEdges::kHangul:
    case WordEdges::kSpaces:
      return false;
  }
  return false;
}

// True when the pattern ending at `end` (with last code point `last`)
// ends a word in its script.
bool EndsWord(absl::string_view t, size_t end, UChar32 last) {
  if (end >= t.size()) return true;
  const UChar32 after = CodePointAt(t, end);
  if (!IsWordChar(after)) return true;
  switch (EdgesOf(last)) {
    case WordEdges::kNone:
      return true;
    case WordEdges::kKatakana:
      return EdgesOf(after) != WordEdges::kKatakana;
    case WordEdges::kHangul: {
      size_t pos = end;
      while (pos < t.size() && IsHangulSyllable(CodePointAt(t, pos))) pos += 3;
      if (pos < t.size() && IsWordChar(CodePointAt(t, pos))) return false;
      return IsKoreanParticle(t.substr(end, pos - end));
    }
    case WordEdges::kArabic:
    case WordEdges::kSpaces:
      return false;
  }
  return false;
}

struct ScanContext {
  absl::string_view text;
  const std::vector<uint32_t>* lengths;
  std::vector<LiteralMatcher::Hit>* hits;
};

int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* ctx) {
  auto* c = static_cast<ScanContext*>(ctx);
  const uint32_t len = (*c->lengths)[id];
  if (to < len) return 0;
  const size_t begin = to - len;
  const auto& t = c->text;
  // Word boundaries, judged on the pattern's own edges: a pattern that
  // starts or ends with punctuation ("U.S.") needs no boundary there.
  // ASCII edges (most names, most text) are judged on bytes; other
  // scripts by their own rules (see WordEdges).
  const unsigned char first = t[begin], last = t[to - 1];
  if (first < 0x80) {
    if (IsAsciiWordByte(first) && begin > 0 &&
        IsWordChar(CodePointBefore(t, begin))) {
      return 0;
    }
  } else if (!StartsWord(t, begin, CodePointAt(t, begin))) {
    return 0;
  }
  if (last < 0x80) {
    if (IsAsciiWordByte(last) && to < t.size() &&
        IsWordChar(CodePointAt(t, to))) {
      return 0;
    }
  } else if (!EndsWord(t, to, CodePointBefore(t, to))) {
    return 0;
  }
  c->hits->push_back(
      {id, static_cast<uint32_t>(begin), static_cast<uint32_t>(to)});
  return 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LiteralMatcher>> LiteralMatcher::Create(
    const std::vector<Pattern>& patterns) {
  if (patterns.empty()) {
    return absl::InvalidArgumentError("no patterns to match");
  }
  std::vector<const char*> expressions;
  std::vector<unsigned> flags, ids;
  std::vector<size_t> lens;
  auto matcher = std::unique_ptr<LiteralMatcher>(new LiteralMatcher());
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (patterns[i].text.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("pattern ", i, " is empty"));
    }
    expressions.push_back(patterns[i].text.data());
    flags.push_back(patterns[i].caseless ? HS_FLAG_CASELESS : 0);
    ids.push_back(i);
    lens.push_back(patterns[i].text.size());
    matcher->lengths_.push_back(patterns[i].text.size());
    matcher->han_word_.push_back(patterns[i].han_word);
    matcher->any_han_word_ |= patterns[i].han_word;
  }
  hs_compile_error_t* error = nullptr;
  if (hs_compile_lit_multi(expressions.data(), flags.data(), ids.data(),
                           lens.data(), expressions.size(), HS_MODE_BLOCK,
                           nullptr, &matcher->database_,
                           &error) != HS_SUCCESS) {
    std::string message = error != nullptr ? error->message : "unknown error";
    int which = error != nullptr ? error->expression : -1;
    hs_free_compile_error(error);
    return absl::InvalidArgumentError(
        absl::StrCat("hyperscan rejected pattern ", which, ": ", message));
  }
  if (hs_alloc_scratch(matcher->database_, &matcher->prototype_) !=
      HS_SUCCESS) {
    return absl::ResourceExhaustedError("cannot allocate hyperscan scratch");
  }
  if (matcher->any_han_word_) {
    UErrorCode status = U_ZERO_ERROR;
    matcher->words_ = ubrk_open(UBRK_WORD, "zh", nullptr, 0, &status);
    if (U_FAILURE(status)) {
      return absl::InternalError(absl::StrCat(
          "cannot open ICU word segmentation: ", u_errorName(status)));
    }
  }
  return matcher;
}

LiteralMatcher::~LiteralMatcher() {
  if (words_ != nullptr) ubrk_close(words_);
  for (hs_scratch* s : free_) hs_free_scratch(s);
  hs_free_scratch(prototype_);
  hs_free_database(database_);
}

hs_scratch* LiteralMatcher::BorrowScratch() const {
  {
    absl::MutexLock lock(&mu_);
    if (!free_.empty()) {
      hs_scratch* s = free_.back();
      free_.pop_back();
      return s;
    }
  }
  hs_scratch* s = nullptr;
  if (hs_clone_scratch(prototype_, &s) != HS_SUCCESS) return nullptr;
  return s;
}

void LiteralMatcher::ReturnScratch(hs_scratch* scratch) const {
  absl::MutexLock lock(&mu_);
  free_.push_back(scratch);
}

void LiteralMatcher::Scan(absl::string_view text,
                          std::vector<Hit>* hits) const {
  if (text.empty()) return;
  hs_scratch* scratch = BorrowScratch();
  if (scratch == nullptr) return;  // Out of memory: no matches.
  const size_t first = hits->size();
  ScanContext ctx{text, &lengths_, hits};
  hs_scan(database_, text.data(), text.size(), 0, scratch, &OnMatch, &ctx);
  ReturnScratch(scratch);
  // Short Han names: keep those on word boundaries of the segmentation
  // (UTF-8 byte offsets, through UText), computed once for the text.
  bool need_words = false;
  for (size_t i = first; i < hits->size(); ++i) {
    need_words |= han_word_[(*hits)[i].pattern];
  }
  if (need_words) {
    std::set<int32_t> boundaries;
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator* words = ubrk_clone(words_, &status);
    UText* utext = utext_openUTF8(nullptr, text.data(), text.size(), &status);
    if (U_SUCCESS(status)) {
      ubrk_setUText(words, utext, &status);
      for (int32_t b = ubrk_first(words); b != UBRK_DONE;
           b = ubrk_next(words)) {
        boundaries.insert(b);
      }
    }
    utext_close(utext);
    ubrk_close(words);
    auto kept =
        std::remove_if(hits->begin() + first, hits->end(), [&](const Hit& h) {
          return han_word_[h.pattern] &&
                 (!boundaries.count(static_cast<int32_t>(h.begin)) ||
                  !boundaries.count(static_cast<int32_t>(h.end)));
        });
    hits->erase(kept, hits->end());
  }
  std::sort(hits->begin() + first, hits->end(), [](const Hit& a, const Hit& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.pattern < b.pattern;
  });
}

}  // namespace wirestream::classify
