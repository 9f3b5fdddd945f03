// File: pipeline/stages/dedup/testing/fake_changelog.h
//
// FakeChangelog is an in-memory ChangelogReader: tests append the changelog
// records a stage produced, as the broker would store them, and a later
// stage replays them.
//
//   FakeChangelog changelog;
//   changelog.Append(*stage->Process(record));
//   other_stage->AttachChangelog(&changelog);
//   other_stage->OnPartitionsAssigned({{"wire.stories", 0}});
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_TESTING_FAKE_CHANGELOG_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_TESTING_FAKE_CHANGELOG_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "pipeline/runtime/stage.h"

namespace wirestream::stages::dedup {

class FakeChangelog : public runtime::ChangelogReader {
 public:
  using Record = std::pair<std::string, std::optional<std::string>>;

  explicit FakeChangelog(std::string topic = "wire.dedup.state")
      : topic_(std::move(topic)) {}

  // Appends the records of `outputs` addressed to the changelog topic to
  // their partition's log; ignores the others.
  void Append(const std::vector<runtime::OutputRecord>& outputs) {
    for (const runtime::OutputRecord& out : outputs) {
      if (out.topic != topic_) continue;
      log_[{out.topic, out.partition.value_or(-1)}].emplace_back(
          out.key.value_or(""),
          out.tombstone ? std::nullopt : std::optional<std::string>(out.value));
    }
  }

  // Makes every Replay fail with `status` (OK to succeed again).
  void FailWith(absl::Status status) { failure_ = std::move(status); }

  absl::Status Replay(
      const std::string& topic, int32_t partition,
      const std::function<void(absl::string_view key,
                               std::optional<absl::string_view> value)>& apply)
      override {
    ++replays_;
    if (!failure_.ok()) return failure_;
    for (const Record& r : log_[{topic, partition}]) {
      apply(r.first, r.second ? std::optional<absl::string_view>(*r.second)
                              : std::nullopt);
    }
    return absl::OkStatus();
  }

  // Returns the log of one partition.
  const std::vector<Record>& log(int32_t partition) {
    return log_[{topic_, partition}];
  }
  int replays() const { return replays_; }

 private:
  std::string topic_;
  std::map<std::pair<std::string, int32_t>, std::vector<Record>> log_;
  absl::Status failure_;
  int replays_ = 0;
};

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_TESTING_FAKE_CHANGELOG_H_
