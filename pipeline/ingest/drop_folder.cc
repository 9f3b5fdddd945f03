#include "pipeline/ingest/drop_folder.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "pipeline/ingest/archive_members.h"
#include "pipeline/ingest/source_name.h"
#include "pipeline/runtime/log.h"

namespace wirestream::ingest {
namespace {

using runtime::LogError;
using runtime::LogInfo;
using runtime::LogWarning;

constexpr absl::string_view kDoneDir = "done";
constexpr absl::string_view kFailedDir = "failed";
constexpr absl::string_view kMarkerSuffix = ".done";

std::string HashHex(absl::string_view bytes) {
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return absl::StrFormat("%016x%016x", h.high64, h.low64);
}

std::string RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) return "";
  return resolved;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Returns a name in `dir` that is free: `name`, else `name.TAG`, else
// `name.TAG.N`.
std::string FreeName(const std::string& dir, const std::string& name,
                     absl::string_view tag) {
  auto exists = [&](const std::string& n) {
    struct stat st;
    return lstat((dir + "/" + n).c_str(), &st) == 0;
  };
  if (!exists(name)) return name;
  std::string candidate = absl::StrCat(name, ".", tag);
  for (int i = 2; exists(candidate); ++i) {
    candidate = absl::StrCat(name, ".", tag, ".", i);
  }
  return candidate;
}

// Reads at most `limit` + 1 bytes of `path`.
absl::StatusOr<std::string> ReadFile(const std::string& path, int64_t limit) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot be opened: ", std::strerror(errno)));
  }
  std::string bytes;
  char buffer[64 << 10];
  while (static_cast<int64_t>(bytes.size()) <= limit) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      close(fd);
      return absl::DataLossError(
          absl::StrCat("read failed: ", std::strerror(err)));
    }
    bytes.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return bytes;
}

}  // namespace

struct FolderGateway::Candidate {
  std::string name;
  absl::Time modified;
  // Filled when taken.
  std::string bytes;
  std::string hash;
  std::string ledger_key;
  int first_submission = 0;
  int submissions = 0;
};

absl::StatusOr<DropFolder> ParseDropFolder(absl::string_view spec) {
  std::vector<absl::string_view> parts = absl::StrSplit(spec, ',');
  DropFolder folder;
  std::pair<absl::string_view, absl::string_view> head =
      absl::StrSplit(parts[0], absl::MaxSplits('=', 1));
  folder.source = std::string(head.first);
  folder.path = std::string(head.second);
  if (!IsValidSourceName(folder.source) || folder.path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--folder wants SOURCE=DIR[,ready=quiet|rename|marker][,quiet_ms=N] "
        "(SOURCE of letters, digits, '.', '_', '-'), got \"",
        spec, "\""));
  }
  while (folder.path.size() > 1 && folder.path.back() == '/') {
    folder.path.pop_back();
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(parts[i], absl::MaxSplits('=', 1));
    if (kv.first == "ready") {
      if (kv.second == "quiet") {
        folder.ready = ReadyRule::kQuiet;
      } else if (kv.second == "rename") {
        folder.ready = ReadyRule::kRename;
      } else if (kv.second == "marker") {
        folder.ready = ReadyRule::kMarker;
      } else {
        return absl::InvalidArgumentError(absl::StrCat(
            "--folder ", folder.source,
            ": ready= takes quiet, rename or marker, not \"", kv.second, "\""));
      }
    } else if (kv.first == "quiet_ms") {
      int64_t ms = 0;
      if (!absl::SimpleAtoi(kv.second, &ms) || ms < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--folder ", folder.source, ": quiet_ms= wants milliseconds"));
      }
      folder.quiet = absl::Milliseconds(ms);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--folder ", folder.source, ": unknown setting \"",
                       parts[i], "\" (ready=, quiet_ms=)"));
    }
  }
  return folder;
}

bool IsTemporaryName(absl::string_view name) {
  if (name.empty() || name[0] == '.' || name.back() == '~') return true;
  const std::string lower = absl::AsciiStrToLower(name);
  for (absl::string_view suffix :
       {".tmp", ".temp", ".part", ".partial", ".filepart", ".crdownload"}) {
    if (absl::EndsWith(lower, suffix)) return true;
  }
  return false;
}

std::string FileLedgerKey(absl::string_view instance, absl::string_view source,
                          absl::string_view name, absl::string_view bytes) {
  return absl::StrCat("folder/", instance, "/", source, "/", name, "@",
                      HashHex(bytes));
}

