// Stories per second through classify on one core.
//
//   bazel run -c opt //pipeline/stages/classify:classifier_benchmark --
//     --benchmark_min_time=2
//   (pin with `taskset -c 0 bazel-bin/.../classifier_benchmark` for one core)
//
// The stories are corpus/eval.txt (160 wire stories, 60-120 words each).
#include <fstream>
#include <sstream>

#include "benchmark/benchmark.h"
#include "pipeline/stages/classify/classifier.h"
#include "pipeline/stages/classify/classify_stage.h"
#include "pipeline/stages/classify/corpus.h"
#include "wirestream/v1/dedup_verdict.pb.h"

namespace wirestream::classify {
namespace {

std::vector<LabelledStory> Stories() {
  std::ifstream in("pipeline/stages/classify/corpus/eval.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  auto stories = ParseCorpus(ss.str(), "eval.txt");
  if (!stories.ok() || stories->empty()) {
    std::fprintf(stderr, "cannot read corpus/eval.txt (run with bazel run)\n");
    std::abort();
  }
  return *stories;
}

void BM_Classify(benchmark::State& state) {
  auto classifier = Classifier::Create({});
  const std::vector<LabelledStory> stories = Stories();
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& story = stories[i++ % stories.size()].story;
    wirestream::v1::EnrichedStory out;
    (*classifier)->Classify(story, &out);
    benchmark::DoNotOptimize(out);
    bytes += story.ByteSizeLong();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_Classify);

// The whole stage: parse DedupedStory, classify, serialize EnrichedStory.
void BM_StageProcess(benchmark::State& state) {
  auto stage = ClassifyStage::Create({});
  std::vector<runtime::InputRecord> records;
  for (const auto& s : Stories()) {
    wirestream::v1::DedupedStory d;
    *d.mutable_story() = s.story;
    runtime::InputRecord r;
    r.value = d.SerializeAsString();
    records.push_back(std::move(r));
  }
  size_t i = 0;
  for (auto _ : state) {
    auto out = (*stage)->Process(records[i++ % records.size()]);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StageProcess);

// Start-up: parse the embedded data and compile the Hyperscan database.
void BM_CreateClassifier(benchmark::State& state) {
  for (auto _ : state) {
    auto classifier = Classifier::Create({});
    benchmark::DoNotOptimize(classifier);
  }
}
BENCHMARK(BM_CreateClassifier)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace wirestream::classify
