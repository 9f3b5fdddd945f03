#include "pipeline/dashboard/dashboard.h"

#include <utility>

namespace wirestream::dashboard {

absl::StatusOr<std::unique_ptr<Dashboard>> Dashboard::Start(
    DashboardOptions options) {
  if (options.feed.bootstrap.empty()) {
    return absl::InvalidArgumentError("no Kafka bootstrap servers given");
  }
  if (options.feed.enriched_topic.empty() ||
      options.feed.alerts_topic.empty() ||
      options.feed.enriched_topic == options.feed.alerts_topic) {
    return absl::InvalidArgumentError(
        "the enriched and alerts topics must be two different topics");
  }
  std::unique_ptr<Dashboard> dashboard(new Dashboard());
  absl::StatusOr<std::unique_ptr<StoryWindow>> window =
      StoryWindow::Create(options.window);
  if (!window.ok()) return window.status();
  dashboard->window_ = *std::move(window);
  dashboard->registry_ = std::make_shared<prometheus::Registry>();
  dashboard->metrics_ =
      std::make_unique<DashboardMetrics>(*dashboard->registry_);
  dashboard->updates_ = std::make_unique<LiveUpdates>(options.live_backlog);
  dashboard->reader_ = std::make_unique<FeedReader>(
      options.feed, dashboard->window_.get(), dashboard->updates_.get(),
      dashboard->metrics_.get());
  FeedReader* reader = dashboard->reader_.get();
  absl::StatusOr<std::unique_ptr<DashboardServer>> server =
      DashboardServer::Start(options.server, dashboard->window_.get(),
                             dashboard->updates_.get(), dashboard->registry_,
                             dashboard->metrics_.get(),
                             [reader] { return reader->ready(); });
  if (!server.ok()) return server.status();
  dashboard->server_ = *std::move(server);
  dashboard->reader_->Start();
  return dashboard;
}

Dashboard::~Dashboard() {
  server_.reset();
  if (reader_ != nullptr) reader_->Stop();
}

}  // namespace wirestream::dashboard
