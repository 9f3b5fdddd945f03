#include "pipeline/stages/alert/text.h"

#include <utf8proc.h>

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

// Chinese and Japanese scripts write no spaces between words: each
// ideograph or kana is a word of its own.
bool IsStandaloneChar(int32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) ||  // Hiragana, Katakana
         (cp >= 0x3400 && cp <= 0x4DBF) ||  // CJK Extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||  // CJK Unified Ideographs
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK Compatibility
         (cp >= 0x20000 && cp <= 0x2FA1F);  // CJK Extensions B..
}

// Letters (L*), combining marks (M*) and numbers (N*).
bool IsWordChar(int32_t cp) {
  if (cp < 0x80) return cp >= 0 && IsAsciiWordChar(cp);
  const utf8proc_category_t cat = utf8proc_category(cp);
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

bool IsApostrophe(int32_t cp) { return cp == '\'' || cp == 0x2019; }

void AppendUtf8(int32_t cp, std::string* out) {
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(cp, buf);
  out->append(reinterpret_cast<const char*>(buf), n);
}

// Appends the folded form of one word character.
void AppendFolded(int32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
    return;
  }
  constexpr int kMax = 32;
  utf8proc_int32_t buf[kMax];
  int boundclass = 0;
  const utf8proc_ssize_t n = utf8proc_decompose_char(
      cp, buf, kMax,
      static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                     UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK),
      &boundclass);
  if (n < 0 || n > kMax) {
    AppendUtf8(cp, out);
    return;
  }
  for (utf8proc_ssize_t i = 0; i < n; ++i) {
    const int32_t c = buf[i];
    if (c == 0x0131) {  // Turkish dotless ı folds to i, like İ does.
      out->push_back('i');
    } else if (c < 0x80) {
      // Compatibility forms may decompose to punctuation ("½" -> "1⁄2");
      // only letters and digits stay in a word.
      if (IsAsciiWordChar(c)) AppendFolded(c, out);
    } else if (IsWordChar(c)) {
      AppendUtf8(c, out);
    }
  }
}

// French and Italian elide articles and some pronouns before a vowel:
// "l'", "d'", "j'", "qu'". A word of one letter, or "qu", before an
// apostrophe is such a prefix.
bool IsElision(absl::string_view folded) {
  if (folded == "qu") return true;
  if (folded.empty() || folded.find('\'') != absl::string_view::npos) {
    return false;
  }
  int len = 1;
  Decode(folded.data(), folded.size(), &len);
  return len == static_cast<int>(folded.size()) &&
         !(folded[0] >= '0' && folded[0] <= '9');
}

}  // namespace

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
                    std::vector<Token>* out) {
  const char* data = text.data();
  const size_t n = text.size();

  // The word being read is built in place at the back of `out`.
  bool in_word = false;
  // Display byte range of the word's last apostrophe, and whether the word
  // ends with that apostrophe followed by s (a possessive).
  int32_t apostrophe_begin = -1;
  int32_t apostrophe_end = -1;
  bool ends_possessive = false;

  auto flush = [&]() {
    if (!in_word) return;
    in_word = false;
    Token& word = out->back();
    if (ends_possessive && word.folded.size() > 2) {
      word.end = base + apostrophe_begin;
      if (with_exact) word.exact.resize(word.exact.size() - 2);
      word.folded.resize(word.folded.size() - 2);
    }
    if (word.folded.empty()) out->pop_back();
  };
  auto start_word = [&](int32_t at) {
    in_word = true;
    out->emplace_back();
    out->back().begin = base + at;
    apostrophe_begin = apostrophe_end = -1;
  };

  size_t pos = 0;
  while (pos < n) {
    const int32_t here = static_cast<int32_t>(pos);
    const unsigned char c = static_cast<unsigned char>(data[pos]);
    if (c < 0x80 && IsAsciiWordChar(c)) {
      // Fast path: a run of ASCII letters and digits.
      size_t end = pos + 1;
      while (end < n && static_cast<unsigned char>(data[end]) < 0x80 &&
             IsAsciiWordChar(data[end])) {
        ++end;
      }
      if (!in_word) start_word(here);
      Token& word = out->back();
      ends_possessive =
          end == pos + 1 && (c == 's' || c == 'S') && apostrophe_end == here;
      if (with_exact) word.exact.append(data + pos, end - pos);
      const size_t from = word.folded.size();
      word.folded.append(data + pos, end - pos);
      for (size_t i = from; i < word.folded.size(); ++i) {
        char& ch = word.folded[i];
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
      }
      word.end = base + static_cast<int32_t>(end);
      pos = end;
      continue;
    }
    int len = 1;
    const int32_t cp = c < 0x80 ? c : Decode(data + pos, n - pos, &len);
    if (cp != kInvalid && c >= 0x80 && IsStandaloneChar(cp)) {
      flush();
      Token t;
      t.begin = base + here;
      t.end = base + here + len;
      if (with_exact) t.exact.assign(data + pos, len);
      AppendFolded(cp, &t.folded);
      out->push_back(std::move(t));
    } else if (cp != kInvalid && c >= 0x80 && IsWordChar(cp)) {
      if (!in_word) start_word(here);
      Token& word = out->back();
      ends_possessive = false;
      if (with_exact) word.exact.append(data + pos, len);
      AppendFolded(cp, &word.folded);
      word.end = base + here + len;
    } else if (in_word && cp != kInvalid && IsApostrophe(cp)) {
      // Inside the word only when a word character follows.
      int next_len = 1;
      const size_t next = pos + len;
      const int32_t next_cp =
          next < n ? Decode(data + next, n - next, &next_len) : kInvalid;
      const bool joins = next_cp != kInvalid && IsWordChar(next_cp) &&
                         !IsStandaloneChar(next_cp);
      if (joins && IsElision(out->back().folded)) {
        // "l'Élysée", "d'Ivoire", "qu'il": the article is a word of its own.
        flush();
      } else if (joins) {
        Token& word = out->back();
        if (with_exact) word.exact.push_back('\'');
        word.folded.push_back('\'');
        apostrophe_begin = here;
        apostrophe_end = here + len;
        ends_possessive = false;
      } else {
        flush();
      }
    } else {
      flush();
    }
    pos += len;
  }
  flush();
}

void TokenizeInto(absl::string_view text, std::vector<Token>* out) {
  out->clear();
  TokenizeAppend(text, 0, /*with_exact=*/true, out);
}

std::vector<Token> Tokenize(absl::string_view text) {
  std::vector<Token> out;
  TokenizeInto(text, &out);
  return out;
}

}  // namespace wirestream::alert
