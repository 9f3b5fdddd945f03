#include "pipeline/stages/alert/alert_metrics.h"

namespace wirestream::alert {

AlertMetrics::AlertMetrics(prometheus::Registry& registry) {
  const prometheus::Labels stage{{"stage", "alert"}};
  auto with = [&](std::string key, std::string value) {
    prometheus::Labels l = stage;
    l.emplace(std::move(key), std::move(value));
    return l;
  };
  auto& reloads = prometheus::BuildCounter()
                      .Name("wirestream_alert_rule_reloads_total")
                      .Help(
                          "New versions of the rules file, by result: ok "
                          "(swapped in) or failed (rejected; the rules in "
                          "use stay).")
                      .Register(registry);
  reloads_ok = &reloads.Add(with("result", "ok"));
  reloads_failed = &reloads.Add(with("result", "failed"));
  rules = &prometheus::BuildGauge()
               .Name("wirestream_alert_rules")
               .Help("Rules in the rule set in use.")
               .Register(registry)
               .Add(stage);
  auto& suppressed = prometheus::BuildCounter()
                         .Name("wirestream_alert_hits_suppressed_total")
                         .Help(
                             "Rule matches that sent no alert, by reason: "
                             "cluster (already alerted) or kill (the story "
                             "was withdrawn).")
                         .Register(registry);
  suppressed_cluster = &suppressed.Add(with("reason", "cluster"));
  suppressed_kill = &suppressed.Add(with("reason", "kill"));
  state_entries = &prometheus::BuildGauge()
                       .Name("wirestream_alert_state_entries")
                       .Help("Suppression entries (rule, cluster) in memory.")
                       .Register(registry)
                       .Add(stage);
  auto& restored = prometheus::BuildCounter()
                       .Name("wirestream_alert_state_restored_total")
                       .Help(
                           "Changelog records read while restoring "
                           "suppression state, by result.")
                       .Register(registry);
  state_restored = &restored.Add(with("result", "ok"));
  state_restore_skipped = &restored.Add(with("result", "skipped"));
  auto& deliveries = prometheus::BuildCounter()
                         .Name("wirestream_alert_webhook_deliveries_total")
                         .Help(
                             "Webhook deliveries by result: delivered, "
                             "failed (gave up or refused), dropped (queue "
                             "full or shut down).")
                         .Register(registry);
  webhook_delivered = &deliveries.Add(with("result", "delivered"));
  webhook_failed = &deliveries.Add(with("result", "failed"));
  webhook_dropped = &deliveries.Add(with("result", "dropped"));
  webhook_attempts = &prometheus::BuildCounter()
                          .Name("wirestream_alert_webhook_attempts_total")
                          .Help(
                              "Webhook HTTP requests made, retries "
                              "included.")
                          .Register(registry)
                          .Add(stage);
  alerts_family_ = &prometheus::BuildCounter()
                        .Name("wirestream_alerts_total")
                        .Help("Alerts emitted, by rule.")
                        .Register(registry);
}

prometheus::Counter& AlertMetrics::AlertsForRule(const std::string& rule_id) {
  absl::MutexLock lock(&mu_);
  return alerts_family_->Add({{"stage", "alert"}, {"rule", rule_id}});
}

std::function<void(bool ok)> AlertMetrics::ReloadCallback() {
  return [this](bool ok) { (ok ? reloads_ok : reloads_failed)->Increment(); };
}

}  // namespace wirestream::alert
