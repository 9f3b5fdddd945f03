// The normalize worker: wire.raw (RawStory) -> wire.stories (Story).
#include <cstdint>

#include "absl/flags/flag.h"
#include "pipeline/runtime/runner.h"
#include "pipeline/stages/normalize/normalize_stage.h"

ABSL_FLAG(int64_t, max_payload_bytes, 10 << 20,
          "Dead-letter stories whose payload is larger than this.");
ABSL_FLAG(bool, reject_invalid_utf8, false,
          "Dead-letter payloads that are not valid UTF-8 instead of "
          "repairing them.");
ABSL_FLAG(std::string, fallback_language, "und",
          "Language of stories that declare none and cannot be detected.");

int main(int argc, char** argv) {
  wirestream::runtime::RunnerConfig defaults;
  defaults.input_topics = {"wire.raw"};
  defaults.output_topic = "wire.stories";
  return wirestream::runtime::RunWorker(
      argc, argv, defaults,
      []() -> absl::StatusOr<std::unique_ptr<wirestream::runtime::Stage>> {
        wirestream::normalize::NormalizerConfig config;
        config.max_payload_bytes = absl::GetFlag(FLAGS_max_payload_bytes);
        config.fallback_language = absl::GetFlag(FLAGS_fallback_language);
        if (absl::GetFlag(FLAGS_reject_invalid_utf8)) {
          config.invalid_utf8 =
              wirestream::normalize::InvalidUtf8Policy::kReject;
        }
        auto stage = wirestream::normalize::NormalizeStage::Create(config);
        if (!stage.ok()) return stage.status();
        return std::unique_ptr<wirestream::runtime::Stage>(*std::move(stage));
      });
}
