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

// Floors at the levels measured (README.md, BENCHMARKS.md): a different
// story merged is a story lost, so keeping stories apart comes first. The
// goals are 0.97 kept apart and 0.95 clustered; the held-out pairs, whose
// repeats are mostly rewrites sharing less text, do not reach the second.
struct Floor {
  const char* pairs_file;
  double kept_apart;
  double clustered;
};

class RealCopyTest : public ::testing::TestWithParam<Floor> {};

TEST_P(RealCopyTest, KeepsDifferentStoriesApartAndClustersRepeats) {
  const Floor& floor = GetParam();
  absl::StatusOr<RealCopySet> set =
      LoadRealCopySet(RealCopyDataDir(nullptr), floor.pairs_file);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_GE(set->pairs.size(), 400u);
  const RealCopyReport report = EvaluateRealCopy(*set, DeduplicatorConfig{});
  std::cout << floor.pairs_file << "\n" << report.ToText(/*misjudged=*/true);
  EXPECT_GE(report.kept_apart(), floor.kept_apart);
  EXPECT_GE(report.clustered(), floor.clustered);
}

INSTANTIATE_TEST_SUITE_P(Sets, RealCopyTest,
                         ::testing::Values(Floor{"pairs.tsv", 0.97, 0.94},
                                           Floor{"pairs_heldout.tsv", 0.98,
                                                 0.6}),
                         [](const ::testing::TestParamInfo<Floor>& info) {
                           return std::string(info.param.pairs_file[5] == '.'
                                                  ? "Development"
                                                  : "HeldOut");
                         });

}  // namespace
}  // namespace wirestream::stages::dedup

namespace wirestream::stages::dedup {
namespace {

// Judges `earlier`, then `later` (NEWIDs of the real-copy set) in a fresh
// Deduplicator and returns the later story's verdict.
v1::DedupVerdict JudgePair(const RealCopySet& set, const std::string& earlier,
                           const std::string& later) {
  absl::StatusOr<PairVerdicts> verdicts =
      JudgeRealPair(set, earlier, later, DeduplicatorConfig{});
  EXPECT_TRUE(verdicts.ok()) << verdicts.status();
  return verdicts.ok() ? verdicts->later : v1::DedupVerdict();
}

class RealPairTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<RealCopySet> loaded =
        LoadRealCopySet(RealCopyDataDir(nullptr));
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    set_ = new RealCopySet(*std::move(loaded));
  }
  static void TearDownTestSuite() { delete set_; }
  static RealCopySet* set_;
};
RealCopySet* RealPairTest::set_ = nullptr;

using ::testing::HasSubstr;

TEST_F(RealPairTest, SiblingFundPayoutsAreKeptApart) {
  // Franklin Insured Tax-Free (7.1 cts) and Franklin Ohio Insured Tax-Free
  // (6.1 cts): the same template, filed four minutes apart.
  v1::DedupVerdict verdict = JudgePair(*set_, "690", "701");
  EXPECT_EQ(verdict.kind(), v1::DEDUP_KIND_NEW);
  EXPECT_EQ(verdict.method(), "no-match");
  EXPECT_THAT(verdict.evidence(), HasSubstr("this story's lead names"));
  EXPECT_THAT(verdict.evidence(), HasSubstr("\"ohio\""));
}

TEST_F(RealPairTest, TheFedsOperationsOnTwoDaysAreKeptApart) {
  // "FED ADDS RESERVES VIA CUSTOMER REPURCHASES" on March 2 and March 3,
  // word for word but the date and the Fed funds rate.
  v1::DedupVerdict verdict = JudgePair(*set_, "522", "1125");
  EXPECT_EQ(verdict.kind(), v1::DEDUP_KIND_NEW);
  EXPECT_THAT(verdict.evidence(), HasSubstr("another day's report"));
}

TEST_F(RealPairTest, OtherIssuersEurobondsAreKeptApart) {
  // Tokyo Optical's and Keihanshin Real Estate's equity warrant bonds.
  EXPECT_EQ(JudgePair(*set_, "12445", "12446").kind(), v1::DEDUP_KIND_NEW);
}

TEST_F(RealPairTest, ARetitledResendJoinsTheCluster) {
  // Thompson Medical's dividend, first "SETS QUARTERLY", then "DECLARES
  // QTLY DIV" with the same body.
  v1::DedupVerdict verdict = JudgePair(*set_, "7682", "7835");
  EXPECT_EQ(verdict.kind(), v1::DEDUP_KIND_NEAR_DUPLICATE);
  EXPECT_EQ(verdict.cluster_id(), set_->stories.at("7682").story.id());
  EXPECT_THAT(verdict.evidence(), HasSubstr("same figures and names"));
}

TEST_F(RealPairTest, AResendOnTheNextDayJoinsTheCluster) {
  // The same story re-sent a day later under a new dateline date.
  v1::DedupVerdict verdict = JudgePair(*set_, "9096", "9248");
  EXPECT_EQ(verdict.kind(), v1::DEDUP_KIND_NEAR_DUPLICATE);
  EXPECT_EQ(verdict.cluster_id(), set_->stories.at("9096").story.id());
  EXPECT_THAT(verdict.evidence(), HasSubstr("another dateline day"));
}

}  // namespace
}  // namespace wirestream::stages::dedup
