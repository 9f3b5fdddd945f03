// File: pipeline/ingest/testing/fake_story_log.h
//
// FakeStoryLog keeps written stories in memory, numbers them like one
// Kafka partition, and can be told to refuse writes (Kafka down) or fail
// for good (fenced).
//
//   FakeStoryLog log;
//   log.FailNextWrites(1, absl::UnavailableError("broker down"));
//   ... code under test writes ...
//   EXPECT_EQ(log.stories().size(), 3);
#ifndef WIRESTREAM_PIPELINE_INGEST_TESTING_FAKE_STORY_LOG_H_
#define WIRESTREAM_PIPELINE_INGEST_TESTING_FAKE_STORY_LOG_H_

#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "pipeline/ingest/story_log.h"

namespace wirestream::ingest {

class FakeStoryLog : public StoryLog {
 public:
  absl::StatusOr<std::vector<Receipt>> Write(
      const std::vector<const Submission*>& batch) override {
    absl::MutexLock lock(&mu_);
    ++writes_;
    if (failures_left_ > 0) {
      --failures_left_;
      return failure_;
    }
    std::vector<Receipt> receipts;
    for (const Submission* s : batch) {
      Receipt r{"wire.raw", 0, static_cast<int64_t>(stories_.size()),
                absl::Now()};
      stories_.push_back(*s);
      receipts.push_back(r);
    }
    ++batches_;
    return receipts;
  }
  bool available() const override { return true; }

  // The next `n` writes return `status` and write nothing.
  void FailNextWrites(int n, absl::Status status) {
    absl::MutexLock lock(&mu_);
    failures_left_ = n;
    failure_ = std::move(status);
  }
  std::vector<Submission> stories() const {
    absl::MutexLock lock(&mu_);
    return stories_;
  }
  // Committed batches.
  int batches() const {
    absl::MutexLock lock(&mu_);
    return batches_;
  }
  // Write calls, failed ones included.
  int writes() const {
    absl::MutexLock lock(&mu_);
    return writes_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<Submission> stories_ ABSL_GUARDED_BY(mu_);
  int batches_ ABSL_GUARDED_BY(mu_) = 0;
  int writes_ ABSL_GUARDED_BY(mu_) = 0;
  int failures_left_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_TESTING_FAKE_STORY_LOG_H_
