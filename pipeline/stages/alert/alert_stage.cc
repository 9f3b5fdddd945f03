#include "pipeline/stages/alert/alert_stage.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pipeline/runtime/log.h"
#include "pipeline/stages/alert/fingerprint.h"
#include "wirestream/v1/alert.pb.h"
#include "wirestream/v1/alert_state.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::alert {
namespace {

using ::wirestream::runtime::InputRecord;
using ::wirestream::runtime::LogInfo;
using ::wirestream::runtime::LogWarning;
using ::wirestream::runtime::OutputRecord;
using ::wirestream::v1::Alert;
using ::wirestream::v1::AlertHit;
using ::wirestream::v1::AlertStateEntry;
using ::wirestream::v1::EnrichedStory;

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t nanos = absl::ToUnixNanos(t);
  int64_t seconds = nanos / 1000000000;
  int64_t rest = nanos % 1000000000;
  if (rest < 0) {
    rest += 1000000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest));
}

absl::Time ReceivedAt(const EnrichedStory& story) {
  if (!story.story().has_received_at()) return absl::InfinitePast();
  const auto& t = story.story().received_at();
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// Returns why the story's hits never alert, or "" when they may.
std::string KillReason(const EnrichedStory& story) {
  if (story.verdict().kind() == wirestream::v1::DEDUP_KIND_KILL) {
    return "the story is a kill (dedup verdict KILL)";
  }
  switch (story.story().pub_status()) {
    case wirestream::v1::PUB_STATUS_WITHHELD:
      return "the story is a kill (pub status WITHHELD)";
    case wirestream::v1::PUB_STATUS_CANCELED:
      return "the story is a kill (pub status CANCELED)";
    default:
      return "";
  }
}

}  // namespace

std::string AlertId(absl::string_view rule_id, absl::string_view cluster_id,
                    absl::string_view story_id) {
  // Lengths first, so ("a/b", "c") and ("a", "b/c") differ.
  const std::string joined =
      absl::StrCat(rule_id.size(), ":", rule_id, cluster_id.size(), ":",
                   cluster_id, story_id.size(), ":", story_id);
  return absl::StrFormat("al-%016x", Fingerprint64(joined));
}

absl::StatusOr<std::unique_ptr<AlertStage>> AlertStage::Create(
    AlertStageOptions options) {
  if (options.rules == nullptr) {
    return absl::InvalidArgumentError("the alert stage needs rules");
  }
  if (options.alerts_topic.empty() || options.state_topic.empty()) {
    return absl::InvalidArgumentError(
        "the alerts and state topics must be named");
  }
  if (options.suppression.ttl <= absl::ZeroDuration() ||
      options.suppression.max_entries == 0) {
    return absl::InvalidArgumentError(
        "suppression ttl and max_entries must be positive");
  }
  if (!options.clock) options.clock = [] { return absl::Now(); };
  return std::unique_ptr<AlertStage>(new AlertStage(std::move(options)));
}

void AlertStage::OnRulesChanged(const RuleSet& rules) {
  rules_generation_ = rules.generation();
  alerts_by_rule_.clear();
  if (options_.metrics == nullptr) return;
  options_.metrics->rules->Set(static_cast<double>(rules.rules().size()));
  for (const AlertRule& rule : rules.rules()) {
    alerts_by_rule_.push_back(&options_.metrics->AlertsForRule(rule.id));
  }
}

