// Prints precision, recall and F1 of boilerplate removal on the labelled
// pages in testdata/boilerplate (or the directory given):
//   bazel run //pipeline/stages/normalize:boilerplate_eval
//   bazel run //pipeline/stages/normalize:boilerplate_eval -- --show NAME
// --show prints what the parser kept of one page.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "pipeline/stages/normalize/boilerplate_eval.h"

int main(int argc, char** argv) {
  std::string dir = "pipeline/stages/normalize/testdata/boilerplate";
  if (const char* root = std::getenv("BUILD_WORKSPACE_DIRECTORY")) {
    dir = std::string(root) + "/" + dir;
  }
  if (argc == 3 && std::string(argv[1]) == "--show") {
    std::ifstream in(dir + "/" + argv[2], std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    std::cout << wirestream::normalize::KeptText(argv[2], contents.str())
              << "\n";
    return 0;
  }
  if (argc == 2) dir = argv[1];
  wirestream::normalize::EvalReport report =
      wirestream::normalize::EvaluateBoilerplate(dir);
  std::cout << wirestream::normalize::FormatReport(report);
  return report.pages.empty() ? 1 : 0;
}
