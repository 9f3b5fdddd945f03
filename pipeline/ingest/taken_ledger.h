// File: pipeline/ingest/taken_ledger.h
//
// TakenLedger is a gateway's restart-safe record of what it has taken: for
// each ledger key (a pushed story's idempotency key, a dropped file's name
// and content hash) the Kafka position its story was written at. The
// gateway writes a ledger entry to a compacted state topic in the same
// transaction as the story itself, so the two are committed together or
// not at all; at start-up the ledger is read back from that topic.
//
//   TakenLedger ledger(absl::Hours(24));
//   ledger.Restore(entries_from_state_topic);
//   if (auto receipt = ledger.Find("push/0/ap/key-1")) { ... answer again ... }
//   ledger.Add("push/0/ap/key-1", receipt);
//
// Thread-safe.
#ifndef WIRESTREAM_PIPELINE_INGEST_TAKEN_LEDGER_H_
#define WIRESTREAM_PIPELINE_INGEST_TAKEN_LEDGER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wirestream::ingest {

// Where Kafka acknowledged a story.
struct Receipt {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  // When the gateway took it (the transaction's commit).
  absl::Time taken_at = absl::InfinitePast();

  bool operator==(const Receipt& other) const {
    return topic == other.topic && partition == other.partition &&
           offset == other.offset;
  }
};

// Returns the state topic value for `receipt`: "v1 TOPIC PARTITION OFFSET
// TAKEN_UNIX_MS".
std::string EncodeReceipt(const Receipt& receipt);

// Parses EncodeReceipt's text; INVALID_ARGUMENT for anything else.
absl::StatusOr<Receipt> DecodeReceipt(absl::string_view value);

class TakenLedger {
 public:
  // Entries older than `window` are forgotten (Prune) and not restored.
  explicit TakenLedger(absl::Duration window) : window_(window) {}

  // Returns the receipt of `key`, if it was taken within the window.
  std::optional<Receipt> Find(absl::string_view key) const;

  // Records that `key` was taken.
  void Add(absl::string_view key, const Receipt& receipt);

  // Forgets `key` (a tombstone on the state topic).
  void Remove(absl::string_view key);

  // Drops entries taken before `now - window`; returns how many.
  int Prune(absl::Time now);

  // Entries held.
  size_t size() const;

  absl::Duration window() const { return window_; }

 private:
  const absl::Duration window_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Receipt> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_TAKEN_LEDGER_H_
