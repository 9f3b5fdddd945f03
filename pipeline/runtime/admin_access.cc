#include "pipeline/runtime/admin_access.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

ABSL_FLAG(std::string, admin_http, "",
          "HOST:PORT of a listener of its own for the admin endpoints (e.g. "
          "POST /admin/reload); empty: they share the --http port. On a "
          "non-loopback address they need --admin_token_file or "
          "--admin_token_env.");
ABSL_FLAG(std::string, admin_token_file, "",
          "File holding the token admin requests must carry as "
          "\"Authorization: Bearer <token>\" (trailing newline dropped).");
ABSL_FLAG(std::string, admin_token_env, "",
          "Environment variable holding the admin token (see "
          "--admin_token_file).");

namespace wirestream::runtime {

absl::StatusOr<AdminAccess> AdminAccessFromFlags() {
  AdminAccess admin;
  admin.address = absl::GetFlag(FLAGS_admin_http);
  const std::string file = absl::GetFlag(FLAGS_admin_token_file);
  const std::string variable = absl::GetFlag(FLAGS_admin_token_env);
  if (!file.empty() && !variable.empty()) {
    return absl::InvalidArgumentError(
        "give --admin_token_file or --admin_token_env, not both");
  }
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      return absl::InvalidArgumentError(
          absl::StrCat("--admin_token_file: cannot read ", file));
    }
    std::stringstream content;
    content << in.rdbuf();
    admin.token =
        std::string(absl::StripTrailingAsciiWhitespace(content.str()));
  } else if (!variable.empty()) {
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--admin_token_env: environment variable ", variable, " is not set"));
    }
    admin.token = std::string(absl::StripTrailingAsciiWhitespace(value));
  }
  if ((!file.empty() || !variable.empty()) && admin.token.empty()) {
    return absl::InvalidArgumentError("the admin token is empty");
  }
  for (char c : admin.token) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("the admin token has white space");
    }
  }
  return admin;
}

bool IsLoopbackAddress(absl::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return false;  // a port alone: all
  absl::string_view host = address.substr(0, colon);
  if (absl::ConsumePrefix(&host, "[")) {
    if (!absl::ConsumeSuffix(&host, "]")) return false;
    return host == "::1";
  }
  return host == "localhost" || absl::StartsWith(host, "127.");
}

RouteAccess AdminRouteAccess(const AdminAccess& admin,
                             absl::string_view address) {
  RouteAccess access;
  access.token = admin.token;
  access.token_required = !admin.token.empty() || !IsLoopbackAddress(address);
  return access;
}

}  // namespace wirestream::runtime
