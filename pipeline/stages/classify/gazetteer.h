// File: pipeline/stages/classify/gazetteer.h
//
// Gazetteer holds classify's place knowledge: countries (ISO 3166-1
// alpha-2) with their UN M49 regions, every name that points at a country
// (names, abbreviations, exonyms, demonyms, capitals, cities,
// subdivisions, institutions), the ambiguous words and the rules that
// resolve them, and the blocker phrases ("Air France") that hide place
// names inside them. All names are compiled into one LiteralMatcher, so a
// story is scanned once per field whatever the number of names.
//
//   GazetteerSources sources = ...;  // the data/ files' contents
//   auto gazetteer = Gazetteer::Create(sources);
//   const PlaceEntry* paris = (*gazetteer)->FindName("PARIS");
//
// Immutable after Create; thread-safe.
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_GAZETTEER_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_GAZETTEER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pipeline/stages/classify/literal_matcher.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::classify {

// The contents of the gazetteer's data files (see data/README.md).
struct GazetteerSources {
  std::string countries_tsv;
  std::string regions_tsv;
  std::string gazetteer_tsv;
  std::string places_tsv;
  std::string ambiguous_tsv;
  std::string blockers_txt;
};

enum class PlaceKind {
  kCountry,
  kAbbreviation,
  kExonym,
  kDemonym,
  kCapital,
  kCity,
  kSubdivision,
  kInstitution,
  // A state or province as a dateline abbreviates it ("N.Y.", "Calif.",
  // "Ont."): read only as a dateline's qualifier, never scanned in text.
  kDatelineQualifier,
};

// Returns the kind named `name` in the data files ("country", "city" ...).
absl::StatusOr<PlaceKind> ParsePlaceKind(absl::string_view name);

struct Country {
  std::string code;
  std::string name;
  // M49 region codes, finest first (e.g. "014", "202", "002").
  std::vector<std::string> regions;
};

struct Region {
  std::string code;
  std::string name;
  wirestream::v1::RegionLevel level = wirestream::v1::REGION_LEVEL_UNSPECIFIED;
};

// One reading of an ambiguous word (a row of ambiguous.tsv).
struct AmbiguousReading {
  std::string code;
  bool accept_by_default = false;
  // Indexes into Gazetteer::context_phrases().
  std::vector<int> votes_for;
  std::vector<int> votes_against;
  // Drop when it reads as part of a person's name.
  bool person = false;
};

// A name that points at a country.
struct PlaceEntry {
  std::string name;
  // ISO alpha-2; several joined by '+' for a name that stands for all of
  // them ("日米": "JP+US").
  std::string code;
  PlaceKind kind = PlaceKind::kCity;
  // Non-empty for ambiguous words: the readings to choose from.
  std::vector<AmbiguousReading> readings;
  // From the hand-kept places.tsv rather than the generated gazetteer.tsv.
  bool hand_kept = false;
};

// What a matcher pattern stands for. A pattern may be a place name, a
// blocker and a context phrase at once.
struct PatternInfo {
  int place = -1;  // index into places(), or -1
  bool blocker = false;
  int context = -1;  // index into context_phrases(), or -1
};

class Gazetteer {
 public:
  // Returns a gazetteer built from `sources`, or INVALID_ARGUMENT naming
  // the file and line that is malformed (unknown country code, unknown
  // kind, missing column).
  static absl::StatusOr<std::unique_ptr<Gazetteer>> Create(
      const GazetteerSources& sources);

  const LiteralMatcher& matcher() const { return *matcher_; }
  const PatternInfo& pattern(uint32_t id) const { return patterns_[id]; }
  const std::vector<PlaceEntry>& places() const { return places_; }
  const std::vector<std::string>& context_phrases() const {
    return context_phrases_;
  }

  // Returns the country with ISO code `code`, or nullptr.
  const Country* FindCountry(absl::string_view code) const;
  // Returns the M49 region `code`, or nullptr.
  const Region* FindRegion(absl::string_view code) const;
  // Returns the place entry whose name is `name` regardless of ASCII case
  // (exact case for abbreviations), or nullptr.
  const PlaceEntry* FindName(absl::string_view name) const;
  // Returns the dateline qualifier `name` stands for ("N.Y.", "N.Y", "ny",
  // "W. Va."; ASCII case, dots and spaces ignored), or nullptr.
  const PlaceEntry* FindDatelineQualifier(absl::string_view name) const;

  size_t country_count() const { return countries_.size(); }

  // Returns the names of the M49 continents, sorted.
  std::vector<std::string> ContinentNames() const;

 private:
  Gazetteer() = default;

  absl::flat_hash_map<std::string, Country> countries_;
  absl::flat_hash_map<std::string, Region> regions_;
  std::vector<PlaceEntry> places_;
  std::vector<std::string> context_phrases_;
  std::vector<PatternInfo> patterns_;
  // Lower-cased name (exact for abbreviations, prefixed "=") → place.
  absl::flat_hash_map<std::string, int> place_by_key_;
  // Dateline qualifiers by lower-cased name without dots and spaces.
  absl::flat_hash_map<std::string, PlaceEntry> dateline_qualifiers_;
  std::unique_ptr<LiteralMatcher> matcher_;
};

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_GAZETTEER_H_
