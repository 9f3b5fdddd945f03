#include "pipeline/stages/normalize/normalize_stage.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "pipeline/stages/normalize/wire_time.h"

namespace wirestream::normalize {
namespace {

using ::wirestream::runtime::DeadLetterError;
using ::wirestream::runtime::DeadLetterReasonOf;
using ::wirestream::runtime::InputRecord;
using ::wirestream::runtime::IsBadInput;
using ::wirestream::runtime::OutputRecord;

// Room for the envelope's fields around the payload.
constexpr size_t kEnvelopeAllowance = 64 * 1024;

}  // namespace

int64_t NormalizeStats::stories(v1::WireFormat format) const {
  int i = static_cast<int>(format);
  return i >= 0 && i < kFormats ? stories_[i].load() : 0;
}

int64_t NormalizeStats::dead_letters(v1::DeadLetterReason reason) const {
  int i = static_cast<int>(reason);
  return i >= 0 && i < kReasons ? dead_letters_[i].load() : 0;
}

void NormalizeStats::CountStory(v1::WireFormat format) {
  int i = static_cast<int>(format);
  if (i >= 0 && i < kFormats) stories_[i].fetch_add(1);
}

void NormalizeStats::CountDeadLetter(v1::DeadLetterReason reason) {
  int i = static_cast<int>(reason);
  if (i >= 0 && i < kReasons) dead_letters_[i].fetch_add(1);
}

absl::StatusOr<std::unique_ptr<NormalizeStage>> NormalizeStage::Create(
    NormalizerConfig config) {
  absl::StatusOr<std::unique_ptr<Normalizer>> normalizer =
      Normalizer::Create(std::move(config));
  if (!normalizer.ok()) return normalizer.status();
  return std::unique_ptr<NormalizeStage>(
      new NormalizeStage(*std::move(normalizer)));
}

absl::StatusOr<std::vector<OutputRecord>> NormalizeStage::Process(
    const InputRecord& record) {
  auto dead_letter = [this](absl::Status status) {
    stats_.CountDeadLetter(DeadLetterReasonOf(status));
    return status;
  };
  size_t limit = normalizer_->config().max_payload_bytes + kEnvelopeAllowance;
  if (record.value.size() > limit) {
    return dead_letter(
        DeadLetterError(v1::DEAD_LETTER_REASON_OVERSIZED_RECORD,
                        absl::StrCat("record is ", record.value.size(),
                                     " bytes; the limit is ", limit)));
  }
  v1::RawStory raw;
  if (!raw.ParseFromString(record.value)) {
    return dead_letter(DeadLetterError(
        v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD,
        absl::StrCat("record value (", record.value.size(),
                     " bytes) is not a wirestream.v1.RawStory")));
  }
  if (raw.feed_item_id().empty() && record.key.has_value()) {
    raw.set_feed_item_id(*record.key);
  }
  if (!raw.has_received_at()) {
    ToTimestamp(record.timestamp, raw.mutable_received_at());
  }

  absl::StatusOr<v1::Story> story = normalizer_->Normalize(raw);
  if (!story.ok()) {
    if (IsBadInput(story.status())) return dead_letter(story.status());
    return story.status();
  }
  stats_.CountStory(story->format());

  OutputRecord out;
  out.key = story->language();
  out.story_received_at = FromTimestamp(story->received_at());
  out.value = story->SerializeAsString();
  std::vector<OutputRecord> outputs;
  outputs.push_back(std::move(out));
  return outputs;
}

}  // namespace wirestream::normalize
