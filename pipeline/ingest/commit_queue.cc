#include "pipeline/ingest/commit_queue.h"

#include "absl/time/clock.h"

namespace wirestream::ingest {

CommitQueue::CommitQueue(StoryLog* log, TakenLedger* ledger,
                         CommitQueueOptions options)
    : log_(log), ledger_(ledger), options_(std::move(options)) {
  writer_ = std::thread([this] { WriterLoop(); });
}

CommitQueue::~CommitQueue() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
}

absl::StatusOr<SubmitResult> CommitQueue::Submit(
    std::vector<Submission> stories, absl::Duration wait) {
  const absl::Time deadline = absl::Now() + wait;
  SubmitResult result;
  // Taken before: answer from the ledger.
  bool all_taken = !stories.empty();
  for (const Submission& s : stories) {
    std::optional<Receipt> receipt = ledger_->Find(s.ledger_key);
    if (!receipt) {
      all_taken = false;
      break;
    }
    result.receipts.push_back(*receipt);
  }
  if (all_taken) {
    result.replay = true;
    return result;
  }
  result.receipts.clear();

  absl::MutexLock lock(&mu_);
  if (failed_for_good_) return fatal_;
  // Taken between the check above and the lock: the writer adds to the
  // ledger before it clears in_flight_, so under the lock one of the two
  // always shows it.
  auto all_in_ledger = [&]() {
    std::vector<Receipt> found;
    for (const Submission& s : stories) {
      std::optional<Receipt> receipt = ledger_->Find(s.ledger_key);
      if (!receipt) return false;
      found.push_back(*receipt);
    }
    result.receipts = std::move(found);
    return true;
  };
  // Being written by an earlier request: wait for it, then ask the ledger.
  std::shared_ptr<Request> earlier;
  for (const Submission& s : stories) {
    auto it = in_flight_.find(s.ledger_key);
    if (it != in_flight_.end()) {
      earlier = it->second;
      break;
    }
  }
  if (earlier != nullptr) {
    Request* r = earlier.get();
    if (!mu_.AwaitWithDeadline(absl::Condition(&r->done), deadline)) {
      return absl::UnavailableError(
          "Kafka has not acknowledged an earlier copy yet; retry");
    }
    if (!r->status.ok()) return r->status;
    for (const Submission& s : stories) {
      std::optional<Receipt> receipt = ledger_->Find(s.ledger_key);
      if (!receipt) {
        return absl::UnavailableError(
            "an earlier copy was taken with other stories; retry");
      }
      result.receipts.push_back(*receipt);
    }
    result.replay = true;
    return result;
  }
  if (all_in_ledger()) {
    result.replay = true;
    return result;
  }
  auto request = std::make_shared<Request>();
  request->stories = std::move(stories);
  for (const Submission& s : request->stories) {
    in_flight_[s.ledger_key] = request;
  }
  waiting_.push_back(request);
  Request* r = request.get();
  if (!mu_.AwaitWithDeadline(absl::Condition(&r->done), deadline)) {
    r->abandoned = true;
    return absl::UnavailableError(
        "Kafka did not acknowledge in time; retry (a retry with the same "
        "Idempotency-Key is never written twice)");
  }
  if (!r->status.ok()) return r->status;
  result.receipts = r->receipts;
  return result;
}

void CommitQueue::WriterLoop() {
  while (true) {
    std::vector<std::shared_ptr<Request>> batch;
    {
      absl::MutexLock lock(&mu_);
      auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !waiting_.empty();
      };
      mu_.Await(absl::Condition(&has_work));
      if (waiting_.empty() && stopping_) return;
      int stories = 0;
      while (!waiting_.empty()) {
        std::shared_ptr<Request> next = waiting_.front();
        const int n = static_cast<int>(next->stories.size());
        if (!batch.empty() && stories + n > options_.max_batch_stories) break;
        waiting_.pop_front();
        if (next->abandoned) {
          // Its sender was told to retry; nothing was written.
          for (const Submission& s : next->stories)
            in_flight_.erase(s.ledger_key);
          next->status = absl::UnavailableError("abandoned");
          next->done = true;
          continue;
        }
        stories += n;
        batch.push_back(std::move(next));
      }
    }
    if (batch.empty()) continue;
    std::vector<const Submission*> submissions;
    for (const auto& request : batch) {
      for (const Submission& s : request->stories) submissions.push_back(&s);
    }
    absl::StatusOr<std::vector<Receipt>> receipts = log_->Write(submissions);
    if (receipts.ok()) {
      size_t i = 0;
      for (const auto& request : batch) {
        for (const Submission& s : request->stories) {
          ledger_->Add(s.ledger_key, (*receipts)[i]);
          request->receipts.push_back((*receipts)[i]);
          ++i;
        }
      }
    }
    const bool fatal = !receipts.ok() &&
                       !absl::IsUnavailable(receipts.status()) &&
                       !absl::IsInvalidArgument(receipts.status());
    // Before the requests wake: a fatal error stops the gateway first.
    if (fatal && options_.on_fatal) options_.on_fatal(receipts.status());
    {
      absl::MutexLock lock(&mu_);
      for (const auto& request : batch) {
        for (const Submission& s : request->stories) {
          in_flight_.erase(s.ledger_key);
        }
        if (!receipts.ok()) request->status = receipts.status();
        request->done = true;
      }
      if (fatal) {
        failed_for_good_ = true;
        fatal_ = receipts.status();
      }
    }
  }
}

}  // namespace wirestream::ingest
