// Holds dedup to its goals on real wire copy (testdata/real, labelled by the
// guide in its README): different stories that share a template kept
// apart, re-sends, corrections and light rewrites clustered.
#include <iostream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/dedup/deduplicator.h"
#include "pipeline/stages/dedup/eval/real_copy_set.h"

namespace wirestream::stages::dedup {
namespace {

// The goals: a different story merged is a story lost.
constexpr double kKeptApartGoal = 0.97;
constexpr double kClusteredGoal = 0.95;

TEST(RealCopyTest, KeepsDifferentStoriesApartAndClustersRepeats) {
  absl::StatusOr<RealCopySet> set = LoadRealCopySet(RealCopyDataDir(nullptr));
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_GT(set->pairs.size(), 500u);
  const RealCopyReport report = EvaluateRealCopy(*set, DeduplicatorConfig{});
  std::cout << report.ToText(/*misjudged=*/true);
  EXPECT_GE(report.kept_apart(), kKeptApartGoal);
  EXPECT_GE(report.clustered(), kClusteredGoal);
}

}  // namespace
}  // namespace wirestream::stages::dedup
