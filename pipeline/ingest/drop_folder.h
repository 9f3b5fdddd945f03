// File: pipeline/ingest/drop_folder.h
//
// The drop-folder gateway: stories that agencies deliver as files (FTP,
// SFTP, rsync) into watched directories. A file is taken once it is
// complete, by the folder's rule:
//   quiet   not modified for the quiet period (default 5 s);
//   rename  any name that is not a temporary one (".x", "x.tmp", "x.part",
//           "x.partial", "x.filepart", "x~"): uploaders write under a
//           temporary name and rename when done;
//   marker  "x" is taken once "x.done" exists (the marker is removed after).
// Temporary names and ".done" markers are never stories. A zip or tar batch
// is taken member by member, all its members in one transaction.
//
// After Kafka has committed a file's stories, the file moves to done/; a
// file that cannot be taken (unreadable, empty, too large, a damaged batch,
// a symlink pointing outside the folder) moves to failed/ with
// "<name>.reason" beside it saying why, and nothing of it is sent. The
// ledger entry of a file (source, name and content hash) is committed with
// its stories, so after a crash between the commit and the move the file is
// only moved, never sent again.
//
//   auto folder = ParseDropFolder("afp=/srv/drop/afp,ready=rename");
//   FolderGateway gateway({*folder}, &story_log, &ledger, &metrics, {});
//   gateway.Prepare();
//   gateway.Run(stop);    // inotify, polling as a fallback
//
// Not thread-safe: one thread runs a gateway.
#ifndef WIRESTREAM_PIPELINE_INGEST_DROP_FOLDER_H_
#define WIRESTREAM_PIPELINE_INGEST_DROP_FOLDER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pipeline/ingest/ingest_metrics.h"
#include "pipeline/ingest/story_log.h"
#include "pipeline/ingest/taken_ledger.h"

namespace wirestream::ingest {

enum class ReadyRule { kQuiet, kRename, kMarker };

struct DropFolder {
  // RawStory.source of every story from this folder, e.g. "afp".
  std::string source;
  // The watched directory; done/ and failed/ are made inside it.
  std::string path;
  ReadyRule ready = ReadyRule::kQuiet;
  absl::Duration quiet = absl::Seconds(5);
};

// Parses "SOURCE=DIR[,ready=quiet|rename|marker][,quiet_ms=N]".
// INVALID_ARGUMENT says what is wrong.
absl::StatusOr<DropFolder> ParseDropFolder(absl::string_view spec);

// True for names uploaders use while a file is still being written.
bool IsTemporaryName(absl::string_view name);

// Returns the ledger key of a file: "folder/INSTANCE/SOURCE/NAME@HASH",
// HASH the XXH3-128 of its bytes in hex.
std::string FileLedgerKey(absl::string_view instance, absl::string_view source,
                          absl::string_view name, absl::string_view bytes);

struct FolderGatewayOptions {
  // Part of every ledger key: distinct per gateway instance.
  std::string instance = "0";
  // Most files in one Kafka transaction.
  int batch_files = 100;
  // Larger stories (files, archive members) fail.
  int64_t max_file_bytes = 1000000;
  // Larger zip or tar batches fail.
  int64_t max_archive_bytes = int64_t{256} << 20;
  // How often folders are scanned without an inotify event.
  absl::Duration poll_interval = absl::Seconds(2);
  // Use inotify to notice new files at once (polling still runs).
  bool use_inotify = true;
  // For crash tests only: after this many commits, exit at once without
  // moving the committed files (0: never).
  int exit_after_commits = 0;
};

class FolderGateway {
 public:
  FolderGateway(std::vector<DropFolder> folders, StoryLog* log,
                TakenLedger* ledger, IngestMetrics* metrics,
                FolderGatewayOptions options);

  // Makes done/ and failed/ in every folder. FAILED_PRECONDITION names a
  // folder that does not exist or cannot be written.
  absl::Status Prepare();

  // Takes every complete file of every folder, batch by batch, until done
  // or `stop`. Returns the number of stories written. A batch Kafka did not
  // take stays in place for the next scan; PERMISSION_DENIED or INTERNAL
  // (fenced, commit outcome unknown) is returned and is fatal.
  absl::StatusOr<int64_t> ScanOnce(const std::atomic<bool>& stop);

  // Scans on every inotify event and every poll interval until `stop`.
  absl::Status Run(const std::atomic<bool>& stop);

 private:
  struct Candidate;

  // Moves `name` of `folder` to failed/ with a reason file.
  void MoveToFailed(const DropFolder& folder, const std::string& name,
                    absl::string_view reason);
  // Moves `name` of `folder` to done/ (and removes its marker).
  void MoveToDone(const DropFolder& folder, const std::string& name,
                  absl::string_view hash);
  // Returns the complete files of `folder`, oldest first; counts the rest.
  std::vector<Candidate> CompleteFiles(const DropFolder& folder,
                                       int64_t* waiting);
  // Writes one batch; false when Kafka did not take it.
  absl::StatusOr<bool> TakeBatch(const DropFolder& folder,
                                 std::vector<Candidate>& batch,
                                 int64_t* stories);

  std::vector<DropFolder> folders_;
  StoryLog* const log_;
  TakenLedger* const ledger_;
  IngestMetrics* const metrics_;
  const FolderGatewayOptions options_;
  int commits_ = 0;
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_DROP_FOLDER_H_
