#include "pipeline/dashboard/dashboard_server.h"

#include <cstring>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "civetweb.h"
#include "pipeline/dashboard/assets.h"
#include "pipeline/dashboard/json_writer.h"
#include "prometheus/text_serializer.h"

namespace wirestream::dashboard {
namespace {

constexpr char kTokenCookie[] = "wirestream_dashboard_token";

void SecurityHeaders(mg_connection* conn) {
  mg_response_header_add(conn, "Content-Security-Policy",
                         kContentSecurityPolicy, -1);
  mg_response_header_add(conn, "X-Content-Type-Options", "nosniff", -1);
  mg_response_header_add(conn, "Referrer-Policy", "no-referrer", -1);
  mg_response_header_add(conn, "X-Frame-Options", "DENY", -1);
}

int Reply(mg_connection* conn, int code, absl::string_view content_type,
          absl::string_view body, const std::string& cookie = "") {
  mg_response_header_start(conn, code);
  mg_response_header_add(conn, "Content-Type",
                         std::string(content_type).c_str(), -1);
  mg_response_header_add(conn, "Content-Length",
                         std::to_string(body.size()).c_str(), -1);
  mg_response_header_add(conn, "Cache-Control", "no-store", -1);
  if (!cookie.empty())
    mg_response_header_add(conn, "Set-Cookie", cookie.c_str(), -1);
  SecurityHeaders(conn);
  mg_response_header_send(conn);
  mg_write(conn, body.data(), body.size());
  return code;
}

int ReplyJson(mg_connection* conn, int code, absl::string_view json) {
  return Reply(conn, code, "application/json; charset=utf-8", json);
}

int ReplyError(mg_connection* conn, int code, absl::string_view message) {
  std::string json = "{\"error\":";
  AppendJsonString(message, json);
  json += "}";
  return ReplyJson(conn, code, json);
}

// Compares without stopping at the first difference.
bool SameSecret(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::string QueryVar(const mg_request_info* info, const char* name) {
  if (info->query_string == nullptr) return "";
  char value[1024];
  const int n = mg_get_var(info->query_string, std::strlen(info->query_string),
                           name, value, sizeof(value));
  return n > 0 ? std::string(value, n) : "";
}

}  // namespace

absl::StatusOr<std::unique_ptr<DashboardServer>> DashboardServer::Start(
    ServerOptions options, const StoryWindow* window, LiveUpdates* updates,
    std::shared_ptr<prometheus::Registry> registry, DashboardMetrics* metrics,
    std::function<bool()> ready) {
  if (options.max_clients < 1) {
    return absl::InvalidArgumentError("--max_clients must be at least 1");
  }
  std::unique_ptr<DashboardServer> server(new DashboardServer());
  server->options_ = std::move(options);
  server->window_ = window;
  server->updates_ = updates;
  server->registry_ = std::move(registry);
  server->metrics_ = metrics;
  server->ready_ = std::move(ready);
  // One thread per live connection, plus some for the API and the page.
  const std::string threads = std::to_string(server->options_.max_clients + 8);
  const char* civet_options[] = {"listening_ports",
                                 server->options_.address.c_str(),
                                 "num_threads",
                                 threads.c_str(),
                                 "enable_keep_alive",
                                 "yes",
                                 nullptr};
  mg_callbacks callbacks{};
  server->context_ = mg_start(&callbacks, nullptr, civet_options);
  if (server->context_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve HTTP on ", server->options_.address,
                     " (address in use or invalid?)"));
  }
  mg_server_port ports[4];
  if (mg_get_server_ports(server->context_, 4, ports) < 1) {
    return absl::InternalError("HTTP server bound no port");
  }
  server->port_ = ports[0].port;
  mg_set_request_handler(server->context_, "/", &DashboardServer::Dispatch,
                         server.get());
  return server;
}

DashboardServer::~DashboardServer() {
  stopping_ = true;
  if (updates_ != nullptr) updates_->WakeAll();
  if (context_ != nullptr) mg_stop(context_);
}

int DashboardServer::Dispatch(mg_connection* conn, void* data) {
  return static_cast<DashboardServer*>(data)->Serve(conn);
}

bool DashboardServer::Authorized(mg_connection* conn,
                                 bool* token_in_query) const {
  *token_in_query = false;
  if (options_.token.empty()) return true;
  if (const char* auth = mg_get_header(conn, "Authorization")) {
    absl::string_view value(auth);
    if (absl::ConsumePrefix(&value, "Bearer ") &&
        SameSecret(value, options_.token)) {
      return true;
    }
  }
  if (const char* cookie = mg_get_header(conn, "Cookie")) {
    char value[512];
    const int n = mg_get_cookie(cookie, kTokenCookie, value, sizeof(value));
    if (n > 0 && SameSecret(absl::string_view(value, n), options_.token)) {
      return true;
    }
  }
  const std::string query_token = QueryVar(mg_get_request_info(conn), "token");
  if (!query_token.empty() && SameSecret(query_token, options_.token)) {
    *token_in_query = true;
    return true;
  }
  return false;
}

