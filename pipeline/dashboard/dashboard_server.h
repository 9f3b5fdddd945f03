// File: pipeline/dashboard/dashboard_server.h
//
// The dashboard's HTTP port, on civetweb (as every worker's):
//   /                  the page (index.html, app.js, app.css, built in)
//   /api/stories       stories, newest first: ?topic= &country= &region=
//                      &source= &language= &rule= &q= &since= &until= &limit=
//   /api/stories/ID    one story with its text, verdict, cluster, evidence
//   /api/alerts        alerts, newest first: ?rule= &since= &until= &limit=
//   /api/counts        stories by topic and region, alerts by severity,
//                      with the story filters
//   /api/events        live updates (server-sent events "story", "alert",
//                      "reload")
//   /metrics /healthz /readyz   as on every worker, never behind the token
//
//   auto server = DashboardServer::Start(options, window, updates, registry,
//                                        &metrics, [] { return true; });
//
// With an access token set, the page and the API answer 401 unless the
// request carries it: "Authorization: Bearer TOKEN", the cookie the page
// gets when first opened with ?token=TOKEN, or ?token=TOKEN itself.
// Every answer carries a Content-Security-Policy without inline script.
//
// Served from civetweb's threads; one thread per open live connection.
#ifndef WIRESTREAM_PIPELINE_DASHBOARD_DASHBOARD_SERVER_H_
#define WIRESTREAM_PIPELINE_DASHBOARD_DASHBOARD_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pipeline/dashboard/dashboard_metrics.h"
#include "pipeline/dashboard/live_updates.h"
#include "pipeline/dashboard/story_window.h"
#include "prometheus/registry.h"

struct mg_connection;
struct mg_context;

namespace wirestream::dashboard {

// The Content-Security-Policy every answer carries.
inline constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

struct ServerOptions {
  // "host:port"; port 0 picks a free one.
  std::string address = "127.0.0.1:8080";
  // Empty: no token needed.
  std::string token;
  // Live connections served at once; more are refused with 503.
  int max_clients = 64;
  // How often an idle live connection gets a keep-alive comment.
  absl::Duration keepalive = absl::Seconds(15);
  // Stories an API answer holds at most, whatever ?limit= asks.
  int max_limit = 2000;
};

class DashboardServer {
 public:
  // Starts serving. `window`, `updates`, `metrics` and `ready` must outlive
  // the server.
  static absl::StatusOr<std::unique_ptr<DashboardServer>> Start(
      ServerOptions options, const StoryWindow* window, LiveUpdates* updates,
      std::shared_ptr<prometheus::Registry> registry, DashboardMetrics* metrics,
      std::function<bool()> ready);
  // Closes live connections and stops serving.
  ~DashboardServer();

  // Returns the port actually bound.
  int port() const { return port_; }

 private:
  DashboardServer() = default;
  static int Dispatch(mg_connection* conn, void* data);
  int Serve(mg_connection* conn);
  int ServeEvents(mg_connection* conn);
  bool Authorized(mg_connection* conn, bool* token_in_query) const;

  ServerOptions options_;
  const StoryWindow* window_ = nullptr;
  LiveUpdates* updates_ = nullptr;
  std::shared_ptr<prometheus::Registry> registry_;
  DashboardMetrics* metrics_ = nullptr;
  std::function<bool()> ready_;
  mg_context* context_ = nullptr;
  int port_ = 0;
  std::atomic<int> live_clients_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace wirestream::dashboard

#endif  // WIRESTREAM_PIPELINE_DASHBOARD_DASHBOARD_SERVER_H_
