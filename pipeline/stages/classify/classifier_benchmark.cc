// Stories per second through classify on one core.
//
//   bazel run -c opt //pipeline/stages/classify:classifier_benchmark --
//     --benchmark_min_time=2
//   (pin with `taskset -c 0 bazel-bin/.../classifier_benchmark` for one core)
//
// The stories are corpus/eval.txt (160 wire stories, 60-120 words each);
// BM_ClassifyLanguage runs each corpus/wire_<lang>.txt as the wire sends
// it (no language tag: the English topic model reads it), and
// BM_ClassifyInLanguage each corpus/real_<lang>.txt tagged with its
// language, so the language's own topic model (or none) runs.
#include <fstream>
#include <sstream>

#include "benchmark/benchmark.h"
#include "pipeline/stages/classify/classifier.h"
#include "pipeline/stages/classify/classify_stage.h"
#include "pipeline/stages/classify/corpus.h"
#include "wirestream/v1/dedup_verdict.pb.h"

namespace wirestream::classify {
namespace {

std::vector<LabelledStory> Stories(const std::string& file = "eval.txt") {
  std::ifstream in("pipeline/stages/classify/corpus/" + file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto stories = ParseCorpus(ss.str(), file);
  if (!stories.ok() || stories->empty()) {
    std::fprintf(stderr, "cannot read corpus/%s (run with bazel run)\n",
                 file.c_str());
    std::abort();
  }
  return *stories;
}

// Classifies `stories` round after round.
void ClassifyEach(benchmark::State& state,
                  const std::vector<LabelledStory>& stories) {
  auto classifier = Classifier::Create({});
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

void BM_Classify(benchmark::State& state) { ClassifyEach(state, Stories()); }
BENCHMARK(BM_Classify);

// Classify on each wire language's real copy (corpus/wire_<lang>.txt:
// short excerpts, a headline and a sentence or two, so fewer bytes a story
// than eval.txt's).
void BM_ClassifyLanguage(benchmark::State& state, const char* file) {
  ClassifyEach(state, Stories(file));
}
BENCHMARK_CAPTURE(BM_ClassifyLanguage, fr, "wire_fr.txt");
BENCHMARK_CAPTURE(BM_ClassifyLanguage, de, "wire_de.txt");
BENCHMARK_CAPTURE(BM_ClassifyLanguage, es, "wire_es.txt");
BENCHMARK_CAPTURE(BM_ClassifyLanguage, it, "wire_it.txt");
BENCHMARK_CAPTURE(BM_ClassifyLanguage, pt, "wire_pt.txt");
BENCHMARK_CAPTURE(BM_ClassifyLanguage, ru, "wire_ru.txt");
BENCHMARK_CAPTURE(BM_ClassifyLanguage, ar, "wire_ar.txt");
BENCHMARK_CAPTURE(BM_ClassifyLanguage, zh, "wire_zh.txt");
BENCHMARK_CAPTURE(BM_ClassifyLanguage, ja, "wire_ja.txt");
BENCHMARK_CAPTURE(BM_ClassifyLanguage, ko, "wire_ko.txt");

// Classify on each language's real copy (corpus/real_<lang>.txt: a
// headline and one to three sentences), each story tagged with its
// language.
void BM_ClassifyInLanguage(benchmark::State& state, const char* language) {
  std::vector<LabelledStory> stories =
      Stories(std::string("real_") + language + ".txt");
  for (LabelledStory& s : stories) s.story.set_language(language);
  ClassifyEach(state, stories);
}
BENCHMARK_CAPTURE(BM_ClassifyInLanguage, fr, "fr");
BENCHMARK_CAPTURE(BM_ClassifyInLanguage, de, "de");
BENCHMARK_CAPTURE(BM_ClassifyInLanguage, es, "es");
BENCHMARK_CAPTURE(BM_ClassifyInLanguage, it, "it");
BENCHMARK_CAPTURE(BM_ClassifyInLanguage, pt, "pt");
BENCHMARK_CAPTURE(BM_ClassifyInLanguage, ru, "ru");
BENCHMARK_CAPTURE(BM_ClassifyInLanguage, ar, "ar");
BENCHMARK_CAPTURE(BM_ClassifyInLanguage, zh, "zh");
BENCHMARK_CAPTURE(BM_ClassifyInLanguage, ja, "ja");
BENCHMARK_CAPTURE(BM_ClassifyInLanguage, ko, "ko");

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
