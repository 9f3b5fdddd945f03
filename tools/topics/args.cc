#include "tools/topics/args.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace wirestream::tools {

std::vector<std::string> ExtractRepeatedFlag(absl::string_view name,
                                             std::vector<std::string>& args) {
  const std::string long_form = absl::StrCat("--", name);
  const std::string short_form = absl::StrCat("-", name);
  std::vector<std::string> values;
  std::vector<std::string> kept;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      kept.insert(kept.end(), args.begin() + i, args.end());
      break;
    }
    if (arg == long_form || arg == short_form) {
      values.push_back(i + 1 < args.size() ? args[++i] : "");
      continue;
    }
    absl::string_view rest = arg;
    if (absl::ConsumePrefix(&rest, long_form + "=") ||
        absl::ConsumePrefix(&rest, short_form + "=")) {
      values.emplace_back(rest);
      continue;
    }
    kept.push_back(arg);
  }
  args = std::move(kept);
  return values;
}

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