int DashboardServer::Serve(mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  const absl::string_view path =
      info->local_uri != nullptr ? info->local_uri : "/";
  const absl::string_view method =
      info->request_method != nullptr ? info->request_method : "";

  if (path == "/healthz") return Reply(conn, 200, "text/plain", "ok\n");
  if (path == "/readyz") {
    return ready_() ? Reply(conn, 200, "text/plain", "ready\n")
                    : Reply(conn, 503, "text/plain",
                            "not ready: loading the window's history\n");
  }
  if (path == "/metrics") {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, registry_->Collect());
    return Reply(conn, 200, "text/plain; version=0.0.4; charset=utf-8",
                 out.str());
  }
  if (method != "GET" && method != "HEAD") {
    return ReplyError(conn, 405, "the dashboard only answers GET");
  }
  bool token_in_query = false;
  if (!Authorized(conn, &token_in_query)) {
    metrics_->requests_unauthorized->Increment();
    return ReplyError(conn, 401,
                      "an access token is needed: open the page with "
                      "?token=... or send Authorization: Bearer ...");
  }

  const absl::string_view query =
      info->query_string != nullptr ? info->query_string : "";
  if (path == "/api/events") return ServeEvents(conn);
  if (path == "/api/stories" || path == "/api/alerts" ||
      path == "/api/counts") {
    absl::StatusOr<StoryFilter> filter = FilterFromQuery(query);
    if (!filter.ok()) return ReplyError(conn, 400, filter.status().message());
    int limit = 200;
    const std::string limit_text = QueryVar(info, "limit");
    if (!limit_text.empty() &&
        (!absl::SimpleAtoi(limit_text, &limit) || limit < 1)) {
      return ReplyError(conn, 400, "limit must be a positive number");
    }
    limit = std::min(limit, options_.max_limit);
    if (path == "/api/stories") {
      return ReplyJson(conn, 200, window_->StoriesJson(*filter, limit));
    }
    if (path == "/api/alerts") {
      return ReplyJson(conn, 200, window_->AlertsJson(*filter, limit));
    }
    return ReplyJson(conn, 200, window_->CountsJson(*filter));
  }
  absl::string_view id = path;
  if (absl::ConsumePrefix(&id, "/api/stories/")) {
    // local_uri is already percent-decoded by civetweb.
    std::optional<std::string> story = window_->StoryJson(id);
    if (!story.has_value()) {
      return ReplyError(conn, 404, "no such story in the window");
    }
    return ReplyJson(conn, 200, *story);
  }
  const Asset* asset = FindAsset(path == "/" ? "/index.html" : path);
  if (asset == nullptr) return ReplyError(conn, 404, "not found");
  std::string cookie;
  if (token_in_query) {
    cookie = absl::StrCat(kTokenCookie, "=", options_.token,
                          "; Path=/; HttpOnly; SameSite=Strict");
  }
  return Reply(conn, 200, asset->content_type, asset->body, cookie);
}

int DashboardServer::ServeEvents(mg_connection* conn) {
  if (live_clients_.fetch_add(1) >= options_.max_clients) {
    live_clients_.fetch_sub(1);
    metrics_->live_clients_refused->Increment();
    return ReplyError(conn, 503, "too many live connections; try later");
  }
  metrics_->live_clients->Increment();
  uint64_t next = updates_->next_id();
  // A reconnecting page resumes after the last event it saw.
  bool reload = false;
  if (const char* last = mg_get_header(conn, "Last-Event-ID")) {
    uint64_t last_id;
    if (absl::SimpleAtoi(last, &last_id) && last_id < next) next = last_id + 1;
  }
  mg_response_header_start(conn, 200);
  mg_response_header_add(conn, "Content-Type",
                         "text/event-stream; charset=utf-8", -1);
  mg_response_header_add(conn, "Cache-Control", "no-store", -1);
  mg_response_header_add(conn, "X-Accel-Buffering", "no", -1);
  SecurityHeaders(conn);
  mg_response_header_send(conn);
  std::string out = "retry: 2000\n\n";
  bool open = mg_write(conn, out.data(), out.size()) > 0;
  std::vector<LiveEvent> events;
  while (open && !stopping_.load()) {
    events.clear();
    const bool complete = updates_->WaitAfter(next, options_.keepalive, events);
    if (stopping_.load()) break;
    out.clear();
    if (!complete) reload = true;
    if (reload) {
      // Events were missed: the page reloads its lists from the API.
      out += "event: reload\ndata: {}\n\n";
      reload = false;
    }
    if (events.empty() && out.empty()) out = ": keep-alive\n\n";
    for (const LiveEvent& event : events) {
      absl::StrAppend(&out, "id: ", event.id, "\nevent: ", event.type,
                      "\ndata: ", event.json, "\n\n");
      next = event.id + 1;
    }
    open = mg_write(conn, out.data(), out.size()) > 0;
    if (open && !events.empty()) {
      const absl::Time now = absl::Now();
      for (const LiveEvent& event : events) {
        metrics_->delivery_seconds->Observe(
            absl::ToDoubleSeconds(now - event.arrived));
      }
      metrics_->live_events_sent->Increment(events.size());
    }
  }
  live_clients_.fetch_sub(1);
  metrics_->live_clients->Decrement();
  return 200;
}

}  // namespace wirestream::dashboard
