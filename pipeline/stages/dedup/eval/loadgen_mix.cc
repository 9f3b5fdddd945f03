#include "pipeline/stages/dedup/eval/loadgen_mix.h"

#include <memory>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "pipeline/stages/dedup/deduplicator.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "tools/loadgen/story_generator.h"

namespace wirestream::stages::dedup {

using tools::loadgen::StoryKind;

int64_t LoadgenMix::Intended(int kind) const {
  int64_t total = 0;
  for (int64_t n : counts[kind]) total += n;
  return total;
}

std::string LoadgenMix::ToText() const {
  static constexpr const char* kIntended[] = {"new", "resend", "correction",
                                              "rewrite"};
  std::string out =
      absl::StrFormat("%-12s %8s %8s %8s %9s %8s %6s\n", "intended", "stories",
                      "NEW", "UPDATE", "DUPLICATE", "NEAR_DUP", "KILL");
  for (int k = 0; k < 4; ++k) {
    const auto& c = counts[k];
    absl::StrAppendFormat(&out, "%-12s %8d %8d %8d %9d %8d %6d\n", kIntended[k],
                          Intended(k), c[v1::DEDUP_KIND_NEW],
                          c[v1::DEDUP_KIND_UPDATE], c[v1::DEDUP_KIND_DUPLICATE],
                          c[v1::DEDUP_KIND_NEAR_DUPLICATE],
                          c[v1::DEDUP_KIND_KILL]);
  }
  absl::StrAppendFormat(&out, "dead-lettered by normalize: %d\n",
                        dead_lettered);
  return out;
}

LoadgenMix JudgeLoadgenStories(int64_t stories, uint64_t seed) {
  LoadgenMix mix;
  tools::loadgen::StoryGenerator generator(
      tools::loadgen::StoryGeneratorOptions{}, seed);
  auto normalizer =
      normalize::Normalizer::Create(normalize::NormalizerConfig{});
  auto dedup = Deduplicator::Create(DeduplicatorConfig{});
  if (!normalizer.ok() || !dedup.ok()) return mix;
  std::vector<StateChange> changes;
  for (int64_t i = 0; i < stories; ++i) {
    tools::loadgen::GeneratedStory generated = generator.Next();
    absl::StatusOr<v1::Story> story = (*normalizer)->Normalize(generated.raw);
    if (!story.ok()) {
      ++mix.dead_lettered;
      continue;
    }
    changes.clear();
    const v1::DedupVerdict verdict = (*dedup)->Judge(
        *story, absl::FromUnixSeconds(generated.raw.received_at().seconds()),
        &changes);
    ++mix.counts[static_cast<int>(generated.kind)][verdict.kind()];
  }
  return mix;
}

}  // namespace wirestream::stages::dedup
