#include "pipeline/ingest/robots_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace wirestream::ingest {

RobotsRules RobotsRules::DisallowAll() {
  RobotsRules rules;
  rules.rules_.emplace_back("/", false);
  return rules;
}

RobotsRules RobotsRules::Parse(absl::string_view text,
                               absl::string_view agent) {
  // Groups: the agents named, then their rules.
  std::vector<std::pair<std::string, bool>> ours, anyone;
  bool ours_found = false;
  bool in_agents = false;
  bool group_ours = false, group_any = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = line.substr(0, line.find('#'));
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(line, absl::MaxSplits(':', 1));
    const std::string field =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(kv.first));
    const absl::string_view value = absl::StripAsciiWhitespace(kv.second);
    if (field == "user-agent") {
      if (!in_agents) group_ours = group_any = false;
      in_agents = true;
      if (value == "*") group_any = true;
      if (absl::EqualsIgnoreCase(value, agent)) group_ours = ours_found = true;
      continue;
    }
    if (field != "allow" && field != "disallow") continue;
    in_agents = false;
    std::string prefix(value.substr(0, value.find('*')));
    if (!prefix.empty() && prefix.back() == '$') prefix.pop_back();
    if (field == "disallow" && prefix.empty() && value.empty()) continue;
    const bool allow = field == "allow";
    if (group_ours) ours.emplace_back(prefix, allow);
    if (group_any) anyone.emplace_back(prefix, allow);
  }
  RobotsRules rules;
  rules.rules_ = ours_found ? ours : anyone;
  return rules;
}

bool RobotsRules::Allows(absl::string_view path) const {
  size_t best = 0;
  bool allowed = true;
  bool matched = false;
  for (const auto& [prefix, allow] : rules_) {
    if (!absl::StartsWith(path, prefix)) continue;
    if (!matched || prefix.size() > best || (prefix.size() == best && allow)) {
      best = prefix.size();
      allowed = allow;
      matched = true;
    }
  }
  return allowed;
}

}  // namespace wirestream::ingest
