// The alert worker: wire.classified (EnrichedStory) -> wire.enriched (the
// story with its rule matches), alerts to wire.alerts, suppression state in
// the compacted changelog wire.alert.state. The rules file reloads when it
// changes, or at once on POST /admin/reload.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "pipeline/runtime/log.h"
#include "pipeline/runtime/runner.h"
#include "pipeline/stages/alert/alert_metrics.h"
#include "pipeline/stages/alert/alert_stage.h"
#include "pipeline/stages/alert/rule_watcher.h"
#include "pipeline/stages/alert/webhook.h"

ABSL_FLAG(std::string, rules, "",
          "The alert rules file (YAML). Required; the worker does not start "
          "with a missing or bad one.");
ABSL_FLAG(int, rules_poll_ms, 2000,
          "How often the rules file is checked for a new version.");
ABSL_FLAG(std::string, alerts_topic, "wire.alerts", "Where alerts go.");
ABSL_FLAG(std::string, changelog_topic, "wire.alert.state",
          "The compacted changelog of suppression state; as many partitions "
          "as the input.");
ABSL_FLAG(int, suppression_ttl_hours, 24 * 7,
          "How long a rule stays quiet for a story cluster it alerted for, "
          "by event time.");
ABSL_FLAG(int64_t, suppression_max_entries, 1000000,
          "Suppression entries kept per input partition; the oldest are "
          "forgotten first.");
ABSL_FLAG(std::string, webhook_url, "",
          "An http(s) URL every alert is POSTed to, besides the webhooks "
          "its rule names. Empty: none.");
ABSL_FLAG(int, webhook_timeout_ms, 5000,
          "Time limit of one --webhook_url attempt.");
ABSL_FLAG(int, webhook_max_attempts, 5,
          "Attempts per alert for --webhook_url (1: no retry).");
ABSL_FLAG(int, webhook_backoff_ms, 500,
          "Wait before a webhook's second attempt; doubles for each later "
          "one (all webhooks).");
ABSL_FLAG(int, webhook_max_backoff_ms, 30000,
          "Longest wait between two webhook attempts (all webhooks).");
ABSL_FLAG(int, webhook_shutdown_grace_ms, 5000,
          "At shutdown, how long queued webhook deliveries may still take.");
ABSL_FLAG(std::string, webhook_journal_dir, "",
          "Directory where webhook deliveries waiting for an attempt are "
          "kept, so that they survive a restart or crash of the worker (one "
          "directory per worker, on a volume that outlives the container); "
          "created if missing. Empty: kept in memory only.");

namespace {

using ::wirestream::alert::AlertMetrics;
using ::wirestream::alert::AlertStage;
using ::wirestream::alert::AlertStageOptions;
using ::wirestream::alert::RuleWatcher;
using ::wirestream::alert::RuleWatcherOptions;
using ::wirestream::alert::WebhookOptions;
using ::wirestream::alert::WebhookSender;
using ::wirestream::alert::WebhookTarget;
using ::wirestream::runtime::HttpResponse;
using ::wirestream::runtime::Stage;
using ::wirestream::runtime::WorkerExtras;

// What the stage uses and the worker owns; outlives the runner.
struct AlertWiring {
  std::unique_ptr<AlertMetrics> metrics;
  std::unique_ptr<RuleWatcher> rules;
  std::unique_ptr<WebhookSender> webhooks;
};

absl::StatusOr<std::unique_ptr<Stage>> MakeAlertStage(AlertWiring& wiring,
                                                      WorkerExtras& extras) {
  const std::string path = absl::GetFlag(FLAGS_rules);
  if (path.empty()) {
    return absl::InvalidArgumentError("--rules: no alert rules file given");
  }
  wiring.metrics = std::make_unique<AlertMetrics>(*extras.registry);

  RuleWatcherOptions watch;
  watch.path = path;
  watch.poll_interval = absl::Milliseconds(absl::GetFlag(FLAGS_rules_poll_ms));
  watch.on_reload = wiring.metrics->ReloadCallback();
  auto watcher = RuleWatcher::Create(std::move(watch));
  if (!watcher.ok()) return watcher.status();
  wiring.rules = *std::move(watcher);

  WebhookOptions send;
  send.initial_backoff =
      absl::Milliseconds(absl::GetFlag(FLAGS_webhook_backoff_ms));
  send.max_backoff =
      absl::Milliseconds(absl::GetFlag(FLAGS_webhook_max_backoff_ms));
  send.metrics = wiring.metrics.get();
  send.journal_dir = absl::GetFlag(FLAGS_webhook_journal_dir);
  auto sender = WebhookSender::Create(send);
  if (!sender.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("webhook flags: ", sender.status().message()));
  }
  wiring.webhooks = *std::move(sender);

