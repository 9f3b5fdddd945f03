// File: pipeline/stages/alert/alert_stage.h
//
// AlertStage: the alert microstage. For each EnrichedStory it matches the
// current rules (RuleSource), attaches every matching rule to the story as
// an AlertHit, and raises an Alert for a rule only the first time the
// rule matches the story's cluster (DedupVerdict.cluster_id):
//
//   AlertStageOptions options;
//   options.rules = watcher.get();          // RuleWatcher or StaticRuleSource
//   options.webhooks = sender.get();        // optional
//   absl::StatusOr<std::unique_ptr<AlertStage>> stage =
//       AlertStage::Create(std::move(options));
//
// Outputs, in this order, for one input record:
//   1. the EnrichedStory with alert_hits filled and enriched_at set, to the
//      stage's output topic (key: story id);
//   2. one Alert per hit not suppressed, to `alerts_topic` (key:
//      "<rule id>/<cluster id>"), also queued for the rule's webhooks and
//      for webhooks_for_every_alert;
//   3. suppression changes to `state_topic`, in the input record's
//      partition: an AlertStateEntry per alert (key: "<rule id>/<cluster
//      id>") and tombstones for entries that expired or were evicted.
// A hit is suppressed (kept on the story with suppressed=true and the
// reason) when the rule already alerted for the cluster, or when the story
// is a kill (dedup verdict KILL, or pub status WITHHELD/CANCELED). So a
// re-send or near-duplicate does not alert again, and an UPDATE alerts for
// the rules it matches for the first time in its cluster. A story without a
// cluster id is its own cluster.
//
// State: per input partition, restored from `state_topic` in
// OnPartitionsAssigned (and again after an aborted batch) through the
// ChangelogReader (AttachChangelog) and dropped in OnPartitionsRevoked. A
// record processed again after an aborted batch finds its own entry and alerts
// again with the same alert id (alert ids are a fingerprint of rule, cluster
// and story), so nothing is lost and receivers can drop the repeat.
//
// Values that are not an EnrichedStory are dead-lettered
// (UNPARSABLE_RECORD).
//
// Threading: like every Stage, called from one thread at a time.
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_ALERT_STAGE_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_ALERT_STAGE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/alert/alert_metrics.h"
#include "pipeline/stages/alert/rule_watcher.h"
#include "pipeline/stages/alert/suppression.h"
#include "pipeline/stages/alert/webhook.h"

namespace wirestream::alert {

struct AlertStageOptions {
  // Where the rules come from; required; outlives the stage.
  const RuleSource* rules = nullptr;
  // Topic for Alert records.
  std::string alerts_topic = "wire.alerts";
  // Compacted changelog topic for suppression state.
  std::string state_topic = "wire.alert.state";
  SuppressionOptions suppression;
  // Optional; outlives the stage. Without it webhook channels are not
  // delivered (the Alert still names them).
  WebhookSender* webhooks = nullptr;
  // Webhooks every alert is posted to, besides its rule's (the worker's
  // --webhook_url). Needs `webhooks`.
  std::vector<WebhookTarget> webhooks_for_every_alert;
  // Optional; outlives the stage.
  AlertMetrics* metrics = nullptr;
  // The time alerts are raised at (Alert.created_at,
  // EnrichedStory.enriched_at).
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

// Returns the alert id for a rule, cluster and story: "al-" and 16 hex
// digits of their fingerprint.
std::string AlertId(absl::string_view rule_id, absl::string_view cluster_id,
                    absl::string_view story_id);

class AlertStage : public runtime::Stage {
 public:
  // INVALID_ARGUMENT without rules or with an empty topic name.
  static absl::StatusOr<std::unique_ptr<AlertStage>> Create(
      AlertStageOptions options);

  absl::string_view name() const override { return "alert"; }
  absl::StatusOr<std::vector<runtime::OutputRecord>> Process(
      const runtime::InputRecord& record) override;
  void AttachChangelog(runtime::ChangelogReader* reader) override {
    changelog_ = reader;
  }
  absl::Status OnPartitionsAssigned(
      const std::vector<runtime::TopicPartition>& partitions) override;
  absl::Status OnPartitionsRevoked(
      const std::vector<runtime::TopicPartition>& partitions) override;
  // Restores `assigned` from the changelog, which holds committed entries
  // only, so an alert of the aborted batch that is not raised again when
  // its record is re-read suppresses nothing.
  // The aborted batch's alert and suppression counts are dropped: its
  // records are matched again.
  absl::Status OnBatchAborted(
      const std::vector<runtime::TopicPartition>& assigned) override;
  // Adds the batch's alert and suppression counts to the metrics.
  void OnBatchCommitted() override;

  // The suppression state, for tests and metrics.
  const SuppressionState& state() const { return state_; }

 private:
  explicit AlertStage(AlertStageOptions options)
      : options_(std::move(options)), state_(options_.suppression) {}
  void OnRulesChanged(const RuleSet& rules);

  const AlertStageOptions options_;
  SuppressionState state_;
  runtime::ChangelogReader* changelog_ = nullptr;
  MatchScratch scratch_;
  // Rule set the per-rule counters below belong to.
  uint64_t rules_generation_ = 0;
  std::vector<prometheus::Counter*> alerts_by_rule_;
  // Counts of the open batch, moved to the metrics when it commits: alerts
  // raised (one counter per alert), hits suppressed for a kill and for an
  // alerted cluster.
  std::vector<prometheus::Counter*> batch_alerts_;
  int64_t batch_suppressed_kill_ = 0;
  int64_t batch_suppressed_cluster_ = 0;
};

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_ALERT_STAGE_H_
