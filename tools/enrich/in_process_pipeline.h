// File: tools/enrich/in_process_pipeline.h
//
// Runs microstages one after another in one process, without Kafka: each
// stage's output records are the next stage's input records, as the topics
// between the workers would carry them. The last stage's records are
// lifted into EnrichedStory, whatever record type it writes.
//
//   InProcessPipeline pipeline;
//   pipeline.AddStage(std::move(normalize), RecordType::kStory);
//   pipeline.AddStage(std::move(dedup), RecordType::kDedupedStory);
//   absl::StatusOr<PipelineResult> result = pipeline.Run(raw_record);
//
// Records reach each stage with the topic "in-process.<previous stage>",
// partition 0 and offsets that run on from one Run to the next, so
// stateful stages (dedup, alert) remember earlier records and tell a new
// record from one read again.
//
// Only records for a stage's own output topic (OutputRecord::topic empty)
// go on to the next stage; records a stage writes to a topic of its own
// (dedup's changelog, alert's Alerts and suppression state) are collected
// in PipelineResult::side_outputs. A stage that refuses a record (a
// bad-input status) ends its run with a DeadLetter, as the runner would
// write to `wire.dlq`; other errors are returned as they are.
//
// Not thread-safe: Run calls each stage's Process, which stages expect from
// one thread at a time.
#ifndef WIRESTREAM_TOOLS_ENRICH_IN_PROCESS_PIPELINE_H_
#define WIRESTREAM_TOOLS_ENRICH_IN_PROCESS_PIPELINE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pipeline/runtime/stage.h"
#include "wirestream/v1/dead_letter.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::enrich {

// The record type a stage writes (see DESIGN.md's topic table).
enum class RecordType {
  kStory,          // normalize → wire.stories
  kDedupedStory,   // dedup → wire.unique
  kEnrichedStory,  // classify, alert → wire.classified, wire.enriched
};

// What one input record became.
struct PipelineResult {
  // The last stage's records as EnrichedStory, in output order. Empty when
  // a stage dropped the record or dead-lettered it.
  std::vector<v1::EnrichedStory> stories;
  // The dead letters of records a stage refused.
  std::vector<v1::DeadLetter> dead_letters;
  // Records the stages wrote to topics of their own, in the order written.
  std::vector<runtime::OutputRecord> side_outputs;
};

class InProcessPipeline {
 public:
  // Appends `stage`, whose output records hold `output` messages.
  void AddStage(std::unique_ptr<runtime::Stage> stage, RecordType output);

  // Returns what `record` (a RawStory record) becomes after every stage.
  // Dead letters keep at most `max_dead_letter_value_bytes` of the refused
  // record's value.
  absl::StatusOr<PipelineResult> Run(const runtime::InputRecord& record);

  // The stages' names in order, e.g. {"normalize"}.
  std::vector<std::string> StageNames() const;

  // The wall time each stage has spent in Process since the last
  // ResetStageTimes, in stage order (for benchmarks).
  std::vector<absl::Duration> StageTimes() const;
  void ResetStageTimes();

  void set_max_dead_letter_value_bytes(size_t bytes) {
    max_dead_letter_value_bytes_ = bytes;
  }

 private:
  struct Step {
    std::unique_ptr<runtime::Stage> stage;
    RecordType output;
    // The offset of the stage's next output record on its in-process
    // "topic".
    int64_t next_offset = 0;
    // Time spent in Process (StageTimes).
    absl::Duration busy;
  };

  std::vector<Step> steps_;
  size_t max_dead_letter_value_bytes_ = 1024;
};

// Returns the EnrichedStory carried by a record `value` of `type`.
absl::StatusOr<v1::EnrichedStory> ToEnrichedStory(RecordType type,
                                                  absl::string_view value);

// Returns the DeadLetter the runner writes for `record` refused by `stage`
// with bad-input `status`, its value cut to `max_value_bytes`.
v1::DeadLetter MakeDeadLetter(const runtime::InputRecord& record,
                              absl::string_view stage,
                              const absl::Status& status, absl::Time now,
                              size_t max_value_bytes);

}  // namespace wirestream::enrich

#endif  // WIRESTREAM_TOOLS_ENRICH_IN_PROCESS_PIPELINE_H_