FolderGateway::FolderGateway(std::vector<DropFolder> folders, StoryLog* log,
                             TakenLedger* ledger, IngestMetrics* metrics,
                             FolderGatewayOptions options)
    : folders_(std::move(folders)),
      log_(log),
      ledger_(ledger),
      metrics_(metrics),
      options_(std::move(options)) {}

absl::Status FolderGateway::Prepare() {
  for (DropFolder& folder : folders_) {
    if (!IsDirectory(folder.path)) {
      return absl::FailedPreconditionError(
          absl::StrCat("drop folder ", folder.path, " (", folder.source,
                       ") does not exist or is not a directory"));
    }
    folder.path = RealPath(folder.path);
    for (absl::string_view sub : {kDoneDir, kFailedDir}) {
      const std::string dir = absl::StrCat(folder.path, "/", sub);
      if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
        return absl::FailedPreconditionError(
            absl::StrCat("cannot make ", dir, ": ", std::strerror(errno)));
      }
    }
    if (access(folder.path.c_str(), W_OK) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("drop folder ", folder.path, " is not writable"));
    }
  }
  return absl::OkStatus();
}

void FolderGateway::MoveToFailed(const DropFolder& folder,
                                 const std::string& name,
                                 absl::string_view reason) {
  const std::string failed_dir = absl::StrCat(folder.path, "/", kFailedDir);
  const std::string target = FreeName(failed_dir, name, "1");
  {
    std::ofstream out(absl::StrCat(failed_dir, "/", target, ".reason"));
    out << reason << "\n";
  }
  if (rename((folder.path + "/" + name).c_str(),
             (failed_dir + "/" + target).c_str()) != 0) {
    LogError("folder %s: cannot move %s to failed/: %s", folder.source, name,
             std::strerror(errno));
    return;
  }
  if (folder.ready == ReadyRule::kMarker) {
    unlink(absl::StrCat(folder.path, "/", name, kMarkerSuffix).c_str());
  }
  LogWarning("folder %s: %s moved to failed/: %s", folder.source, name, reason);
}

void FolderGateway::MoveToDone(const DropFolder& folder,
                               const std::string& name,
                               absl::string_view hash) {
  const std::string done_dir = absl::StrCat(folder.path, "/", kDoneDir);
  const std::string target = FreeName(
      done_dir, name, hash.substr(0, std::min<size_t>(hash.size(), 8)));
  if (rename((folder.path + "/" + name).c_str(),
             (done_dir + "/" + target).c_str()) != 0) {
    LogError("folder %s: cannot move %s to done/: %s", folder.source, name,
             std::strerror(errno));
    return;
  }
  if (folder.ready == ReadyRule::kMarker) {
    unlink(absl::StrCat(folder.path, "/", name, kMarkerSuffix).c_str());
  }
}

std::vector<FolderGateway::Candidate> FolderGateway::CompleteFiles(
    const DropFolder& folder, int64_t* waiting) {
  std::vector<Candidate> complete;
  *waiting = 0;
  DIR* dir = opendir(folder.path.c_str());
  if (dir == nullptr) {
    LogError("folder %s: cannot list %s: %s", folder.source, folder.path,
             std::strerror(errno));
    return complete;
  }
  const absl::Time now = absl::Now();
  std::vector<std::string> refused;
  std::vector<std::pair<std::string, std::string>> failures;
  while (dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name == "." || name == ".." || name == kDoneDir || name == kFailedDir) {
      continue;
    }
    if (IsTemporaryName(name)) {
      ++*waiting;
      continue;
    }
    if (absl::EndsWith(name, kMarkerSuffix)) continue;
    const std::string path = folder.path + "/" + name;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) continue;  // gone meanwhile
    if (S_ISLNK(st.st_mode)) {
      const std::string target = RealPath(path);
      if (target.empty() || !absl::StartsWith(target, folder.path + "/")) {
        failures.emplace_back(
            name, absl::StrCat("a symlink pointing outside the drop folder (",
                               target.empty() ? "nowhere" : target,
                               "); only files inside it are taken"));
        continue;
      }
      if (stat(path.c_str(), &st) != 0) continue;
    }
    if (S_ISDIR(st.st_mode)) continue;
    if (!S_ISREG(st.st_mode)) {
      failures.emplace_back(name, "not a regular file");
      continue;
    }
    const absl::Time modified =
        absl::FromTimeT(st.st_mtime) + absl::Nanoseconds(st.st_mtim.tv_nsec);
    bool ready = true;
    switch (folder.ready) {
      case ReadyRule::kQuiet:
        ready = now - modified >= folder.quiet;
        break;
      case ReadyRule::kRename:
        break;
      case ReadyRule::kMarker: {
        struct stat marker;
        ready =
            lstat((path + std::string(kMarkerSuffix)).c_str(), &marker) == 0;
        break;
      }
    }
    if (!ready) {
      ++*waiting;
      continue;
    }
    complete.push_back(Candidate{name, modified});
  }
  closedir(dir);
  for (const auto& [name, reason] : failures) {
    if (metrics_) metrics_->Rejected(RejectReason::kBadPath);
    MoveToFailed(folder, name, reason);
  }
  std::sort(complete.begin(), complete.end(),
            [](const Candidate& a, const Candidate& b) {
              return a.modified != b.modified ? a.modified < b.modified
                                              : a.name < b.name;
            });
  *waiting += static_cast<int64_t>(complete.size());
  return complete;
}

