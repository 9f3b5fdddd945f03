// File: pipeline/dashboard/live_updates.h
//
// LiveUpdates fans the window's changes out to every connected page: the
// feed reader publishes each story and alert once, already as JSON, and
// each server-sent-events connection reads them in order from a bounded
// ring, resuming after the last event id it saw.
//
//   LiveUpdates updates(4096);
//   updates.Publish("story", json, arrived);
//   uint64_t next = updates.next_id();
//   std::vector<LiveEvent> events;
//   updates.WaitAfter(next, absl::Seconds(15), events);
//
// A connection that falls further behind than the ring holds is told to
// reload (WaitAfter returns false). Thread-safe.
#ifndef WIRESTREAM_PIPELINE_DASHBOARD_LIVE_UPDATES_H_
#define WIRESTREAM_PIPELINE_DASHBOARD_LIVE_UPDATES_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wirestream::dashboard {

struct LiveEvent {
  // 1, 2, 3, ... in publishing order.
  uint64_t id = 0;
  // "story" or "alert".
  std::string type;
  std::string json;
  // When the record arrived on its topic, for the delivery-time metric.
  absl::Time arrived;
};

class LiveUpdates {
 public:
  explicit LiveUpdates(size_t capacity) : capacity_(capacity) {}

  void Publish(std::string type, std::string json, absl::Time arrived);

  // Returns the id the next published event will get.
  uint64_t next_id() const;

  // Waits until an event with id >= `from` is published, up to `timeout`,
  // then appends every such event to `out` (nothing on timeout). Returns
  // false when some of them have already left the ring.
  bool WaitAfter(uint64_t from, absl::Duration timeout,
                 std::vector<LiveEvent>& out) const;

  // Wakes every waiter (at shutdown).
  void WakeAll();

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::deque<LiveEvent> ring_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace wirestream::dashboard

#endif  // WIRESTREAM_PIPELINE_DASHBOARD_LIVE_UPDATES_H_
