#include "pipeline/ingest/push_server.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "civetweb.h"

namespace wirestream::ingest {

struct PushServer::ServerState {
  PushGateway* gateway;
  int64_t max_body_bytes;
};

namespace {

using ServerState = PushServer::ServerState;

void Send(mg_connection* conn, const PushResponse& response) {
  mg_response_header_start(conn, response.status);
  mg_response_header_add(conn, "Content-Type", "application/json", -1);
  mg_response_header_add(conn, "Content-Length",
                         std::to_string(response.body.size()).c_str(), -1);
  for (const auto& [name, value] : response.headers) {
    mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
  }
  if (response.close) mg_response_header_add(conn, "Connection", "close", -1);
  mg_response_header_send(conn);
  mg_write(conn, response.body.data(), response.body.size());
}

int ServePush(mg_connection* conn, void* data) {
  auto* state = static_cast<ServerState*>(data);
  const mg_request_info* info = mg_get_request_info(conn);
  PushRequest request;
  request.method = info->request_method ? info->request_method : "";
  request.path = info->local_uri_raw ? info->local_uri_raw
                                     : (info->local_uri ? info->local_uri : "");
  request.declared_length = info->content_length;
  for (int i = 0; i < info->num_headers; ++i) {
    request.headers[absl::AsciiStrToLower(info->http_headers[i].name)] =
        info->http_headers[i].value ? info->http_headers[i].value : "";
  }
  if (std::optional<PushResponse> refused = state->gateway->Screen(request)) {
    refused->close = true;  // the body stays unread
    Send(conn, *refused);
    return refused->status;
  }
  // On the heap: civetweb's worker threads have small stacks.
  std::vector<char> buffer(64 << 10);
  while (static_cast<int64_t>(request.body.size()) <= state->max_body_bytes) {
    // Never ask for more than the limit allows: a chunked read waits until
    // the request is filled.
    const size_t want = static_cast<size_t>(std::min<int64_t>(
        static_cast<int64_t>(buffer.size()),
        state->max_body_bytes + 1 - static_cast<int64_t>(request.body.size())));
    const int n = mg_read(conn, buffer.data(), want);
    if (n <= 0) break;
    request.body.append(buffer.data(), static_cast<size_t>(n));
  }
  PushResponse response = state->gateway->Handle(request);
  Send(conn, response);
  return response.status;
}

// Answers every path outside /v1/stories/ with 404.
int ServeOther(mg_connection* conn, void* data) {
  auto* state = static_cast<ServerState*>(data);
  PushResponse r = state->gateway->Refuse(
      404, "not found: POST stories to /v1/stories/{source}", std::nullopt);
  r.close = true;
  Send(conn, r);
  return 404;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PushServer>> PushServer::Start(
    const std::string& address, PushGateway* gateway,
    const PushServerOptions& options) {
  std::unique_ptr<PushServer> server(new PushServer());
  server->gateway_ = gateway;
  const std::string threads = std::to_string(options.threads);
  const std::string timeout =
      std::to_string(absl::ToInt64Milliseconds(options.request_timeout));
  const char* civet_options[] = {"listening_ports",
                                 address.c_str(),
                                 "num_threads",
                                 threads.c_str(),
                                 "request_timeout_ms",
                                 timeout.c_str(),
                                 "enable_keep_alive",
                                 "yes",
                                 nullptr};
  mg_callbacks callbacks{};
  server->context_ = mg_start(&callbacks, nullptr, civet_options);
  if (server->context_ == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot serve HTTP on ", address, " (address in use or invalid?)"));
  }
  mg_server_port ports[4];
  if (mg_get_server_ports(server->context_, 4, ports) < 1) {
    return absl::InternalError("the push server bound no port");
  }
  server->port_ = ports[0].port;
  server->state_ = std::make_shared<ServerState>(
      ServerState{gateway, gateway->max_body_bytes()});
  void* state = server->state_.get();
  mg_set_request_handler(server->context_, "/v1/stories/", ServePush, state);
  mg_set_request_handler(server->context_, "/", ServeOther, state);
  return server;
}

PushServer::~PushServer() {
  if (context_ != nullptr) mg_stop(context_);
}

}  // namespace wirestream::ingest