absl::StatusOr<std::vector<OutputRecord>> AlertStage::Process(
    const InputRecord& record) {
  EnrichedStory story;
  if (!story.ParseFromString(record.value)) {
    return runtime::DeadLetterError(
        wirestream::v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD,
        absl::StrCat("value of ", record.value.size(),
                     " bytes is not a wirestream.v1.EnrichedStory"));
  }
  const std::shared_ptr<const RuleSet> rules = options_.rules->Current();
  if (rules->generation() != rules_generation_) OnRulesChanged(*rules);

  const int32_t partition = record.partition;
  const absl::Time now = options_.clock();
  const absl::Time received_at = ReceivedAt(story);
  const std::string& story_id = story.story().id();
  const std::string cluster_id = story.verdict().cluster_id().empty()
                                     ? story_id
                                     : story.verdict().cluster_id();
  const std::string kill_reason = KillReason(story);

  std::vector<OutputRecord> alerts;
  std::vector<OutputRecord> changes;
  std::vector<std::string> dropped;
  auto tombstones = [&]() {
    for (std::string& key : dropped) {
      OutputRecord t;
      t.topic = options_.state_topic;
      t.partition = partition;
      t.key = std::move(key);
      t.tombstone = true;
      changes.push_back(std::move(t));
    }
    dropped.clear();
  };
  state_.Expire(partition, record.timestamp, &dropped);
  tombstones();

  story.clear_alert_hits();
  for (const RuleMatch& m : rules->Match(story, &scratch_)) {
    const AlertRule& rule = rules->rules()[m.rule];
    const Query& query = rules->query(m.rule);
    AlertHit* hit = story.add_alert_hits();
    hit->set_rule_id(rule.id);
    hit->set_rule_name(rule.name);
    hit->set_severity(rule.severity);
    for (const TermHit& h : m.hits) {
      wirestream::v1::TermMatch* tm = hit->add_matches();
      tm->set_term(query.terms[h.term].text);
      tm->set_field(std::string(FieldName(h.field)));
      tm->set_offset(h.offset);
      tm->set_length(h.length);
    }
    hit->set_snippet(m.snippet);

    if (!kill_reason.empty()) {
      hit->set_suppressed(true);
      hit->set_suppressed_reason(kill_reason);
      ++batch_suppressed_kill_;
      continue;
    }
    const std::string key = SuppressionKey(rule.id, cluster_id);
    if (const AlertStateEntry* prior =
            state_.Find(partition, key, record.topic, record.offset)) {
      hit->set_suppressed(true);
      hit->set_suppressed_reason(
          absl::StrFormat("already alerted for cluster %s (alert %s, story %s)",
                          cluster_id, prior->alert_id(), prior->story_id()));
      ++batch_suppressed_cluster_;
      continue;
    }

    Alert alert;
    alert.set_alert_id(AlertId(rule.id, cluster_id, story_id));
    alert.set_rule_id(rule.id);
    alert.set_rule_name(rule.name);
    alert.set_story_id(story_id);
    alert.set_cluster_id(cluster_id);
    alert.set_severity(rule.severity);
    *alert.mutable_matches() = hit->matches();
    alert.set_snippet(m.snippet);
    alert.set_headline(story.story().headline());
    SetTimestamp(now, alert.mutable_created_at());
    for (const std::string& c : rule.channels) alert.add_channels(c);
    if (options_.webhooks != nullptr) {
      for (const WebhookTarget& target : rule.webhooks) {
        options_.webhooks->Enqueue(target, alert);
      }
      for (const WebhookTarget& target : options_.webhooks_for_every_alert) {
        options_.webhooks->Enqueue(target, alert);
      }
    }
    if (m.rule < static_cast<int>(alerts_by_rule_.size())) {
      batch_alerts_.push_back(alerts_by_rule_[m.rule]);
    }

    AlertStateEntry entry;
    entry.set_rule_id(rule.id);
    entry.set_cluster_id(cluster_id);
    entry.set_alert_id(alert.alert_id());
    entry.set_story_id(story_id);
    SetTimestamp(record.timestamp, entry.mutable_event_time());
    entry.set_source_topic(record.topic);
    entry.set_source_partition(partition);
    entry.set_source_offset(record.offset);
    OutputRecord change;
    change.topic = options_.state_topic;
    change.partition = partition;
    change.key = key;
    change.value = entry.SerializeAsString();
    change.story_received_at = received_at;
    changes.push_back(std::move(change));
    state_.Put(partition, key, std::move(entry), &dropped);
    tombstones();

    OutputRecord out;
    out.topic = options_.alerts_topic;
    out.key = key;
    out.value = alert.SerializeAsString();
    out.story_received_at = received_at;
    alerts.push_back(std::move(out));
  }
  if (options_.metrics != nullptr) {
    options_.metrics->state_entries->Set(
        static_cast<double>(state_.total_size()));
  }

  SetTimestamp(now, story.mutable_enriched_at());
  std::vector<OutputRecord> outputs;
  outputs.reserve(1 + alerts.size() + changes.size());
  OutputRecord enriched;
  enriched.key = story_id.empty() ? record.key : std::optional(story_id);
  enriched.value = story.SerializeAsString();
  enriched.headers = record.headers;
  enriched.story_received_at = received_at;
  outputs.push_back(std::move(enriched));
  for (OutputRecord& a : alerts) outputs.push_back(std::move(a));
  for (OutputRecord& c : changes) outputs.push_back(std::move(c));
  return outputs;
}

