// File: pipeline/stages/alert/fingerprint.h
//
// Fingerprint64: a 64-bit FNV-1a hash of bytes, stable across processes and
// machines (unlike absl::Hash), for ids that must come out the same when a
// record is processed again and for telling file contents apart.
//
//   uint64_t h = Fingerprint64("spy-balloon");
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_FINGERPRINT_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_FINGERPRINT_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace wirestream::alert {

// Returns the FNV-1a 64-bit hash of `bytes`, continuing from `seed`.
inline uint64_t Fingerprint64(absl::string_view bytes,
                              uint64_t seed = 0xcbf29ce484222325ULL) {
  uint64_t h = seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_FINGERPRINT_H_
