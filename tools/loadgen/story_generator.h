// File: tools/loadgen/story_generator.h
//
// Synthetic wire stories for load tests: news-like headlines and
// paragraphs (datelines, officials, figures, quotes) of realistic length and
// vocabulary (news_vocabulary.h: each story has its own subject, people and
// place and a share of one desk's words), in
// the formats feeds send, with a controlled share of the traffic dedup
// exists for: re-sends of a story already sent, corrections (a new version
// of it) and rewrites (another agency's take on the same facts).
//
//   StoryGeneratorOptions options;
//   options.resend_rate = 0.05;
//   StoryGenerator generator(options, /*seed=*/42);
//   GeneratedStory story = generator.Next();   // story.raw -> wire.raw
//
// Deterministic for a seed. Not thread-safe.
#ifndef WIRESTREAM_TOOLS_LOADGEN_STORY_GENERATOR_H_
#define WIRESTREAM_TOOLS_LOADGEN_STORY_GENERATOR_H_

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "wirestream/v1/raw_story.pb.h"

namespace wirestream::tools::loadgen {

enum class StoryKind { kNew, kResend, kCorrection, kRewrite };

absl::string_view StoryKindName(StoryKind kind);

struct StoryGeneratorOptions {
  // Shares of the stories (0..1, summing to at most 1); the rest are new.
  double resend_rate = 0.05;
  double correction_rate = 0.02;
  double rewrite_rate = 0.03;
  // Formats and their relative weights.
  std::vector<std::pair<v1::WireFormat, double>> formats = {
      {v1::WIRE_FORMAT_NINJS, 1}, {v1::WIRE_FORMAT_NEWSML_G2, 1},
      {v1::WIRE_FORMAT_NITF, 1},  {v1::WIRE_FORMAT_PLAIN_TEXT, 1},
      {v1::WIRE_FORMAT_HTML, 1},
  };
  // Re-sends, corrections and rewrites pick from this many recent stories.
  int memory = 1000;
  // The first story's time; each next one is a few seconds later.
  absl::Time start = absl::FromUnixSeconds(1793491200);
};

// INVALID_ARGUMENT for rates outside 0..1 or summing above 1, no formats,
// a format loadgen does not write, or a negative weight.
absl::Status ValidateOptions(const StoryGeneratorOptions& options);

// Parses "ninjs:3,html:1,text" (weight 1 when left out) into formats.
absl::StatusOr<std::vector<std::pair<v1::WireFormat, double>>> ParseFormatMix(
    absl::string_view text);

struct GeneratedStory {
  StoryKind kind = StoryKind::kNew;
  // The agency's story id (kept by re-sends and corrections).
  std::string story_id;
  int version = 1;
  std::string headline;
  // Ready for wire.raw: feed_item_id, source, format, payload, received_at.
  v1::RawStory raw;
};

class StoryGenerator {
 public:
  // `options` must pass ValidateOptions.
  StoryGenerator(StoryGeneratorOptions options, uint64_t seed);

  GeneratedStory Next();

 private:
  struct Facts {
    std::string story_id;
    std::string source;
    int version = 1;
    std::string city;
    std::string country;
    // Index into Desks().
    size_t desk = 0;
    // The company or institution the story is about, another one it
    // quotes, its people, and the desk words it uses.
    std::string subject;
    std::string other_organisation;
    std::vector<std::string> people;
    std::vector<const char*> terms;
    std::string headline;
    std::vector<std::string> paragraphs;
    v1::WireFormat format;
    absl::Time created;
  };

  Facts NewFacts();
  std::string Sentence(const Facts& facts);
  v1::WireFormat PickFormat();
  GeneratedStory Render(const Facts& facts, StoryKind kind);
  size_t Pick(size_t n);

  StoryGeneratorOptions options_;
  std::mt19937_64 random_;
  std::deque<Facts> recent_;
  std::deque<GeneratedStory> recent_sent_;
  int64_t serial_ = 0;
  absl::Time clock_;
};

}  // namespace wirestream::tools::loadgen

#endif  // WIRESTREAM_TOOLS_LOADGEN_STORY_GENERATOR_H_
