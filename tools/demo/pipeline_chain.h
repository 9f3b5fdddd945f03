// File: tools/demo/pipeline_chain.h
//
// The stages the demo runs, in data-flow order, and how to print the last
// one's records. Each stage added to the pipeline adds a step here.
#ifndef WIRESTREAM_TOOLS_DEMO_PIPELINE_CHAIN_H_
#define WIRESTREAM_TOOLS_DEMO_PIPELINE_CHAIN_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pipeline/runtime/stage.h"

namespace wirestream::demo {

struct ChainStep {
  std::string input;
  std::string output;
  // Other topics the stage writes (changelogs, side outputs).
  std::vector<std::string> extra_topics;
  std::function<absl::StatusOr<std::unique_ptr<runtime::Stage>>()> make;
  // Renders one output value as a JSON line.
  std::function<std::string(const std::string& value)> render;
};

// Returns the pipeline's stages in order.
std::vector<ChainStep> PipelineChain();

}  // namespace wirestream::demo

#endif  // WIRESTREAM_TOOLS_DEMO_PIPELINE_CHAIN_H_
