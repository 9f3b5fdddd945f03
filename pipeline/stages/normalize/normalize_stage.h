// File: pipeline/stages/normalize/normalize_stage.h
//
// The normalize microstage: reads RawStory records from `wire.raw`, writes
// one Story record to `wire.stories`, keyed by the story's dedup domain
// (its language) so that dedup sees candidate duplicates together.
//
//   absl::StatusOr<std::unique_ptr<NormalizeStage>> stage =
//       NormalizeStage::Create(NormalizerConfig{});
//   absl::StatusOr<std::vector<runtime::OutputRecord>> out =
//       (*stage)->Process(record);
//
// Bad input is a dead-letter status: UNPARSABLE_RECORD when the value is
// not a RawStory, OVERSIZED_RECORD when it is larger than the payload
// limit allows, and the Normalizer's reasons otherwise.
//
// Process is called from one thread at a time (the runner's contract);
// stats() may be read from any thread.
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NORMALIZE_STAGE_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NORMALIZE_STAGE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "wirestream/v1/dead_letter.pb.h"
#include "wirestream/v1/raw_story.pb.h"

namespace wirestream::normalize {

// Counters of what the stage did, for its metrics.
class NormalizeStats {
 public:
  // Stories normalized from `format`.
  int64_t stories(v1::WireFormat format) const;
  // Records dead-lettered for `reason`.
  int64_t dead_letters(v1::DeadLetterReason reason) const;

  void CountStory(v1::WireFormat format);
  void CountDeadLetter(v1::DeadLetterReason reason);

 private:
  static constexpr int kFormats = v1::WireFormat_ARRAYSIZE;
  static constexpr int kReasons = v1::DeadLetterReason_ARRAYSIZE;
  std::array<std::atomic<int64_t>, kFormats> stories_{};
  std::array<std::atomic<int64_t>, kReasons> dead_letters_{};
};

class NormalizeStage : public runtime::Stage {
 public:
  // Returns the stage, or INVALID_ARGUMENT for an unusable config.
  static absl::StatusOr<std::unique_ptr<NormalizeStage>> Create(
      NormalizerConfig config);

  absl::string_view name() const override { return "normalize"; }

  // Returns one record: key the story's language, value the serialized
  // Story, story_received_at the RawStory's received_at (the record's
  // timestamp when the envelope has none).
  absl::StatusOr<std::vector<runtime::OutputRecord>> Process(
      const runtime::InputRecord& record) override;

  const NormalizeStats& stats() const { return stats_; }

 private:
  explicit NormalizeStage(std::unique_ptr<Normalizer> normalizer)
      : normalizer_(std::move(normalizer)) {}

  std::unique_ptr<Normalizer> normalizer_;
  NormalizeStats stats_;
};

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NORMALIZE_STAGE_H_
