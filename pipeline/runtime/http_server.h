// File: pipeline/runtime/http_server.h
//
// The worker's one HTTP port:
//   /metrics  Prometheus text exposition of the registry
//   /healthz  200 "ok" while the process runs
//   /readyz   200 "ready" once connected, assigned and restored; else 503
// and any routes a worker adds (e.g. the alert worker's /admin/reload).
//
//   auto server = HttpServer::Start("127.0.0.1:0", registry,
//                                   [&] { return processor.ready(); });
//   int port = (*server)->port();
//   (*server)->AddRoute({"POST", "/admin/reload", [&](absl::string_view) {
//     return HttpResponse{200, "text/plain", "reloaded\n"};
//   }});
//
// Routes that change state are guarded: with RouteAccess::token_required a
// request must carry "Authorization: Bearer <token>" or is answered 401
// before its handler runs (admin_access.h decides when).
//
// Served from civetweb's own threads; `ready` and route handlers must be
// thread-safe.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_HTTP_SERVER_H_
#define WIRESTREAM_PIPELINE_RUNTIME_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "prometheus/registry.h"

struct mg_context;

namespace wirestream::runtime {

// What a route handler answers.
struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
};

// An extra endpoint on the worker's port: `handler` answers requests for
// exactly `path` made with `method`; other methods get 405. The handler gets
// the request body (at most 1 MiB is read).
struct HttpRoute {
  std::string method;
  std::string path;
  std::function<HttpResponse(absl::string_view body)> handler;
};

// A route with its RouteAccess (http_server.cc).
struct GuardedRoute;

// Who may call a route.
struct RouteAccess {
  // Whether a request must carry "Authorization: Bearer <token>".
  bool token_required = false;
  // The token. With token_required and an empty token, every request is
  // refused (401): no token is configured where one is needed.
  std::string token;
};

class HttpServer {
 public:
  // Starts serving on `address` ("host:port"; port 0 picks a free one).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const std::string& address,
      std::shared_ptr<prometheus::Registry> registry,
      std::function<bool()> ready);
  ~HttpServer();

  // Serves `route` from now on, to the callers `access` lets in. Call before
  // clients use it; the route lives as long as the server.
  void AddRoute(HttpRoute route, RouteAccess access = {});

  // Returns the port actually bound.
  int port() const { return port_; }

  // Returns the exposition text of the registry (what /metrics serves).
  std::string MetricsText() const;
  bool Ready() const { return ready_(); }

 private:
  HttpServer() = default;
  mg_context* context_ = nullptr;
  int port_ = 0;
  std::shared_ptr<prometheus::Registry> registry_;
  std::function<bool()> ready_;
  // Stable addresses: civetweb holds pointers to them.
  std::vector<std::unique_ptr<GuardedRoute>> routes_;
};

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_HTTP_SERVER_H_
