#include "pipeline/stages/alert/webhook.h"

#include <curl/curl.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pipeline/runtime/log.h"

namespace wirestream::alert {
namespace {

using ::wirestream::runtime::LogInfo;
using ::wirestream::runtime::LogWarning;

size_t DiscardBody(char* /*data*/, size_t size, size_t n, void* /*user*/) {
  return size * n;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::string RedactUrl(absl::string_view url) {
  const size_t scheme = url.find("://");
  const size_t host_start = scheme == absl::string_view::npos ? 0 : scheme + 3;
  const size_t path = url.find_first_of("/?#", host_start);
  if (path == absl::string_view::npos) return std::string(url);
  return absl::StrCat(url.substr(0, path), "/…");
}

absl::StatusOr<std::unique_ptr<WebhookSender>> WebhookSender::Create(
    WebhookOptions options) {
  if (options.queue_capacity == 0) {
    return absl::InvalidArgumentError("queue_capacity must be at least 1");
  }
  if (options.threads < 1 || options.threads > 64) {
    return absl::InvalidArgumentError("threads must be from 1 to 64");
  }
  if (options.initial_backoff < absl::ZeroDuration() ||
      options.max_backoff < options.initial_backoff ||
      options.backoff_multiplier < 1.0 || options.jitter < 0 ||
      options.jitter >= 1) {
    return absl::InvalidArgumentError(
        "backoff: need 0 <= initial <= max, multiplier >= 1, 0 <= jitter < 1");
  }
  InitCurlOnce();
  std::unique_ptr<WebhookSender> sender(new WebhookSender(options));
  if (!options.journal_dir.empty()) {
    absl::StatusOr<std::unique_ptr<WebhookJournal>> journal =
        WebhookJournal::Open(options.journal_dir);
    if (!journal.ok()) return journal.status();
    sender->journal_ = *std::move(journal);
    std::vector<JournalEntry> left = sender->journal_->Load();
    if (!left.empty()) {
      absl::MutexLock lock(&sender->mu_);
      for (JournalEntry& e : left) {
        Delivery d;
        d.target = std::move(e.target);
        d.alert_id = std::move(e.alert_id);
        d.body = std::move(e.body);
        d.attempts = e.attempts;
        d.due = e.due;
        d.journal_name = std::move(e.name);
        d.seq = sender->next_seq_++;
        sender->heap_.push_back(std::move(d));
        std::push_heap(sender->heap_.begin(), sender->heap_.end(), Later());
      }
      sender->resumed_ = left.size();
      LogInfo("alert: resuming %d webhook deliveries from %s",
              static_cast<int>(left.size()), options.journal_dir);
    }
  }
  for (int i = 0; i < options.threads; ++i) {
    sender->threads_.emplace_back([s = sender.get()] { s->WorkerLoop(); });
  }
  return sender;
}

WebhookSender::~WebhookSender() { Shutdown(absl::ZeroDuration()); }

void WebhookSender::Journal(Delivery& d) {
  if (journal_ == nullptr) return;
  JournalEntry entry;
  entry.name = d.journal_name;
  entry.target = d.target;
  entry.alert_id = d.alert_id;
  entry.body = d.body;
  entry.attempts = d.attempts;
  entry.due = d.due;
  absl::Status saved = journal_->Save(entry);
  if (!saved.ok()) {
    LogWarning(
        "alert: webhook journal: %s; alert %s for %s is kept in memory only",
        saved.message(), d.alert_id, RedactUrl(d.target.url));
    return;
  }
  d.journal_name = entry.name;
}

void WebhookSender::CountDropped(uint64_t n) {
  if (n == 0) return;
  dropped_.fetch_add(n);
  if (options_.metrics != nullptr)
    options_.metrics->webhook_dropped->Increment(n);
}

bool WebhookSender::Enqueue(const WebhookTarget& target,
                            const wirestream::v1::Alert& alert) {
  Delivery d;
  d.target = target;
  d.alert_id = alert.alert_id();
  google::protobuf::util::JsonPrintOptions json;
  if (!google::protobuf::util::MessageToJsonString(alert, &d.body, json).ok()) {
    CountDropped(1);
    return false;
  }
  d.due = absl::Now();
  bool room = false;
  {
    absl::MutexLock lock(&mu_);
    room = !stopping_ && heap_.size() + in_flight_ < options_.queue_capacity;
  }
  // On disk before anyone can try it: a delivery is never attempted
  // without its file, so a crash cannot lose a failed attempt's retry.
  if (room) Journal(d);
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_ && heap_.size() + in_flight_ < options_.queue_capacity) {
      d.seq = next_seq_++;
      heap_.push_back(std::move(d));
      std::push_heap(heap_.begin(), heap_.end(), Later());
      wake_.Signal();
      return true;
    }
  }
  if (journal_ != nullptr) journal_->Remove(d.journal_name);
  CountDropped(1);
  LogWarning("alert: webhook queue full or closed; alert %s for %s dropped",
             alert.alert_id(), RedactUrl(target.url));
  return false;
}

size_t WebhookSender::pending() const {
  absl::MutexLock lock(&mu_);
  return heap_.size() + in_flight_;
}

absl::Duration WebhookSender::Backoff(int attempts_made) {
  double factor = std::pow(options_.backoff_multiplier, attempts_made - 1);
  absl::Duration d = std::min(options_.max_backoff,
                              options_.initial_backoff * std::min(factor, 1e6));
  if (options_.jitter > 0) {
    d *= absl::Uniform(bitgen_, 1.0 - options_.jitter, 1.0 + options_.jitter);
  }
  return d;
}

size_t WebhookSender::Shutdown(absl::Duration grace) {
  size_t left = 0;
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return heap_.empty() && in_flight_ == 0;
      };
      const absl::Time deadline = absl::Now() + grace;
      while (!idle() && absl::Now() < deadline) {
        wake_.WaitWithDeadline(&mu_, deadline);
      }
      stopping_ = true;
      left = heap_.size();
      heap_.clear();
      wake_.SignalAll();
    }
  }
  if (journal_ != nullptr && left > 0) {
    // Their files stay; the next start takes them up.
    LogInfo("alert: %d webhook deliveries kept in %s for the next start",
            static_cast<int>(left), journal_->directory());
    left = 0;
  }
  CountDropped(left);
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  return left;
}

