#include "pipeline/stages/classify/story_text.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace wirestream::classify {
namespace {

bool HasLowercase(absl::string_view s) {
  for (char c : s) {
    if (c >= 'a' && c <= 'z') return true;
  }
  return false;
}

bool HasLetter(absl::string_view s) {
  for (char c : s) {
    if (absl::ascii_isalpha(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// Months as datelines write them, to tell "GENEVA, Nov 28" (a date) from
// "KYIV, Ukraine" (a qualifier).
bool StartsWithMonth(absl::string_view s) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May",
                                        "Jun", "Jul", "Aug", "Sep", "Sept",
                                        "Oct", "Nov", "Dec"};
  for (const char* m : kMonths) {
    if (absl::StartsWith(s, m)) return true;
  }
  return !s.empty() && absl::ascii_isdigit(static_cast<unsigned char>(s[0]));
}

}  // namespace

std::string FoldPunctuation(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"\xE2\x80\x98", "'"},   // ‘
                                    {"\xE2\x80\x99", "'"},   // ’
                                    {"\xE2\x80\x9C", "\""},  // “
                                    {"\xE2\x80\x9D", "\""},  // ”
                                    {"\xE2\x80\x94", "-"},   // —
                                    {"\xE2\x80\x93", "-"},   // –
                                    {"\xC2\xA0", " "}});     // no-break space
}

bool IsBoilerplate(absl::string_view paragraph) {
  absl::string_view p = absl::StripAsciiWhitespace(paragraph);
  p = absl::StripPrefix(p, "(");
  p = absl::StripPrefix(p, "[");
  static const char* const kStarts[] = {
      "reporting by",     "additional reporting",
      "editing by",       "writing by",
      "compiled by",      "copyright",
      "\xC2\xA9",         "all rights reserved",
      "follow ",          "follow the",
      "sign up",          "subscribe",
      "read more",        "related:",
      "related stories",  "click here",
      "share this",       "our standards",
      "get the latest",   "download the",
      "advertisement",    "this story has",
      "this article has", "more from",
      "see also",         "recommended:"};
  for (const char* s : kStarts) {
    if (absl::StartsWithIgnoreCase(p, s)) return true;
  }
  static const char* const kContains[] = {
      "contributed to this report", "contributed reporting",
      "also contributed",           "'s coverage of",
      "all rights reserved",        "trust principles"};
  const std::string lower = absl::AsciiStrToLower(p);
  for (const char* s : kContains) {
    if (absl::StrContains(lower, s)) return true;
  }
  return false;
}

std::optional<LeadingDateline> SplitLeadingDateline(
    absl::string_view paragraph) {
  // The dateline ends at the first dash surrounded by spaces within the
  // opening 100 bytes.
  const size_t limit = std::min<size_t>(paragraph.size(), 100);
  size_t dash = absl::string_view::npos;
  for (size_t i = 1; i + 2 < limit; ++i) {
    if (paragraph[i] == ' ' && paragraph[i + 1] == '-' &&
        paragraph[i + 2] == ' ') {
      dash = i;
      break;
    }
  }
  if (dash == absl::string_view::npos) return std::nullopt;
  absl::string_view head = paragraph.substr(0, dash);
  // Drop "(Agency)".
  if (size_t paren = head.find('('); paren != absl::string_view::npos) {
    head = head.substr(0, paren);
  }
  head = absl::StripAsciiWhitespace(head);
  absl::string_view place = head, qualifier;
  if (size_t comma = head.find(','); comma != absl::string_view::npos) {
    place = head.substr(0, comma);
    qualifier = absl::StripAsciiWhitespace(head.substr(comma + 1));
    if (StartsWithMonth(qualifier)) qualifier = {};
    if (size_t c2 = qualifier.find(','); c2 != absl::string_view::npos) {
      qualifier = qualifier.substr(0, c2);
    }
  }
  place = absl::StripAsciiWhitespace(place);
  if (place.size() < 3 || HasLowercase(place) || !HasLetter(place)) {
    return std::nullopt;
  }
  LeadingDateline d;
  d.place = std::string(place);
  if (!qualifier.empty()) {
    d.place += ", ";
    d.place += std::string(qualifier);
  }
  d.rest = std::string(
      absl::StripLeadingAsciiWhitespace(paragraph.substr(dash + 3)));
  return d;
}

StoryText ExtractStoryText(const wirestream::v1::Story& story) {
  StoryText out;
  auto add = [&](FieldKind kind, int paragraph, std::string text) {
    if (absl::StripAsciiWhitespace(text).empty()) return;
    TextField f;
    f.kind = kind;
    f.paragraph = paragraph;
    f.all_caps = !HasLowercase(text);
    f.text = std::move(text);
    out.fields.push_back(std::move(f));
  };
  add(FieldKind::kHeadline, 0, FoldPunctuation(story.headline()));
  add(FieldKind::kSubheadline, 0, FoldPunctuation(story.subheadline()));
  out.dateline = FoldPunctuation(story.dateline().place());
  int n = 0;
  for (const std::string& raw : story.paragraphs()) {
    std::string p = FoldPunctuation(raw);
    if (IsBoilerplate(p)) {
      out.boilerplate.push_back(std::move(p));
      continue;
    }
    if (n == 0) {
      // A dateline left in the lead is read as the dateline, not as text.
      if (auto d = SplitLeadingDateline(p)) {
        if (out.dateline.empty()) out.dateline = d->place;
        p = d->rest;
      }
    }
    add(FieldKind::kBody, n++, std::move(p));
  }
  return out;
}

}  // namespace wirestream::classify
