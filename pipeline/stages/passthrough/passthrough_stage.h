// File: pipeline/stages/passthrough/passthrough_stage.h
//
// PassthroughStage copies each record to the output topic unchanged: same
// key, value and headers. Optionally it insists that values are RawStory
// records and dead-letters the rest (UNPARSABLE_RECORD).
//
//   auto stage = PassthroughStage::Create({.require_raw_story = true});
//
// Stateless; Process is called from one thread at a time.
#ifndef WIRESTREAM_PIPELINE_STAGES_PASSTHROUGH_PASSTHROUGH_STAGE_H_
#define WIRESTREAM_PIPELINE_STAGES_PASSTHROUGH_PASSTHROUGH_STAGE_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "pipeline/runtime/stage.h"

namespace wirestream::stages {

struct PassthroughOptions {
  // Dead-letter values that do not parse as wirestream.v1.RawStory.
  bool require_raw_story = false;
};

class PassthroughStage : public runtime::Stage {
 public:
  static absl::StatusOr<std::unique_ptr<PassthroughStage>> Create(
      const PassthroughOptions& options);

  absl::string_view name() const override { return "passthrough"; }
  absl::StatusOr<std::vector<runtime::OutputRecord>> Process(
      const runtime::InputRecord& record) override;

 private:
  explicit PassthroughStage(const PassthroughOptions& options)
      : options_(options) {}
  PassthroughOptions options_;
};

}  // namespace wirestream::stages

#endif  // WIRESTREAM_PIPELINE_STAGES_PASSTHROUGH_PASSTHROUGH_STAGE_H_
