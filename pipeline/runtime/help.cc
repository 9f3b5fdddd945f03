#include "pipeline/runtime/help.h"

#include <iostream>
#include <string>

#include "absl/flags/internal/usage.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"

namespace wirestream::runtime {

bool AnswerHelp(int argc, char** argv, absl::string_view flag_files,
                std::ostream& out) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    const size_t equals = arg.find('=');
    const absl::string_view name = arg.substr(0, equals);
    const absl::string_view value = equals == absl::string_view::npos
                                        ? absl::string_view()
                                        : arg.substr(equals + 1);
    if (name == "h" || (name == "help" && value.empty())) {
      // Abseil's --help shows only the flags of a file named like the
      // program; a worker's or tool's flags live in several files.
      absl::flags_internal::FlagsHelp(
          out, flag_files, absl::flags_internal::HelpFormat::kHumanReadable,
          absl::ProgramUsageMessage());
      out.flush();
      return true;
    }
    if (!absl::StartsWith(name, "help")) continue;
    if (!absl::flags_internal::DeduceUsageFlags(name, value)) continue;
    const int handled = absl::flags_internal::HandleUsageFlags(
        out, absl::ProgramUsageMessage());
    out.flush();
    if (handled >= 0) return true;
  }
  return false;
}

bool AnswerHelp(int argc, char** argv, absl::string_view flag_files) {
  return AnswerHelp(argc, argv, flag_files, std::cout);
}

}  // namespace wirestream::runtime
