// File: pipeline/ingest/commit_queue.h
//
// CommitQueue gathers the stories of concurrent requests into shared Kafka
// transactions (group commit): one writer thread takes whatever requests
// wait, writes them as one batch through a StoryLog, records each in the
// TakenLedger and wakes the requests. A request whose ledger keys are all
// taken already is answered from the ledger; one whose key is being written
// by another request waits for that write instead of writing again.
//
//   CommitQueue queue(&story_log, &ledger, {});
//   absl::StatusOr<std::vector<Receipt>> receipts =
//       queue.Submit(std::move(submissions), absl::Seconds(10));
//
// Submit is thread-safe and blocks; the destructor stops the writer thread
// after the batch in flight.
#ifndef WIRESTREAM_PIPELINE_INGEST_COMMIT_QUEUE_H_
#define WIRESTREAM_PIPELINE_INGEST_COMMIT_QUEUE_H_

#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pipeline/ingest/story_log.h"
#include "pipeline/ingest/taken_ledger.h"

namespace wirestream::ingest {

struct CommitQueueOptions {
  // Most stories in one transaction.
  int max_batch_stories = 500;
  // Called after a fatal write error (fenced, commit outcome unknown); the
  // gateway stops. Runs on the writer thread.
  std::function<void(const absl::Status&)> on_fatal;
};

// What Submit answers besides the receipts.
struct SubmitResult {
  std::vector<Receipt> receipts;
  // Every story was taken before (a retried request).
  bool replay = false;
};

class CommitQueue {
 public:
  CommitQueue(StoryLog* log, TakenLedger* ledger, CommitQueueOptions options);
  ~CommitQueue();

  // Writes `stories` (all in one transaction) unless their ledger keys were
  // taken, and returns their receipts in order. UNAVAILABLE when Kafka did
  // not take them, or did not answer within `wait` (they may still be
  // written: a retry with the same keys then gets the receipts).
  absl::StatusOr<SubmitResult> Submit(std::vector<Submission> stories,
                                      absl::Duration wait);

 private:
  struct Request {
    std::vector<Submission> stories;
    bool done = false;
    bool abandoned = false;
    absl::Status status;
    std::vector<Receipt> receipts;
  };

  void WriterLoop();

  StoryLog* const log_;
  TakenLedger* const ledger_;
  const CommitQueueOptions options_;
  absl::Mutex mu_;
  std::deque<std::shared_ptr<Request>> waiting_ ABSL_GUARDED_BY(mu_);
  // Ledger keys of requests queued or being written.
  absl::flat_hash_map<std::string, std::shared_ptr<Request>> in_flight_
      ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool failed_for_good_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status fatal_ ABSL_GUARDED_BY(mu_);
  std::thread writer_;
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_COMMIT_QUEUE_H_
