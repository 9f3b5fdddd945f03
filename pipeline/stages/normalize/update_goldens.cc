// Rewrites testdata/golden/<sample>.json for every sample story from what
// the Normalizer makes of it now. Run with
//   bazel run //pipeline/stages/normalize:update_goldens
// then review `git diff`: the goldens are the stage's specification.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "pipeline/stages/normalize/test_support.h"

int main() {
  using namespace wirestream::normalize;  // NOLINT: a small tool
  if (std::getenv("BUILD_WORKSPACE_DIRECTORY") == nullptr) {
    std::cerr << "run me with `bazel run`\n";
    return 2;
  }
  std::unique_ptr<Normalizer> normalizer =
      *Normalizer::Create(NormalizerConfig{});
  int failures = 0;
  for (const std::string& name : ListWorkspaceDirectory(kStoriesDir)) {
    absl::StatusOr<wirestream::v1::Story> story =
        normalizer->Normalize(SampleRawStory(
            name, ReadWorkspaceFile(absl::StrCat(kStoriesDir, "/", name))));
    if (!story.ok()) {
      std::cerr << name << ": " << story.status() << "\n";
      ++failures;
      continue;
    }
    std::ofstream out(
        WorkspacePath(absl::StrCat(kGoldenDir, "/", name, ".json")),
        std::ios::binary | std::ios::trunc);
    out << GoldenJson(*story);
    std::cout << "wrote " << kGoldenDir << "/" << name << ".json\n";
  }
  return failures == 0 ? 0 : 1;
}
