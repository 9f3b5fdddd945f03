// File: pipeline/stages/classify/country_tagger.h
//
// CountryTagger finds the countries a story is filed from, is about and
// mentions, from the gazetteer's names, and rolls them up to UN M49
// subregions and continents.
//
//   CountryTagger tagger(gazetteer.get());
//   CountryTagging tagging = tagger.Tag(ExtractStoryText(story));
//   // For "KYIV, Ukraine (AP) - Ukrainian officials said Russian drones
//   // ...": tagging.focus_country == "UA", tagging.countries[0].evidence()
//   // == {"KYIV, Ukraine (dateline)", "Ukrainian"}, countries[1] is RU.
//
// How it decides (weights in country_tagger.cc):
//   - evidence: each name counts by kind (country names and abbreviations
//     strongest, then capitals used as governments — "Beijing said" —,
//     institutions, demonyms, capitals, subdivisions, cities), more in the
//     headline and the lead; blockers ("Air France") and lower-case uses
//     of a name count nothing; ambiguous words count only when their rule
//     in ambiguous.tsv accepts them;
//   - place names inside company names count nothing ("<Toronto Sun
//     Publishing Corp>", "WHITEHALL CORP");
//   - the dateline is the strongest single piece of evidence; wire state
//     abbreviations qualify it ("ROCHESTER, N.Y.");
//   - score = 1 - exp(-evidence / 2), in 0..1;
//   - focus: the country with the most text evidence (the dateline breaks
//     ties and decides when the text names no country; in a company's
//     story it weighs more, and the exchange of the company's ticker,
//     "NAVISTAR <NAV>", decides when nothing else does);
//   - role: SUBJECT for the focus, countries in the headline and countries
//     with at least half the focus's text evidence (a country the text
//     never names is no subject); else DATELINE for the dateline's
//     country; else MENTION.
//
// Thread-safe; the gazetteer must outlive the tagger.
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_COUNTRY_TAGGER_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_COUNTRY_TAGGER_H_

#include <string>
#include <vector>

#include "pipeline/stages/classify/gazetteer.h"
#include "pipeline/stages/classify/story_text.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::classify {

struct CountryTagging {
  // Highest score first; ties by code.
  std::vector<wirestream::v1::CountryScore> countries;
  // Highest score first, subregions before continents; ties by code.
  std::vector<wirestream::v1::RegionScore> regions;
  // ISO code of the country the story is mainly about; empty when none.
  std::string focus_country;
};

class CountryTagger {
 public:
  explicit CountryTagger(const Gazetteer* gazetteer) : gazetteer_(gazetteer) {}

  // Returns the countries and regions of `text`.
  CountryTagging Tag(const StoryText& text) const;

  // Returns the country code `dateline` resolves to ("KYIV, Ukraine" →
  // "UA", "PARIS" → "FR"), or "" when it names no known place. An
  // ambiguous name ("AUGUSTA, Georgia") takes the reading the words of the
  // dateline itself vote for, else the first reading.
  std::string ResolveDateline(absl::string_view dateline) const;

 private:
  // As above, with the context phrases found in the story.
  std::string ResolveDateline(absl::string_view dateline,
                              std::vector<bool> context_present) const;

 public:
 private:
  const Gazetteer* gazetteer_;
};

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_COUNTRY_TAGGER_H_
