// loadgen's traffic is a fair load for dedup: the stories it means as new
// are judged NEW, and what it means as a re-send, correction or rewrite
// joins the story it repeats.
#include "pipeline/stages/dedup/eval/loadgen_mix.h"

#include <iostream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::stages::dedup {
namespace {

TEST(LoadgenMixTest, NewStoriesAreJudgedNew) {
  const LoadgenMix mix = JudgeLoadgenStories(/*stories=*/3000, /*seed=*/1);
  std::cout << mix.ToText();
  EXPECT_EQ(mix.dead_lettered, 0);
  const auto& fresh = mix.counts[0];
  const int64_t new_stories = mix.Intended(0);
  ASSERT_GT(new_stories, 2500);
  // A new story merged into another is a story lost.
  EXPECT_LE(
      fresh[v1::DEDUP_KIND_NEAR_DUPLICATE] + fresh[v1::DEDUP_KIND_DUPLICATE],
      new_stories / 100);
  // Re-sends are exact; corrections are newer versions.
  EXPECT_EQ(mix.counts[1][v1::DEDUP_KIND_DUPLICATE], mix.Intended(1));
  EXPECT_EQ(mix.counts[2][v1::DEDUP_KIND_UPDATE], mix.Intended(2));
}

}  // namespace
}  // namespace wirestream::stages::dedup
