#include "pipeline/dashboard/live_updates.h"

#include <utility>

namespace wirestream::dashboard {

void LiveUpdates::Publish(std::string type, std::string json,
                          absl::Time arrived) {
  absl::MutexLock lock(&mu_);
  ring_.push_back(
      LiveEvent{next_id_++, std::move(type), std::move(json), arrived});
  while (ring_.size() > capacity_) ring_.pop_front();
}

uint64_t LiveUpdates::next_id() const {
  absl::MutexLock lock(&mu_);
  return next_id_;
}

bool LiveUpdates::WaitAfter(uint64_t from, absl::Duration timeout,
                            std::vector<LiveEvent>& out) const {
  absl::MutexLock lock(&mu_);
  auto published = [this, from]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return next_id_ > from || woken_;
  };
  mu_.AwaitWithTimeout(absl::Condition(&published), timeout);
  if (ring_.empty() || next_id_ <= from) return true;
  const uint64_t oldest = ring_.front().id;
  const bool complete = from >= oldest;
  const size_t start = from > oldest ? from - oldest : 0;
  for (size_t i = start; i < ring_.size(); ++i) out.push_back(ring_[i]);
  return complete;
}

void LiveUpdates::WakeAll() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

}  // namespace wirestream::dashboard
