#include "pipeline/stages/classify/gazetteer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wirestream::classify {
namespace {

// Calls `row` for each non-comment, non-blank line split on tabs.
absl::Status ForEachRow(
    absl::string_view file_name, absl::string_view contents, size_t min_columns,
    const std::function<absl::Status(const std::vector<std::string>&)>& row) {
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    line = absl::StripTrailingAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> columns = absl::StrSplit(line, '\t');
    if (columns.size() < min_columns) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_name, ":", line_number, ": expected ", min_columns,
                       " tab-separated columns"));
    }
    absl::Status status = row(columns);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_name, ":", line_number, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

// "W. Va." -> "wva".
std::string QualifierKey(absl::string_view name) {
  std::string key;
  for (char c : name) {
    if (c != '.' && c != ' ') key.push_back(absl::ascii_tolower(c));
  }
  return key;
}

// True for a name of exactly two CJK unified ideographs (three UTF-8
// bytes each: U+4E00..U+9FFF is E4 B8 80 .. E9 BF BF).
bool IsTwoHanCharacters(absl::string_view name) {
  if (name.size() != 6) return false;
  for (size_t i = 0; i < 6; i += 3) {
    const unsigned char lead = name[i];
    if (lead < 0xE4 || lead > 0xE9) return false;
  }
  return true;
}

std::string Key(absl::string_view name, PlaceKind kind) {
  if (kind == PlaceKind::kAbbreviation) return absl::StrCat("=", name);
  return absl::AsciiStrToLower(name);
}

}  // namespace

absl::StatusOr<PlaceKind> ParsePlaceKind(absl::string_view name) {
  static const std::pair<const char*, PlaceKind> kKinds[] = {
      {"country", PlaceKind::kCountry},
      {"abbreviation", PlaceKind::kAbbreviation},
      {"exonym", PlaceKind::kExonym},
      {"demonym", PlaceKind::kDemonym},
      {"capital", PlaceKind::kCapital},
      {"city", PlaceKind::kCity},
      {"subdivision", PlaceKind::kSubdivision},
      {"institution", PlaceKind::kInstitution},
      {"dateline", PlaceKind::kDatelineQualifier}};
  for (const auto& [n, kind] : kKinds) {
    if (name == n) return kind;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown kind \"", name, "\""));
}

