#include "pipeline/stages/classify/country_tagger.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wirestream::classify {
namespace {

using ::wirestream::v1::CountryScore;
using ::wirestream::v1::RegionScore;

// Evidence weights by kind of name.
double KindWeight(PlaceKind kind) {
  switch (kind) {
    case PlaceKind::kCountry:
    case PlaceKind::kAbbreviation:
    case PlaceKind::kExonym:
      return 1.0;
    case PlaceKind::kInstitution:
      return 0.9;
    case PlaceKind::kDemonym:
      return 0.8;
    case PlaceKind::kCapital:
    case PlaceKind::kSubdivision:
    case PlaceKind::kDatelineQualifier:
      return 0.8;
    case PlaceKind::kCity:
      return 0.7;
  }
  return 0.7;
}
constexpr double kGovernmentWeight = 1.1;  // "Beijing said"
constexpr double kDatelineWeight = 2.0;
constexpr double kDatelineFocusBonus = 0.75;
// In a company's story (its ticker in the headline) the dateline is where
// the company put out its news, usually its home: it weighs more.
constexpr double kCompanyDatelineFocusBonus = 1.5;
// The country a headline names first, by a name rather than a demonym, is
// usually its subject ("India overtakes China", "Uganda's Museveni signs
// ..."; but "Russian missiles hit Ukraine"): it weighs this much more for
// the focus.
constexpr double kHeadlineSubjectBonus = 1.5;
// The exchange a company's ticker names ("NAVISTAR <NAV>": New York) says
// where the story's company is when nothing else does: it weighs this much
// for the focus only.
constexpr double kListingFocusWeight = 0.5;

double FieldWeight(const TextField& f) {
  switch (f.kind) {
    case FieldKind::kHeadline:
      return 1.5;
    case FieldKind::kSubheadline:
      return 1.2;
    case FieldKind::kBody:
      return f.paragraph == 0 ? 1.2 : 1.0;
  }
  return 1.0;
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// The word after [.., end) when a single space separates it.
absl::string_view NextWord(absl::string_view text, size_t end) {
  if (end + 1 >= text.size() || text[end] != ' ') return {};
  size_t b = end + 1, e = b;
  while (e < text.size() && (absl::ascii_isalnum(text[e]) || text[e] == '-' ||
                             static_cast<unsigned char>(text[e]) >= 0x80)) {
    ++e;
  }
  return text.substr(b, e - b);
}

// The word before [begin, ..) when a single space separates it.
absl::string_view PreviousWord(absl::string_view text, size_t begin) {
  if (begin < 2 || text[begin - 1] != ' ') return {};
  size_t e = begin - 1, b = e;
  while (b > 0 && (absl::ascii_isalnum(text[b - 1]) || text[b - 1] == '-' ||
                   static_cast<unsigned char>(text[b - 1]) >= 0x80)) {
    --b;
  }
  return text.substr(b, e - b);
}

// Capitalised words that may stand next to a place name without making it
// part of a person's name.
bool IsPlaceNeighbour(absl::string_view w) {
  static const auto* const kWords = new absl::flat_hash_set<std::string>{
      "In",           "At",          "On",         "From",       "To",
      "Of",           "And",         "Or",         "The",        "For",
      "With",         "By",          "As",         "But",        "When",
      "While",        "After",       "Before",     "Since",      "Against",
      "Between",      "Near",        "Across",     "Outside",    "Inside",
      "Like",         "Unlike",      "Both",       "Including",  "Via",
      "Neighbouring", "Neighboring", "President",  "Prime",      "Minister",
      "King",         "Queen",       "Foreign",    "Defence",    "Defense",
      "Interior",     "Army",        "Police",     "Government", "Parliament",
      "Governor",     "Senator",     "State",      "Republic",   "Kingdom",
      "Embassy",      "Ambassador",  "Central",    "Bank",       "City",
      "Valley",       "River",       "Sea",        "Coast",      "Border",
      "Airport",      "Peninsula",   "Island",     "Islands",    "North",
      "South",        "East",        "West",       "Northern",   "Southern",
      "Eastern",      "Western",     "Court",      "National",   "Supreme",
      "Health",       "Finance",     "Trade",      "Energy",     "Ministry",
      "Military",     "Navy",        "Air",        "Crown",      "Prince",
      "Princess",     "Sultan",      "Emir",       "Lake",       "Gulf",
      "Port",         "University",  "Stock",      "Exchange",   "Congress",
      "Senate",       "Cabinet",     "Opposition", "General",    "Attorney",
      "Secretary",    "Chancellor",  "Mr",         "Mrs",        "Ms",
      "Dr",           "Sir",         "Lord",       "Monday",     "Tuesday",
      "Wednesday",    "Thursday",    "Friday",     "Saturday",   "Sunday",
      "January",      "February",    "March",      "April",      "May",
      "June",         "July",        "August",     "September",  "October",
      "November",     "December",    "I",          "A",          "An",
      "It",           "Its",         "This",       "That",       "Then",
      "Now",          "If",          "So",         "Yet"};
  return kWords->contains(w);
}

bool LooksLikePersonName(absl::string_view text, size_t begin, size_t end) {
  absl::string_view next = NextWord(text, end);
  if (!next.empty() && IsUpper(next[0]) && !IsPlaceNeighbour(next)) {
    return true;
  }
  absl::string_view prev = PreviousWord(text, begin);
  return !prev.empty() && IsUpper(prev[0]) && !IsPlaceNeighbour(prev);
}

// Verbs that make a capital stand for its government: "Beijing said".
bool IsGovernmentVerb(absl::string_view w) {
  static const auto* const kVerbs = new absl::flat_hash_set<std::string>{
      "said",      "says",       "say",       "has",        "have",
      "will",      "would",      "wants",     "wanted",     "warned",
      "warns",     "accused",    "accuses",   "denied",     "denies",
      "rejected",  "rejects",    "announced", "announces",  "insisted",
      "insists",   "urged",      "urges",     "demanded",   "demands",
      "responded", "responds",   "blamed",    "blames",     "condemned",
      "condemns",  "retaliated", "imposed",   "threatened", "threatens",
      "agreed",    "agrees",     "plans",     "expelled",   "summoned",
      "recalled",  "approved",   "sees",      "views",      "hopes",
      "fears",     "expects",    "signalled", "signaled",   "protested",
      "vowed",     "vows",       "dismissed", "welcomed",   "welcomes"};
  return kVerbs->contains(w);
}

// Words for a government, its leader or its envoys in the wire languages.
// A demonym next to one names the government that acts ("le président
// américain", "die deutsche Regierung", "российский президент",
// "الرئيس الأمريكي"): a headline's subject, as a name is; a demonym before
// anything else ("Russian missiles hit Ukraine") is not.
bool IsGovernmentWord(absl::string_view w) {
  static const auto* const kWords = new absl::flat_hash_set<std::string>{
      // en
      "president", "prime", "premier", "minister", "government", "chancellor",
      "foreign", "leader", "king", "officials", "authorities", "diplomats",
      "envoy", "ambassador", "delegation", "cabinet",
      // fr
      "président", "présidente", "ministre", "gouvernement", "chancelier",
      "chancelière", "chef", "dirigeant", "diplomatie", "roi", "autorités",
      "ambassadeur", "délégation", "homologue",
      // es, it, pt
      "presidente", "ministro", "ministra", "gobierno", "canciller",
      "mandatario", "jefe", "rey", "autoridades", "embajador", "delegación",
      "homólogo", "governo", "cancelliere", "capo", "autorità", "ambasciatore",
      "delegazione", "omologo", "chanceler", "chefe", "líder", "embaixador",
      "delegação", "primeiro-ministro", "premiê",
      // de
      "Regierung", "Präsident", "Präsidentin", "Kanzler", "Kanzlerin",
      "Minister", "Ministerin", "Außenminister", "Außenministerin",
      "Regierungschef", "Regierungschefin", "Staatschef", "Botschafter",
      "Delegation", "Ministerpräsident", "Premierminister",
      // ru
      "президент", "президента", "президентом", "премьер", "премьера",
      "министр", "министра", "правительство", "правительства", "власти",
      "властей", "лидер", "лидера", "глава", "главы", "посол", "посла",
      "делегация", "делегации", "МИД", "сторона", "стороны",
      // ar
      "الرئيس", "رئيس", "وزير", "الوزير", "الحكومة", "حكومة", "السلطات",
      "السفير", "الوفد", "الخارجية", "الملك"};
  return kWords->contains(w) || kWords->contains(absl::AsciiStrToLower(w));
}

// Picks the reading of an ambiguous word, or nullptr to drop it.
const AmbiguousReading* ChooseReading(const PlaceEntry& entry,
                                      const std::vector<bool>& context_present,
                                      bool person_like, bool for_dateline) {
  const AmbiguousReading* best = nullptr;
  int best_votes = 0;
  const AmbiguousReading* fallback = nullptr;
  for (const AmbiguousReading& r : entry.readings) {
    bool against = false;
    for (int id : r.votes_against) against |= context_present[id];
    if (against || (r.person && person_like)) continue;
    int votes = 0;
    for (int id : r.votes_for) votes += context_present[id] ? 1 : 0;
    if (votes > best_votes) {
      best = &r;
      best_votes = votes;
    }
    if (fallback == nullptr && (r.accept_by_default || for_dateline)) {
      fallback = &r;
    }
  }
  return best != nullptr ? best : fallback;
}

// Words that end a company's name: "Texas Eastern Corp", "Whitehall Corp".
bool IsCompanySuffix(absl::string_view w) {
  static const auto* const kSuffixes = new absl::flat_hash_set<std::string>{
      "corp", "corporation", "inc",        "incorporated", "co",  "cos",
      "ltd",  "plc",         "ag",         "nv",           "sa",  "spa",
      "ab",   "bancorp",     "bancshares", "holdings",     "llc", "lp"};
  return kSuffixes->contains(absl::AsciiStrToLower(absl::StripSuffix(w, ".")));
}

// True when the name at [begin, end) is part of a company's name: inside
// the angle brackets wire copy puts around one ("<Toronto Sun Publishing
// Corp>"), or followed, within two more capitalised words, by a company
// suffix ("Shanghai Banking Corp", "WHITEHALL CORP").
bool InCompanyName(absl::string_view text, size_t begin, size_t end,
                   bool all_caps) {
  const size_t open = text.rfind('<', begin);
  if (open != absl::string_view::npos) {
    const size_t close = text.find('>', open);
    if (close != absl::string_view::npos && close >= end) return true;
  }
  size_t pos = end;
  for (int words = 0; words < 3; ++words) {
    if (pos >= text.size() || text[pos] != ' ') return false;
    size_t b = pos + 1, e = b;
    while (e < text.size() && (absl::ascii_isalnum(text[e]) || text[e] == '&' ||
                               text[e] == '-' || text[e] == '.')) {
      ++e;
    }
    absl::string_view word = text.substr(b, e - b);
    if (word.empty() || (!all_caps && !IsUpper(word[0]) && word != "and")) {
      return false;
    }
    if (IsCompanySuffix(word)) return true;
    pos = e;
  }
  return false;
}

// The country of the exchange a wire ticker names: "<GWF>" and "<CDIN.O>"
// are New York listings, "<SNB.L>" London, "<CSS.TO>" Toronto (Reuters
// exchange suffixes). Returns "" for anything else in angle brackets.
std::string ListingCountry(absl::string_view ticker) {
  static const auto* const kSuffixes =
      new absl::flat_hash_map<std::string, std::string>{
          {"", "US"},   {"O", "US"},   {"N", "US"},  {"A", "US"},
          {"OB", "US"}, {"PK", "US"},  {"TO", "CA"}, {"M", "CA"},
          {"V", "CA"},  {"L", "GB"},   {"T", "JP"},  {"OS", "JP"},
          {"HK", "HK"}, {"HKG", "HK"}, {"AS", "NL"}, {"F", "DE"},
          {"D", "DE"},  {"S", "AU"},   {"AX", "AU"}, {"J", "ZA"},
          {"MN", "PH"}, {"ST", "SE"},  {"PA", "FR"}, {"MI", "IT"},
          {"Z", "CH"},  {"ZU", "CH"},  {"SI", "SG"}, {"KL", "MY"},
          {"BR", "BE"}, {"MC", "ES"},  {"OL", "NO"}, {"CO", "DK"},
          {"HE", "FI"}, {"WE", "NZ"},  {"NZ", "NZ"}};
  const size_t dot = ticker.find('.');
  absl::string_view symbol = ticker.substr(0, dot);
  absl::string_view exchange =
      dot == absl::string_view::npos ? "" : ticker.substr(dot + 1);
  if (symbol.empty() || symbol.size() > 6) return "";
  for (char c : symbol) {
    if (!IsUpper(c)) return "";
  }
  for (char c : exchange) {
    if (!IsUpper(c)) return "";
  }
  auto it = kSuffixes->find(std::string(exchange));
  return it == kSuffixes->end() ? "" : it->second;
}

// The first ticker in `text` and where it ends, or {"", npos}.
std::pair<std::string, size_t> FirstTicker(absl::string_view text) {
  for (size_t open = text.find('<'); open != absl::string_view::npos;
       open = text.find('<', open + 1)) {
    const size_t close = text.find('>', open);
    if (close == absl::string_view::npos) break;
    absl::string_view inside = text.substr(open + 1, close - open - 1);
    if (!ListingCountry(inside).empty()) {
      return {std::string(inside), close + 1};
    }
  }
  return {"", absl::string_view::npos};
}

// The place of a dateline in the forms Chinese, Japanese and Korean wire
// copy opens a story with: "【香港中通社3月31日電】", "中評社北京3月17日電",
// "新华社北京10月29日电" (agency, city, date, "dispatch"), "【ソウル聯合ニュ
// ース】" and "(워싱턴=연합뉴스)" (city and agency). Returns the part that
// holds the city ("香港中通社3月31日", "ソウル聯合ニュース", "워싱턴"), or
// "" when the paragraph opens with none ("据新华社电" names no city).
absl::string_view AgencyDatelinePart(absl::string_view paragraph) {
  constexpr size_t kMaxBytes = 60;  // about 20 characters of CJK text
  if (absl::StartsWith(paragraph, "【")) {
    const size_t close = paragraph.find("】");
    if (close == absl::string_view::npos || close > kMaxBytes) return {};
    return paragraph.substr(3, close - 3);
  }
  if (absl::StartsWith(paragraph, "(") || absl::StartsWith(paragraph, "（")) {
    const size_t open = paragraph[0] == '(' ? 1 : 3;
    const size_t eq = paragraph.find('=');
    const size_t close = paragraph.find_first_of(")）");
    if (eq == absl::string_view::npos || eq > kMaxBytes ||
        (close != absl::string_view::npos && close < eq)) {
      return {};
    }
    return paragraph.substr(open, eq - open);
  }
  // "...日电" / "...日電": a date, then the dispatch.
  for (absl::string_view dispatch : {"日电", "日電"}) {
    const size_t at = paragraph.find(dispatch);
    if (at != absl::string_view::npos && at <= kMaxBytes) {
      return paragraph.substr(0, at);
    }
  }
  return {};
}

struct Tally {
  double text = 0;      // evidence from the text
  double dateline = 0;  // evidence from the dateline
  double listing = 0;   // the story's company is listed in this country
  int mentions = 0;
  bool in_headline = false;
  int first_seen = 0;
  std::vector<std::string> evidence;
  void AddEvidence(std::string e) {
    if (std::find(evidence.begin(), evidence.end(), e) == evidence.end()) {
      evidence.push_back(std::move(e));
    }
  }
};

float Round3(double v) { return std::round(v * 1000.0) / 1000.0; }

}  // namespace

std::string CountryTagger::ResolveDateline(absl::string_view dateline) const {
  return ResolveDateline(
      dateline, std::vector<bool>(gazetteer_->context_phrases().size(), false));
}

std::string CountryTagger::ResolveDateline(
    absl::string_view dateline, std::vector<bool> context_present) const {
  dateline = absl::StripAsciiWhitespace(dateline);
  if (dateline.empty()) return "";
  // The dateline's own words are context too: "AUGUSTA, Georgia".
  std::vector<LiteralMatcher::Hit> hits;
  gazetteer_->matcher().Scan(dateline, &hits);
  for (const LiteralMatcher::Hit& hit : hits) {
    const int context = gazetteer_->pattern(hit.pattern).context;
    if (context >= 0) context_present[context] = true;
  }
  absl::string_view place = dateline, qualifier;
  if (size_t comma = dateline.find(','); comma != absl::string_view::npos) {
    place = absl::StripAsciiWhitespace(dateline.substr(0, comma));
    qualifier = absl::StripAsciiWhitespace(dateline.substr(comma + 1));
  }
  for (absl::string_view name : {qualifier, place}) {
    if (name.empty()) continue;
    const PlaceEntry* entry = gazetteer_->FindName(name);
    // "ROCHESTER, N.Y.", "OAK BROOK, ILL.": a state as datelines write it.
    if (entry == nullptr && name == qualifier) {
      entry = gazetteer_->FindDatelineQualifier(name);
    }
    if (entry == nullptr) continue;
    if (entry->readings.empty()) {
      return std::string(entry->code.substr(0, entry->code.find('+')));
    }
    const AmbiguousReading* r =
        ChooseReading(*entry, context_present, /*person_like=*/false,
                      /*for_dateline=*/true);
    if (r != nullptr) return r->code;
  }
  return "";
}

CountryTagging CountryTagger::Tag(const StoryText& text) const {
  const Gazetteer& g = *gazetteer_;
  struct Mention {
    int place;
    int field;
    uint32_t begin, end;
  };
  std::vector<Mention> mentions;
  std::vector<bool> context_present(g.context_phrases().size(), false);
  std::vector<LiteralMatcher::Hit> hits;
  for (size_t f = 0; f < text.fields.size(); ++f) {
    const TextField& field = text.fields[f];
    hits.clear();
    g.matcher().Scan(field.text, &hits);
    uint32_t covered_until = 0;
    for (const LiteralMatcher::Hit& hit : hits) {
      const PatternInfo& info = g.pattern(hit.pattern);
      if (info.context >= 0) context_present[info.context] = true;
      if (info.place < 0 && !info.blocker) continue;
      if (hit.begin < covered_until) continue;  // inside a longer name
      covered_until = hit.end;
      if (info.blocker) continue;
      // Names are proper nouns: "turkey", "nice", "reading" do not count.
      // (A name opening with a non-ASCII letter, "Ürümqi", is taken as
      // written.)
      // Names the data writes in lower case are adjectives of languages
      // that write them so ("russe", "chinesischen"): they count as
      // written.
      const unsigned char first = field.text[hit.begin];
      if (!field.all_caps && !IsUpper(first) && first < 0x80 &&
          (info.place < 0 || IsUpper(g.places()[info.place].name[0]))) {
        continue;
      }
      if (InCompanyName(field.text, hit.begin, hit.end, field.all_caps)) {
        continue;
      }
      mentions.push_back({info.place, static_cast<int>(f), hit.begin, hit.end});
    }
  }

  // The story's company: the first ticker of the headline, else of the
  // lead. A headline that opens with a company ("AMERICAN CYANAMID <ACY>
  // BUYS U.K. COMPANY") has the company, not a place after it, as subject.
  std::string ticker;
  size_t headline_ticker_end = std::string::npos;
  for (const TextField& field : text.fields) {
    if (field.kind == FieldKind::kBody && field.paragraph > 0) break;
    auto [t, end] = FirstTicker(field.text);
    if (t.empty()) continue;
    ticker = t;
    if (field.kind == FieldKind::kHeadline) headline_ticker_end = end;
    break;
  }

  std::map<std::string, Tally> tallies;
  std::string headline_subject;
  int order = 0;
  for (size_t i = 0; i < mentions.size(); ++i) {
    const Mention& m = mentions[i];
    const PlaceEntry& entry = g.places()[m.place];
    const TextField& field = text.fields[m.field];
    const bool after_headline_company =
        field.kind == FieldKind::kHeadline &&
        headline_ticker_end != std::string::npos &&
        m.begin >= headline_ticker_end;
    // An institution right after a place ("俄罗斯外交部", "중국 외교부",
    // "ロシア外務省") is that place's: it adds nothing of its own.
    if (entry.kind == PlaceKind::kInstitution && i > 0 &&
        mentions[i - 1].field == m.field &&
        (mentions[i - 1].end == m.begin ||
         (mentions[i - 1].end + 1 == m.begin &&
          field.text[mentions[i - 1].end] == ' '))) {
      continue;
    }
    std::string code = entry.code;
    if (!entry.readings.empty()) {
      // Only a capitalised word can be part of a name: "russo" (the
      // Portuguese demonym) before "Vladimir Putin" is not the surname.
      const bool person_like = field.kind == FieldKind::kBody &&
                               IsUpper(field.text[m.begin]) &&
                               LooksLikePersonName(field.text, m.begin, m.end);
      const AmbiguousReading* r =
          ChooseReading(entry, context_present, person_like, false);
      if (r == nullptr) continue;
      code = r->code;
    }
    const bool names_government =
        entry.kind == PlaceKind::kDemonym &&
        (IsGovernmentWord(NextWord(field.text, m.end)) ||
         IsGovernmentWord(PreviousWord(field.text, m.begin)));
    std::string surface = field.text.substr(m.begin, m.end - m.begin);
    double weight = KindWeight(entry.kind);
    if (entry.kind == PlaceKind::kCapital &&
        IsGovernmentVerb(NextWord(field.text, m.end))) {
      weight = kGovernmentWeight;
      surface += " (government)";
    }
    // A name may stand for several countries at once: "日米" (Japan and
    // the US), "한미" (South Korea and the US).
    for (absl::string_view one : absl::StrSplit(code, '+')) {
      auto [it, inserted] = tallies.try_emplace(std::string(one));
      Tally& t = it->second;
      if (inserted) t.first_seen = order;
      ++order;
      t.text += weight * FieldWeight(field);
      ++t.mentions;
      t.in_headline |= field.kind == FieldKind::kHeadline;
      if (field.kind == FieldKind::kHeadline && headline_subject.empty() &&
          (entry.kind != PlaceKind::kDemonym || names_government) &&
          !after_headline_company) {
        headline_subject = std::string(one);
      }
      t.AddEvidence(surface);
    }
  }

  std::string dateline = text.dateline;
  std::string dateline_code = ResolveDateline(dateline, context_present);
  if (dateline.empty()) {
    // Chinese, Japanese and Korean copy: the agency's dateline at the
    // start of the lead names its city; the first place in it decides.
    // Copy labelled by the guide reads it as the agency's credit, not as
    // a place the story names, so it weighs for a country the text names
    // and adds none by itself.
    for (const TextField& field : text.fields) {
      if (field.kind != FieldKind::kBody) continue;
      const absl::string_view part = AgencyDatelinePart(field.text);
      hits.clear();
      g.matcher().Scan(part, &hits);
      for (const LiteralMatcher::Hit& hit : hits) {
        const PatternInfo& info = g.pattern(hit.pattern);
        if (info.place < 0 || info.blocker) continue;
        const std::string place(part.substr(hit.begin, hit.end - hit.begin));
        const std::string code = ResolveDateline(place, context_present);
        if (tallies.count(code) > 0) {
          dateline = place;
          dateline_code = code;
        }
        break;
      }
      break;  // only the lead
    }
  }
  if (!dateline_code.empty()) {
    auto [it, inserted] = tallies.try_emplace(dateline_code);
    Tally& t = it->second;
    if (inserted) t.first_seen = order++;
    t.dateline = kDatelineWeight;
    ++t.mentions;
    t.evidence.insert(t.evidence.begin(),
                      absl::StrCat(dateline, " (dateline)"));
  }

  if (!ticker.empty()) {
    auto [it, inserted] = tallies.try_emplace(ListingCountry(ticker));
    if (inserted) it->second.first_seen = order++;
    it->second.listing = kListingFocusWeight;
    it->second.AddEvidence(absl::StrCat("<", ticker, "> (listing)"));
  }

  const double dateline_bonus = headline_ticker_end != std::string::npos
                                    ? kCompanyDatelineFocusBonus
                                    : kDatelineFocusBonus;
  CountryTagging out;
  double best = -1;
  int best_seen = 0;
  for (const auto& [code, t] : tallies) {
    const double focus_weight =
        t.text + t.listing + (t.dateline > 0 ? dateline_bonus : 0) +
        (code == headline_subject ? kHeadlineSubjectBonus : 0);
    if (focus_weight > best ||
        (focus_weight == best && t.first_seen < best_seen)) {
      best = focus_weight;
      best_seen = t.first_seen;
      out.focus_country = code;
    }
  }
  const double focus_text =
      out.focus_country.empty() ? 0 : tallies[out.focus_country].text;

  std::map<std::string, float> region_scores;
  for (const auto& [code, t] : tallies) {
    // A listing alone names no country unless it decided the focus.
    if (t.text == 0 && t.dateline == 0 && code != out.focus_country) continue;
    const Country* country = g.FindCountry(code);
    CountryScore cs;
    cs.set_code(code);
    cs.set_name(country != nullptr ? country->name : code);
    const double evidence = t.text + t.dateline;
    const float score =
        Round3(1.0 - std::exp(-(evidence > 0 ? evidence : t.listing) / 2.0));
    cs.set_score(score);
    cs.set_mentions(t.mentions);
    // A country known only from the dateline is where the story was
    // filed, even when it is the focus for want of any other.
    const bool subject =
        (t.text > 0 && (code == out.focus_country || t.in_headline ||
                        t.text >= 0.5 * focus_text)) ||
        evidence == 0;  // the focus by its company's listing alone
    cs.set_role(subject          ? wirestream::v1::COUNTRY_ROLE_SUBJECT
                : t.dateline > 0 ? wirestream::v1::COUNTRY_ROLE_DATELINE
                                 : wirestream::v1::COUNTRY_ROLE_MENTION);
    for (const std::string& e : t.evidence) cs.add_evidence(e);
    out.countries.push_back(std::move(cs));
    if (country != nullptr) {
      for (const std::string& r : country->regions) {
        float& s = region_scores[r];
        s = std::max(s, score);
      }
    }
  }
  std::sort(out.countries.begin(), out.countries.end(),
            [](const CountryScore& a, const CountryScore& b) {
              if (a.score() != b.score()) return a.score() > b.score();
              return a.code() < b.code();
            });
  for (const auto& [code, score] : region_scores) {
    const Region* region = g.FindRegion(code);
    if (region == nullptr) continue;
    RegionScore rs;
    rs.set_m49_code(code);
    rs.set_name(region->name);
    rs.set_level(region->level);
    rs.set_score(score);
    out.regions.push_back(std::move(rs));
  }
  std::sort(out.regions.begin(), out.regions.end(),
            [](const RegionScore& a, const RegionScore& b) {
              if (a.score() != b.score()) return a.score() > b.score();
              if (a.level() != b.level()) return a.level() < b.level();
              return a.m49_code() < b.m49_code();
            });
  return out;
}

}  // namespace wirestream::classify
