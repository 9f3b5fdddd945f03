#include "pipeline/stages/normalize/story_text.h"

#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "pipeline/stages/normalize/unicode_text.h"
#include "pipeline/stages/normalize/wire_time.h"
#include "re2/re2.h"

namespace wirestream::normalize {
namespace {

re2::StringPiece Piece(absl::string_view s) {
  return re2::StringPiece(s.data(), s.size());
}

absl::string_view View(re2::StringPiece s) {
  return absl::string_view(s.data(), s.size());
}

// Pieces of the dateline patterns.
#define WS_PLACE_CAPS \
  R"(\p{Lu}[\p{Lu}\p{M}.'’\-]*(?: [\p{Lu}\p{M}.'’\-]+){0,4})"
#define WS_PLACE_WORDS \
  R"(\p{Lu}[\p{L}\p{M}.'’\-]*(?: \p{Lu}[\p{L}\p{M}.'’\-]*){0,3})"
#define WS_REGION \
  R"((?:, \p{Lu}[\p{L}\p{M}.'’\-]*(?: [\p{L}\p{M}.'’\-]+){0,3}))"
#define WS_DATE                                             \
  R"((?:\p{L}{3,9}\.? \d{1,2}(?:st|nd|rd|th)?(?:, \d{4})?)" \
  R"(|\d{1,2}\.? \p{L}{3,9}\.?(?: \d{4})?))"

// "TOKYO —", "WASHINGTON (AP) —", "LONDON, Nov 28 (Reuters) -",
// "NEW YORK, Nov. 28, 2023 /PRNewswire/ --", "GROSSETO, Italy (AP) --".
// Hyphens need white space before them so "U.S.-led" is not a dateline.
// The dateline patterns repeat Unicode letter classes, which makes their
// DFAs large; they get more memory than RE2's default.
re2::RE2::Options DatelineOptions() {
  re2::RE2::Options options;
  options.set_max_mem(64 << 20);
  return options;
}

const re2::RE2& CapsDateline() {
  static const re2::RE2* const kRe =
      new re2::RE2("^(" WS_PLACE_CAPS WS_REGION "?)(?:,? (" WS_DATE
                   "))?"
                   R"(\s*(?:\(([^()]+)\)\.?|/([^/]+)/)?)"
                   R"(((?:\s*[—–]|\s+(?:--|-|_)|\.-))\s*)",
                   DatelineOptions());
  return *kRe;
}

// "Berlin (dpa) -", "Tokyo, 28 November (Kyodo) —": a place in ordinary
// case needs an agency in parentheses; the dash is optional ("Berlin (KNA)
// Die ...").
const re2::RE2& AgencyDateline() {
  static const re2::RE2* const kRe =
      new re2::RE2("^(" WS_PLACE_WORDS WS_REGION "?)(?:, (" WS_DATE
                   "))?"
                   R"( \(([^()]+)\)\.?(?:\s*[—–:]|\s*-|\s+(?:--|_))?\s+)",
                   DatelineOptions());
  return *kRe;
}

// A dateline on its own: "TOKYO, Nov. 28 (Reuters)", "Berlin (dpa)".
const re2::RE2& StandaloneDateline() {
  static const re2::RE2* const kRe =
      new re2::RE2("^(" WS_PLACE_WORDS WS_REGION "?)(?:,? (" WS_DATE
                   "))?"
                   R"(\s*(?:\(([^()]+)\)|/([^/]+)/)?\s*(?:[—–:]|--|-|_)?)",
                   DatelineOptions());
  return *kRe;
}

// An agency in a dateline is a name, not a sentence in parentheses.
constexpr size_t kMaxAgencyBytes = 40;
// A standfirst above the story has at most this many paragraphs, each of
// at most this many words.
constexpr int kStandfirstParagraphs = 2;
constexpr size_t kStandfirstWords = 60;

size_t WordCount(absl::string_view text) {
  return static_cast<size_t>(
      absl::c_count_if(absl::StrSplit(text, ' ', absl::SkipEmpty()),
                       [](absl::string_view) { return true; }));
}

#undef WS_PLACE_CAPS
#undef WS_PLACE_WORDS
#undef WS_REGION
#undef WS_DATE

constexpr absl::string_view kAgencies[] = {
    "AP",
    "Associated Press",
    "Reuters",
    "AFP",
    "dpa",
    "dpa-AFX",
    "KNA",
    "epd",
    "ANSA",
    "EFE",
    "Kyodo",
    "Jiji",
    "Xinhua",
    "Yonhap",
    "PA",
    "PA Media",
    "AAP",
    "CP",
    "UPI",
    "Bloomberg",
    "TASS",
    "RIA Novosti",
    "Interfax",
    "APA",
    "SDA",
    "Keystone-SDA",
    "Belga",
    "ANP",
    "NTB",
    "TT",
    "Ritzau",
    "STT",
    "CTK",
    "PAP",
    "MTI",
    "PTI",
    "IANS",
    "Anadolu",
    "AA",
    "WAFA",
    "MENA",
    "IRNA",
    "Bernama",
    "Antara",
    "PNA",
    "Lusa",
    "Europa Press",
    "AGI",
    "Adnkronos",
    "SID",
    "ATS",
    "Agerpres",
    "BTA",
    "HINA",
    "Tanjug",
    "ANA-MPA",
    "CNA",
    "Kyodo News",
    "Xinhua News Agency",
    "Agence France-Presse",
    "Deutsche Presse-Agentur",
    "The Canadian Press",
    "Canadian Press",
    "Press Association",
    "PRNewswire",
    "Business Wire",
    "GlobeNewswire",
};

// Words that may appear in lower case in a byline.
bool IsNameConnector(absl::string_view word) {
  static constexpr absl::string_view kWords[] = {
      "and", "und", "et", "y",   "e",   "de", "da",  "del", "der", "den",
      "van", "von", "la", "le",  "di",  "du", "dos", "das", "of",  "the",
      "bin", "al",  "el", "ten", "ter", "zu", "in",  "for", "&",
  };
  for (absl::string_view w : kWords) {
    if (word == w) return true;
  }
  return false;
}

bool StartsUpper(absl::string_view word) {
  if (word.empty()) return false;
  unsigned char c = static_cast<unsigned char>(word[0]);
  if (c < 0x80) return absl::ascii_isupper(c) || c == '@';
  // Non-ASCII first letters (É, Ø, Ž, ...): accept; they are rare in
  // sentence openings that also start with "By".
  return true;
}

// Returns the date_text field's day and month, and year when given.
bool SplitDateText(absl::string_view text, int* day, int* month, int* year) {
  static const re2::RE2* const kMonthDay = new re2::RE2(
      R"((\p{L}{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?(?:, (\d{4}))?)");
  static const re2::RE2* const kDayMonth =
      new re2::RE2(R"((\d{1,2})\.? (\p{L}{3,9})\.?(?: (\d{4}))?)");
  std::string month_name, day_digits, year_digits;
  if (!re2::RE2::FullMatch(Piece(text), *kMonthDay, &month_name, &day_digits,
                           &year_digits) &&
      !re2::RE2::FullMatch(Piece(text), *kDayMonth, &day_digits, &month_name,
                           &year_digits)) {
    return false;
  }
  *month = MonthFromName(month_name);
  if (*month == 0 || !absl::SimpleAtoi(day_digits, day)) return false;
  *year = 0;
  if (!year_digits.empty() && !absl::SimpleAtoi(year_digits, year)) {
    return false;
  }
  return true;
}

void FillDateline(absl::string_view place, absl::string_view date,
                  absl::string_view agency, v1::Dateline* dateline) {
  dateline->set_place(std::string(absl::StripAsciiWhitespace(place)));
  dateline->set_date_text(std::string(date));
  dateline->set_agency(std::string(absl::StripAsciiWhitespace(agency)));
}

std::string Folded(absl::string_view text) { return FoldForMatching(text); }

}  // namespace

bool IsNewsAgency(absl::string_view name) {
  for (absl::string_view agency : kAgencies) {
    if (absl::EqualsIgnoreCase(name, agency)) return true;
  }
  return false;
}

bool ParseDateline(absl::string_view text, v1::Dateline* dateline) {
  text = absl::StripAsciiWhitespace(text);
  re2::StringPiece place, date, agency, slash_agency;
  if (!re2::RE2::FullMatch(Piece(text), StandaloneDateline(), &place, &date,
                           &agency, &slash_agency) ||
      agency.size() > kMaxAgencyBytes ||
      slash_agency.size() > kMaxAgencyBytes) {
    return false;
  }
  FillDateline(View(place), View(date),
               agency.empty() ? View(slash_agency) : View(agency), dateline);
  return true;
}

bool TakeLeadingDateline(std::string* paragraph, v1::Dateline* dateline) {
  re2::StringPiece input = Piece(*paragraph);
  re2::StringPiece place, date, agency, slash_agency;
  bool matched = false;
  re2::StringPiece dash;
  if (re2::RE2::Consume(&input, CapsDateline(), &place, &date, &agency,
                        &slash_agency, &dash)) {
    // Capitals before a plain hyphen are often an acronym ("NATO - the
    // alliance - ..."): without an agency or a date, only the dashes
    // datelines use (em dash, en dash, "--", ANPA's "_") make a dateline.
    bool plain_hyphen = absl::StripAsciiWhitespace(View(dash)) == "-";
    bool qualified = !agency.empty() || !slash_agency.empty() || !date.empty();
    matched = View(place).size() >= 3 && (qualified || !plain_hyphen);
  } else {
    input = Piece(*paragraph);
    if (re2::RE2::Consume(&input, AgencyDateline(), &place, &date, &agency)) {
      matched = IsNewsAgency(View(agency));
    }
  }
  if (!matched || input.empty() || agency.size() > kMaxAgencyBytes ||
      slash_agency.size() > kMaxAgencyBytes) {
    return false;
  }
  FillDateline(View(place), View(date),
               agency.empty() ? View(slash_agency) : View(agency), dateline);
  *paragraph = std::string(View(input));
  return true;
}

void ResolveDatelineDate(absl::Time reference, v1::Dateline* dateline) {
  int day = 0, month = 0, year = 0;
  if (!SplitDateText(dateline->date_text(), &day, &month, &year)) return;
  absl::CivilDay reference_day =
      absl::ToCivilDay(reference, absl::UTCTimeZone());
  if (year == 0) {
    year = static_cast<int>(reference_day.year());
    absl::CivilDay candidate(year, month, day);
    if (candidate > reference_day + 2) --year;
  }
  absl::CivilDay civil(year, month, day);
  if (civil.month() != month || civil.day() != day) return;
  ToTimestamp(absl::FromCivil(civil, absl::UTCTimeZone()),
              dateline->mutable_date());
}

std::optional<std::string> AsByline(absl::string_view paragraph) {
  static const re2::RE2* const kByline =
      new re2::RE2(R"((?i:by|von|par|por|di|door|av|af)\s+(.+))");
  std::string names;
  absl::string_view text = absl::StripAsciiWhitespace(paragraph);
  if (!re2::RE2::FullMatch(Piece(text), *kByline, &names)) return std::nullopt;
  // Every word of the names is capitalised or a connector ("and", "von").
  std::vector<absl::string_view> words =
      absl::StrSplit(names, absl::ByAnyChar(" ,;/"), absl::SkipEmpty());
  if (words.empty() || words.size() > 14) return std::nullopt;
  for (absl::string_view word : words) {
    if (!StartsUpper(word) && !IsNameConnector(word) && !IsNewsAgency(word)) {
      return std::nullopt;
    }
  }
  if (absl::EndsWith(text, ".") && !absl::EndsWith(text, " Jr.") &&
      !absl::EndsWith(text, " Sr.")) {
    // A sentence, not a byline.
    return std::nullopt;
  }
  return std::string(text);
}

bool IsAttribution(absl::string_view paragraph) {
  absl::string_view text = absl::StripAsciiWhitespace(paragraph);
  if (text.empty() || text.size() > 300) return false;
  static const re2::RE2* const kPatterns[] = {
      // (Reporting by Jane Doe in Tokyo; Editing by John Roe)
      new re2::RE2(
          R"((?i)\((?:additional |compiled |graphics |)(?:reporting|writing|)"
          R"(editing|compiled|research|production|graphics|translation|)"
          R"(translated|fact-?check(?:ing|ed)?)\b[^()]*\)(?:\s*\([^()]*\))*\.?)"),
      // Reporting by Jane Doe; additional reporting by ...; Editing by John
      // Roe (without the parentheses, as web pages print it)
      new re2::RE2(R"((?i)(?:additional )?(?:reporting|writing) by [^.;]+)"
                   R"((?:;\s*[^;]+)*;\s*(?:editing|edited) by [^;]+)"),
      // Provided by European Space Agency
      new re2::RE2(R"([Pp]rovided by \p{Lu}[^,;:!?()]*)"),
      // Source: AP / Sources: ... / Quelle: dpa / Fuente: EFE
      new re2::RE2(
          R"((?i)(?:sources?|quellen?|fuentes?|credits?|via)\s*:\s*.+)"),
      // Jane Doe in Paris contributed to this report.
      new re2::RE2(R"((?i).*\bcontributed (?:reporting )?(?:to )?(?:this|the) )"
                   R"((?:report|story|article)\.?)"),
      // Copyright 2023 The Associated Press. All rights reserved.
      new re2::RE2(
          R"((?i)(?:copyright|©|\(c\))\s*(?:©\s*|\(c\)\s*)?\d{4}\b.*)"),
      new re2::RE2(R"((?i)all rights reserved\.?)"),
      // Mit Material von dpa / Mit Material der Nachrichtenagenturen
      new re2::RE2(R"((?i)mit material (?:von|der|aus) .+)"),
      // Jane Doe reported from Abuja, Nigeria.
      new re2::RE2(R"(\p{Lu}[\p{L}.'’ -]+ (?:reported|contributed reporting) )"
                   R"(from [^.]+\.)"),
      // This report by The Canadian Press was first published Nov. 28, 2023.
      new re2::RE2(R"((?i)this (?:report|story|article) by .+ was first )"
                   R"(published .+)"),
      // SOURCE Acme Corp (the last line of a PR Newswire release)
      new re2::RE2(R"(SOURCE \p{Lu}.+)"),
      // lf/jj/rl (AFP's editors' initials)
      new re2::RE2(R"([a-z]{2,4}(?:/[a-z]{2,4}){1,5})"),
      // dpa sk yyzz n1 mh (an IPTC 7901 signature line)
      new re2::RE2(
          R"((?:dpa|kna|epd|afp|rtr|ap|apa|sda)(?: [a-z0-9#/]{1,6}){1,6})"),
  };
  for (const re2::RE2* pattern : kPatterns) {
    if (re2::RE2::FullMatch(Piece(text), *pattern)) return true;
  }
  // "(Reuters)", "AP", "— The Associated Press"
  absl::string_view name = text;
  absl::ConsumePrefix(&name, "—");
  absl::ConsumePrefix(&name, "-");
  name = absl::StripAsciiWhitespace(name);
  if (absl::ConsumePrefix(&name, "(")) {
    if (!absl::ConsumeSuffix(&name, ")")) return false;
  }
  absl::ConsumePrefix(&name, "The ");
  return IsNewsAgency(name);
}

bool IsEndMarker(absl::string_view paragraph) {
  std::string text =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(paragraph));
  static constexpr absl::string_view kMarkers[] = {
      "(end)",  "end",  "-30-",   "- 30 -", "###",  "# # #",
      "(more)", "more", "-more-", "(ends)", "ends", "(ende)",
      "ende",   "xxx",  "=",      "(eds)",  "-0-",  "*****",
  };
  for (absl::string_view marker : kMarkers) {
    if (text == marker) return true;
  }
  return false;
}