absl::StatusOr<bool> FolderGateway::TakeBatch(const DropFolder& folder,
                                              std::vector<Candidate>& batch,
                                              int64_t* stories) {
  std::vector<Submission> submissions;
  std::vector<Candidate*> sending;
  const absl::Time received_at = absl::Now();
  for (Candidate& file : batch) {
    const std::string path = folder.path + "/" + file.name;
    absl::StatusOr<std::string> bytes = ReadFile(
        path, std::max(options_.max_file_bytes, options_.max_archive_bytes));
    if (!bytes.ok()) {
      if (metrics_) metrics_->Rejected(RejectReason::kUnreadable);
      MoveToFailed(folder, file.name, bytes.status().message());
      continue;
    }
    if (bytes->empty()) {
      if (metrics_) metrics_->Rejected(RejectReason::kEmpty);
      MoveToFailed(folder, file.name, "empty file");
      continue;
    }
    const bool archive = LooksLikeArchive(*bytes);
    if (static_cast<int64_t>(bytes->size()) >
        (archive ? options_.max_archive_bytes : options_.max_file_bytes)) {
      if (metrics_) metrics_->Rejected(RejectReason::kTooLarge);
      MoveToFailed(folder, file.name,
                   absl::StrCat("over the limit of ",
                                archive ? options_.max_archive_bytes
                                        : options_.max_file_bytes,
                                archive ? " bytes a batch" : " bytes a story"));
      continue;
    }
    file.bytes = *std::move(bytes);
    file.hash = HashHex(file.bytes);
    file.ledger_key =
        FileLedgerKey(options_.instance, folder.source, file.name, file.bytes);
    if (ledger_->Find(file.ledger_key)) {
      // Committed before a crash or restart, not yet moved.
      LogInfo("folder %s: %s was taken before; moving it to done/",
              folder.source, file.name);
      MoveToDone(folder, file.name, file.hash);
      continue;
    }
    std::vector<std::pair<std::string, std::string>> stories;
    if (archive) {
      ArchiveLimits limits;
      limits.max_member_bytes = options_.max_file_bytes;
      absl::StatusOr<std::vector<ArchiveMember>> members =
          ReadArchiveMembers(file.bytes, limits);
      if (!members.ok()) {
        if (metrics_) metrics_->Rejected(RejectReason::kMalformed);
        MoveToFailed(folder, file.name, members.status().message());
        continue;
      }
      for (ArchiveMember& m : *members) {
        stories.emplace_back(absl::StrCat(file.name, "/", m.name),
                             std::move(m.bytes));
      }
    } else {
      stories.emplace_back(file.name, file.bytes);
    }
    file.first_submission = static_cast<int>(submissions.size());
    file.submissions = static_cast<int>(stories.size());
    for (size_t i = 0; i < stories.size(); ++i) {
      Submission s;
      s.record_key = stories[i].first;
      // The file's ledger entry rides with its last story: present only
      // when every story of the file was committed.
      if (i + 1 == stories.size()) s.ledger_key = file.ledger_key;
      s.story.set_feed_item_id(stories[i].first);
      s.story.set_source(folder.source);
      s.story.set_payload(std::move(stories[i].second));
      s.story.mutable_received_at()->set_seconds(
          absl::ToUnixSeconds(received_at));
      s.story.mutable_received_at()->set_nanos(
          static_cast<int32_t>(absl::ToInt64Nanoseconds(
              received_at -
              absl::FromUnixSeconds(absl::ToUnixSeconds(received_at)))));
      (*s.story.mutable_attributes())["ingest.gateway"] = "folder";
      (*s.story.mutable_attributes())["ingest.file"] = file.name;
      submissions.push_back(std::move(s));
    }
    sending.push_back(&file);
  }
  if (submissions.empty()) return true;
  std::vector<const Submission*> pointers;
  for (const Submission& s : submissions) pointers.push_back(&s);
  absl::StatusOr<std::vector<Receipt>> receipts = log_->Write(pointers);
  if (!receipts.ok()) {
    if (absl::IsUnavailable(receipts.status())) {
      LogWarning(
          "folder %s: Kafka did not take %d files (%s); they stay for "
          "the next scan",
          folder.source, sending.size(), receipts.status().message());
      if (metrics_) metrics_->Rejected(RejectReason::kKafkaUnavailable);
      return false;
    }
    return receipts.status();
  }
  ++commits_;
  for (const Candidate* file : sending) {
    const int last = file->first_submission + file->submissions - 1;
    ledger_->Add(file->ledger_key, (*receipts)[last]);
    for (int i = file->first_submission; i <= last; ++i) {
      if (metrics_) {
        metrics_->StoryTaken(
            folder.source,
            static_cast<int64_t>(submissions[i].story.payload().size()));
      }
    }
    *stories += file->submissions;
  }
  if (options_.exit_after_commits > 0 &&
      commits_ >= options_.exit_after_commits) {
    LogError(
        "folder: exiting after %d commits, before moving the files "
        "(--exit_after_commits, for crash tests)",
        commits_);
    _exit(9);
  }
  for (const Candidate* file : sending) {
    MoveToDone(folder, file->name, file->hash);
  }
  return true;
}

