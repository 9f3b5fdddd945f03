// File: pipeline/dashboard/feed_reader.h
//
// FeedReader reads wire.enriched and wire.alerts (read_committed) into the
// StoryWindow and publishes each record to LiveUpdates. It belongs to no
// consumer group and commits nothing: at start it looks up, by timestamp,
// the first record of the window in every partition (offsetsForTimes) and
// reads from there, so a restarted dashboard shows the same window. Broker
// restarts are ridden out by librdkafka's reconnects; reading resumes from
// the last record seen.
//
//   FeedReader reader(options, window.get(), &updates, &metrics);
//   reader.Start();
//   ... reader.ready() once every partition was read to its end ...
//   reader.Stop();
//
// Start and Stop from one thread; ready() from any.
#ifndef WIRESTREAM_PIPELINE_DASHBOARD_FEED_READER_H_
#define WIRESTREAM_PIPELINE_DASHBOARD_FEED_READER_H_

#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "pipeline/dashboard/dashboard_metrics.h"
#include "pipeline/dashboard/live_updates.h"
#include "pipeline/dashboard/story_window.h"

namespace wirestream::dashboard {

enum class HistoryStart {
  // Each partition from its first record inside the window (offsetsForTimes).
  kByTimestamp,
  // Each partition from its beginning, older records skipped as they come:
  // for clusters that cannot look offsets up by time (the embedded one).
  kFromBeginning,
};

struct FeedOptions {
  std::string bootstrap;
  std::string enriched_topic = "wire.enriched";
  std::string alerts_topic = "wire.alerts";
  // Named in the broker's logs and quotas; no offsets are committed.
  std::string client_id = "wirestream-dashboard";
  HistoryStart history = HistoryStart::kByTimestamp;
  // librdkafka properties passed straight through (TLS, SASL, tuning).
  std::vector<std::pair<std::string, std::string>> kafka_properties;
  // Topics that do not exist yet are looked for again this often.
  absl::Duration retry_interval = absl::Seconds(1);
};

class FeedReader {
 public:
  FeedReader(FeedOptions options, StoryWindow* window, LiveUpdates* updates,
             DashboardMetrics* metrics);
  ~FeedReader();  // Stops.

  // Starts reading on a thread of its own.
  void Start();
  // Stops reading and joins the thread.
  void Stop();
  // True once every partition was read to its end at least once.
  bool ready() const { return ready_.load(); }

 private:
  void Run();

  const FeedOptions options_;
  StoryWindow* window_;
  LiveUpdates* updates_;
  DashboardMetrics* metrics_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> ready_{false};
  std::thread thread_;
};

}  // namespace wirestream::dashboard

#endif  // WIRESTREAM_PIPELINE_DASHBOARD_FEED_READER_H_
