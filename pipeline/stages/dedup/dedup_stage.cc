#include "pipeline/stages/dedup/dedup_stage.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::stages::dedup {
namespace {

using ::wirestream::v1::DedupedStory;
using ::wirestream::v1::Story;

}  // namespace

absl::StatusOr<DuplicateAction> ParseDuplicateAction(absl::string_view name) {
  if (name == "drop") return DuplicateAction::kDrop;
  if (name == "pass") return DuplicateAction::kPass;
  if (name == "route") return DuplicateAction::kRoute;
  return absl::InvalidArgumentError(absl::StrCat(
      "duplicate action must be drop, pass or route, got \"", name, "\""));
}

absl::Status ValidateDedupStageConfig(const DedupStageConfig& config) {
  if (absl::Status s = ValidateDeduplicatorConfig(config.dedup); !s.ok()) {
    return s;
  }
  if (config.changelog_topic.empty()) {
    return absl::InvalidArgumentError("changelog_topic must be set");
  }
  const bool routes = config.on_duplicate == DuplicateAction::kRoute ||
                      config.on_near_duplicate == DuplicateAction::kRoute;
  if (routes && config.duplicates_topic.empty()) {
    return absl::InvalidArgumentError(
        "duplicates_topic must be set when duplicates are routed");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<DedupStage>> DedupStage::Create(
    const DedupStageConfig& config) {
  if (absl::Status s = ValidateDedupStageConfig(config); !s.ok()) return s;
  return std::unique_ptr<DedupStage>(new DedupStage(config));
}

void DedupStage::AttachChangelog(runtime::ChangelogReader* reader) {
  reader_ = reader;
}

DuplicateAction DedupStage::ActionFor(wirestream::v1::DedupKind kind) const {
  switch (kind) {
    case wirestream::v1::DEDUP_KIND_DUPLICATE:
      return config_.on_duplicate;
    case wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE:
      return config_.on_near_duplicate;
    default:
      return DuplicateAction::kPass;
  }
}

void DedupStage::ShareBudget() {
  if (partitions_.empty()) return;
  const int64_t share =
      std::max<int64_t>(1, config_.dedup.memory_budget_bytes /
                               static_cast<int64_t>(partitions_.size()));
  for (auto& [partition, state] : partitions_) {
    state.dedup->set_memory_budget(share);
  }
}

absl::StatusOr<DedupStage::PartitionState*> DedupStage::StateFor(
    int32_t partition) {
  auto it = partitions_.find(partition);
  if (it != partitions_.end()) return &it->second;
  DeduplicatorConfig config = config_.dedup;
  if (!config.state_dir.empty()) {
    config.state_dir = absl::StrCat(config.state_dir, "/partition-", partition);
  }
  auto dedup = Deduplicator::Create(config);
  if (!dedup.ok()) return dedup.status();
  PartitionState state;
  state.dedup = *std::move(dedup);
  if (reader_ != nullptr) {
    const absl::Time start = absl::Now();
    Deduplicator& d = *state.dedup;
    absl::Status replayed = reader_->Replay(
        config_.changelog_topic, partition,
        [&d](absl::string_view key, std::optional<absl::string_view> value) {
          d.Restore(key, value);
        });
    if (!replayed.ok()) {
      return absl::Status(
          replayed.code(),
          absl::StrCat("restoring dedup state of partition ", partition,
                       " from ", config_.changelog_topic, ": ",
                       replayed.message()));
    }
    d.FinishRestore(&state.pending);
    const absl::Duration took = absl::Now() - start;
    ++restores_;
    restore_time_ += took;
    last_restore_time_ = took;
    if (metrics_ != nullptr) metrics_->ObserveRestore(took);
  }
  PartitionState* held =
      &partitions_.emplace(partition, std::move(state)).first->second;
  ShareBudget();
  UpdateMetrics();
  return held;
}

absl::Status DedupStage::OnPartitionsAssigned(
    const std::vector<runtime::TopicPartition>& partitions) {
  absl::MutexLock lock(&mu_);
  for (const runtime::TopicPartition& tp : partitions) {
    absl::StatusOr<PartitionState*> state = StateFor(tp.partition);
    if (!state.ok()) return state.status();
  }
  return absl::OkStatus();
}

absl::Status DedupStage::OnPartitionsRevoked(
    const std::vector<runtime::TopicPartition>& partitions) {
  absl::MutexLock lock(&mu_);
  for (const runtime::TopicPartition& tp : partitions) {
    auto it = partitions_.find(tp.partition);
    if (it == partitions_.end()) continue;
    DedupStats gone = it->second.dedup->stats();
    // Only counters carry over; the state's size leaves with it.
    gone.entries = 0;
    gone.bytes = 0;
    gone.allocated_bytes = 0;
    gone.disk_bytes = 0;
    retired_ += gone;
    partitions_.erase(it);
  }
  ShareBudget();
  UpdateMetrics();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<runtime::OutputRecord>> DedupStage::Process(
    const runtime::InputRecord& record) {
  DedupedStory deduped;
  Story& story = *deduped.mutable_story();
  if (!story.ParseFromString(record.value)) {
    return runtime::DeadLetterError(
        wirestream::v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD,
        absl::StrCat("value of ", record.value.size(),
                     " bytes is not a wirestream.v1.Story"));
  }
  if (story.id().empty()) {
    return runtime::DeadLetterError(
        wirestream::v1::DEAD_LETTER_REASON_INVALID_CONTENT, "story has no id");
  }

  std::vector<StateChange> changes;
  absl::MutexLock lock(&mu_);
  absl::StatusOr<PartitionState*> state = StateFor(record.partition);
  if (!state.ok()) {
    // The changelog could not be read: try the record again later.
    return absl::UnavailableError(state.status().message());
  }
  changes.swap((*state)->pending);
  *deduped.mutable_verdict() =
      (*state)->dedup->Judge(story, record.timestamp, &changes);
  ++uncommitted_verdicts_[deduped.verdict().kind()];

  std::vector<runtime::OutputRecord> outputs;
  outputs.reserve(changes.size() + 1);
  const DuplicateAction action = ActionFor(deduped.verdict().kind());
  if (action != DuplicateAction::kDrop) {
    runtime::OutputRecord out;
    if (action == DuplicateAction::kRoute) out.topic = config_.duplicates_topic;
    // Keyed by cluster: a story's re-sends, updates and rewrites land on one
    // partition downstream, where alert suppresses once per cluster.
    const std::string& cluster_id = deduped.verdict().cluster_id();
    out.key = cluster_id.empty() ? story.id() : cluster_id;
    out.headers = record.headers;
    if (story.has_received_at()) {
      out.story_received_at =
          absl::FromUnixSeconds(story.received_at().seconds()) +
          absl::Nanoseconds(story.received_at().nanos());
    }
    out.value = deduped.SerializeAsString();
    outputs.push_back(std::move(out));
  }
  for (StateChange& change : changes) {
    runtime::OutputRecord out;
    out.topic = config_.changelog_topic;
    out.partition = record.partition;
    out.key = std::move(change.key);
    if (change.value) {
      out.value = std::move(*change.value);
    } else {
      out.tombstone = true;
    }
    outputs.push_back(std::move(out));
  }
  UpdateMetrics();
  return outputs;
}

DedupStats DedupStage::SumStats() const {
  DedupStats sum = retired_;
  for (const auto& [partition, state] : partitions_) {
    sum += state.dedup->stats();
  }
  return sum;
}

void DedupStage::UpdateMetrics() {
  if (metrics_ != nullptr) metrics_->Update(SumStats());
}

void DedupStage::RegisterMetrics(prometheus::Registry& registry) {
  absl::MutexLock lock(&mu_);
  metrics_ = std::make_unique<DedupMetrics>(registry);
  UpdateMetrics();
}

DedupStageStats DedupStage::stats() const {
  absl::MutexLock lock(&mu_);
  DedupStageStats s;
  s.state = SumStats();
  s.partitions = static_cast<int>(partitions_.size());
  s.restores = restores_;
  s.restore_time = restore_time_;
  s.last_restore_time = last_restore_time_;
  return s;
}

absl::Status DedupStage::OnBatchAborted(
    const std::vector<runtime::TopicPartition>& assigned) {
  absl::Status dropped = OnPartitionsRevoked(assigned);
  if (!dropped.ok()) return dropped;
  {
    // The revoked partitions' counters are in retired_ now; the aborted
    // batch's stories will be judged again and counted then.
    absl::MutexLock lock(&mu_);
    for (size_t k = 0; k < uncommitted_verdicts_.size(); ++k) {
      retired_.verdicts[k] -= uncommitted_verdicts_[k];
      uncommitted_verdicts_[k] = 0;
    }
    UpdateMetrics();
  }
  return OnPartitionsAssigned(assigned);
}

void DedupStage::OnBatchCommitted() {
  absl::MutexLock lock(&mu_);
  uncommitted_verdicts_.fill(0);
}

}  // namespace wirestream::stages::dedup