void ExtractStoryParts(v1::Story* story) {
  auto* paragraphs = story->mutable_paragraphs();
  std::string folded_headline =
      story->headline().empty() ? "" : Folded(story->headline());

  // The top: a repeated headline, a byline, a credit line under it ("By
  // Jane Doe" / "Associated Press"), end markers.
  std::vector<std::string> leading;
  for (int i = 0; i < paragraphs->size() && i < 4;) {
    const std::string& p = paragraphs->Get(i);
    if (!folded_headline.empty() && Folded(p) == folded_headline) {
      paragraphs->erase(paragraphs->begin() + i);
      continue;
    }
    if (std::optional<std::string> byline = AsByline(p)) {
      if (story->byline().empty()) story->set_byline(*byline);
      paragraphs->erase(paragraphs->begin() + i);
      continue;
    }
    if (IsAttribution(p) && i == 0) {
      // Only above the story's first paragraph.
      leading.push_back(p);
      paragraphs->erase(paragraphs->begin() + i);
      continue;
    }
    ++i;
  }
  for (std::string& line : leading) story->add_attributions(std::move(line));

  // The dateline opening the first paragraph (after editors' notes such as
  // "(Corrects figure in paragraph 2)").
  static const re2::RE2* const kEditorsNote = new re2::RE2(
      R"((?i)\((?:corrects|updates|adds|recasts|refiles|changes|fixes|)"
      R"(repeats|removes|inserts|deletes|clarifies|rewrites|writes through|)"
      R"(new throughout|releads|combines|advances|embargoed)\b.*\))");
  int lead = 0;
  while (lead < paragraphs->size() && lead < 2 &&
         re2::RE2::FullMatch(paragraphs->Get(lead), *kEditorsNote)) {
    ++lead;
  }
  // After a standfirst (a short paragraph or two above the story, e.g. a
  // scraped page's summary), the dateline opens the first paragraph of
  // the story itself.
  for (int p = lead;
       p < paragraphs->size() && p <= lead + kStandfirstParagraphs; ++p) {
    v1::Dateline found;
    std::string first = paragraphs->Get(p);
    if (TakeLeadingDateline(&first, &found)) {
      *paragraphs->Mutable(p) = first;
      v1::Dateline* dateline = story->mutable_dateline();
      if (dateline->place().empty()) dateline->set_place(found.place());
      if (dateline->date_text().empty()) {
        dateline->set_date_text(found.date_text());
      }
      if (dateline->agency().empty()) dateline->set_agency(found.agency());
      break;
    }
    if (WordCount(paragraphs->Get(p)) > kStandfirstWords) break;
  }

  // The bottom: end markers and attribution lines, kept in order.
  std::vector<std::string> trailing;
  while (!paragraphs->empty()) {
    const std::string& last = paragraphs->Get(paragraphs->size() - 1);
    if (IsEndMarker(last)) {
      paragraphs->RemoveLast();
    } else if (IsAttribution(last)) {
      trailing.insert(trailing.begin(), last);
      paragraphs->RemoveLast();
    } else {
      break;
    }
  }
  if (!paragraphs->empty()) {
    // "... the minister said. (Reporting by Jane Doe; Editing by John Roe)"
    static const re2::RE2* const kTrailingCredit = new re2::RE2(
        R"((?i)^(.*[.!?"”’])\s+(\((?:additional )?(?:reporting|writing|)"
        R"(editing|compiled)\b[^()]*\))$)");
    std::string body, credit;
    std::string* last = paragraphs->Mutable(paragraphs->size() - 1);
    if (re2::RE2::FullMatch(*last, *kTrailingCredit, &body, &credit)) {
      *last = body;
      trailing.insert(trailing.begin(), credit);
    }
  }
  for (std::string& line : trailing) story->add_attributions(std::move(line));

  // End markers inside the body (e.g. "MORE" between takes).
  for (int i = paragraphs->size() - 1; i >= 0; --i) {
    if (IsEndMarker(paragraphs->Get(i))) {
      paragraphs->erase(paragraphs->begin() + i);
    }
  }
}

}  // namespace wirestream::normalize
