// libFuzzer target: the whole Normalizer (decoding, detection, every
// parser, story parts) on arbitrary bytes. The first byte picks the
// declared format (or none), the rest is the payload. Built by
// scripts/fuzz.sh; under Bazel the seed corpus runs through it as a
// regression test (fuzz_driver.cc).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "wirestream/v1/raw_story.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wirestream;  // NOLINT: a fuzz target
  static const normalize::Normalizer* const normalizer =
      normalize::Normalizer::Create(normalize::NormalizerConfig{})->release();
  v1::RawStory raw;
  if (size > 0 && data[0] < 8) {
    raw.set_format(static_cast<v1::WireFormat>(data[0]));
    ++data;
    --size;
  }
  raw.set_payload(std::string(reinterpret_cast<const char*>(data), size));
  absl::StatusOr<v1::Story> story = normalizer->Normalize(raw);
  // Bad input must be a dead letter, never another kind of error.
  if (!story.ok() && !runtime::IsBadInput(story.status())) __builtin_trap();
  return 0;
}
