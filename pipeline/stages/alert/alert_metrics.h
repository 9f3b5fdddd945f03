// File: pipeline/stages/alert/alert_metrics.h
//
// AlertMetrics: the alert stage's own Prometheus metrics, beside the ones
// the runner keeps for every stage. Created once at start-up; the per-rule
// counters are resolved when a rule set is swapped in, never per record.
// All carry stage="alert"; label values are rule ids and fixed words, never
// story content.
//
//   AlertMetrics metrics(*registry);
//   RuleWatcherOptions options{.path = path,
//                              .on_reload = metrics.ReloadCallback()};
//
// Thread-safe (prometheus-cpp metrics are; AlertsForRule locks).
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_ALERT_METRICS_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_ALERT_METRICS_H_

#include <functional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace wirestream::alert {

class AlertMetrics {
 public:
  explicit AlertMetrics(prometheus::Registry& registry);

  // wirestream_alert_rule_reloads_total{result="ok"|"failed"}: new versions
  // of the rules file swapped in / rejected.
  prometheus::Counter* reloads_ok;
  prometheus::Counter* reloads_failed;
  // wirestream_alert_rules: rules in the set in use.
  prometheus::Gauge* rules;
  // wirestream_alert_hits_suppressed_total{reason="cluster"|"kill"}.
  prometheus::Counter* suppressed_cluster;
  prometheus::Counter* suppressed_kill;
  // wirestream_alert_state_entries: suppression entries held in memory.
  prometheus::Gauge* state_entries;
  // wirestream_alert_state_restored_total{result="ok"|"skipped"}: changelog
  // records applied / skipped as unreadable while restoring.
  prometheus::Counter* state_restored;
  prometheus::Counter* state_restore_skipped;
  // wirestream_alert_webhook_deliveries_total{result=...}: "delivered";
  // "failed" (gave up after its attempts, or refused); "dropped" (queue
  // full, or still queued at shutdown).
  prometheus::Counter* webhook_delivered;
  prometheus::Counter* webhook_failed;
  prometheus::Counter* webhook_dropped;
  // wirestream_alert_webhook_attempts_total: HTTP requests made.
  prometheus::Counter* webhook_attempts;

  // Returns wirestream_alerts_total{rule=<id>}: alerts emitted for the
  // rule. Creates it on first use; call when rules change, not per record.
  prometheus::Counter& AlertsForRule(const std::string& rule_id);

  // Returns a RuleWatcherOptions::on_reload callback that counts reloads.
  std::function<void(bool ok)> ReloadCallback();

 private:
  prometheus::Family<prometheus::Counter>* alerts_family_;
  absl::Mutex mu_;
};

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_ALERT_METRICS_H_
