#include "pipeline/stages/normalize/unicode_text.h"

#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "utf8proc.h"

namespace wirestream::normalize {
namespace {

// Windows-1252 code points for bytes 0x80..0x9F; 0 where it is undefined.
constexpr char32_t kWindows1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

constexpr char32_t kReplacementCharacter = 0xFFFD;

// Returns the length of the valid UTF-8 sequence at `text[i]`, or a
// negative value when the byte there does not start one.
utf8proc_ssize_t ValidSequenceAt(absl::string_view text, size_t i,
                                 utf8proc_int32_t* code_point) {
  return utf8proc_iterate(
      reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
      static_cast<utf8proc_ssize_t>(text.size() - i), code_point);
}

// Runs utf8proc_map with `options` over valid UTF-8 `text`.
std::string Map(absl::string_view text, int options) {
  if (text.empty()) return std::string();
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                   static_cast<utf8proc_option_t>(options));
  if (n < 0) {
    // Only invalid UTF-8 makes utf8proc fail; callers pass valid text, but
    // a repaired copy keeps the function total.
    std::string repaired = RepairUtf8(text);
    n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(repaired.data()),
                     static_cast<utf8proc_ssize_t>(repaired.size()), &mapped,
                     static_cast<utf8proc_option_t>(options));
    if (n < 0) return repaired;
  }
  std::string out(reinterpret_cast<char*>(mapped), static_cast<size_t>(n));
  std::free(mapped);
  return out;
}

bool IsSpace(utf8proc_int32_t c) {
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
      c == '\v' || c == 0x85) {
    return true;
  }
  if (c < 0x80) return false;
  utf8proc_category_t category = utf8proc_category(c);
  return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL ||
         category == UTF8PROC_CATEGORY_ZP;
}

bool IsInvisible(utf8proc_int32_t c) {
  return c == 0x200B || c == 0xFEFF || c == 0x00AD || c == 0x2060 ||
         (c < 0x20) || (c >= 0x7F && c < 0xA0);
}

// Calls `emit` for each code point of valid UTF-8 `text`.
template <typename Emit>
void ForEachCodePoint(absl::string_view text, Emit emit) {
  size_t i = 0;
  while (i < text.size()) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = ValidSequenceAt(text, i, &c);
    if (n <= 0) {
      c = kReplacementCharacter;
      n = 1;
    }
    emit(c);
    i += static_cast<size_t>(n);
  }
}

// Appends `c` to `out` with white space collapsed: a space is only written
// before the next visible code point.
class SpaceCollapser {
 public:
  explicit SpaceCollapser(std::string* out) : out_(out) {}
  void Space() { pending_space_ = !out_->empty(); }
  void Add(char32_t c) {
    if (pending_space_) out_->push_back(' ');
    pending_space_ = false;
    AppendUtf8(c, out_);
  }

 private:
  std::string* out_;
  bool pending_space_ = false;
};

// Returns true when every code point of valid UTF-8 `text` is one that NFC
// leaves alone whatever surrounds it: everything below U+0300 (no
// combining marks), general punctuation and currency signs (but not
// U+2000 and U+2001, which have singleton decompositions). Most wire copy
// passes, and skips utf8proc.
bool IsTriviallyNfc(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    unsigned char byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = ValidSequenceAt(text, i, &c);
    if (n <= 0) return false;
    bool stable = c < 0x300 || (c >= 0x2002 && c <= 0x206F) ||
                  (c >= 0x20A0 && c <= 0x20C0) || c == 0x2122;
    if (!stable) return false;
    i += static_cast<size_t>(n);
  }
  return true;
}

bool IsAscii(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

void AppendUtf8(char32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
    return;
  }
  utf8proc_uint8_t buffer[4];
  utf8proc_ssize_t n =
      utf8proc_encode_char(static_cast<utf8proc_int32_t>(code_point), buffer);
  if (n <= 0) {
    n = utf8proc_encode_char(kReplacementCharacter, buffer);
  }
  out->append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(n));
}

Utf8Scan ScanUtf8(absl::string_view text) {
  Utf8Scan scan;
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = ValidSequenceAt(text, i, &c);
    if (n > 0) {
      i += static_cast<size_t>(n);
      continue;
    }
    if (scan.invalid_bytes == 0) scan.first_invalid_offset = i;
    ++scan.invalid_bytes;
    ++i;
  }
  return scan;
}

