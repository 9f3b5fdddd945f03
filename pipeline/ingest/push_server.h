// File: pipeline/ingest/push_server.h
//
// Serves a PushGateway over HTTP with civetweb, on its own port (the
// gateway's public face; /metrics and health stay on the worker's port).
// Bodies are read only after Screen passed, and never beyond the limit: an
// endless or oversized body gets 413 and the connection is closed; a body
// that stops short of its Content-Length gets 400. Slow clients are cut off
// after the request timeout.
//
//   auto server = PushServer::Start("0.0.0.0:8480", &gateway, {});
//   int port = (*server)->port();
#ifndef WIRESTREAM_PIPELINE_INGEST_PUSH_SERVER_H_
#define WIRESTREAM_PIPELINE_INGEST_PUSH_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pipeline/ingest/push_gateway.h"

struct mg_context;

namespace wirestream::ingest {

struct PushServerOptions {
  // Requests served at once.
  int threads = 64;
  // A request (headers and body) must arrive within this.
  absl::Duration request_timeout = absl::Seconds(30);
};

class PushServer {
 public:
  static absl::StatusOr<std::unique_ptr<PushServer>> Start(
      const std::string& address, PushGateway* gateway,
      const PushServerOptions& options);
  ~PushServer();

  int port() const { return port_; }
  PushGateway* gateway() { return gateway_; }

  // What civetweb's handlers see.
  struct ServerState;

 private:
  PushServer() = default;
  mg_context* context_ = nullptr;
  PushGateway* gateway_ = nullptr;
  std::shared_ptr<ServerState> state_;
  int port_ = 0;
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_PUSH_SERVER_H_
