#include "pipeline/runtime/http_server.h"

#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "civetweb.h"
#include "prometheus/text_serializer.h"

namespace wirestream::runtime {

struct GuardedRoute {
  HttpRoute route;
  RouteAccess access;
};

namespace {

int Reply(mg_connection* conn, int code, const char* content_type,
          const std::string& body) {
  mg_response_header_start(conn, code);
  mg_response_header_add(conn, "Content-Type", content_type, -1);
  mg_response_header_add(conn, "Content-Length",
                         std::to_string(body.size()).c_str(), -1);
  mg_response_header_send(conn);
  mg_write(conn, body.data(), body.size());
  return code;
}

int ServeMetrics(mg_connection* conn, void* data) {
  auto* server = static_cast<HttpServer*>(data);
  return Reply(conn, 200, "text/plain; version=0.0.4; charset=utf-8",
               server->MetricsText());
}

int ServeHealth(mg_connection* conn, void*) {
  return Reply(conn, 200, "text/plain", "ok\n");
}

int ServeReady(mg_connection* conn, void* data) {
  auto* server = static_cast<HttpServer*>(data);
  if (server->Ready()) return Reply(conn, 200, "text/plain", "ready\n");
  return Reply(conn, 503, "text/plain",
               "not ready: waiting for partitions or state restore\n");
}

constexpr size_t kMaxRequestBody = 1 << 20;

// Compares in time independent of where the texts differ.
bool SameSecret(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

// Returns true when `conn` may call a route guarded by `access`; answers
// 401 otherwise.
bool Admit(mg_connection* conn, const RouteAccess& access) {
  if (!access.token_required) return true;
  const char* header = mg_get_header(conn, "Authorization");
  absl::string_view given = header == nullptr ? "" : header;
  if (!access.token.empty() && absl::ConsumePrefix(&given, "Bearer ") &&
      SameSecret(given, access.token)) {
    return true;
  }
  mg_response_header_start(conn, 401);
  mg_response_header_add(conn, "WWW-Authenticate", "Bearer", -1);
  const std::string body =
      access.token.empty()
          ? "admin endpoints on a non-loopback address need a token, and "
            "this worker has none (--admin_token_file or "
            "--admin_token_env)\n"
          : "admin endpoints need \"Authorization: Bearer <token>\"\n";
  mg_response_header_add(conn, "Content-Type", "text/plain", -1);
  mg_response_header_add(conn, "Content-Length",
                         std::to_string(body.size()).c_str(), -1);
  mg_response_header_send(conn);
  mg_write(conn, body.data(), body.size());
  return false;
}

int ServeGuardedRoute(mg_connection* conn, void* data) {
  const auto* guarded = static_cast<const GuardedRoute*>(data);
  if (!Admit(conn, guarded->access)) return 401;
  const HttpRoute* route = &guarded->route;
  const mg_request_info* info = mg_get_request_info(conn);
  if (info == nullptr || info->request_method == nullptr ||
      route->method != info->request_method) {
    return Reply(
        conn, 405, "text/plain",
        absl::StrCat("use ", route->method, " for ", route->path, "\n"));
  }
  std::string body;
  char buf[8192];
  int n;
  while (body.size() < kMaxRequestBody &&
         (n = mg_read(conn, buf, sizeof(buf))) > 0) {
    body.append(buf, static_cast<size_t>(n));
  }
  if (body.size() > kMaxRequestBody) body.resize(kMaxRequestBody);
  HttpResponse response = route->handler(body);
  return Reply(conn, response.status, response.content_type.c_str(),
               response.body);
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const std::string& address, std::shared_ptr<prometheus::Registry> registry,
    std::function<bool()> ready) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->registry_ = std::move(registry);
  server->ready_ = std::move(ready);
  const char* options[] = {"listening_ports", address.c_str(), "num_threads",
                           "2", nullptr};
  mg_callbacks callbacks{};
  server->context_ = mg_start(&callbacks, nullptr, options);
  if (server->context_ == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "cannot serve HTTP on ", address, " (address in use or invalid?)"));
  }
  mg_server_port ports[4];
  const int n = mg_get_server_ports(server->context_, 4, ports);
  if (n < 1) return absl::InternalError("HTTP server bound no port");
  server->port_ = ports[0].port;
  mg_set_request_handler(server->context_, "/metrics$", ServeMetrics,
                         server.get());
  mg_set_request_handler(server->context_, "/healthz$", ServeHealth,
                         server.get());
  mg_set_request_handler(server->context_, "/readyz$", ServeReady,
                         server.get());
  return server;
}

void HttpServer::AddRoute(HttpRoute route, RouteAccess access) {
  routes_.push_back(std::make_unique<GuardedRoute>(
      GuardedRoute{std::move(route), std::move(access)}));
  GuardedRoute* added = routes_.back().get();
  mg_set_request_handler(context_, absl::StrCat(added->route.path, "$").c_str(),
                         ServeGuardedRoute, added);
}

HttpServer::~HttpServer() {
  if (context_ != nullptr) mg_stop(context_);
}

std::string HttpServer::MetricsText() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace wirestream::runtime
