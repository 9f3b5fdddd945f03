#include "tools/demo/pipeline_chain.h"

#include "google/protobuf/util/json_util.h"
#include "pipeline/stages/normalize/normalize_stage.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::demo {
namespace {

template <typename Message>
std::string ToJson(const std::string& value) {
  Message message;
  if (!message.ParseFromString(value)) return "{\"error\":\"unparsable\"}";
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

}  // namespace

std::vector<ChainStep> PipelineChain() {
  std::vector<ChainStep> chain;
  chain.push_back({"wire.raw",
                   "wire.stories",
                   {},
                   []() -> absl::StatusOr<std::unique_ptr<runtime::Stage>> {
                     auto stage = normalize::NormalizeStage::Create({});
                     if (!stage.ok()) return stage.status();
                     return std::unique_ptr<runtime::Stage>(*std::move(stage));
                   },
                   ToJson<v1::Story>});
  return chain;
}

}  // namespace wirestream::demo
