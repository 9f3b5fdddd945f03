// File: tools/loadgen/news_vocabulary.h
//
// The words loadgen writes stories with: news desks (each with its own
// actors, actions, subjects and words), companies and institutions made up
// from name parts, people, places. A story draws its own subject, people
// and place and a share of one desk's words, so two stories share about as
// much vocabulary as two real wire stories do: the function words and
// some of a desk's terms, not whole sentences. All names are invented;
// the places are real.
//
//   const Desk& desk = Desks()[i];
//   std::string company = OrganisationName(random);
#ifndef WIRESTREAM_TOOLS_LOADGEN_NEWS_VOCABULARY_H_
#define WIRESTREAM_TOOLS_LOADGEN_NEWS_VOCABULARY_H_

#include <random>
#include <string>
#include <vector>

#include "absl/types/span.h"

namespace wirestream::tools::loadgen {

// One news desk's vocabulary.
struct Desk {
  const char* name;
  // Who acts: "the central bank", "regulators".
  std::vector<const char*> actors;
  // Past-tense actions: "raised", "approved".
  std::vector<const char*> actions;
  // What they act on: "its benchmark rate", "a merger".
  std::vector<const char*> objects;
  // Words of the desk's stories: "inflation", "bond yields".
  std::vector<const char*> terms;
  // Units for its figures: "jobs", "tonnes".
  std::vector<const char*> units;
};

struct Place {
  const char* city;
  const char* country;
};

// Returns the desks (ten).
absl::Span<const Desk> Desks();
// Returns the places (cities with their countries).
absl::Span<const Place> Places();

// Returns an invented company or institution name ("Harbourline Freight
// Group"), one of several thousand.
std::string OrganisationName(std::mt19937_64& random);
// Returns an invented person's name, one of several thousand.
std::string PersonName(std::mt19937_64& random);
// Returns a job title ("chief executive of", "a spokeswoman for").
const char* Role(std::mt19937_64& random);
// Returns a general word for background sentences ("years", "region").
const char* BackgroundWord(std::mt19937_64& random);
// Returns a quote ending without punctuation.
const char* Quote(std::mt19937_64& random);
// Returns a time phrase ("on Tuesday", "late on Sunday").
const char* TimePhrase(std::mt19937_64& random);

}  // namespace wirestream::tools::loadgen

#endif  // WIRESTREAM_TOOLS_LOADGEN_NEWS_VOCABULARY_H_
