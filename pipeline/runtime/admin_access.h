// File: pipeline/runtime/admin_access.h
//
// Where a worker serves its admin endpoints (those that change state, e.g.
// the alert worker's POST /admin/reload) and who may call them:
//
//   --admin_http=HOST:PORT      their own listener; default: the --http
//                               port (which defaults to 127.0.0.1:9464)
//   --admin_token_file=PATH     the token callers must send as
//   --admin_token_env=VAR       "Authorization: Bearer <token>"
//
// On a loopback address (127.0.0.0/8, ::1, localhost) they answer any local
// caller unless a token is configured. Bound anywhere else they need the
// token, and refuse everyone (401) when none is configured. /metrics,
// /healthz and /readyz stay open.
//
//   absl::StatusOr<AdminAccess> admin = AdminAccessFromFlags();
//   RouteAccess guard = AdminRouteAccess(*admin, "0.0.0.0:9464");
//   server->AddRoute(reload_route, guard);
#ifndef WIRESTREAM_PIPELINE_RUNTIME_ADMIN_ACCESS_H_
#define WIRESTREAM_PIPELINE_RUNTIME_ADMIN_ACCESS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pipeline/runtime/http_server.h"

namespace wirestream::runtime {

struct AdminAccess {
  // "host:port" of the admin endpoints' own listener; empty: they share the
  // worker's HTTP port.
  std::string address;
  // The bearer token; empty: none configured.
  std::string token;
};

// Returns the settings from --admin_http, --admin_token_file and
// --admin_token_env. INVALID_ARGUMENT when the file cannot be read, the
// variable is unset, both are given, or the token is empty or has spaces.
absl::StatusOr<AdminAccess> AdminAccessFromFlags();

// Returns true when `address` ("host:port", as civetweb takes it) accepts
// connections from this machine only.
bool IsLoopbackAddress(absl::string_view address);

// Returns who may call admin routes served on `address`.
RouteAccess AdminRouteAccess(const AdminAccess& admin,
                             absl::string_view address);

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_ADMIN_ACCESS_H_
