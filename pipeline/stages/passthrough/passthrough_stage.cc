#include "pipeline/stages/passthrough/passthrough_stage.h"

#include "absl/strings/str_cat.h"
#include "wirestream/v1/raw_story.pb.h"

namespace wirestream::stages {

absl::StatusOr<std::unique_ptr<PassthroughStage>> PassthroughStage::Create(
    const PassthroughOptions& options) {
  return std::unique_ptr<PassthroughStage>(new PassthroughStage(options));
}

absl::StatusOr<std::vector<runtime::OutputRecord>> PassthroughStage::Process(
    const runtime::InputRecord& record) {
  runtime::OutputRecord out;
  if (options_.require_raw_story) {
    wirestream::v1::RawStory story;
    if (!story.ParseFromString(record.value)) {
      return runtime::DeadLetterError(
          wirestream::v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD,
          absl::StrCat("value of ", record.value.size(),
                       " bytes is not a wirestream.v1.RawStory"));
    }
    if (story.has_received_at()) {
      out.story_received_at =
          absl::FromUnixSeconds(story.received_at().seconds()) +
          absl::Nanoseconds(story.received_at().nanos());
    }
  }
  out.key = record.key;
  out.value = record.value;
  out.headers = record.headers;
  return std::vector<runtime::OutputRecord>{std::move(out)};
}

}  // namespace wirestream::stages
