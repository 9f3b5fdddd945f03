#include "pipeline/stages/alert/text.h"

#include <utf8proc.h>

#include <memory>
#include <utility>

#include "pipeline/text/language_tag.h"
#include "pipeline/text/words.h"

namespace wirestream::alert {
namespace {

constexpr int32_t kInvalid = -1;

// Decodes the code point at `p` (of `n` bytes left); sets `*len` to its
// length in bytes. Returns kInvalid (length 1) for bytes that are not UTF-8.
int32_t Decode(const char* p, size_t n, int* len) {
  const unsigned char c = static_cast<unsigned char>(*p);
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  utf8proc_int32_t cp = 0;
  utf8proc_ssize_t used =
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(p),
                       static_cast<utf8proc_ssize_t>(n), &cp);
  if (used <= 0 || cp < 0) {
    *len = 1;
    return kInvalid;
  }
  *len = static_cast<int>(used);
  return cp;
}

bool IsAsciiWordChar(int32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
         (cp >= '0' && cp <= '9');
}

// Letters (L*), combining marks (M*) and numbers (N*).
bool IsWordChar(int32_t cp) {
  if (cp < 0x80) return cp >= 0 && IsAsciiWordChar(cp);
  const utf8proc_category_t cat = utf8proc_category(cp);
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

bool IsMark(int32_t cp) {
  if (cp < 0x300) return false;
  const utf8proc_category_t cat = utf8proc_category(cp);
  return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

// Each byte lowered when it is an ASCII letter or digit, 0 otherwise: the
// fast path's table.
struct AsciiWordTable {
  char lower[256];
  constexpr AsciiWordTable() : lower() {
    for (int c = 0; c < 256; ++c) {
      lower[c] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                     ? static_cast<char>(c)
                 : (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32)
                                          : 0;
    }
  }
};
constexpr AsciiWordTable kAsciiWord;

// A word separator the segmenter keeps inside words: "U.S", "4,512.3".
bool IsInnerSeparator(char c) { return c == '.' || c == ',' || c == ';'; }

// Length of the apostrophe (' or ’) at `p` (`n` bytes left), or 0.
int ApostropheAt(const char* p, size_t n) {
  if (*p == '\'') return 1;
  if (n >= 3 && p[0] == '\xE2' && p[1] == '\x80' && p[2] == '\x99') return 3;
  return 0;
}

void AppendUtf8(int32_t cp, std::string* out) {
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(cp, buf);
  out->append(reinterpret_cast<const char*>(buf), n);
}

// The scripts whose combining marks folding decides on one by one.
enum class Script : int8_t {
  kNone,  // no letter yet
  kLatin,
  kGreek,
  kCyrillic,
  kHebrew,
  kArabic,
  kOther,  // marks are letters' parts here: kana voicing, Indic vowels
};

Script ScriptOf(int32_t cp) {
  if (cp < 0x80) return Script::kLatin;  // letters and digits
  if ((cp >= 0x00C0 && cp <= 0x02AF) || (cp >= 0x1E00 && cp <= 0x1EFF) ||
      (cp >= 0x2C60 && cp <= 0x2C7F) || (cp >= 0xA720 && cp <= 0xA7FF)) {
    return Script::kLatin;
  }
  if ((cp >= 0x0370 && cp <= 0x03FF) || (cp >= 0x1F00 && cp <= 0x1FFF)) {
    return Script::kGreek;
  }
  if ((cp >= 0x0400 && cp <= 0x052F) || (cp >= 0x1C80 && cp <= 0x1C8F) ||
      (cp >= 0xA640 && cp <= 0xA69F)) {
    return Script::kCyrillic;
  }
  if (cp >= 0x0590 && cp <= 0x05FF) return Script::kHebrew;
  if ((cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
      (cp >= 0x08A0 && cp <= 0x08FF)) {
    return Script::kArabic;
  }
  return Script::kOther;
}

enum class MarkAction : int8_t { kStrip, kKeep, kWriteE };

// What folding does with combining `mark` after the letter `base` (case
// folded, decomposed) of `script`. The table in README.md, "Languages".
MarkAction ActionFor(int32_t base, Script script, int32_t mark,
                     Folding folding) {
  constexpr int32_t kGrave = 0x0300, kAcute = 0x0301, kTilde = 0x0303,
                    kBreve = 0x0306, kDiaeresis = 0x0308, kCedilla = 0x0327;
  switch (script) {
    case Script::kLatin:
      switch (folding) {
        case Folding::kGeneric:
          break;
        case Folding::kGerman:
          if (mark == kDiaeresis && (base == 'a' || base == 'o' || base == 'u'))
            return MarkAction::kWriteE;
          break;
        case Folding::kSpanish:
          if (mark == kTilde && base == 'n') return MarkAction::kKeep;
          break;
        case Folding::kTurkish:
          if ((mark == kCedilla && (base == 'c' || base == 's')) ||
              (mark == kBreve && base == 'g') ||
              (mark == kDiaeresis && (base == 'o' || base == 'u'))) {
            return MarkAction::kKeep;
          }
          break;
      }
      return MarkAction::kStrip;
    case Script::kGreek:
    case Script::kHebrew:
    case Script::kNone:
      return MarkAction::kStrip;
    case Script::kCyrillic:
      // "ё" -> "е" and stress accents go; "й", "ї", "ў" stay letters.
      if (mark == kGrave || mark == kAcute ||
          (mark == kDiaeresis && base == 0x0435)) {
        return MarkAction::kStrip;
      }
      return MarkAction::kKeep;
    case Script::kArabic:
      // Madda and hamza go from alef only (أ إ آ -> ا); "ؤ" and "ئ" stay.
      if ((mark == 0x0653 || mark == 0x0654 || mark == 0x0655) &&
          base != 0x0627) {
        return MarkAction::kKeep;
      }
      if ((mark >= 0x064B && mark <= 0x065F) || mark == 0x0670) {
        return MarkAction::kStrip;
      }
      return MarkAction::kKeep;
    case Script::kOther:
      return MarkAction::kKeep;
  }
  return MarkAction::kStrip;
}

// Appends the word `text[begin, end)` (inside one segmenter word, without
// inner separators) to `out`, splitting an elided article off its front
// and cutting a possessive off its end.
void AppendWord(absl::string_view text, size_t begin, size_t end, int32_t base,
                bool with_exact, Folding folding, std::vector<Token>* out) {
  const char* data = text.data();
  while (begin < end) {
    // The first apostrophe, if any.
    size_t apostrophe = begin;
    int apostrophe_len = 0;
    for (; apostrophe < end; ++apostrophe) {
      apostrophe_len = ApostropheAt(data + apostrophe, end - apostrophe);
      if (apostrophe_len > 0) break;
    }
    size_t word_end = end;
    size_t next = end;
    if (apostrophe_len > 0) {
      const absl::string_view before(data + begin, apostrophe - begin);
      const size_t after = apostrophe + apostrophe_len;
      int first_len = 1;
      const int32_t first = Decode(before.data(), before.size(), &first_len);
      const bool one_letter =
          !before.empty() && first_len == static_cast<int>(before.size()) &&
          first != kInvalid && !(first >= '0' && first <= '9');
      const bool qu = before == "qu" || before == "Qu" || before == "QU";
      if (after >= end) {
        // "l'" as the segmenter cuts elisions: the article alone.
        word_end = apostrophe;
      } else if (one_letter || qu) {
        // "O'Brien", "qu'il": the article is a word of its own.
        word_end = apostrophe;
        next = after;
      } else if (after + 1 == end &&
                 (data[after] == 's' || data[after] == 'S')) {
        // "Biden's": the possessive is cut off.
        word_end = apostrophe;
      }
    }
    if (word_end > begin) {
      const absl::string_view word(data + begin, word_end - begin);
      Token t;
      t.begin = base + static_cast<int32_t>(begin);
      t.end = base + static_cast<int32_t>(word_end);
      t.folded = FoldWord(word, folding);
      if (!t.folded.empty()) {
        if (with_exact) {
          t.exact.reserve(word.size());
          for (size_t i = 0; i < word.size();) {
            const int len = ApostropheAt(word.data() + i, word.size() - i);
            if (len == 3) {
              t.exact.push_back('\'');
              i += 3;
            } else {
              t.exact.push_back(word[i++]);
            }
          }
        }
        out->push_back(std::move(t));
      }
    }
    begin = next;
  }
}

}  // namespace

Folding FoldingForLanguage(absl::string_view language_tag) {
  const std::string language = text::PrimaryLanguage(language_tag);
  if (language == "de") return Folding::kGerman;
  if (language == "es") return Folding::kSpanish;
  if (language == "tr" || language == "az") return Folding::kTurkish;
  return Folding::kGeneric;
}

absl::string_view FoldingName(Folding folding) {
  switch (folding) {
    case Folding::kGeneric:
      return "generic";
    case Folding::kGerman:
      return "de";
    case Folding::kSpanish:
      return "es";
    case Folding::kTurkish:
      return "tr";
  }
  return "generic";
}

absl::Status TokenizerStatus() {
  if (text::ThreadWordSegmenter() == nullptr) {
    return absl::InternalError(
        "ICU's word rules could not be loaded (ICU data missing)");
  }
  return absl::OkStatus();
}

std::string FoldWord(absl::string_view word, Folding folding) {
  std::string out;
  out.reserve(word.size());
  bool ascii = true;
  for (char c : word) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    for (char c : word) {
      if (c >= 'A' && c <= 'Z') {
        out.push_back(static_cast<char>(c + 32));
      } else if (IsAsciiWordChar(c) || c == '\'') {
        out.push_back(c);
      }
    }
    return out;
  }
  // Decomposed, case-folded code points, marks decided on, then composed
  // again so that kept marks rejoin their letters ("ñ", "ガ", Hangul).
  std::vector<utf8proc_int32_t> folded;
  folded.reserve(word.size());
  bool compose = false;
  int32_t base = 0;
  Script script = Script::kNone;
  constexpr int kMax = 32;
  utf8proc_int32_t buf[kMax];
  for (size_t pos = 0; pos < word.size();) {
    int len = 1;
    const int32_t cp = Decode(word.data() + pos, word.size() - pos, &len);
    pos += len;
    if (cp == kInvalid) continue;
    if (cp == '\'' || cp == 0x2019) {
      folded.push_back('\'');
      continue;
    }
    int boundclass = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(
        cp, buf, kMax,
        static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                       UTF8PROC_DECOMPOSE),
        &boundclass);
    if (n < 0 || n > kMax) {
      buf[0] = cp;
      n = 1;
    }
    for (utf8proc_ssize_t i = 0; i < n; ++i) {
      const int32_t c = buf[i];
      if (IsMark(c)) {
        switch (ActionFor(base, script, c, folding)) {
          case MarkAction::kStrip:
            break;
          case MarkAction::kKeep:
            folded.push_back(c);
            compose = true;
            break;
          case MarkAction::kWriteE:
            folded.push_back('e');
            break;
        }
        continue;
      }
      if (c == 0x0131) {  // Turkish dotless ı is i, as İ and I are.
        base = 'i';
      } else if (c == 0x0640) {  // Arabic tatweel: stretches, no letter.
        continue;
      } else if (c == 0x0671) {  // Arabic alef wasla: alef.
        base = 0x0627;
      } else if (!IsWordChar(c)) {
        // Compatibility forms may decompose to punctuation ("½" -> "1⁄2");
        // only letters and digits stay in a word.
        continue;
      } else {
        base = c;
      }
      script = ScriptOf(base);
      if (base >= 0x1100 && base <= 0x11FF) compose = true;  // Hangul jamo
      folded.push_back(base);
    }
  }
  utf8proc_ssize_t size = static_cast<utf8proc_ssize_t>(folded.size());
  if (compose && size > 0) {
    const utf8proc_ssize_t composed =
        utf8proc_normalize_utf32(folded.data(), size, UTF8PROC_COMPOSE);
    if (composed >= 0) size = composed;
  }
  for (utf8proc_ssize_t i = 0; i < size; ++i) AppendUtf8(folded[i], &out);
  return out;
}

int CodePointCount(absl::string_view s) {
  int count = 0;
  for (size_t i = 0; i < s.size();) {
    int len = 1;
    Decode(s.data() + i, s.size() - i, &len);
    i += len;
    ++count;
  }
  return count;
}

void TokenizeAppend(absl::string_view text, int32_t base, bool with_exact,
                    Folding folding, std::vector<Token>* out) {
  text::WordSegmenter* segmenter = text::ThreadWordSegmenter();
  if (segmenter == nullptr) return;
  thread_local std::vector<text::WordSpan> spans;
  segmenter->Segment(text, spans);
  const char* data = text.data();
  size_t previous_end = 0;
  for (const text::WordSpan& span : spans) {
    const size_t begin = span.begin;
    const size_t end = span.begin + span.size;
    // "1's", "’s" after a word: the segmenter leaves an "s" on its own
    // after the apostrophe; it is a possessive, cut off.
    if (span.size == 1 && (data[begin] == 's' || data[begin] == 'S') &&
        begin > previous_end && previous_end > 0) {
      const size_t gap = begin - previous_end;
      if ((gap == 1 || gap == 3) &&
          ApostropheAt(data + previous_end, gap) == static_cast<int>(gap)) {
        previous_end = end;
        continue;
      }
    }
    previous_end = end;
    {
      // Fast path: a word of ASCII letters and digits only, folded by
      // lowering it (every folding agrees there).
      out->emplace_back();
      Token& t = out->back();
      t.folded.resize(span.size);
      size_t i = 0;
      for (; i < span.size; ++i) {
        const char c =
            kAsciiWord.lower[static_cast<unsigned char>(data[begin + i])];
        if (c == 0) break;
        t.folded[i] = c;
      }
      if (i == span.size) {
        t.begin = base + static_cast<int32_t>(begin);
        t.end = base + static_cast<int32_t>(end);
        if (with_exact) t.exact.assign(data + begin, span.size);
        continue;
      }
      out->pop_back();
    }
    size_t piece = begin;
    for (size_t i = begin; i <= end; ++i) {
      if (i == end || IsInnerSeparator(data[i])) {
        if (i > piece) {
          AppendWord(text, piece, i, base, with_exact, folding, out);
        }
        piece = i + 1;
      }
    }
  }
}

void TokenizeInto(absl::string_view text, Folding folding,
                  std::vector<Token>* out) {
  out->clear();
  TokenizeAppend(text, 0, /*with_exact=*/true, folding, out);
}

std::vector<Token> Tokenize(absl::string_view text, Folding folding) {
  std::vector<Token> out;
  TokenizeInto(text, folding, &out);
  return out;
}

}  // namespace wirestream::alert
