// Holds the Deduplicator (default config) to its quality bar on the
// evaluation set: near-duplicate precision >= 0.98 and recall >= 0.95, and
// no hard negative merged, for several generator seeds.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/dedup/deduplicator.h"
#include "pipeline/stages/dedup/eval/evaluation_set.h"

namespace wirestream::stages::dedup {
namespace {

using ::testing::Ge;

class EvaluationTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(EvaluationTest, MeetsTheQualityBar) {
  auto set = LoadEvaluationSet(EvaluationDataDir(nullptr), GetParam());
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(set->base_stories, 46);
  ASSERT_EQ(set->template_stories, 37);
  ASSERT_EQ(set->followups, 10);
  ASSERT_EQ(set->urgents, 25);
  ASSERT_EQ(set->stories.size(), 763u);
  auto dedup = Deduplicator::Create(DeduplicatorConfig{});
  ASSERT_TRUE(dedup.ok());
  const EvaluationReport report = Evaluate(*set, **dedup);
  SCOPED_TRACE(report.ToText(/*misjudged=*/true));

  const VerdictScore& near =
      report.score(wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE);
  EXPECT_EQ(near.true_positives + near.false_negatives, 376);
  EXPECT_THAT(near.precision(), Ge(0.98));
  EXPECT_THAT(near.recall(), Ge(0.95));

  // Exact keys, versions and kills are never wrong.
  for (auto kind :
       {wirestream::v1::DEDUP_KIND_DUPLICATE, wirestream::v1::DEDUP_KIND_UPDATE,
        wirestream::v1::DEDUP_KIND_KILL}) {
    EXPECT_EQ(report.score(kind).precision(), 1.0) << kind;
    EXPECT_EQ(report.score(kind).recall(), 1.0) << kind;
  }
  // Hard negatives stay apart: template stories with other figures or
  // subjects, follow-ups on the same subject, short items that differ.
  for (const char* variant : {"base", "template", "follow-up", "urgent"}) {
    const auto [right, total] = report.by_variant.at(variant);
    EXPECT_EQ(right, total) << variant;
  }
  EXPECT_EQ(report.score(wirestream::v1::DEDUP_KIND_NEW).recall(), 1.0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, EvaluationTest,
                         ::testing::Values(1, 2, 3, 4, 5));

TEST(EvaluationSetTest, IsDeterministic) {
  auto a = LoadEvaluationSet(EvaluationDataDir(nullptr), 7);
  auto b = LoadEvaluationSet(EvaluationDataDir(nullptr), 7);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->stories.size(), b->stories.size());
  for (size_t i = 0; i < a->stories.size(); ++i) {
    EXPECT_EQ(a->stories[i].story.SerializeAsString(),
              b->stories[i].story.SerializeAsString());
  }
}

TEST(EvaluationSetTest, MissingDataIsNotFound) {
  EXPECT_EQ(LoadEvaluationSet("/nonexistent", 1).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace wirestream::stages::dedup
