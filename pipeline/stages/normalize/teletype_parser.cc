#include "pipeline/stages/normalize/teletype_parser.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/story_text.h"
#include "pipeline/stages/normalize/unicode_text.h"
#include "pipeline/stages/normalize/wire_time.h"
#include "re2/re2.h"

namespace wirestream::normalize {
namespace {

using ::wirestream::runtime::DeadLetterError;

constexpr char kSoh = 0x01;
constexpr char kStx = 0x02;
constexpr char kEtx = 0x03;
constexpr char kEot = 0x04;
constexpr char kSyn = 0x16;
constexpr char kUs = 0x1F;

re2::StringPiece Piece(absl::string_view s) {
  return re2::StringPiece(s.data(), s.size());
}

absl::Status FramingError(absl::string_view format, size_t offset,
                          absl::string_view what) {
  return DeadLetterError(
      v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD,
      absl::StrFormat("%s error at byte %d: %s", format, offset, what));
}

std::string DescribeByte(absl::string_view text, size_t offset) {
  if (offset >= text.size()) return "the end of the payload";
  unsigned char c = static_cast<unsigned char>(text[offset]);
  if (c >= 0x20 && c < 0x7F) return absl::StrFormat("'%c'", c);
  return absl::StrFormat("0x%02x", c);
}

// Skips the idle characters and line ends that may precede SOH.
size_t SkipIdle(absl::string_view text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == kSyn || text[i] == '\r' ||
                             text[i] == '\n' || text[i] == ' ')) {
    ++i;
  }
  return i;
}

// Replaces control characters other than tab and line feed with spaces.
std::string WithoutControls(absl::string_view text) {
  std::string out(text);
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\n') || u == 0x7F) c = ' ';
  }
  return out;
}

// What the version marker of a story says.
struct VersionMarker {
  int version = 0;    // 0: not said
  int add = 0;        // the add number of an add ("1stAdd"), else 0
  bool kill = false;  // "Kill", "Elimination", "Zurückziehung"
  bool withhold = false;
  bool correction = false;
};

VersionMarker ReadVersionMarker(absl::string_view text) {
  VersionMarker marker;
  static const re2::RE2* const kNumbered =
      new re2::RE2(R"((?i)(\d+)\s*(?:st|nd|rd|th|\.)\s*-?\s*)"
                   R"((ld|lead|writethru|write-thru|add|take|insert|sub|)"
                   R"(zusammenfassung|zus|neufassung))");
  std::string number, kind;
  if (re2::RE2::PartialMatch(Piece(text), *kNumbered, &number, &kind)) {
    int n = 0;
    absl::SimpleAtoi(number, &n);
    std::string lower = absl::AsciiStrToLower(kind);
    if (lower == "add" || lower == "take" || lower == "insert" ||
        lower == "sub") {
      marker.add = n;
    } else {
      marker.version = n + 1;
    }
  } else if (ContainsIgnoreCase(text, "writethru") ||
             ContainsIgnoreCase(text, "zusammenfassung")) {
    marker.version = 2;
  }
  static const re2::RE2* const kKill = new re2::RE2(
      R"((?i)\b(?:kill|elimination|mandatory kill|withdrawn|)"
      R"(zurückziehung|zurückgezogen|aufhebung|annulation|retrait)\b)");
  static const re2::RE2* const kWithhold =
      new re2::RE2(R"((?i)\b(?:withhold|withheld|sperrvermerk)\b)");
  static const re2::RE2* const kCorrection = new re2::RE2(
      R"((?i)\b(?:correction|corrected|corrects|correx|corrective|)"
      R"(berichtigung|korrektur|rectificatif)\b)");
  marker.kill = re2::RE2::PartialMatch(Piece(text), *kKill);
  marker.withhold = re2::RE2::PartialMatch(Piece(text), *kWithhold);
  marker.correction = re2::RE2::PartialMatch(Piece(text), *kCorrection);
  // A correction that gives no number replaces the first version.
  if (marker.correction && marker.version == 0) marker.version = 2;
  return marker;
}

