// File: pipeline/stages/alert/webhook.h
//
// WebhookSender POSTs alerts to webhook URLs as JSON (the proto3 JSON
// mapping of wirestream.v1.Alert) from background threads, so the stream
// never waits on a slow or dead endpoint:
//
//   absl::StatusOr<std::unique_ptr<WebhookSender>> sender =
//       WebhookSender::Create({.metrics = &metrics});
//   (*sender)->Enqueue(rule.webhooks[0], alert);   // returns at once
//   ...
//   (*sender)->Shutdown(absl::Seconds(5));         // at SIGTERM
//
// Each request carries `Content-Type: application/json`,
// `Idempotency-Key: <alert id>` (the same on every retry, and when a
// re-read batch sends the alert again, so the receiver can drop repeats),
// `X-Wirestream-Attempt: <n>` and the target's own headers. A 2xx answer
// delivers it. A connection error, a timeout (the target's, per attempt),
// 408, 429 or 5xx is retried after an exponential backoff (initial_backoff,
// times backoff_multiplier each time, at most max_backoff, ± jitter) until
// the target's max_attempts; any other answer fails at once. Deliveries
// are counted (delivered, failed, dropped, attempts) here and, when given,
// in AlertMetrics. URLs are logged without their path, which often holds a
// secret.
//
// With a journal directory (WebhookOptions::journal_dir), every waiting
// delivery is also a file there (webhook_journal.h): written before the
// first attempt, rewritten when a retry is scheduled, deleted once it is
// delivered or given up. A new sender on the same directory takes up what
// the last one left, at the attempt and time it was due, so retries
// survive a restart or a crash of the worker; Shutdown then keeps what is
// left instead of dropping it.
//
// Thread-safety: Enqueue and the counters are thread-safe.
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_WEBHOOK_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_WEBHOOK_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pipeline/stages/alert/alert_metrics.h"
#include "pipeline/stages/alert/rule_spec.h"
#include "pipeline/stages/alert/webhook_journal.h"
#include "wirestream/v1/alert.pb.h"

namespace wirestream::alert {

struct WebhookOptions {
  // Deliveries waiting or in progress; Enqueue drops beyond it.
  size_t queue_capacity = 10000;
  // Threads making requests (one request at a time each).
  int threads = 2;
  // Wait before the second attempt; multiplied for each later one.
  absl::Duration initial_backoff = absl::Milliseconds(500);
  double backoff_multiplier = 2.0;
  absl::Duration max_backoff = absl::Seconds(30);
  // Each backoff is scaled by a random factor in [1 - jitter, 1 + jitter].
  double jitter = 0.2;
  // Optional; outlives the sender.
  AlertMetrics* metrics = nullptr;
  // Where waiting deliveries are kept across restarts (one directory per
  // worker); empty: in memory only.
  std::string journal_dir;
};

// Returns `url` cut after its host ("https://hooks.example.com/…"), for
// logs.
std::string RedactUrl(absl::string_view url);

class WebhookSender {
 public:
  // Takes up the deliveries left in the journal directory, if any, and
  // starts the threads. INVALID_ARGUMENT for a bad option or a journal
  // directory that cannot be used.
  static absl::StatusOr<std::unique_ptr<WebhookSender>> Create(
      WebhookOptions options);

  // Shutdown(0) if not done yet.
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Queues `alert` for `target`. Never blocks on the network. Returns false
  // (and counts it dropped) when the queue is full or the sender has shut
  // down.
  bool Enqueue(const WebhookTarget& target, const wirestream::v1::Alert& alert);

  // Waits up to `grace` for queued deliveries (retries included) to end,
  // then stops: requests in progress finish (each within its timeout), the
  // rest are dropped, or, with a journal, kept there for the next start.
  // Returns how many were dropped. Idempotent.
  size_t Shutdown(absl::Duration grace);

  // Deliveries waiting or in progress.
  size_t pending() const;

  uint64_t delivered() const { return delivered_.load(); }
  uint64_t failed() const { return failed_.load(); }
  uint64_t dropped() const { return dropped_.load(); }
  uint64_t attempts() const { return attempts_.load(); }
  // Deliveries taken up from the journal at start.
  uint64_t resumed() const { return resumed_.load(); }

 private:
  struct Delivery {
    WebhookTarget target;
    std::string alert_id;
    std::string body;
    int attempts = 0;  // made so far
    absl::Time due;
    uint64_t seq = 0;
    // Its journal file's name; empty when not in a journal.
    std::string journal_name;
  };
  // Orders the heap: earliest due first.
  struct Later {
    bool operator()(const Delivery& a, const Delivery& b) const {
      return a.due != b.due ? a.due > b.due : a.seq > b.seq;
    }
  };
  enum class Outcome { kDelivered, kRetry, kRefused };

  explicit WebhookSender(WebhookOptions options) : options_(options) {}
  void WorkerLoop();
  Outcome Attempt(void* curl, const Delivery& d, std::string* why);
  absl::Duration Backoff(int attempts_made) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CountDropped(uint64_t n);
  // Writes `d` to the journal (naming it the first time); a failure is
  // logged and the delivery goes on in memory.
  void Journal(Delivery& d);

  const WebhookOptions options_;
  mutable absl::Mutex mu_;
  absl::CondVar wake_;
  std::vector<Delivery> heap_ ABSL_GUARDED_BY(mu_);
  size_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 0;
  absl::BitGen bitgen_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
  std::unique_ptr<WebhookJournal> journal_;

  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> attempts_{0};
  std::atomic<uint64_t> resumed_{0};
};

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_WEBHOOK_H_