void WebhookSender::WorkerLoop() {
  CURL* curl = curl_easy_init();
  while (true) {
    Delivery d;
    {
      absl::MutexLock lock(&mu_);
      while (true) {
        if (stopping_) {
          curl_easy_cleanup(curl);
          return;
        }
        const absl::Time now = absl::Now();
        if (!heap_.empty() && heap_.front().due <= now) break;
        if (heap_.empty()) {
          wake_.Wait(&mu_);
        } else {
          wake_.WaitWithDeadline(&mu_, heap_.front().due);
        }
      }
      std::pop_heap(heap_.begin(), heap_.end(), Later());
      d = std::move(heap_.back());
      heap_.pop_back();
      ++in_flight_;
    }

    std::string why;
    const Outcome outcome =
        curl != nullptr ? Attempt(curl, d, &why) : Outcome::kRetry;
    if (curl == nullptr) why = "could not create an HTTP client";
    ++d.attempts;
    attempts_.fetch_add(1);
    if (options_.metrics != nullptr)
      options_.metrics->webhook_attempts->Increment();

    // The journal is written outside the lock, before the delivery is back
    // in the heap where another thread could take it.
    const bool will_retry =
        outcome == Outcome::kRetry && d.attempts < d.target.max_attempts;
    if (will_retry) {
      {
        absl::MutexLock lock(&mu_);
        d.due = absl::Now() + Backoff(d.attempts);
      }
      Journal(d);
    } else if (journal_ != nullptr) {
      journal_->Remove(d.journal_name);
    }

    absl::MutexLock lock(&mu_);
    --in_flight_;
    if (outcome == Outcome::kDelivered) {
      delivered_.fetch_add(1);
      if (options_.metrics != nullptr) {
        options_.metrics->webhook_delivered->Increment();
      }
    } else if (will_retry && !stopping_) {
      heap_.push_back(std::move(d));
      std::push_heap(heap_.begin(), heap_.end(), Later());
    } else if (outcome == Outcome::kRetry && stopping_) {
      // With a journal, its file (and retry) waits for the next start.
      if (journal_ == nullptr || d.journal_name.empty() || !will_retry) {
        dropped_.fetch_add(1);
        if (options_.metrics != nullptr)
          options_.metrics->webhook_dropped->Increment();
      }
    } else {
      failed_.fetch_add(1);
      if (options_.metrics != nullptr)
        options_.metrics->webhook_failed->Increment();
      LogWarning(
          "alert: webhook %s gave up on alert %s after %d attempt(s): %s",
          RedactUrl(d.target.url), d.alert_id, d.attempts, why);
    }
    // Wakes Shutdown (idle) and workers (a retry was queued).
    wake_.SignalAll();
  }
}

WebhookSender::Outcome WebhookSender::Attempt(void* handle, const Delivery& d,
                                              std::string* why) {
  CURL* curl = static_cast<CURL*>(handle);
  curl_easy_reset(curl);
  struct curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(
      headers, absl::StrCat("Idempotency-Key: ", d.alert_id).c_str());
  headers = curl_slist_append(
      headers, absl::StrCat("X-Wirestream-Attempt: ", d.attempts + 1).c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue
  for (const auto& [name, value] : d.target.headers) {
    headers =
        curl_slist_append(headers, absl::StrCat(name, ": ", value).c_str());
  }
  const long timeout_ms = static_cast<long>(
      std::max<int64_t>(1, absl::ToInt64Milliseconds(d.target.timeout)));
  curl_easy_setopt(curl, CURLOPT_URL, d.target.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, d.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE,
                   static_cast<long>(d.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   std::min(timeout_ms, 10000L));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "wirestream-alert");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, DiscardBody);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);

  if (rc != CURLE_OK) {
    *why = curl_easy_strerror(rc);
    return Outcome::kRetry;
  }
  if (status >= 200 && status < 300) return Outcome::kDelivered;
  *why = absl::StrFormat("HTTP %d", status);
  if (status == 408 || status == 429 || status >= 500) return Outcome::kRetry;
  return Outcome::kRefused;
}

}  // namespace wirestream::alert