absl::StatusOr<std::unique_ptr<Gazetteer>> Gazetteer::Create(
    const GazetteerSources& sources) {
  auto g = std::unique_ptr<Gazetteer>(new Gazetteer());
  absl::Status status =
      ForEachRow("regions.tsv", sources.regions_tsv, 3, [&](const auto& c) {
        Region r;
        r.code = c[0];
        r.name = c[2];
        if (c[1] == "continent") {
          r.level = wirestream::v1::REGION_LEVEL_CONTINENT;
        } else if (c[1] == "subregion") {
          r.level = wirestream::v1::REGION_LEVEL_SUBREGION;
        } else {
          return absl::InvalidArgumentError(
              absl::StrCat("unknown level \"", c[1], "\""));
        }
        g->regions_[r.code] = r;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  status =
      ForEachRow("countries.tsv", sources.countries_tsv, 3, [&](const auto& c) {
        Country country;
        country.code = c[0];
        country.name = c[2];
        if (c.size() > 3 && !c[3].empty()) {
          country.regions = absl::StrSplit(c[3], ',');
        }
        for (const std::string& r : country.regions) {
          if (!g->regions_.contains(r)) {
            return absl::InvalidArgumentError(
                absl::StrCat("unknown region ", r));
          }
        }
        g->countries_[country.code] = std::move(country);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (g->countries_.empty()) {
    return absl::InvalidArgumentError("countries.tsv lists no country");
  }

  bool hand_kept = false;
  auto add_place = [&](const std::vector<std::string>& c) -> absl::Status {
    // "JP+US": a name that stands for several countries ("日米").
    for (absl::string_view code : absl::StrSplit(c[1], '+')) {
      if (!g->countries_.contains(code)) {
        return absl::InvalidArgumentError(
            absl::StrCat("unknown country code ", code));
      }
    }
    absl::StatusOr<PlaceKind> kind = ParsePlaceKind(c[2]);
    if (!kind.ok()) return kind.status();
    PlaceEntry entry{c[0], c[1], *kind, {}, hand_kept};
    if (*kind == PlaceKind::kDatelineQualifier) {
      g->dateline_qualifiers_[QualifierKey(c[0])] = std::move(entry);
      return absl::OkStatus();
    }
    const std::string key = Key(c[0], *kind);
    auto it = g->place_by_key_.find(key);
    if (it != g->place_by_key_.end()) {
      g->places_[it->second] = std::move(entry);  // later files win
    } else {
      g->place_by_key_[key] = g->places_.size();
      g->places_.push_back(std::move(entry));
    }
    return absl::OkStatus();
  };
  status = ForEachRow("gazetteer.tsv", sources.gazetteer_tsv, 3, add_place);
  if (!status.ok()) return status;
  hand_kept = true;
  status = ForEachRow("places.tsv", sources.places_tsv, 3, add_place);
  if (!status.ok()) return status;

  absl::flat_hash_map<std::string, int> context_by_key;
  auto context_ids = [&](absl::string_view list) {
    std::vector<int> ids;
    if (list == "-" || list.empty()) return ids;
    for (absl::string_view phrase : absl::StrSplit(list, ',')) {
      phrase = absl::StripAsciiWhitespace(phrase);
      if (phrase.empty()) continue;
      std::string key = absl::AsciiStrToLower(phrase);
      auto [it, inserted] =
          context_by_key.try_emplace(key, g->context_phrases_.size());
      if (inserted) g->context_phrases_.push_back(std::string(phrase));
      ids.push_back(it->second);
    }
    return ids;
  };
  status =
      ForEachRow("ambiguous.tsv", sources.ambiguous_tsv, 6, [&](const auto& c) {
        if (!g->countries_.contains(c[1])) {
          return absl::InvalidArgumentError(
              absl::StrCat("unknown country code ", c[1]));
        }
        if (c[2] != "accept" && c[2] != "reject") {
          return absl::InvalidArgumentError(
              absl::StrCat("default must be accept or reject, not ", c[2]));
        }
        AmbiguousReading reading;
        reading.code = c[1];
        reading.accept_by_default = c[2] == "accept";
        reading.votes_for = context_ids(c[3]);
        reading.votes_against = context_ids(c[4]);
        for (absl::string_view flag : absl::StrSplit(c[5], ',')) {
          if (flag == "person") {
            reading.person = true;
          } else if (flag != "-") {
            return absl::InvalidArgumentError(
                absl::StrCat("unknown flag ", flag));
          }
        }
        const std::string key = absl::AsciiStrToLower(c[0]);
        auto it = g->place_by_key_.find(key);
        if (it == g->place_by_key_.end()) {
          it = g->place_by_key_.emplace(key, g->places_.size()).first;
          g->places_.push_back({c[0], c[1], PlaceKind::kCity, {}});
        }
        g->places_[it->second].readings.push_back(std::move(reading));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;

  // One pattern per distinct text: places, blockers, context phrases.
  std::vector<LiteralMatcher::Pattern> patterns;
  absl::flat_hash_map<std::string, uint32_t> pattern_by_key;
  auto pattern_for = [&](absl::string_view text, bool caseless, bool han_word) {
    std::string key =
        caseless ? absl::AsciiStrToLower(text) : absl::StrCat("=", text);
    auto [it, inserted] = pattern_by_key.try_emplace(key, patterns.size());
    if (inserted) {
      patterns.push_back({std::string(text), caseless, han_word});
      g->patterns_.emplace_back();
    }
    return it->second;
  };
  for (size_t i = 0; i < g->places_.size(); ++i) {
    const PlaceEntry& p = g->places_[i];
    // Generated names of two Han characters are found inside other words
    // ("海地" Haiti in "东海地区"): they must be words of their own. The
    // hand-kept ones (日米, 访华, 中方) were chosen as they are.
    const bool han_word = !p.hand_kept && IsTwoHanCharacters(p.name);
    g->patterns_[pattern_for(p.name, p.kind != PlaceKind::kAbbreviation,
                             han_word)]
        .place = i;
  }
  for (absl::string_view line : absl::StrSplit(sources.blockers_txt, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    g->patterns_[pattern_for(line, true, false)].blocker = true;
  }
  for (size_t i = 0; i < g->context_phrases_.size(); ++i) {
    g->patterns_[pattern_for(g->context_phrases_[i], true, false)].context = i;
  }
  absl::StatusOr<std::unique_ptr<LiteralMatcher>> matcher =
      LiteralMatcher::Create(patterns);
  if (!matcher.ok()) return matcher.status();
  g->matcher_ = *std::move(matcher);
  return g;
}

const Country* Gazetteer::FindCountry(absl::string_view code) const {
  auto it = countries_.find(code);
  return it == countries_.end() ? nullptr : &it->second;
}

const Region* Gazetteer::FindRegion(absl::string_view code) const {
  auto it = regions_.find(code);
  return it == regions_.end() ? nullptr : &it->second;
}

std::vector<std::string> Gazetteer::ContinentNames() const {
  std::vector<std::string> names;
  for (const auto& [code, region] : regions_) {
    if (region.level == wirestream::v1::REGION_LEVEL_CONTINENT) {
      names.push_back(region.name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

const PlaceEntry* Gazetteer::FindName(absl::string_view name) const {
  auto it = place_by_key_.find(absl::StrCat("=", name));
  if (it == place_by_key_.end()) {
    it = place_by_key_.find(absl::AsciiStrToLower(name));
  }
  return it == place_by_key_.end() ? nullptr : &places_[it->second];
}

const PlaceEntry* Gazetteer::FindDatelineQualifier(
    absl::string_view name) const {
  auto it = dateline_qualifiers_.find(QualifierKey(name));
  return it == dateline_qualifiers_.end() ? nullptr : &it->second;
}

}  // namespace wirestream::classify
