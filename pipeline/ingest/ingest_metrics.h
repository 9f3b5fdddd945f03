// File: pipeline/ingest/ingest_metrics.h
//
// IngestMetrics holds the metrics every gateway keeps, labelled
// gateway="push"|"folder"|"feed", created once at start-up. Per-source and
// per-feed series are made the first time a source is named (sources come
// from configuration, so their number is bounded) and cached.
//
//   IngestMetrics metrics(*registry, "folder");
//   metrics.StoryTaken("afp", payload.size());
//   metrics.Rejected(RejectReason::kTooLarge);
//
// Thread-safe.
#ifndef WIRESTREAM_PIPELINE_INGEST_INGEST_METRICS_H_
#define WIRESTREAM_PIPELINE_INGEST_INGEST_METRICS_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace wirestream::ingest {

// Why a gateway refused a story or a file.
enum class RejectReason {
  kUnauthorized = 0,  // no token
  kForbidden,         // a token not valid for the source
  kRateLimited,
  kTooLarge,
  kMalformed,   // bad HTTP, multipart or archive; a short body
  kEmpty,       // nothing to take
  kBadPath,     // "..", a symlink out of the folder, a bad source name
  kUnreadable,  // a file that cannot be read
  kKafkaUnavailable,
  kCount,
};

// Returns the label value of `reason`, e.g. "too_large".
absl::string_view RejectLabel(RejectReason reason);

class IngestMetrics {
 public:
  IngestMetrics(prometheus::Registry& registry, absl::string_view gateway);

  // A story written to the raw topic (counted once Kafka committed it).
  void StoryTaken(absl::string_view source, int64_t bytes);
  void Rejected(RejectReason reason) {
    rejects_[static_cast<int>(reason)]->Increment();
  }
  // Seconds from a batch's first produce to Kafka's commit.
  prometheus::Histogram* kafka_ack_seconds;
  // Batches (transactions) by result.
  prometheus::Counter* batches_committed;
  prometheus::Counter* batches_failed;
  // 1 while Kafka takes writes and the ledger is restored.
  prometheus::Gauge* ready;
  // Ledger entries held in memory.
  prometheus::Gauge* ledger_entries;

  // Files in a folder waiting to be taken (not yet complete, or queued).
  void SetBacklog(absl::string_view source, int64_t files);
  // A feed poll that failed (HTTP error, timeout, unparsable feed).
  void FeedPollError(absl::string_view feed);
  // A feed gave an item not seen before.
  void FeedNewItem(absl::string_view feed, absl::Time when);

 private:
  prometheus::Counter& Labelled(
      prometheus::Family<prometheus::Counter>* family,
      absl::flat_hash_map<std::string, prometheus::Counter*>& cache,
      absl::string_view label, absl::string_view value)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::string gateway_;
  std::array<prometheus::Counter*, static_cast<int>(RejectReason::kCount)>
      rejects_{};
  prometheus::Family<prometheus::Counter>* stories_family_;
  prometheus::Family<prometheus::Counter>* bytes_family_;
  prometheus::Family<prometheus::Gauge>* backlog_family_;
  prometheus::Family<prometheus::Counter>* poll_errors_family_;
  prometheus::Family<prometheus::Gauge>* last_new_item_family_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, prometheus::Counter*> stories_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, prometheus::Counter*> bytes_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, prometheus::Counter*> poll_errors_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, prometheus::Gauge*> backlog_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, prometheus::Gauge*> last_new_item_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_INGEST_METRICS_H_
