#include "tools/common/cli.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wirestream::tools {
namespace {

absl::StatusOr<std::pair<std::string, std::string>> SplitProperty(
    absl::string_view flag, absl::string_view text) {
  const size_t eq = text.find('=');
  if (eq == absl::string_view::npos || eq == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " takes KEY=VALUE, got \"", text, "\""));
  }
  return std::make_pair(std::string(text.substr(0, eq)),
                        std::string(text.substr(eq + 1)));
}

absl::StatusOr<std::string> SecretFromEnv(const std::string& key,
                                          const std::string& variable) {
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--kafka_from_env ", key,
                                                   ": environment variable ",
                                                   variable, " is not set"));
  }
  return std::string(value);
}

absl::StatusOr<std::string> SecretFromFile(const std::string& key,
                                           const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--kafka_from_file ", key, ": cannot read ", path));
  }
  std::stringstream content;
  content << in.rdbuf();
  std::string secret = content.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) {
    secret.pop_back();
  }
  return secret;
}

}  // namespace

absl::StatusOr<KafkaProperties> ExtractKafkaProperties(
    std::vector<std::string>& args) {
  KafkaProperties properties;
  std::vector<std::string> kept;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      kept.insert(kept.end(), args.begin() + i, args.end());
      break;
    }
    std::string flag;
    std::string value;
    // Secrets: the value comes from an environment variable or a file.
    bool handled_secret = false;
    for (const char* secret_flag : {"kafka_from_env", "kafka_from_file"}) {
      const std::string long_form = absl::StrCat("--", secret_flag);
      const std::string short_form = absl::StrCat("-", secret_flag);
      absl::string_view rest = arg;
      std::string given;
      if (arg == long_form || arg == short_form) {
        if (i + 1 >= args.size()) {
          return absl::InvalidArgumentError(absl::StrCat(
              long_form, " needs KEY=",
              long_form == "--kafka_from_env" ? "VAR" : "PATH", " after it"));
        }
        given = args[++i];
      } else if (absl::ConsumePrefix(&rest, long_form + "=") ||
                 absl::ConsumePrefix(&rest, short_form + "=")) {
        given = std::string(rest);
      } else {
        continue;
      }
      absl::StatusOr<std::pair<std::string, std::string>> kv =
          SplitProperty(long_form, given);
      if (!kv.ok()) return kv.status();
      absl::StatusOr<std::string> secret =
          std::string(secret_flag) == "kafka_from_env"
              ? SecretFromEnv(kv->first, kv->second)
              : SecretFromFile(kv->first, kv->second);
      if (!secret.ok()) return secret.status();
      properties.emplace_back(kv->first, *std::move(secret));
      handled_secret = true;
      break;
    }
    if (handled_secret) continue;
    if (arg == "-X" || arg == "--kafka" || arg == "-kafka") {
      flag = arg;
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat(flag, " needs KEY=VALUE after it"));
      }
      value = args[++i];
    } else if (absl::StartsWith(arg, "--kafka=")) {
      flag = "--kafka";
      value = arg.substr(8);
    } else if (absl::StartsWith(arg, "-kafka=")) {
      flag = "--kafka";
      value = arg.substr(7);
    } else if (absl::StartsWith(arg, "-X")) {
      flag = "-X";
      value = arg.substr(2);
    } else {
      kept.push_back(arg);
      continue;
    }
    absl::StatusOr<std::pair<std::string, std::string>> kv =
        SplitProperty(flag, value);
    if (!kv.ok()) return kv.status();
    properties.push_back(*std::move(kv));
  }
  args = std::move(kept);
  return properties;
}

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

void NormalizeFlagNames(std::vector<std::string>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    std::string& arg = args[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;
    const size_t name_begin = arg[1] == '-' ? 2 : 1;
    const size_t name_end = std::min(arg.find('='), arg.size());
    for (size_t j = name_begin; j < name_end; ++j) {
      if (arg[j] == '-') arg[j] = '_';
    }
  }
}

absl::StatusOr<std::string> ResolveBootstrap(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("WIRESTREAM_BOOTSTRAP");
  if (env != nullptr && *env != '\0') return std::string(env);
  return absl::InvalidArgumentError(
      "no broker: give --bootstrap HOST:PORT or set WIRESTREAM_BOOTSTRAP");
}

absl::StatusOr<absl::Time> ParseRfc3339(absl::string_view flag,
                                        absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " wants an RFC 3339 time such as ",
                     "2026-11-01T00:00:00Z, got \"", text, "\""));
  }
  return time;
}

absl::StatusOr<std::vector<int32_t>> ParsePartitionList(
    absl::string_view text) {
  std::vector<int32_t> partitions;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int32_t partition;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(item), &partition) ||
        partition < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--partitions wants partition numbers such as 0,2, ",
                       "got \"", item, "\""));
    }
    partitions.push_back(partition);
  }
  std::sort(partitions.begin(), partitions.end());
  partitions.erase(std::unique(partitions.begin(), partitions.end()),
                   partitions.end());
  return partitions;
}

std::string FormatRfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

}  // namespace wirestream::tools