  AlertStageOptions options;
  options.rules = wiring.rules.get();
  options.alerts_topic = absl::GetFlag(FLAGS_alerts_topic);
  options.state_topic = absl::GetFlag(FLAGS_changelog_topic);
  options.suppression.ttl =
      absl::Hours(absl::GetFlag(FLAGS_suppression_ttl_hours));
  options.suppression.max_entries = static_cast<size_t>(
      std::max<int64_t>(0, absl::GetFlag(FLAGS_suppression_max_entries)));
  options.webhooks = wiring.webhooks.get();
  options.metrics = wiring.metrics.get();
  const std::string url = absl::GetFlag(FLAGS_webhook_url);
  if (!url.empty()) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      return absl::InvalidArgumentError(
          "--webhook_url must start with http:// or https://");
    }
    WebhookTarget target;
    target.channel = url;
    target.url = url;
    target.timeout =
        absl::Milliseconds(absl::GetFlag(FLAGS_webhook_timeout_ms));
    target.max_attempts = absl::GetFlag(FLAGS_webhook_max_attempts);
    if (target.timeout <= absl::ZeroDuration() || target.max_attempts < 1) {
      return absl::InvalidArgumentError(
          "--webhook_timeout_ms and --webhook_max_attempts must be positive");
    }
    options.webhooks_for_every_alert.push_back(std::move(target));
  }
  auto stage = AlertStage::Create(std::move(options));
  if (!stage.ok()) return stage.status();

  // POST /admin/reload: read the rules file now. The rules in use stay
  // when the file is bad; the answer says why.
  RuleWatcher* rules = wiring.rules.get();
  extras.routes.push_back(
      {"POST", "/admin/reload", [rules](absl::string_view) {
         absl::Status reloaded = rules->ReloadNow();
         if (!reloaded.ok()) {
           return HttpResponse{
               422, "text/plain",
               absl::StrCat("rules not reloaded, the ",
                            rules->Current()->rules().size(),
                            " rules in use stay: ", reloaded.message(), "\n")};
         }
         return HttpResponse{
             200, "text/plain",
             absl::StrCat("reloaded ", rules->Current()->rules().size(),
                          " rules\n")};
       }});
  wiring.rules->Start();
  return std::unique_ptr<Stage>(*std::move(stage));
}

}  // namespace

int main(int argc, char** argv) {
  wirestream::runtime::RunnerConfig defaults;
  defaults.input_topics = {"wire.classified"};
  defaults.output_topic = "wire.enriched";
  AlertWiring wiring;
  const int code = wirestream::runtime::RunWorkerWithExtras(
      argc, argv, defaults, [&wiring](WorkerExtras& extras) {
        return MakeAlertStage(wiring, extras);
      });
  if (wiring.rules != nullptr) wiring.rules->Stop();
  if (wiring.webhooks != nullptr) {
    const size_t dropped = wiring.webhooks->Shutdown(
        absl::Milliseconds(absl::GetFlag(FLAGS_webhook_shutdown_grace_ms)));
    if (dropped > 0) {
      wirestream::runtime::LogWarning(
          "alert: %d webhook deliveries still queued at shutdown were dropped "
          "(the alerts are on the alerts topic)",
          static_cast<int>(dropped));
    }
  }
  return code;
}
