#include "pipeline/ingest/rate_limiter.h"

#include <algorithm>

namespace wirestream::ingest {

bool RateLimiter::Allow(absl::string_view source, int stories, absl::Time now) {
  if (rate_ <= 0) return true;
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = buckets_.try_emplace(source, Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (now > bucket.updated) {
    bucket.tokens = std::min(
        burst_,
        bucket.tokens + rate_ * absl::ToDoubleSeconds(now - bucket.updated));
    bucket.updated = now;
  }
  if (bucket.tokens < stories) return false;
  bucket.tokens -= stories;
  return true;
}

}  // namespace wirestream::ingest
