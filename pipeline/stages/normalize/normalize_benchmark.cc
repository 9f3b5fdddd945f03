// Throughput of the Normalizer per wire format, over the sample stories of
// that format (testdata/stories/<prefix>*). Run on one core with
//   taskset -c 0 bazel-bin/pipeline/stages/normalize/normalize_benchmark
// or `bazel run -c opt //pipeline/stages/normalize:normalize_benchmark`.
// items_per_second is stories per second.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "pipeline/stages/normalize/test_support.h"

namespace wirestream::normalize {
namespace {

std::vector<v1::RawStory> SamplesWithPrefix(absl::string_view prefix) {
  std::vector<v1::RawStory> stories;
  for (const std::string& name : ListWorkspaceDirectory(kStoriesDir)) {
    if (!absl::StartsWith(name, prefix)) continue;
    stories.push_back(SampleRawStory(
        name, ReadWorkspaceFile(absl::StrCat(kStoriesDir, "/", name))));
  }
  return stories;
}

void BM_Normalize(benchmark::State& state, const char* prefix) {
  std::unique_ptr<Normalizer> normalizer =
      *Normalizer::Create(NormalizerConfig{});
  std::vector<v1::RawStory> stories = SamplesWithPrefix(prefix);
  if (stories.empty()) {
    state.SkipWithError("no sample stories");
    return;
  }
  size_t bytes = 0;
  for (const v1::RawStory& story : stories) bytes += story.payload().size();
  for (auto _ : state) {
    for (const v1::RawStory& story : stories) {
      absl::StatusOr<v1::Story> normalized = normalizer->Normalize(story);
      benchmark::DoNotOptimize(normalized);
    }
  }
  state.SetItemsProcessed(state.iterations() * stories.size());
  state.SetBytesProcessed(state.iterations() * bytes);
}

BENCHMARK_CAPTURE(BM_Normalize, ninjs, "ninjs-");
BENCHMARK_CAPTURE(BM_Normalize, newsml_g2, "newsml-g2-");
BENCHMARK_CAPTURE(BM_Normalize, nitf, "nitf-");
BENCHMARK_CAPTURE(BM_Normalize, anpa_1312, "anpa-");
BENCHMARK_CAPTURE(BM_Normalize, iptc_7901, "iptc7901-");
BENCHMARK_CAPTURE(BM_Normalize, html, "html-");
BENCHMARK_CAPTURE(BM_Normalize, plain_text, "text-");
BENCHMARK_CAPTURE(BM_Normalize, all_formats, "");

}  // namespace
}  // namespace wirestream::normalize

BENCHMARK_MAIN();
