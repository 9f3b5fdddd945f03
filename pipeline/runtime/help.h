// File: pipeline/runtime/help.h
//
// `--help` for every worker and tool, answered with exit code 0. Abseil
// 20220623's ParseCommandLine prints the usage for --help and then exits
// 1, which scripts and orchestrators read as a failure; a main asks here
// first, before any flag parsing:
//
//   int main(int argc, char** argv) {
//     absl::SetProgramUsageMessage("copies a range of a topic ...");
//     if (wirestream::runtime::AnswerHelp(argc, argv, "tools/")) return 0;
//     ... absl::ParseCommandLine(argc, argv) ...
//   }
//
// Understood (one or two dashes, before a bare "--"): --help and -h (the
// usage message and the flags defined in files whose path holds
// `flag_files`), --helpfull (every flag, Abseil's own included),
// --helpshort, --helppackage, --helpon=FILE and --helpmatch=TEXT (as
// Abseil documents them). All print to standard output.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_HELP_H_
#define WIRESTREAM_PIPELINE_RUNTIME_HELP_H_

#include <ostream>

#include "absl/strings/string_view.h"

namespace wirestream::runtime {

// Returns true, after printing the usage text to `out`, when `argv` asks
// for help; the caller then exits 0. Returns false, printing nothing,
// otherwise. Call after absl::SetProgramUsageMessage.
bool AnswerHelp(int argc, char** argv, absl::string_view flag_files,
                std::ostream& out);

// As above, printing to standard output.
bool AnswerHelp(int argc, char** argv, absl::string_view flag_files);

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_HELP_H_
