// The classify worker: wire.unique (DedupedStory) -> wire.classified
// (EnrichedStory with IPTC topics, countries, regions and a focus country).
// Stateless: run more of them in one group to go faster.
#include <string>

#include "absl/flags/flag.h"
#include "pipeline/runtime/runner.h"
#include "pipeline/stages/classify/classify_stage.h"

ABSL_FLAG(std::string, data_dir, "",
          "Directory with the classifier's data files (gazetteer, taxonomy, "
          "lexicon, model; see pipeline/stages/classify/data/README.md). "
          "Empty: the data compiled into the binary.");
ABSL_FLAG(double, topic_threshold, 0.3,
          "Topics scoring at least this (0..1] are output.");
ABSL_FLAG(int, max_topic_evidence, 5,
          "Evidence terms kept per topic (0: none).");

int main(int argc, char** argv) {
  wirestream::runtime::RunnerConfig defaults;
  defaults.input_topics = {"wire.unique"};
  defaults.output_topic = "wire.classified";
  return wirestream::runtime::RunWorker(
      argc, argv, defaults,
      []() -> absl::StatusOr<std::unique_ptr<wirestream::runtime::Stage>> {
        wirestream::classify::ClassifierConfig config;
        config.data_dir = absl::GetFlag(FLAGS_data_dir);
        config.topic_threshold =
            static_cast<float>(absl::GetFlag(FLAGS_topic_threshold));
        config.max_topic_evidence = absl::GetFlag(FLAGS_max_topic_evidence);
        // No registry here: the runner calls RegisterMetrics on its own.
        auto stage = wirestream::classify::ClassifyStage::Create(config);
        if (!stage.ok()) return stage.status();
        return std::unique_ptr<wirestream::runtime::Stage>(*std::move(stage));
      });
}
