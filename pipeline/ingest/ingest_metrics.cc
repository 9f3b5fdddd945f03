#include "pipeline/ingest/ingest_metrics.h"

namespace wirestream::ingest {

absl::string_view RejectLabel(RejectReason reason) {
  switch (reason) {
    case RejectReason::kUnauthorized:
      return "unauthorized";
    case RejectReason::kForbidden:
      return "forbidden";
    case RejectReason::kRateLimited:
      return "rate_limited";
    case RejectReason::kTooLarge:
      return "too_large";
    case RejectReason::kMalformed:
      return "malformed";
    case RejectReason::kEmpty:
      return "empty";
    case RejectReason::kBadPath:
      return "bad_path";
    case RejectReason::kUnreadable:
      return "unreadable";
    case RejectReason::kKafkaUnavailable:
      return "kafka_unavailable";
    case RejectReason::kCount:
      break;
  }
  return "unknown";
}

IngestMetrics::IngestMetrics(prometheus::Registry& registry,
                             absl::string_view gateway)
    : gateway_(gateway) {
  const std::map<std::string, std::string> labels = {{"gateway", gateway_}};
  auto& rejects = prometheus::BuildCounter()
                      .Name("wirestream_ingest_rejects_total")
                      .Help("Stories or files refused, by reason")
                      .Register(registry);
  for (int r = 0; r < static_cast<int>(RejectReason::kCount); ++r) {
    rejects_[r] = &rejects.Add(
        {{"gateway", gateway_},
         {"reason", std::string(RejectLabel(static_cast<RejectReason>(r)))}});
  }
  kafka_ack_seconds =
      &prometheus::BuildHistogram()
           .Name("wirestream_ingest_kafka_ack_seconds")
           .Help("Seconds from a batch's first story sent to Kafka's commit")
           .Register(registry)
           .Add(labels, prometheus::Histogram::BucketBoundaries{
                            0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                            2.5, 5, 10});
  auto& batches = prometheus::BuildCounter()
                      .Name("wirestream_ingest_batches_total")
                      .Help("Kafka transactions of stories, by result")
                      .Register(registry);
  batches_committed =
      &batches.Add({{"gateway", gateway_}, {"result", "committed"}});
  batches_failed = &batches.Add({{"gateway", gateway_}, {"result", "failed"}});
  ready = &prometheus::BuildGauge()
               .Name("wirestream_ingest_ready")
               .Help("1 while Kafka takes stories and the ledger is restored")
               .Register(registry)
               .Add(labels);
  ledger_entries = &prometheus::BuildGauge()
                        .Name("wirestream_ingest_ledger_entries")
                        .Help("Taken stories and files remembered")
                        .Register(registry)
                        .Add(labels);
  stories_family_ = &prometheus::BuildCounter()
                         .Name("wirestream_ingest_stories_total")
                         .Help("Stories written to the raw topic, by source")
                         .Register(registry);
  bytes_family_ = &prometheus::BuildCounter()
                       .Name("wirestream_ingest_bytes_total")
                       .Help("Payload bytes written to the raw topic")
                       .Register(registry);
  backlog_family_ = &prometheus::BuildGauge()
                         .Name("wirestream_ingest_files_waiting")
                         .Help("Files in a drop folder not yet taken")
                         .Register(registry);
  poll_errors_family_ = &prometheus::BuildCounter()
                             .Name("wirestream_ingest_feed_poll_errors_total")
                             .Help("Feed polls that failed")
                             .Register(registry);
  last_new_item_family_ =
      &prometheus::BuildGauge()
           .Name("wirestream_ingest_feed_last_new_item_timestamp_seconds")
           .Help("Unix time a feed last gave an item not seen before")
           .Register(registry);
}

prometheus::Counter& IngestMetrics::Labelled(
    prometheus::Family<prometheus::Counter>* family,
    absl::flat_hash_map<std::string, prometheus::Counter*>& cache,
    absl::string_view label, absl::string_view value) {
  auto it = cache.find(value);
  if (it != cache.end()) return *it->second;
  prometheus::Counter* counter = &family->Add(
      {{"gateway", gateway_}, {std::string(label), std::string(value)}});
  cache.emplace(std::string(value), counter);
  return *counter;
}

void IngestMetrics::StoryTaken(absl::string_view source, int64_t bytes) {
  absl::MutexLock lock(&mu_);
  Labelled(stories_family_, stories_, "source", source).Increment();
  Labelled(bytes_family_, bytes_, "source", source)
      .Increment(static_cast<double>(bytes));
}

void IngestMetrics::SetBacklog(absl::string_view source, int64_t files) {
  absl::MutexLock lock(&mu_);
  auto it = backlog_.find(source);
  if (it == backlog_.end()) {
    it = backlog_
             .emplace(std::string(source),
                      &backlog_family_->Add({{"gateway", gateway_},
                                             {"source", std::string(source)}}))
             .first;
  }
  it->second->Set(static_cast<double>(files));
}

void IngestMetrics::FeedPollError(absl::string_view feed) {
  absl::MutexLock lock(&mu_);
  Labelled(poll_errors_family_, poll_errors_, "feed", feed).Increment();
}

void IngestMetrics::FeedNewItem(absl::string_view feed, absl::Time when) {
  absl::MutexLock lock(&mu_);
  auto it = last_new_item_.find(feed);
  if (it == last_new_item_.end()) {
    it = last_new_item_
             .emplace(std::string(feed),
                      &last_new_item_family_->Add(
                          {{"gateway", gateway_}, {"feed", std::string(feed)}}))
             .first;
  }
  it->second->Set(absl::ToDoubleSeconds(when - absl::UnixEpoch()));
}

}  // namespace wirestream::ingest
