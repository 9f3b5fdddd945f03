// libFuzzer target: the plain text parser on arbitrary input. The
// parser's contract is valid UTF-8, so the input is repaired first, as the
// Normalizer does. Built by scripts/fuzz.sh; under Bazel the seed corpus
// runs through it as a regression test (fuzz_driver.cc).
#include <cstddef>
#include <cstdint>
#include <string>

#include "pipeline/stages/normalize/plain_text_parser.h"
#include "pipeline/stages/normalize/unicode_text.h"
#include "wirestream/v1/story.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wirestream::normalize;  // NOLINT: a fuzz target
  std::string text =
      RepairUtf8(std::string(reinterpret_cast<const char*>(data), size));
  wirestream::v1::Story story;
  absl::Status status = ParsePlainText(text, &story);
  (void)status;
  return 0;
}
