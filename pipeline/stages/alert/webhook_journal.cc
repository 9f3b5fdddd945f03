#include "pipeline/stages/alert/webhook_journal.h"

#include <dirent.h>
#include <fcntl.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "pipeline/runtime/log.h"

namespace wirestream::alert {
namespace {

using ::google::protobuf::ListValue;
using ::google::protobuf::Struct;
using ::google::protobuf::Value;
using ::wirestream::runtime::LogWarning;

constexpr char kSuffix[] = ".delivery.json";

std::string Errno() { return std::strerror(errno); }

// Writes `data` to `path` and flushes it to disk.
absl::Status WriteDurably(const std::string& path, const std::string& data) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, ": ", Errno()));
  }
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = Errno();
      close(fd);
      return absl::UnavailableError(
          absl::StrCat("cannot write ", path, ": ", why));
    }
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot flush ", path, ": ", Errno()));
  }
  return absl::OkStatus();
}

std::string Encode(const JournalEntry& entry) {
  Struct root;
  auto& fields = *root.mutable_fields();
  fields["alert_id"].set_string_value(entry.alert_id);
  fields["body"].set_string_value(entry.body);
  fields["attempts"].set_number_value(entry.attempts);
  fields["due_unix_ms"].set_number_value(
      static_cast<double>(absl::ToUnixMillis(entry.due)));
  Struct* target = fields["target"].mutable_struct_value();
  auto& t = *target->mutable_fields();
  t["channel"].set_string_value(entry.target.channel);
  t["url"].set_string_value(entry.target.url);
  t["timeout_ms"].set_number_value(
      static_cast<double>(absl::ToInt64Milliseconds(entry.target.timeout)));
  t["max_attempts"].set_number_value(entry.target.max_attempts);
  ListValue* headers = t["headers"].mutable_list_value();
  for (const auto& [name, value] : entry.target.headers) {
    ListValue* pair = headers->add_values()->mutable_list_value();
    pair->add_values()->set_string_value(name);
    pair->add_values()->set_string_value(value);
  }
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(root, &json);
  return json;
}

// Returns the string field `key` of `s`, or an error naming it.
absl::StatusOr<std::string> StringField(const Struct& s, const char* key) {
  auto it = s.fields().find(key);
  if (it == s.fields().end() || it->second.kind_case() != Value::kStringValue) {
    return absl::DataLossError(absl::StrCat("no text field \"", key, "\""));
  }
  return it->second.string_value();
}

absl::StatusOr<double> NumberField(const Struct& s, const char* key) {
  auto it = s.fields().find(key);
  if (it == s.fields().end() || it->second.kind_case() != Value::kNumberValue) {
    return absl::DataLossError(absl::StrCat("no number field \"", key, "\""));
  }
  return it->second.number_value();
}

absl::StatusOr<JournalEntry> Decode(const std::string& json) {
  Struct root;
  if (!google::protobuf::util::JsonStringToMessage(json, &root).ok()) {
    return absl::DataLossError("not JSON");
  }
  JournalEntry entry;
  auto alert_id = StringField(root, "alert_id");
  auto body = StringField(root, "body");
  auto attempts = NumberField(root, "attempts");
  auto due = NumberField(root, "due_unix_ms");
  if (!alert_id.ok()) return alert_id.status();
  if (!body.ok()) return body.status();
  if (!attempts.ok()) return attempts.status();
  if (!due.ok()) return due.status();
  entry.alert_id = *alert_id;
  entry.body = *body;
  entry.attempts = static_cast<int>(*attempts);
  entry.due = absl::FromUnixMillis(static_cast<int64_t>(*due));
  auto target_it = root.fields().find("target");
  if (target_it == root.fields().end() ||
      target_it->second.kind_case() != Value::kStructValue) {
    return absl::DataLossError("no \"target\"");
  }
  const Struct& t = target_it->second.struct_value();
  auto channel = StringField(t, "channel");
  auto url = StringField(t, "url");
  auto timeout = NumberField(t, "timeout_ms");
  auto max_attempts = NumberField(t, "max_attempts");
  if (!channel.ok()) return channel.status();
  if (!url.ok()) return url.status();
  if (!timeout.ok()) return timeout.status();
  if (!max_attempts.ok()) return max_attempts.status();
  entry.target.channel = *channel;
  entry.target.url = *url;
  entry.target.timeout = absl::Milliseconds(*timeout);
  entry.target.max_attempts = static_cast<int>(*max_attempts);
  auto headers_it = t.fields().find("headers");
  if (headers_it != t.fields().end()) {
    for (const Value& pair : headers_it->second.list_value().values()) {
      const ListValue& kv = pair.list_value();
      if (kv.values_size() != 2) return absl::DataLossError("bad header");
      entry.target.headers.emplace_back(kv.values(0).string_value(),
                                        kv.values(1).string_value());
    }
  }
  return entry;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WebhookJournal>> WebhookJournal::Open(
    std::string directory) {
  if (directory.empty()) {
    return absl::InvalidArgumentError("webhook journal: no directory given");
  }
  if (mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::InvalidArgumentError(absl::StrCat(
        "webhook journal: cannot create ", directory, ": ", Errno()));
  }
  if (access(directory.c_str(), W_OK | X_OK) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "webhook journal: cannot write in ", directory, ": ", Errno()));
  }
  return std::unique_ptr<WebhookJournal>(
      new WebhookJournal(std::move(directory)));
}

std::vector<JournalEntry> WebhookJournal::Load() {
  std::vector<std::string> names;
  if (DIR* dir = opendir(directory_.c_str())) {
    while (dirent* e = readdir(dir)) {
      const std::string name = e->d_name;
      if (absl::EndsWith(name, kSuffix)) names.push_back(name);
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  std::vector<JournalEntry> entries;
  for (const std::string& name : names) {
    const std::string path = absl::StrCat(directory_, "/", name);
    std::ifstream in(path);
    std::stringstream content;
    content << in.rdbuf();
    absl::StatusOr<JournalEntry> entry = Decode(content.str());
    if (!entry.ok()) {
      LogWarning(
          "alert: webhook journal: %s is unreadable (%s); set aside as "
          "%s.bad",
          path, entry.status().message(), name);
      std::rename(path.c_str(), (path + ".bad").c_str());
      continue;
    }
    entry->name = name;
    entries.push_back(*std::move(entry));
  }
  // New names sort after every loaded one.
  next_ = entries.size();
  return entries;
}

absl::Status WebhookJournal::Save(JournalEntry& entry) {
  if (entry.name.empty()) {
    // Start time and a counter: unique within this directory's one worker,
    // and in the order deliveries were queued.
    entry.name = absl::StrFormat("%020d-%08d%s", absl::ToUnixNanos(absl::Now()),
                                 next_++, kSuffix);
  }
  const std::string path = absl::StrCat(directory_, "/", entry.name);
  const std::string temp = path + ".tmp";
  absl::Status written = WriteDurably(temp, Encode(entry));
  if (!written.ok()) return written;
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot rename ", temp, ": ", Errno()));
  }
  return absl::OkStatus();
}

void WebhookJournal::Remove(const std::string& name) {
  if (name.empty()) return;
  const std::string path = absl::StrCat(directory_, "/", name);
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    LogWarning("alert: webhook journal: cannot delete %s: %s", path, Errno());
  }
}

}  // namespace wirestream::alert
