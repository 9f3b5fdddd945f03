// File: pipeline/stages/normalize/normalizer.h
//
// The normalize stage's domain logic: one RawStory in, one canonical Story
// out, or a dead-letter status that says precisely why not.
//
//   absl::StatusOr<std::unique_ptr<Normalizer>> normalizer =
//       Normalizer::Create(NormalizerConfig{});
//   absl::StatusOr<v1::Story> story = (*normalizer)->Normalize(raw);
//   if (!story.ok()) {
//     DeadLetterReason reason = runtime::DeadLetterReasonOf(story.status());
//   }
//
// Steps:
//   1. size: larger than max_payload_bytes → OVERSIZED_RECORD; nothing but
//      white space → EMPTY_STORY; binary data (gzip, PDF, NUL bytes) →
//      UNKNOWN_FORMAT (MALFORMED_PAYLOAD when the feed declared a format).
//   2. text: a declared charset is converted with ICU; undeclared bytes must
//      be UTF-8. Invalid bytes are repaired (read as Windows-1252) when they
//      are at most max_invalid_utf8_fraction of the payload, else the story
//      is dead-lettered with INVALID_UTF8; InvalidUtf8Policy::kReject
//      dead-letters any invalid byte.
//   3. format: the one declared on the RawStory wins; else it is detected
//      (format_detection.h). None → UNKNOWN_FORMAT. A payload that opens
//      like markup but reads as text ("<ACME CORP> SETS QUARTERLY PAYOUT")
//      is plain text, noted in the Story's attributes
//      (kFormatFallbackAttribute).
//   4. parsing with the format's parser; broken syntax → MALFORMED_PAYLOAD
//      with the byte offset ("NITF: XML error at byte 1042: ...").
//   5. finishing: display text NFC with white space collapsed; the
//      dateline, byline, attribution lines and end markers moved out of the
//      paragraphs (story_text.h); language from the feed or CLD2;
//      normalized_text; the envelope's source, feed item id, received_at
//      and URL; Story.id.
//   6. a story with neither headline nor paragraphs → EMPTY_STORY, unless
//      it is a kill (withheld or canceled), which needs no text.
//
// Thread-safe: Normalize may be called from several threads at once.
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NORMALIZER_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NORMALIZER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pipeline/stages/normalize/payload_decoding.h"
#include "wirestream/v1/raw_story.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::normalize {

// Story.attributes key set to "plain_text" when a payload that opened like
// markup was read as plain text; kFormatFallbackReasonAttribute says why.
inline constexpr char kFormatFallbackAttribute[] = "normalize.format_fallback";
inline constexpr char kFormatFallbackReasonAttribute[] =
    "normalize.format_fallback_reason";

struct NormalizerConfig {
  // Payloads larger than this are dead-lettered with OVERSIZED_RECORD.
  size_t max_payload_bytes = 10 * 1024 * 1024;
  // What to do with payload bytes that are not valid UTF-8.
  InvalidUtf8Policy invalid_utf8 = InvalidUtf8Policy::kRepair;
  // Under kRepair, the largest share of invalid bytes that is repaired.
  double max_invalid_utf8_fraction = 0.05;
  // The language of stories whose feed declares none and whose text CLD2
  // cannot place. "und" is BCP 47's "undetermined".
  std::string fallback_language = "und";
};

class Normalizer {
 public:
  // Returns a Normalizer, or INVALID_ARGUMENT when `config` is unusable
  // (a zero or above-1-GiB payload limit, a fraction outside 0..1, a
  // fallback language that is not a 2-3 letter code or "und").
  static absl::StatusOr<std::unique_ptr<Normalizer>> Create(
      NormalizerConfig config);

  // Returns the normalized story for `raw`, or a dead-letter status made
  // with runtime::DeadLetterError (see the top of this file for which
  // reason when).
  absl::StatusOr<v1::Story> Normalize(const v1::RawStory& raw) const;

  const NormalizerConfig& config() const { return config_; }

 private:
  explicit Normalizer(NormalizerConfig config) : config_(std::move(config)) {}

  NormalizerConfig config_;
};

// Returns the id of a story version: 32 hex digits of XXH3-128 over the
// source, the source story id and the version; when the provider gave no
// story id, over the source and the normalized text instead, so the same
// text from the same feed gets the same id. A kill notice (`kill`) gets an
// id of its own, as wires often send it without a new version number.
std::string StoryId(absl::string_view source, absl::string_view source_story_id,
                    int version, absl::string_view normalized_text, bool kill);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NORMALIZER_H_
