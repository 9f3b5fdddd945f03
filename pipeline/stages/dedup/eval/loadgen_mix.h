// File: pipeline/stages/dedup/eval/loadgen_mix.h
//
// What dedup makes of loadgen's traffic: stories from
// tools/loadgen's StoryGenerator, normalized and judged in order by one
// Deduplicator, counted by the kind loadgen meant (new, re-send,
// correction, rewrite) and the verdict given. A fair load has new stories
// judged NEW, re-sends DUPLICATE, corrections UPDATE and rewrites
// NEAR_DUPLICATE.
//
//   LoadgenMix mix = JudgeLoadgenStories(/*stories=*/20000, /*seed=*/1);
//   std::cout << mix.ToText();
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_EVAL_LOADGEN_MIX_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_EVAL_LOADGEN_MIX_H_

#include <array>
#include <cstdint>
#include <string>

#include "wirestream/v1/dedup_verdict.pb.h"

namespace wirestream::stages::dedup {

struct LoadgenMix {
  // [intended kind: new, resend, correction, rewrite][DedupKind].
  std::array<std::array<int64_t, wirestream::v1::DedupKind_ARRAYSIZE>, 4>
      counts{};
  // Stories normalize dead-lettered (none expected).
  int64_t dead_lettered = 0;

  int64_t Intended(int kind) const;
  // Returns a table of verdicts by intended kind.
  std::string ToText() const;
};

// Generates `stories` stories with loadgen's default mix and seed `seed`
// and judges them.
LoadgenMix JudgeLoadgenStories(int64_t stories, uint64_t seed);

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_EVAL_LOADGEN_MIX_H_
