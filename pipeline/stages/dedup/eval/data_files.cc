#include "pipeline/stages/dedup/eval/data_files.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace wirestream::stages::dedup {

std::string DataDir(const char* argv0, absl::string_view relative_dir,
                    absl::string_view probe_file) {
  for (const char* env : {"TEST_SRCDIR", "RUNFILES_DIR"}) {
    if (const char* dir = std::getenv(env); dir != nullptr) {
      return absl::StrCat(dir, "/wirestream/", relative_dir);
    }
  }
  if (argv0 != nullptr) {
    const std::string runfiles =
        absl::StrCat(argv0, ".runfiles/wirestream/", relative_dir);
    if (std::ifstream(absl::StrCat(runfiles, "/", probe_file))) {
      return runfiles;
    }
  }
  return std::string(relative_dir);
}

absl::StatusOr<std::string> ReadDataFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace wirestream::stages::dedup