std::string RepairUtf8(absl::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  size_t i = 0;
  while (i < text.size()) {
    unsigned char byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      out.push_back(static_cast<char>(byte));
      ++i;
      continue;
    }
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = ValidSequenceAt(text, i, &c);
    if (n > 0) {
      out.append(text.data() + i, static_cast<size_t>(n));
      i += static_cast<size_t>(n);
      continue;
    }
    char32_t replacement = byte;
    if (byte < 0xA0) {
      replacement = kWindows1252High[byte - 0x80];
      if (replacement == 0) replacement = kReplacementCharacter;
    }
    AppendUtf8(replacement, &out);
    ++i;
  }
  return out;
}

std::string ToNfc(absl::string_view text) {
  if (IsTriviallyNfc(text)) return std::string(text);
  return Map(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

std::string CleanDisplayText(absl::string_view text) {
  if (IsAscii(text)) {
    // ASCII is NFC already: collapse spaces, drop controls, one byte at a
    // time (the same result as the loop below, without decoding).
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (char c : text) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (IsSpace(u)) {
        pending_space = !out.empty();
      } else if (!IsInvisible(u)) {
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out.push_back(c);
      }
    }
    return out;
  }
  std::string nfc = ToNfc(text);
  std::string out;
  out.reserve(nfc.size());
  SpaceCollapser collapser(&out);
  ForEachCodePoint(nfc, [&](utf8proc_int32_t c) {
    if (IsSpace(c)) {
      collapser.Space();
    } else if (!IsInvisible(c)) {
      collapser.Add(static_cast<char32_t>(c));
    }
  });
  return out;
}

std::string FoldForMatching(absl::string_view text) {
  if (IsAscii(text)) {
    // ASCII folds to lower case; controls and spaces collapse.
    std::string out;
    out.reserve(text.size());
    SpaceCollapser collapser(&out);
    for (char c : text) {
      unsigned char u = static_cast<unsigned char>(c);
      if (IsSpace(u)) {
        collapser.Space();
      } else if (u >= 0x20 && u != 0x7F) {
        collapser.Add(static_cast<char32_t>(absl::ascii_tolower(u)));
      }
    }
    return out;
  }
  std::string folded =
      Map(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                    UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_STRIPCC);
  std::string out;
  out.reserve(folded.size());
  SpaceCollapser collapser(&out);
  ForEachCodePoint(folded, [&](utf8proc_int32_t c) {
    switch (c) {
      case 0x2018:  // ‘
      case 0x2019:  // ’
      case 0x201A:  // ‚
      case 0x201B:  // ‛
      case 0x2032:  // ′
      case 0x2035:  // ‵
      case 0x2039:  // ‹
      case 0x203A:  // ›
        collapser.Add('\'');
        return;
      case 0x201C:  // “
      case 0x201D:  // ”
      case 0x201E:  // „
      case 0x201F:  // ‟
      case 0x2033:  // ″
      case 0x2036:  // ‶
      case 0x00AB:  // «
      case 0x00BB:  // »
      case 0x301D:  // 〝
      case 0x301E:  // 〞
        collapser.Add('"');
        return;
      case 0x2212:  // minus sign
        collapser.Add('-');
        return;
      default:
        break;
    }
    if (IsSpace(c)) {
      collapser.Space();
      return;
    }
    if (IsInvisible(c)) return;
    if (c >= 0x80 && utf8proc_category(c) == UTF8PROC_CATEGORY_PD) {
      collapser.Add('-');
      return;
    }
    collapser.Add(static_cast<char32_t>(c));
  });
  return out;
}

bool ContainsIgnoreCase(absl::string_view haystack, absl::string_view needle) {
  if (needle.empty()) return true;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (absl::EqualsIgnoreCase(haystack.substr(i, needle.size()), needle)) {
      return true;
    }
  }
  return false;
}

bool IsBlank(absl::string_view text) {
  bool blank = true;
  size_t i = 0;
  while (i < text.size() && blank) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      blank = IsSpace(text[i]);
      ++i;
      continue;
    }
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = ValidSequenceAt(text, i, &c);
    if (n <= 0) return false;
    blank = IsSpace(c) || c == 0xFEFF || c == 0x200B;
    i += static_cast<size_t>(n);
  }
  return blank;
}

}  // namespace wirestream::normalize