void ApplyVersionMarker(const VersionMarker& marker, v1::Story* story) {
  if (marker.version > 0 && marker.version > story->version()) {
    story->set_version(marker.version);
  }
  if (marker.add > 0 && !story->source_story_id().empty()) {
    story->set_source_story_id(
        absl::StrCat(story->source_story_id(), "/add-", marker.add));
  }
  if (marker.kill) {
    story->set_pub_status(v1::PUB_STATUS_CANCELED);
  } else if (marker.withhold &&
             story->pub_status() != v1::PUB_STATUS_CANCELED) {
    story->set_pub_status(v1::PUB_STATUS_WITHHELD);
  }
}

// ANPA-1312 --------------------------------------------------------------

int AnpaUrgency(char priority) {
  switch (absl::ascii_tolower(static_cast<unsigned char>(priority))) {
    case 'f':  // flash
      return 1;
    case 'b':  // bulletin
      return 2;
    case 'u':  // urgent
      return 3;
    case 'r':  // regular
    case 's':
      return 5;
    case 'a':  // advance
      return 6;
    case 'd':  // deferred
      return 7;
    default:
      return 0;
  }
}

// AP's category codes.
absl::string_view AnpaCategoryName(char category) {
  switch (absl::ascii_tolower(static_cast<unsigned char>(category))) {
    case 'a':
      return "Domestic news";
    case 'b':
      return "Special events";
    case 'd':
      return "Food";
    case 'e':
      return "Entertainment";
    case 'f':
      return "Business and finance";
    case 'i':
      return "International news";
    case 'k':
      return "Commentary";
    case 'l':
      return "Lifestyle";
    case 'n':
      return "State and regional news";
    case 'o':
      return "Weather";
    case 'p':
      return "National politics";
    case 'q':
      return "Sports results";
    case 'r':
      return "Racing";
    case 's':
      return "Sports";
    case 't':
      return "Travel";
    case 'v':
      return "Advisories";
    case 'w':
      return "Washington news";
    default:
      return "";
  }
}

// The cycle designator that prefixes AP keywords: "BC-", "AM-", "PM-".
std::string StripCycle(absl::string_view keyword) {
  for (absl::string_view prefix :
       {"BC-", "AM-", "PM-", "AP-", "bc-", "am-", "pm-", "ap-"}) {
    if (absl::StartsWith(keyword, prefix) && keyword.size() > 3) {
      return std::string(keyword.substr(3));
    }
  }
  return std::string(keyword);
}

// A '^' header line without its markers: "^Quake shakes Tokyo<" →
// "Quake shakes Tokyo".
std::string HeaderLineText(absl::string_view line) {
  absl::ConsumePrefix(&line, "^");
  line = absl::StripAsciiWhitespace(line);
  while (!line.empty() &&
         (line.back() == '<' || line.back() == '=' || line.back() == '@')) {
    line.remove_suffix(1);
    line = absl::StripTrailingAsciiWhitespace(line);
  }
  return CleanDisplayText(line);
}

// "Associated Press Writer", "AP Business Writer", "THE CANADIAN PRESS".
bool IsBylineTitle(absl::string_view line) {
  if (line.size() > 60 || absl::EndsWith(line, ".")) return false;
  for (absl::string_view word : {"Writer", "WRITER", "Correspondent", "Editor",
                                 "Press", "PRESS", "Reporter", "Columnist"}) {
    if (absl::StrContains(line, word)) return true;
  }
  return IsNewsAgency(line);
}

// ANPA uses " _ " for a dash.
std::string AnpaDashes(absl::string_view text) {
  return absl::StrReplaceAll(text, {{" _ ", " — "}});
}

struct TextLines {
  std::vector<std::string> header;      // '^' lines, markers stripped
  std::vector<std::string> paragraphs;  // joined lines
  std::string trailer;                  // a time line inside the text
};