absl::StatusOr<int64_t> FolderGateway::ScanOnce(const std::atomic<bool>& stop) {
  int64_t stories = 0;
  for (const DropFolder& folder : folders_) {
    int64_t waiting = 0;
    std::vector<Candidate> files = CompleteFiles(folder, &waiting);
    if (metrics_) metrics_->SetBacklog(folder.source, waiting);
    for (size_t start = 0; start < files.size() && !stop.load();
         start += options_.batch_files) {
      std::vector<Candidate> batch(
          std::make_move_iterator(files.begin() + start),
          std::make_move_iterator(
              files.begin() +
              std::min(files.size(), start + options_.batch_files)));
      absl::StatusOr<bool> taken = TakeBatch(folder, batch, &stories);
      if (!taken.ok()) return taken.status();
      if (!*taken) break;  // Kafka unavailable: the next scan tries again.
      waiting -= static_cast<int64_t>(batch.size());
      if (metrics_) metrics_->SetBacklog(folder.source, waiting);
    }
  }
  if (metrics_) {
    metrics_->ledger_entries->Set(static_cast<double>(ledger_->size()));
  }
  return stories;
}

absl::Status FolderGateway::Run(const std::atomic<bool>& stop) {
  int inotify_fd = -1;
  if (options_.use_inotify) {
    inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify_fd < 0) {
      LogWarning("folder: no inotify (%s); polling every %s",
                 std::strerror(errno),
                 absl::FormatDuration(options_.poll_interval));
    } else {
      for (const DropFolder& folder : folders_) {
        if (inotify_add_watch(
                inotify_fd, folder.path.c_str(),
                IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ATTRIB) < 0) {
          LogWarning("folder %s: cannot watch %s (%s); polling it",
                     folder.source, folder.path, std::strerror(errno));
        }
      }
    }
  }
  absl::Duration wait = options_.poll_interval;
  for (const DropFolder& folder : folders_) {
    if (folder.ready == ReadyRule::kQuiet) {
      wait = std::min(wait, std::max(absl::Milliseconds(50), folder.quiet / 2));
    }
  }
  absl::Time last_prune = absl::Now();
  absl::Status result = absl::OkStatus();
  while (!stop.load()) {
    absl::StatusOr<int64_t> scanned = ScanOnce(stop);
    if (!scanned.ok()) {
      result = scanned.status();
      break;
    }
    if (metrics_) metrics_->ready->Set(log_->available() ? 1 : 0);
    if (absl::Now() - last_prune > absl::Minutes(10)) {
      ledger_->Prune(absl::Now());
      last_prune = absl::Now();
    }
    // Sleep until a folder changes or the poll interval passes, in short
    // slices so that a stop request is seen quickly.
    const absl::Time until = absl::Now() + wait;
    bool changed = false;
    while (!stop.load() && !changed && absl::Now() < until) {
      if (inotify_fd >= 0) {
        pollfd p{inotify_fd, POLLIN, 0};
        const int slice = static_cast<int>(std::min<int64_t>(
            200, absl::ToInt64Milliseconds(until - absl::Now()) + 1));
        if (poll(&p, 1, slice) > 0) {
          char events[4096];
          while (read(inotify_fd, events, sizeof(events)) > 0) {
          }
          changed = true;
        }
      } else {
        absl::SleepFor(std::min(absl::Milliseconds(200), until - absl::Now()));
      }
    }
  }
  if (inotify_fd >= 0) close(inotify_fd);
  return result;
}

}  // namespace wirestream::ingest
