#include "tools/enrich/in_process_pipeline.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::enrich {
namespace {

void SetTime(absl::Time time, google::protobuf::Timestamp* timestamp) {
  int64_t seconds = absl::ToUnixSeconds(time);
  timestamp->set_seconds(seconds);
  timestamp->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
}

}  // namespace

void InProcessPipeline::AddStage(std::unique_ptr<runtime::Stage> stage,
                                 RecordType output) {
  steps_.push_back(Step{std::move(stage), output});
}

std::vector<std::string> InProcessPipeline::StageNames() const {
  std::vector<std::string> names;
  for (const Step& step : steps_) names.emplace_back(step.stage->name());
  return names;
}

std::vector<absl::Duration> InProcessPipeline::StageTimes() const {
  std::vector<absl::Duration> times;
  for (const Step& step : steps_) times.push_back(step.busy);
  return times;
}

void InProcessPipeline::ResetStageTimes() {
  for (Step& step : steps_) step.busy = absl::ZeroDuration();
}

absl::StatusOr<PipelineResult> InProcessPipeline::Run(
    const runtime::InputRecord& record) {
  PipelineResult result;
  std::vector<runtime::InputRecord> inputs = {record};
  for (size_t s = 0; s < steps_.size(); ++s) {
    Step& step = steps_[s];
    std::vector<runtime::InputRecord> next;
    for (const runtime::InputRecord& input : inputs) {
      absl::Time start = absl::Now();
      absl::StatusOr<std::vector<runtime::OutputRecord>> outputs =
          step.stage->Process(input);
      step.busy += absl::Now() - start;
      if (!outputs.ok()) {
        if (!runtime::IsBadInput(outputs.status())) return outputs.status();
        result.dead_letters.push_back(
            MakeDeadLetter(input, step.stage->name(), outputs.status(),
                           absl::Now(), max_dead_letter_value_bytes_));
        continue;
      }
      for (runtime::OutputRecord& output : *outputs) {
        if (!output.topic.empty()) {
          result.side_outputs.push_back(std::move(output));
          continue;
        }
        runtime::InputRecord in;
        in.topic = absl::StrCat("in-process.", step.stage->name());
        // Offsets run on across Run calls, as on a topic: stateful
        // stages tell a record read again from a new one by them.
        in.offset = step.next_offset++;
        in.key = std::move(output.key);
        in.value = std::move(output.value);
        in.headers = std::move(output.headers);
        in.timestamp = absl::Now();
        next.push_back(std::move(in));
      }
    }
    inputs = std::move(next);
  }
  // Nothing is read again here: every record's work is final.
  for (Step& step : steps_) step.stage->OnBatchCommitted();
  if (steps_.empty()) return result;
  for (const runtime::InputRecord& input : inputs) {
    absl::StatusOr<v1::EnrichedStory> story =
        ToEnrichedStory(steps_.back().output, input.value);
    if (!story.ok()) return story.status();
    result.stories.push_back(*std::move(story));
  }
  return result;
}

absl::StatusOr<v1::EnrichedStory> ToEnrichedStory(RecordType type,
                                                  absl::string_view value) {
  v1::EnrichedStory enriched;
  bool parsed = false;
  switch (type) {
    case RecordType::kStory:
      parsed = enriched.mutable_story()->ParseFromArray(
          value.data(), static_cast<int>(value.size()));
      break;
    case RecordType::kDedupedStory: {
      v1::DedupedStory deduped;
      parsed =
          deduped.ParseFromArray(value.data(), static_cast<int>(value.size()));
      *enriched.mutable_story() = std::move(*deduped.mutable_story());
      *enriched.mutable_verdict() = std::move(*deduped.mutable_verdict());
      break;
    }
    case RecordType::kEnrichedStory:
      parsed =
          enriched.ParseFromArray(value.data(), static_cast<int>(value.size()));
      break;
  }
  if (!parsed) {
    return absl::InternalError(
        absl::StrCat("a stage wrote a record (", value.size(),
                     " bytes) that is not the record type it declared"));
  }
  return enriched;
}

v1::DeadLetter MakeDeadLetter(const runtime::InputRecord& record,
                              absl::string_view stage,
                              const absl::Status& status, absl::Time now,
                              size_t max_value_bytes) {
  v1::DeadLetter dead_letter;
  if (record.key.has_value()) dead_letter.set_original_key(*record.key);
  dead_letter.set_original_size(static_cast<int64_t>(record.value.size()));
  if (record.value.size() > max_value_bytes) {
    dead_letter.set_original_value(record.value.substr(0, max_value_bytes));
    dead_letter.set_value_truncated(true);
  } else {
    dead_letter.set_original_value(record.value);
  }
  for (const runtime::RecordHeader& header : record.headers) {
    v1::RecordHeader* out = dead_letter.add_original_headers();
    out->set_key(header.key);
    if (header.value.has_value()) {
      out->set_value(*header.value);
    } else {
      out->set_null_value(true);
    }
  }
  dead_letter.set_source_topic(record.topic);
  dead_letter.set_source_partition(record.partition);
  dead_letter.set_source_offset(record.offset);
  SetTime(record.timestamp, dead_letter.mutable_original_timestamp());
  dead_letter.set_stage(std::string(stage));
  dead_letter.set_reason(runtime::DeadLetterReasonOf(status));
  dead_letter.set_message(std::string(status.message()));
  SetTime(now, dead_letter.mutable_dead_lettered_at());
  return dead_letter;
}

}  // namespace wirestream::enrich
