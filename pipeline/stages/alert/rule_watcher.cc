#include "pipeline/stages/alert/rule_watcher.h"

#include <utility>

#include "pipeline/runtime/log.h"
#include "pipeline/stages/alert/fingerprint.h"

namespace wirestream::alert {

using ::wirestream::runtime::LogInfo;
using ::wirestream::runtime::LogWarning;

absl::StatusOr<std::unique_ptr<RuleWatcher>> RuleWatcher::Create(
    RuleWatcherOptions options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("no rules file given");
  }
  if (options.poll_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the poll interval must be positive");
  }
  absl::StatusOr<std::string> content = ReadWholeFile(options.path);
  if (!content.ok()) return content.status();
  absl::StatusOr<RulesConfig> config =
      ParseRulesYaml(*content, options.path, options.env);
  if (!config.ok()) return config.status();
  absl::StatusOr<std::shared_ptr<const RuleSet>> set =
      RuleSet::Create(*std::move(config));
  if (!set.ok()) return set.status();

  std::unique_ptr<RuleWatcher> watcher(new RuleWatcher(std::move(options)));
  const uint64_t hash = Fingerprint64(*content);
  {
    absl::MutexLock lock(&watcher->current_mu_);
    watcher->current_ = *std::move(set);
    watcher->current_hash_ = hash;
  }
  {
    absl::MutexLock lock(&watcher->reload_mu_);
    watcher->last_seen_ = hash;
    watcher->has_seen_ = true;
  }
  LogInfo("alert: loaded %d rules from %s",
          static_cast<int>(watcher->Current()->rules().size()),
          watcher->options_.path);
  return watcher;
}

RuleWatcher::~RuleWatcher() { Stop(); }

std::shared_ptr<const RuleSet> RuleWatcher::Current() const {
  absl::ReaderMutexLock lock(&current_mu_);
  return current_;
}

std::string RuleWatcher::last_error() const {
  absl::ReaderMutexLock lock(&current_mu_);
  return last_error_;
}

uint64_t RuleWatcher::content_hash() const {
  absl::ReaderMutexLock lock(&current_mu_);
  return current_hash_;
}

absl::Status RuleWatcher::CheckNow() { return Check(/*force=*/false); }

absl::Status RuleWatcher::ReloadNow() { return Check(/*force=*/true); }

absl::Status RuleWatcher::Check(bool force) {
  absl::MutexLock reload_lock(&reload_mu_);
  absl::StatusOr<std::string> content = ReadWholeFile(options_.path);
  std::optional<uint64_t> seen;
  if (content.ok()) seen = Fingerprint64(*content);
  const bool is_new = !has_seen_ || seen != last_seen_;
  if (!force && !is_new) return absl::OkStatus();
  has_seen_ = true;
  last_seen_ = seen;

  absl::Status status = content.status();
  std::shared_ptr<const RuleSet> set;
  if (status.ok()) {
    absl::StatusOr<RulesConfig> config =
        ParseRulesYaml(*content, options_.path, options_.env);
    if (config.ok()) {
      absl::StatusOr<std::shared_ptr<const RuleSet>> compiled =
          RuleSet::Create(*std::move(config));
      if (compiled.ok()) {
        set = *std::move(compiled);
      } else {
        status = compiled.status();
      }
    } else {
      status = config.status();
    }
  }

  if (!status.ok()) {
    // Counted once per bad version; a forced reload of it counts again.
    reloads_failed_.fetch_add(1);
    {
      absl::MutexLock lock(&current_mu_);
      last_error_ = std::string(status.message());
    }
    LogWarning("alert: rules not reloaded, keeping the %d rules in use: %s",
               static_cast<int>(Current()->rules().size()), status.message());
    if (options_.on_reload) options_.on_reload(false);
    return status;
  }

  const int count = static_cast<int>(set->rules().size());
  {
    absl::MutexLock lock(&current_mu_);
    current_ = std::move(set);
    current_hash_ = *seen;
    last_error_.clear();
  }
  reloads_ok_.fetch_add(1);
  LogInfo("alert: reloaded %d rules from %s", count, options_.path);
  if (options_.on_reload) options_.on_reload(true);
  return absl::OkStatus();
}

void RuleWatcher::Start() {
  absl::MutexLock lock(&thread_mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { PollLoop(); });
}

void RuleWatcher::Stop() {
  {
    absl::MutexLock lock(&thread_mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void RuleWatcher::PollLoop() {
  while (true) {
    {
      absl::MutexLock lock(&thread_mu_);
      thread_mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                                  options_.poll_interval);
      if (stopping_) return;
    }
    CheckNow().IgnoreError();
  }
}

}  // namespace wirestream::alert
