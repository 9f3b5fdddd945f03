// File: pipeline/dashboard/dashboard.h
//
// Dashboard wires the newsroom dashboard together: the story window, the
// feed reader on wire.enriched and wire.alerts, live updates and the HTTP
// server. The worker's main and the demo both run one.
//
//   DashboardOptions options;
//   options.feed.bootstrap = "127.0.0.1:9092";
//   options.server.address = "0.0.0.0:8080";
//   auto dashboard = Dashboard::Start(options);
//   LogInfo("dashboard at http://127.0.0.1:%d/", (*dashboard)->port());
//   dashboard->reset();  // stops
#ifndef WIRESTREAM_PIPELINE_DASHBOARD_DASHBOARD_H_
#define WIRESTREAM_PIPELINE_DASHBOARD_DASHBOARD_H_

#include <memory>

#include "absl/status/statusor.h"
#include "pipeline/dashboard/dashboard_metrics.h"
#include "pipeline/dashboard/dashboard_server.h"
#include "pipeline/dashboard/feed_reader.h"
#include "pipeline/dashboard/live_updates.h"
#include "pipeline/dashboard/story_window.h"
#include "prometheus/registry.h"

namespace wirestream::dashboard {

struct DashboardOptions {
  FeedOptions feed;
  WindowOptions window;
  ServerOptions server;
  // Live events kept for pages that reconnect.
  size_t live_backlog = 8192;
};

class Dashboard {
 public:
  // Starts serving and reading; INVALID_ARGUMENT for bad options,
  // UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Dashboard>> Start(
      DashboardOptions options);
  // Stops the server, then the reader.
  ~Dashboard();

  int port() const { return server_->port(); }
  bool ready() const { return reader_->ready(); }
  const StoryWindow& window() const { return *window_; }

 private:
  Dashboard() = default;

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<DashboardMetrics> metrics_;
  std::unique_ptr<StoryWindow> window_;
  std::unique_ptr<LiveUpdates> updates_;
  std::unique_ptr<FeedReader> reader_;
  std::unique_ptr<DashboardServer> server_;
};

}  // namespace wirestream::dashboard

#endif  // WIRESTREAM_PIPELINE_DASHBOARD_DASHBOARD_H_
