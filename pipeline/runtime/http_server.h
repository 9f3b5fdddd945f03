// File: pipeline/runtime/http_server.h
//
// The worker's one HTTP port:
//   /metrics  Prometheus text exposition of the registry
//   /healthz  200 "ok" while the process runs
//   /readyz   200 "ready" once connected, assigned and restored; else 503
//
//   auto server = HttpServer::Start("127.0.0.1:0", registry,
//                                   [&] { return processor.ready(); });
//   int port = (*server)->port();
//
// Served from civetweb's own threads; `ready` must be thread-safe.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_HTTP_SERVER_H_
#define WIRESTREAM_PIPELINE_RUNTIME_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/registry.h"

struct mg_context;

namespace wirestream::runtime {

class HttpServer {
 public:
  // Starts serving on `address` ("host:port"; port 0 picks a free one).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const std::string& address,
      std::shared_ptr<prometheus::Registry> registry,
      std::function<bool()> ready);
  ~HttpServer();

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
};

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_HTTP_SERVER_H_