// Splits teletype text into '^' header lines and paragraphs: a tab or an
// indent of two or more spaces opens a paragraph, a blank line ends one,
// other lines continue it.
TextLines SplitTeletypeText(absl::string_view text, bool caret_headers) {
  TextLines out;
  std::string current;
  auto flush = [&]() {
    std::string cleaned = CleanDisplayText(current);
    if (!cleaned.empty()) out.paragraphs.push_back(std::move(cleaned));
    current.clear();
  };
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    absl::ConsumeSuffix(&raw, "\r");
    std::string line = WithoutControls(raw);
    // Header lines start with '^'; before the first paragraph, a line
    // ending in '<' is one too ("code:2<").
    bool header_end =
        absl::EndsWith(absl::StripTrailingAsciiWhitespace(line), "<") &&
        out.paragraphs.empty() && current.empty();
    if (caret_headers && (absl::StartsWith(line, "^") || header_end)) {
      flush();
      std::string header = HeaderLineText(line);
      if (!header.empty()) out.header.push_back(header);
      continue;
    }
    if (IsBlank(line)) {
      flush();
      continue;
    }
    bool indented =
        absl::StartsWith(line, "\t") || absl::StartsWith(line, "  ");
    // Signature and end lines ("dpa ab yydd n1 cs", "ENDS") stand alone.
    if (IsAttribution(line) || IsEndMarker(line)) {
      flush();
      current = line;
      flush();
      continue;
    }
    if (indented) flush();
    if (!current.empty()) current.push_back(' ');
    current += line;
  }
  flush();
  return out;
}

}  // namespace

