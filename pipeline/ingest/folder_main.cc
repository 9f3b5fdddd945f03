// folder_gateway: takes story files dropped into watched folders (FTP,
// SFTP, rsync deliveries) and writes each to wire.raw exactly once.
//
//   folder_gateway --bootstrap=HOST:PORT --instance=0 --http=0.0.0.0:9470
//     --folder=afp=/srv/drop/afp,ready=rename
//     --folder=ap=/srv/drop/ap,ready=marker
//     --folder=reuters=/srv/drop/reuters,ready=quiet,quiet_ms=5000
//
// See drop_folder.h for when a file is taken and where it goes after.
// Exit codes: 0 after SIGTERM/SIGINT (the batch in flight finished); 1 on a
// fatal Kafka error; 2 on bad flags or a missing folder.
#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "pipeline/ingest/drop_folder.h"
#include "pipeline/ingest/gateway_process.h"
#include "pipeline/runtime/help.h"
#include "pipeline/runtime/log.h"

ABSL_FLAG(int, batch_files, 100, "Most files in one Kafka transaction.");
ABSL_FLAG(int64_t, max_file_bytes, 1000000,
          "Larger story files (and archive members) move to failed/.");
ABSL_FLAG(int64_t, max_archive_bytes, int64_t{256} << 20,
          "Larger zip or tar batches move to failed/.");
ABSL_FLAG(int, poll_ms, 2000,
          "Scan every folder this often even without an inotify event.");
ABSL_FLAG(bool, inotify, true,
          "Notice new files at once with inotify (polling runs anyway; turn "
          "off for network file systems).");
ABSL_FLAG(int, exit_after_commits, 0,
          "For crash tests only: exit abruptly after this many commits, "
          "before moving the committed files.");

namespace wirestream::ingest {
namespace {

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "takes story files from drop folders into wire.raw.\n"
      "  folder_gateway --bootstrap=HOST:PORT "
      "--folder=SOURCE=DIR[,ready=quiet|rename|marker][,quiet_ms=N]...");
  if (runtime::AnswerHelp(argc, argv, "pipeline/")) return 0;
  std::vector<std::string> args(argv, argv + argc);
  std::vector<std::string> specs = ExtractRepeatedFlag("folder", args);
  std::vector<DropFolder> folders;
  for (const std::string& spec : specs) {
    auto folder = ParseDropFolder(spec);
    if (!folder.ok()) {
      runtime::LogError("bad flags: %s", folder.status().message());
      return 2;
    }
    folders.push_back(*std::move(folder));
  }
  if (folders.empty()) {
    runtime::LogError("bad flags: name at least one --folder=SOURCE=DIR");
    return 2;
  }
  auto gateway = GatewayProcess::Start("folder", args);
  if (!gateway.ok()) {
    runtime::LogError("folder: cannot start: %s", gateway.status().message());
    return ExitCodeFor(gateway.status());
  }
  FolderGatewayOptions options;
  options.instance = (*gateway)->config().instance_id;
  options.batch_files = std::max(1, absl::GetFlag(FLAGS_batch_files));
  options.max_file_bytes = absl::GetFlag(FLAGS_max_file_bytes);
  options.max_archive_bytes = absl::GetFlag(FLAGS_max_archive_bytes);
  options.poll_interval =
      absl::Milliseconds(std::max(10, absl::GetFlag(FLAGS_poll_ms)));
  options.use_inotify = absl::GetFlag(FLAGS_inotify);
  options.exit_after_commits = absl::GetFlag(FLAGS_exit_after_commits);
  FolderGateway folder_gateway(folders, (*gateway)->story_log(),
                               (*gateway)->ledger(), (*gateway)->metrics(),
                               options);
  absl::Status prepared = folder_gateway.Prepare();
  if (!prepared.ok()) {
    runtime::LogError("folder: %s", prepared.message());
    return 2;
  }
  for (const DropFolder& folder : folders) {
    runtime::LogInfo("folder %s: watching %s", folder.source, folder.path);
  }
  absl::Status ran = folder_gateway.Run((*gateway)->stop_requested());
  if (!ran.ok()) {
    runtime::LogError("folder: stopping on a fatal error: %s", ran.ToString());
    return 1;
  }
  runtime::LogInfo("folder: stopped cleanly");
  return 0;
}

}  // namespace
}  // namespace wirestream::ingest

int main(int argc, char** argv) { return wirestream::ingest::Run(argc, argv); }
