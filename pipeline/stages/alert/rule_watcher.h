// File: pipeline/stages/alert/rule_watcher.h
//
// Where the alert stage gets its rules from. RuleSource hands out the
// current compiled RuleSet; StaticRuleSource always the same one;
// RuleWatcher the latest good version of a rules file, reloaded without a
// restart:
//
//   absl::StatusOr<std::unique_ptr<RuleWatcher>> watcher =
//       RuleWatcher::Create({.path = "/etc/wirestream/alert-rules.yaml"});
//   (*watcher)->Start();                 // polls every 2 s
//   std::shared_ptr<const RuleSet> rules = (*watcher)->Current();
//
// Reloading: each poll reads the file and compares a hash of its content
// with the last version seen (file times are too coarse to tell two quick
// saves apart). A new version is compiled off to the side; when it is good
// it replaces the current set in one pointer swap, so a story is matched
// either wholly with the old rules or wholly with the new ones. When it is
// bad (YAML, a query, a missing file) the current set stays, the failure is
// counted once per bad version and logged with the error naming the rule
// and line. ReloadNow does the same at once, for an admin endpoint.
//
// Thread-safety: all methods are thread-safe. Current() never waits for a
// compilation. Sets handed out stay valid while their holders keep them.
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_RULE_WATCHER_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_RULE_WATCHER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pipeline/stages/alert/rule_set.h"
#include "pipeline/stages/alert/rules_file.h"

namespace wirestream::alert {

class RuleSource {
 public:
  virtual ~RuleSource() = default;
  // Returns the rules to match the next story with; never null.
  virtual std::shared_ptr<const RuleSet> Current() const = 0;
};

// Always the same rules (tests, one-shot tools).
class StaticRuleSource : public RuleSource {
 public:
  explicit StaticRuleSource(std::shared_ptr<const RuleSet> rules)
      : rules_(std::move(rules)) {}
  std::shared_ptr<const RuleSet> Current() const override { return rules_; }

 private:
  std::shared_ptr<const RuleSet> rules_;
};

struct RuleWatcherOptions {
  // The rules file.
  std::string path;
  // How often the background thread checks the file.
  absl::Duration poll_interval = absl::Seconds(2);
  // Resolves "${NAME}" in webhook headers.
  EnvLookup env = ProcessEnv();
  // Called after each reload attempt of a new version (true: swapped in;
  // false: rejected), from the thread that made it. For metrics.
  std::function<void(bool ok)> on_reload;
};

class RuleWatcher : public RuleSource {
 public:
  // Loads and compiles the file. Returns its error when it is missing or
  // bad: a worker must not start without rules.
  static absl::StatusOr<std::unique_ptr<RuleWatcher>> Create(
      RuleWatcherOptions options);

  // Stops the background thread.
  ~RuleWatcher() override;

  std::shared_ptr<const RuleSet> Current() const override;

  // Reads the file; if its content is new, compiles it and swaps it in.
  // Returns OK when the file is unchanged or was reloaded; the error when
  // the new version is bad (the current rules stay).
  absl::Status CheckNow();

  // Like CheckNow, but recompiles even an unchanged file.
  absl::Status ReloadNow();

  // Starts checking every poll_interval on a background thread (once).
  void Start();
  // Stops the background thread; returns once it has ended.
  void Stop();

  // Versions swapped in and versions rejected since Create (the first load
  // not counted).
  uint64_t reloads_ok() const { return reloads_ok_.load(); }
  uint64_t reloads_failed() const { return reloads_failed_.load(); }
  // The error of the last rejected version; empty once a version loads.
  std::string last_error() const;
  // Fingerprint of the content of the rules in use.
  uint64_t content_hash() const;

 private:
  explicit RuleWatcher(RuleWatcherOptions options)
      : options_(std::move(options)) {}
  absl::Status Check(bool force);
  void PollLoop();

  const RuleWatcherOptions options_;

  mutable absl::Mutex current_mu_;
  std::shared_ptr<const RuleSet> current_ ABSL_GUARDED_BY(current_mu_);
  uint64_t current_hash_ ABSL_GUARDED_BY(current_mu_) = 0;
  std::string last_error_ ABSL_GUARDED_BY(current_mu_);

  // Serialises reload attempts.
  absl::Mutex reload_mu_;
  // The last version attempted (hash of the content; nullopt: the file
  // could not be read).
  std::optional<uint64_t> last_seen_ ABSL_GUARDED_BY(reload_mu_);
  bool has_seen_ ABSL_GUARDED_BY(reload_mu_) = false;

  std::atomic<uint64_t> reloads_ok_{0};
  std::atomic<uint64_t> reloads_failed_{0};

  absl::Mutex thread_mu_;
  bool stopping_ ABSL_GUARDED_BY(thread_mu_) = false;
  std::thread thread_;
};

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_RULE_WATCHER_H_
