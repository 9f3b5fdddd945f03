#include "tests/support/secure_listener.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/support/broker.h"

namespace wirestream::testsupport {
namespace {

// Returns the KEY=VALUE lines of a secure.env file.
std::map<std::string, std::string> ReadEnvFile(const std::string& path) {
  std::map<std::string, std::string> values;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    if (!kv.first.empty()) values[kv.first] = kv.second;
  }
  return values;
}

std::vector<std::string> Glob(const std::string& pattern) {
  std::vector<std::string> paths;
  glob_t found;
  if (glob(pattern.c_str(), 0, nullptr, &found) == 0) {
    for (size_t i = 0; i < found.gl_pathc; ++i) {
      paths.push_back(found.gl_pathv[i]);
    }
  }
  globfree(&found);
  return paths;
}

}  // namespace

std::vector<std::string> SecureListener::KafkaFlags(
    const std::string& prefix) const {
  return {absl::StrCat(prefix, "security.protocol=SASL_SSL"),
          absl::StrCat(prefix, "sasl.mechanisms=PLAIN"),
          absl::StrCat(prefix, "sasl.username=", username),
          absl::StrCat(prefix, "ssl.ca.location=", ca_path)};
}

absl::StatusOr<SecureListener> FindSecureListener() {
  absl::StatusOr<std::string> plain = BootstrapServers();
  if (!plain.ok()) return plain.status();
  std::vector<std::string> candidates;
  for (const char* dir : {"WIRESTREAM_ROOT", "TEST_TMPDIR"}) {
    const char* base = std::getenv(dir);
    if (base == nullptr) continue;
    const std::string pattern =
        std::string(dir) == "WIRESTREAM_ROOT"
            ? absl::StrCat(base, "/.cache/kafka/*/secure.env")
            : absl::StrCat(base, "/wirestream-broker-*/secure.env");
    for (std::string& path : Glob(pattern)) candidates.push_back(path);
  }
  // The newest first: a broker killed without kafka-stop.sh leaves its
  // file behind, and a later broker may get its port.
  std::sort(candidates.begin(), candidates.end(),
            [](const std::string& a, const std::string& b) {
              struct stat sa {};
              struct stat sb {};
              stat(a.c_str(), &sa);
              stat(b.c_str(), &sb);
              return sa.st_mtime > sb.st_mtime;
            });
  for (const std::string& path : candidates) {
    std::map<std::string, std::string> env = ReadEnvFile(path);
    if (env["WIRESTREAM_PLAIN_BOOTSTRAP"] != *plain) continue;
    SecureListener listener;
    listener.bootstrap = env["WIRESTREAM_SECURE_BOOTSTRAP"];
    listener.ca_path = env["WIRESTREAM_SECURE_CA"];
    listener.username = env["WIRESTREAM_SECURE_USER"];
    listener.password = env["WIRESTREAM_SECURE_PASSWORD"];
    if (listener.bootstrap.empty() || listener.password.empty()) continue;
    return listener;
  }
  return absl::NotFoundError(absl::StrCat(
      "no secure listener for the broker at ", *plain,
      ": start it with scripts/kafka-start.sh, which writes secure.env"));
}

}  // namespace wirestream::testsupport