absl::Status ParseAnpa1312(absl::string_view text, v1::Story* story) {
  constexpr absl::string_view kFormat = "ANPA-1312";
  size_t pos = SkipIdle(text);
  if (pos >= text.size() || text[pos] != kSoh) {
    return FramingError(kFormat, pos,
                        absl::StrCat("expected SOH (0x01) to open the header, "
                                     "found ",
                                     DescribeByte(text, pos)));
  }
  size_t line_end = text.find('\n', pos);
  size_t stx = text.find(kStx, pos);
  if (stx == absl::string_view::npos) {
    return FramingError(kFormat, text.size(),
                        "no STX (0x02) opens the text (truncated?)");
  }
  if (line_end == absl::string_view::npos || line_end > stx) line_end = stx;
  absl::string_view first_line = text.substr(pos + 1, line_end - pos - 1);
  size_t us = first_line.find(kUs);
  if (us == absl::string_view::npos) {
    return FramingError(
        kFormat, pos + 1 + first_line.size(),
        "expected US (0x1F) after the story number in the first header line");
  }

  // Second header line: priority, category, format, keyword, version,
  // reference, filing date, word count.
  absl::string_view second_line =
      line_end < stx ? text.substr(line_end + 1, stx - line_end - 1) : "";
  std::vector<std::string> tokens =
      absl::StrSplit(WithoutControls(second_line), absl::ByAnyChar(" \t\n"),
                     absl::SkipEmpty());
  if (tokens.size() < 2 || tokens[0].size() != 1 || tokens[1].empty() ||
      !absl::ascii_isalpha(static_cast<unsigned char>(tokens[0][0])) ||
      !absl::ascii_isalpha(static_cast<unsigned char>(tokens[1][0]))) {
    return FramingError(
        kFormat, line_end + 1,
        "expected the priority and category codes (e.g. \"r i\") to open the "
        "second header line");
  }
  char priority = tokens[0][0];
  char category = tokens[1][0];
  std::string keyword = tokens.size() > 2 ? tokens[2] : "";
  // The filing date "MM-DD" and word count end the line; what sits between
  // the keyword and the date is the version and reference.
  size_t end = tokens.size();
  static const re2::RE2* const kFilingDate = new re2::RE2(R"(\d{2}-\d{2})");
  std::string filing_date;
  if (end > 3 &&
      std::all_of(tokens[end - 1].begin(), tokens[end - 1].end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    --end;  // word count
  }
  if (end > 3 && re2::RE2::FullMatch(tokens[end - 1], *kFilingDate)) {
    filing_date = tokens[end - 1];
    --end;
  }
  std::vector<std::string> version_tokens;
  for (size_t i = 3; i < end; ++i) version_tokens.push_back(tokens[i]);
  std::string version_text = absl::StrJoin(version_tokens, " ");

  size_t etx = text.find(kEtx, stx + 1);
  if (etx == absl::string_view::npos) {
    return FramingError(kFormat, text.size(),
                        "no ETX (0x03) closes the text (truncated?)");
  }
  absl::string_view body = text.substr(stx + 1, etx - stx - 1);
  size_t eot = text.find(kEot, etx + 1);
  absl::string_view trailer = text.substr(
      etx + 1,
      eot == absl::string_view::npos ? absl::string_view::npos : eot - etx - 1);

  std::string slug = StripCycle(keyword);
  story->set_source_story_id(slug);
  story->set_version(1);
  if (!slug.empty()) story->add_keywords(slug);
  story->set_urgency(AnpaUrgency(priority));
  absl::string_view category_name = AnpaCategoryName(category);
  if (!category_name.empty()) {
    v1::Subject* subject = story->add_subjects();
    subject->set_code(absl::StrCat(
        "anpa-category:",
        std::string(
            1, absl::ascii_tolower(static_cast<unsigned char>(category)))));
    subject->set_name(std::string(category_name));
  }

  TextLines lines = SplitTeletypeText(body, /*caret_headers=*/true);
  std::string markers = version_text;
  int unclassified = 0;
  for (const std::string& line : lines.header) {
    std::string lower = absl::AsciiStrToLower(line);
    if (!slug.empty() && ContainsIgnoreCase(line, slug) &&
        (absl::StrContains(line, ",") || line.size() <= slug.size() + 3)) {
      absl::StrAppend(&markers, " ", line);  // the slug line
    } else if (absl::StartsWith(lower, "eds:") ||
               absl::StartsWith(lower, "eds.") ||
               absl::StartsWith(lower, "editors:") ||
               absl::StartsWith(lower, "editor's note") ||
               absl::StartsWith(lower, "update:")) {
      absl::StrAppend(&markers, " ", line);  // an editors' note
    } else if (lower == "urgent" || lower == "bulletin" || lower == "flash" ||
               lower == "apnewsalert" || lower == "kill" ||
               lower == "ap mandatory kill" || lower == "elimination" ||
               lower == "withhold") {
      absl::StrAppend(&markers, " ", line);
    } else if (absl::StartsWith(lower, "hl:")) {
      story->set_headline(CleanDisplayText(line.substr(3)));
    } else if (absl::StartsWith(lower, "index:")) {
      for (absl::string_view entry :
           absl::StrSplit(line.substr(6), ',', absl::SkipWhitespace())) {
        story->add_keywords(std::string(absl::StripAsciiWhitespace(entry)));
      }
    } else if (absl::StartsWith(lower, "symbol:") ||
               absl::StartsWith(lower, "code:") ||
               absl::StartsWith(lower, "with ")) {
      // Ticker symbols, internal codes, "With AP Photos".
    } else if (std::optional<std::string> byline = AsByline(line)) {
      if (story->byline().empty()) story->set_byline(*byline);
    } else if (IsNewsAgency(line)) {
      // "THE CANADIAN PRESS" under the byline.
      if (story->provider().empty()) story->set_provider(line);
    } else if (!story->byline().empty() && IsBylineTitle(line)) {
      // "Associated Press Writer" under the byline.
    } else if (unclassified++ == 0 && story->headline().empty()) {
      story->set_headline(line);
    } else if (story->subheadline().empty() && story->byline().empty() &&
               unclassified == 2) {
      story->set_subheadline(line);
    }
  }
  ApplyVersionMarker(ReadVersionMarker(markers), story);

  for (std::string& paragraph : lines.paragraphs) {
    story->add_paragraphs(AnpaDashes(paragraph));
  }
  // The transmission time: after ETX, or as the last line of the text.
  std::optional<absl::Time> sent = ParseAnpaTime(trailer);
  if (!sent && !story->paragraphs().empty()) {
    sent = ParseAnpaTime(story->paragraphs(story->paragraphs_size() - 1));
    if (sent) story->mutable_paragraphs()->RemoveLast();
  }
  if (sent) ToTimestamp(*sent, story->mutable_version_created());
  return absl::OkStatus();
}

// IPTC 7901 --------------------------------------------------------------

namespace {

// dpa's departments, as most 7901 services use them.
absl::string_view Iptc7901CategoryName(absl::string_view category) {
  std::string lower = absl::AsciiStrToLower(category);
  if (lower == "pl") return "Politics";
  if (lower == "wi") return "Economy";
  if (lower == "vm") return "Miscellaneous";
  if (lower == "ku") return "Culture";
  if (lower == "sp") return "Sport";
  if (lower == "wt") return "Weather";
  if (lower == "wp") return "Economy and politics";
  if (lower == "i" || lower == "x") return "International";
  if (lower == "f") return "Finance";
  if (lower == "s") return "Sport";
  return "";
}

// Drops a version marker from a keyword line: "Bundestag/Kinder (2.
// Zusammenfassung)" → "Bundestag/Kinder".
std::string SlugOf(absl::string_view keyword_line) {
  static const re2::RE2* const kMarker = new re2::RE2(
      R"((?i)\s*(?:\([^()]*\)|,\s*(?:\d+\w*\s*)?(?:ld|lead|writethru|add|)"
      R"(correction|berichtigung|korrektur|zus\w*|kill)\b.*)\s*$)");
  std::string slug(absl::StripAsciiWhitespace(keyword_line));
  re2::RE2::Replace(&slug, *kMarker, "");
  return slug;
}

}  // namespace

absl::Status ParseIptc7901(absl::string_view text, v1::Story* story) {
  constexpr absl::string_view kFormat = "IPTC 7901";
  size_t pos = SkipIdle(text);
  if (pos >= text.size() || text[pos] != kSoh) {
    return FramingError(kFormat, pos,
                        absl::StrCat("expected SOH (0x01) to open the header, "
                                     "found ",
                                     DescribeByte(text, pos)));
  }
  size_t stx = text.find(kStx, pos);
  if (stx == absl::string_view::npos) {
    return FramingError(kFormat, text.size(),
                        "no STX (0x02) opens the text (truncated?)");
  }
  size_t line_end = text.find('\n', pos);
  if (line_end == absl::string_view::npos || line_end > stx) line_end = stx;
  absl::string_view header = text.substr(pos + 1, line_end - pos - 1);
  std::vector<std::string> fields = absl::StrSplit(
      WithoutControls(header), absl::ByAnyChar(" \t"), absl::SkipEmpty());

  static const re2::RE2* const kSourceNumber =
      new re2::RE2(R"(([A-Za-z]{0,8})(\d{1,6}))");
  std::string source, number;
  if (fields.empty() ||
      !re2::RE2::FullMatch(fields[0], *kSourceNumber, &source, &number)) {
    return FramingError(
        kFormat, pos + 1,
        "expected the source and message number (e.g. \"dpa0123\") to open "
        "the header");
  }
  int priority = 0;
  if (fields.size() < 3 || !absl::SimpleAtoi(fields[1], &priority) ||
      priority < 1 || priority > 9) {
    return FramingError(
        kFormat, pos + 1 + fields[0].size(),
        "expected a priority digit and a category after the message number");
  }
  std::string category = fields[2];

  // Optional fields: an agency name and the provider's story id with
  // version ("KNA 170123-89-00065#2").
  static const re2::RE2* const kStoryId =
      new re2::RE2(R"((\d{6}-\d{2}-\d{4,6})(?:#(\d+))?)");
  std::string story_id, id_version, agency;
  for (size_t i = 3; i < fields.size(); ++i) {
    std::string id, version;
    if (re2::RE2::FullMatch(fields[i], *kStoryId, &id, &version)) {
      story_id = id;
      id_version = version;
    } else if (agency.empty() && IsNewsAgency(fields[i])) {
      agency = fields[i];
    }
  }
  if (agency.empty() && IsNewsAgency(source)) agency = source;

  // Keyword lines between the header and STX.
  std::vector<std::string> keyword_lines;
  if (line_end < stx) {
    for (absl::string_view line :
         absl::StrSplit(text.substr(line_end + 1, stx - line_end - 1), '\n')) {
      std::string cleaned = CleanDisplayText(WithoutControls(line));
      if (!cleaned.empty()) keyword_lines.push_back(cleaned);
    }
  }

  size_t etx = text.find(kEtx, stx + 1);
  if (etx == absl::string_view::npos) {
    return FramingError(kFormat, text.size(),
                        "no ETX (0x03) closes the text (truncated?)");
  }
  absl::string_view body = text.substr(stx + 1, etx - stx - 1);
  size_t eot = text.find(kEot, etx + 1);
  absl::string_view trailer = text.substr(
      etx + 1,
      eot == absl::string_view::npos ? absl::string_view::npos : eot - etx - 1);

  // The headline runs to the first line ending in '=' (within three
  // lines), else it is the first line.
  std::vector<absl::string_view> body_lines = absl::StrSplit(body, '\n');
  size_t headline_lines = 1;
  for (size_t i = 0; i < body_lines.size() && i < 3; ++i) {
    absl::string_view line = absl::StripTrailingAsciiWhitespace(body_lines[i]);
    if (absl::EndsWith(line, "=")) {
      headline_lines = i + 1;
      break;
    }
  }
  std::string headline;
  for (size_t i = 0; i < headline_lines && i < body_lines.size(); ++i) {
    absl::StrAppend(&headline, " ", WithoutControls(body_lines[i]));
  }
  headline = CleanDisplayText(headline);
  while (absl::EndsWith(headline, "=")) {
    headline = std::string(absl::StripTrailingAsciiWhitespace(
        absl::string_view(headline).substr(0, headline.size() - 1)));
  }
  std::string rest;
  for (size_t i = headline_lines; i < body_lines.size(); ++i) {
    absl::StrAppend(&rest, body_lines[i], "\n");
  }
  TextLines lines = SplitTeletypeText(rest, /*caret_headers=*/false);

  story->set_headline(headline);
  story->set_urgency(priority);
  story->set_provider(agency);
  story->set_version(1);
  absl::string_view category_name = Iptc7901CategoryName(category);
  v1::Subject* subject = story->add_subjects();
  subject->set_code(
      absl::StrCat("iptc7901-category:", absl::AsciiStrToLower(category)));
  subject->set_name(std::string(category_name));

  std::string slug = keyword_lines.empty() ? "" : SlugOf(keyword_lines[0]);
  for (const std::string& line : keyword_lines) {
    std::string keyword = SlugOf(line);
    if (!keyword.empty()) story->add_keywords(keyword);
  }
  story->set_source_story_id(story_id.empty() ? slug : story_id);
  int version = 0;
  if (absl::SimpleAtoi(id_version, &version) && version > 0) {
    story->set_version(version);
  }
  ApplyVersionMarker(ReadVersionMarker(absl::StrJoin(keyword_lines, " ")),
                     story);

  for (std::string& paragraph : lines.paragraphs) {
    story->add_paragraphs(std::move(paragraph));
  }
  if (std::optional<absl::Time> sent = ParseIptc7901Time(trailer)) {
    ToTimestamp(*sent, story->mutable_version_created());
  }
  return absl::OkStatus();
}

}  // namespace wirestream::normalize
