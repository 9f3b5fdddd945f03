// File: pipeline/stages/dedup/eval/data_files.h
//
// Finding and reading dedup's evaluation data (testdata/eval,
// testdata/real) from a test, a `bazel run` binary or the workspace root.
//
//   std::string dir = DataDir(argv[0], "pipeline/stages/dedup/testdata/real",
//                             "pairs.tsv");
//   absl::StatusOr<std::string> text = ReadDataFile(dir + "/pairs.tsv");
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_EVAL_DATA_FILES_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_EVAL_DATA_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wirestream::stages::dedup {

// Returns the directory `relative_dir` (from the workspace root): under the
// test's runfiles, else the binary's (when `probe_file` is there), else
// relative to the current directory.
std::string DataDir(const char* argv0, absl::string_view relative_dir,
                    absl::string_view probe_file);

// Returns the file's contents, or NOT_FOUND naming it.
absl::StatusOr<std::string> ReadDataFile(const std::string& path);

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_EVAL_DATA_FILES_H_
