#include "tools/topics/args.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace wirestream::tools {

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseKeyValues(
    absl::string_view flag, const std::vector<std::string>& items) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, " takes KEY=VALUE, got \"", item, "\""));
    }
    pairs.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return pairs;
}

}  // namespace wirestream::tools
