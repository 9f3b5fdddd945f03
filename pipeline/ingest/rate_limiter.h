// File: pipeline/ingest/rate_limiter.h
//
// A token bucket per source: each source may send `rate` stories a second
// on average, in bursts of up to `burst`. The clock is passed in, so tests
// step it by hand.
//
//   RateLimiter limiter(/*rate=*/50, /*burst=*/100);
//   if (!limiter.Allow("ap", 1, absl::Now())) { ... 429 ... }
//
// Thread-safe.
#ifndef WIRESTREAM_PIPELINE_INGEST_RATE_LIMITER_H_
#define WIRESTREAM_PIPELINE_INGEST_RATE_LIMITER_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wirestream::ingest {

class RateLimiter {
 public:
  // `rate` <= 0: no limit.
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

  // Takes `stories` from `source`'s bucket; false (nothing taken) when the
  // bucket holds fewer.
  bool Allow(absl::string_view source, int stories, absl::Time now);

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  const double rate_;
  const double burst_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_RATE_LIMITER_H_
