// The passthrough worker: copies wire.raw to wire.raw.mirror (or --input to
// --output) with the runtime's delivery guarantees.
#include "absl/flags/flag.h"
#include "pipeline/runtime/runner.h"
#include "pipeline/stages/passthrough/passthrough_stage.h"

ABSL_FLAG(bool, require_raw_story, false,
          "Dead-letter values that are not wirestream.v1.RawStory records.");

int main(int argc, char** argv) {
  wirestream::runtime::RunnerConfig defaults;
  defaults.input_topics = {"wire.raw"};
  defaults.output_topic = "wire.raw.mirror";
  return wirestream::runtime::RunWorker(argc, argv, defaults, [] {
    wirestream::stages::PassthroughOptions options;
    options.require_raw_story = absl::GetFlag(FLAGS_require_raw_story);
    return wirestream::stages::PassthroughStage::Create(options);
  });
}
