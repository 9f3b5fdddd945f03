// File: pipeline/stages/alert/suppression.h
//
// SuppressionState remembers, per input partition, which rules already
// alerted for which story cluster, so each rule alerts once per cluster.
// Every change is also written to a compacted changelog topic (an
// AlertStateEntry under "<rule id>/<cluster id>", tombstones for entries
// that expire or are evicted), from which Restore rebuilds a partition
// after a restart or rebalance.
//
//   SuppressionState state({.ttl = absl::Hours(24 * 7)});
//   if (state.Find(partition, key, topic, offset) == nullptr) {
//     std::vector<std::string> dropped;
//     state.Put(partition, entry, &dropped);  // write entry + tombstones
//   }
//
// Entries expire `ttl` after their event time (the input record's
// timestamp), measured against the newest record time seen in the
// partition; beyond `max_entries` per partition the oldest go first.
//
// Not thread-safe: the stage calls it from its one processing thread.
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_SUPPRESSION_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_SUPPRESSION_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "wirestream/v1/alert_state.pb.h"

namespace wirestream::alert {

struct SuppressionOptions {
  // How long after an alert its cluster stays suppressed for the rule.
  absl::Duration ttl = absl::Hours(24 * 7);
  // Entries kept per partition; the oldest are dropped beyond it.
  size_t max_entries = 1'000'000;
};

// Returns the state key (and changelog key) "<rule id>/<cluster id>".
std::string SuppressionKey(absl::string_view rule_id,
                           absl::string_view cluster_id);

class SuppressionState {
 public:
  explicit SuppressionState(SuppressionOptions options) : options_(options) {}

  // Returns the entry for `key` in `partition` that suppresses the record
  // at `topic`/`offset`, or null. An entry made by that record or a later
  // one of the same topic partition does not count: the record is being
  // processed again after an aborted batch.
  const wirestream::v1::AlertStateEntry* Find(int32_t partition,
                                              const std::string& key,
                                              absl::string_view topic,
                                              int64_t offset) const;

  // Records `entry` under `key` (replacing any). Appends to `dropped` the
  // keys of entries removed to stay within max_entries.
  void Put(int32_t partition, const std::string& key,
           wirestream::v1::AlertStateEntry entry,
           std::vector<std::string>* dropped);

  // Moves the partition's clock to `now` (if later) and removes the
  // entries older than ttl; appends their keys to `dropped`.
  void Expire(int32_t partition, absl::Time now,
              std::vector<std::string>* dropped);

  // Applies one changelog record during a restore: a value sets the entry,
  // a tombstone (or empty value) removes it. Returns false when the value
  // is not an AlertStateEntry (the record is skipped).
  bool Restore(int32_t partition, absl::string_view key,
               std::optional<absl::string_view> value);

  // Forgets a partition (revoked, or about to be restored).
  void Drop(int32_t partition);

  // Entries in `partition`; in all partitions.
  size_t size(int32_t partition) const;
  size_t total_size() const;

 private:
  struct Entry {
    wirestream::v1::AlertStateEntry value;
    absl::Time event_time;
    uint64_t seq = 0;
  };
  struct Order {
    absl::Time event_time;
    std::string key;
    uint64_t seq;
  };
  struct Partition {
    absl::flat_hash_map<std::string, Entry> entries;
    // Insertion order, for expiry and eviction; stale items (replaced or
    // removed entries) are skipped by seq.
    std::deque<Order> order;
    absl::Time clock = absl::InfinitePast();
    uint64_t next_seq = 1;
  };
  void Insert(Partition& p, const std::string& key,
              wirestream::v1::AlertStateEntry value);
  void PopFront(Partition& p, std::vector<std::string>* dropped);

  SuppressionOptions options_;
  absl::flat_hash_map<int32_t, Partition> partitions_;
};

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_SUPPRESSION_H_
