#include "pipeline/stages/normalize/format_detection.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "pipeline/stages/normalize/unicode_text.h"

namespace wirestream::normalize {
namespace {

using ::wirestream::v1::WireFormat;

constexpr char kSoh = 0x01;
constexpr char kSyn = 0x16;
constexpr char kUs = 0x1F;

bool IsNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         c == ':' || c == '.' || c == '-';
}

// Skips white space, and the SYN idle characters teletype wires send.
absl::string_view SkipLeadingSpace(absl::string_view text) {
  size_t i = 0;
  while (i < text.size() &&
         (absl::ascii_isspace(static_cast<unsigned char>(text[i])) ||
          text[i] == kSyn)) {
    ++i;
  }
  return text.substr(i);
}

// Elements that only occur as the first element of an HTML fragment.
bool IsHtmlElement(absl::string_view name) {
  static constexpr absl::string_view kNames[] = {
      "html", "head",  "body",   "article", "main", "div",  "section", "p",
      "meta", "title", "header", "h1",      "h2",   "span", "link",    "script",
  };
  for (absl::string_view html_name : kNames) {
    if (absl::EqualsIgnoreCase(name, html_name)) return true;
  }
  return false;
}

// True when the first tag of `text` (which starts with "<") holds more
// than its name: "<MAIN STREET BANCORP>", not "<main>" or "<p>".
bool RootTagHasWords(absl::string_view text) {
  size_t end = text.find('>');
  if (end == absl::string_view::npos) return false;
  absl::string_view inside = text.substr(1, end - 1);
  size_t name_end = 0;
  while (name_end < inside.size() && IsNameChar(inside[name_end])) ++name_end;
  return !absl::StripAsciiWhitespace(inside.substr(name_end)).empty();
}

// Longest bracketed name read as text; a longer span is not a name.
constexpr size_t kMaxBracketedName = 200;

}  // namespace

bool ReadsAsText(absl::string_view text) {
  size_t words_outside = 0;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '<' && i + 1 < text.size()) {
      char next = text[i + 1];
      if (next == '/' || next == '!' || next == '?') return false;
      if (absl::ascii_isalpha(static_cast<unsigned char>(next))) {
        size_t end = text.find_first_of("<>", i + 1);
        if (end == absl::string_view::npos || text[end] == '<' ||
            end - i > kMaxBracketedName) {
          continue;  // a "<" in prose, not a tag
        }
        absl::string_view inside = text.substr(i + 1, end - i - 1);
        // An attribute (name=value), not an apostrophe ("<HUDSON'S BAY
        // CO>").
        if (inside.find('=') != absl::string_view::npos ||
            absl::EndsWith(inside, "/")) {
          return false;
        }
        i = end;
        in_word = false;
        continue;
      }
    }
    bool space = absl::ascii_isspace(static_cast<unsigned char>(c));
    if (!space && !in_word) ++words_outside;
    in_word = !space;
  }
  return words_outside > 0;
}

std::string RootElementName(absl::string_view text) {
  absl::string_view rest = SkipLeadingSpace(text);
  while (absl::StartsWith(rest, "<")) {
    if (absl::StartsWith(rest, "<?")) {
      size_t end = rest.find("?>");
      if (end == absl::string_view::npos) return "";
      rest = SkipLeadingSpace(rest.substr(end + 2));
      continue;
    }
    if (absl::StartsWith(rest, "<!--")) {
      size_t end = rest.find("-->");
      if (end == absl::string_view::npos) return "";
      rest = SkipLeadingSpace(rest.substr(end + 3));
      continue;
    }
    if (absl::StartsWith(rest, "<!")) {
      if (absl::StartsWithIgnoreCase(rest, "<!doctype html")) return "html";
      size_t end = rest.find('>');
      if (end == absl::string_view::npos) return "";
      rest = SkipLeadingSpace(rest.substr(end + 1));
      continue;
    }
    size_t i = 1;
    while (i < rest.size() && IsNameChar(rest[i])) ++i;
    std::string name(rest.substr(1, i - 1));
    size_t colon = name.rfind(':');
    if (colon != std::string::npos) name = name.substr(colon + 1);
    return name;
  }
  return "";
}

WireFormat DetectFormat(absl::string_view text,
                        absl::string_view content_type) {
  absl::string_view rest = SkipLeadingSpace(text);
  if (rest.empty()) return v1::WIRE_FORMAT_UNSPECIFIED;

  if (rest[0] == kSoh) {
    absl::string_view first_line = rest.substr(0, rest.find('\n'));
    return first_line.find(kUs) != absl::string_view::npos
               ? v1::WIRE_FORMAT_ANPA_1312
               : v1::WIRE_FORMAT_IPTC_7901;
  }
  if (rest[0] == '{') return v1::WIRE_FORMAT_NINJS;
  if (rest[0] == '[') return v1::WIRE_FORMAT_UNSPECIFIED;

  if (rest[0] == '<') {
    std::string root = RootElementName(rest);
    if (root == "newsItem" || root == "newsMessage") {
      return v1::WIRE_FORMAT_NEWSML_G2;
    }
    if (root == "nitf") return v1::WIRE_FORMAT_NITF;
    if (IsHtmlElement(root)) {
      // "<MAIN STREET BANCORP> YEAR NET": a name in brackets whose first
      // word is an element's, in text without markup.
      return RootTagHasWords(rest) && ReadsAsText(rest)
                 ? v1::WIRE_FORMAT_PLAIN_TEXT
                 : v1::WIRE_FORMAT_HTML;
    }
    if (!root.empty()) {
      // Markup, but another vocabulary (RSS, NewsML 1, SportsML, ...);
      // or text that opens with a name in brackets ("<ACME CORP> SETS
      // QUARTERLY PAYOUT", "<S> SEES ...").
      return ReadsAsText(rest) ? v1::WIRE_FORMAT_PLAIN_TEXT
                               : v1::WIRE_FORMAT_UNSPECIFIED;
    }
  }
  if (ContainsIgnoreCase(content_type, "html")) {
    return v1::WIRE_FORMAT_HTML;
  }
  return v1::WIRE_FORMAT_PLAIN_TEXT;
}

absl::string_view FormatName(WireFormat format) {
  switch (format) {
    case v1::WIRE_FORMAT_NINJS:
      return "ninjs";
    case v1::WIRE_FORMAT_NEWSML_G2:
      return "NewsML-G2";
    case v1::WIRE_FORMAT_NITF:
      return "NITF";
    case v1::WIRE_FORMAT_ANPA_1312:
      return "ANPA-1312";
    case v1::WIRE_FORMAT_IPTC_7901:
      return "IPTC 7901";
    case v1::WIRE_FORMAT_HTML:
      return "HTML";
    case v1::WIRE_FORMAT_PLAIN_TEXT:
      return "plain text";
    default:
      return "unknown";
  }
}

}  // namespace wirestream::normalize