absl::Status AlertStage::OnPartitionsAssigned(
    const std::vector<runtime::TopicPartition>& partitions) {
  for (const runtime::TopicPartition& tp : partitions) {
    state_.Drop(tp.partition);
    if (changelog_ == nullptr) continue;
    int64_t applied = 0;
    int64_t skipped = 0;
    absl::Status replayed = changelog_->Replay(
        options_.state_topic, tp.partition,
        [&](absl::string_view key, std::optional<absl::string_view> value) {
          if (state_.Restore(tp.partition, key, value)) {
            ++applied;
          } else {
            ++skipped;
          }
        });
    if (!replayed.ok()) {
      return absl::Status(
          replayed.code(),
          absl::StrFormat("restoring alert suppression state from %s[%d]: %s",
                          options_.state_topic, tp.partition,
                          replayed.message()));
    }
    if (options_.metrics != nullptr) {
      options_.metrics->state_restored->Increment(static_cast<double>(applied));
      options_.metrics->state_restore_skipped->Increment(
          static_cast<double>(skipped));
    }
    if (skipped > 0) {
      LogWarning(
          "alert: %s[%d]: skipped %d changelog records that are not "
          "AlertStateEntry values",
          options_.state_topic, tp.partition, skipped);
    }
    LogInfo("alert: restored %d suppression entries for partition %d from %s",
            static_cast<int>(state_.size(tp.partition)), tp.partition,
            options_.state_topic);
  }
  if (options_.metrics != nullptr) {
    options_.metrics->state_entries->Set(
        static_cast<double>(state_.total_size()));
  }
  return absl::OkStatus();
}

absl::Status AlertStage::OnPartitionsRevoked(
    const std::vector<runtime::TopicPartition>& partitions) {
  for (const runtime::TopicPartition& tp : partitions)
    state_.Drop(tp.partition);
  if (options_.metrics != nullptr) {
    options_.metrics->state_entries->Set(
        static_cast<double>(state_.total_size()));
  }
  return absl::OkStatus();
}

absl::Status AlertStage::OnBatchAborted(
    const std::vector<runtime::TopicPartition>& assigned) {
  batch_alerts_.clear();
  batch_suppressed_kill_ = 0;
  batch_suppressed_cluster_ = 0;
  return OnPartitionsAssigned(assigned);
}

void AlertStage::OnBatchCommitted() {
  for (prometheus::Counter* c : batch_alerts_) c->Increment();
  if (options_.metrics != nullptr) {
    options_.metrics->suppressed_kill->Increment(
        static_cast<double>(batch_suppressed_kill_));
    options_.metrics->suppressed_cluster->Increment(
        static_cast<double>(batch_suppressed_cluster_));
  }
  batch_alerts_.clear();
  batch_suppressed_kill_ = 0;
  batch_suppressed_cluster_ = 0;
}

}  // namespace wirestream::alert
