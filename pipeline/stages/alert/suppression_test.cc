#include "pipeline/stages/alert/suppression.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::alert {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::wirestream::v1::AlertStateEntry;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

AlertStateEntry Entry(const std::string& cluster, int64_t offset,
                      absl::Time at = kT0) {
  AlertStateEntry e;
  e.set_rule_id("r");
  e.set_cluster_id(cluster);
  e.set_alert_id("al-" + cluster);
  e.set_story_id("s");
  e.mutable_event_time()->set_seconds(absl::ToUnixSeconds(at));
  e.set_source_topic("in");
  e.set_source_partition(0);
  e.set_source_offset(offset);
  return e;
}

TEST(SuppressionKeyTest, RuleSlashCluster) {
  EXPECT_EQ(SuppressionKey("spy-balloon", "c-1"), "spy-balloon/c-1");
}

TEST(SuppressionStateTest, FindIgnoresEntriesFromTheSameOrLaterRecords) {
  SuppressionState state({});
  std::vector<std::string> dropped;
  state.Put(0, "r/c", Entry("c", 10), &dropped);
  EXPECT_EQ(state.Find(0, "r/c", "in", 9), nullptr);   // earlier record
  EXPECT_EQ(state.Find(0, "r/c", "in", 10), nullptr);  // the same record
  ASSERT_NE(state.Find(0, "r/c", "in", 11), nullptr);
  EXPECT_EQ(state.Find(0, "r/c", "in", 11)->alert_id(), "al-c");
  // Another input topic (a backfill reading a copy) is suppressed.
  EXPECT_NE(state.Find(0, "r/c", "other", 5), nullptr);
  EXPECT_EQ(state.Find(1, "r/c", "in", 11), nullptr);  // other partition
  EXPECT_EQ(state.Find(0, "r/x", "in", 11), nullptr);
  EXPECT_THAT(dropped, IsEmpty());
}

TEST(SuppressionStateTest, ReplacedEntriesAreEvictedOnce) {
  SuppressionState state({.ttl = absl::Hours(1), .max_entries = 2});
  std::vector<std::string> dropped;
  state.Put(0, "r/a", Entry("a", 1), &dropped);
  state.Put(0, "r/a", Entry("a", 2), &dropped);  // replaced, not duplicated
  state.Put(0, "r/b", Entry("b", 3), &dropped);
  EXPECT_THAT(dropped, IsEmpty());
  EXPECT_EQ(state.size(0), 2u);
  state.Put(0, "r/c", Entry("c", 4), &dropped);
  EXPECT_THAT(dropped, ElementsAre("r/a"));
  EXPECT_EQ(state.size(0), 2u);
}

TEST(SuppressionStateTest, ExpiryFollowsTheNewestRecordTime) {
  SuppressionState state({.ttl = absl::Hours(1), .max_entries = 100});
  std::vector<std::string> dropped;
  state.Put(0, "r/a", Entry("a", 1, kT0), &dropped);
  state.Put(0, "r/b", Entry("b", 2, kT0 + absl::Minutes(30)), &dropped);
  state.Expire(0, kT0 + absl::Minutes(61), &dropped);
  EXPECT_THAT(dropped, ElementsAre("r/a"));
  // A late record with an old time does not turn the clock back.
  dropped.clear();
  state.Expire(0, kT0, &dropped);
  state.Expire(0, kT0 + absl::Minutes(89), &dropped);
  EXPECT_THAT(dropped, IsEmpty());
  state.Expire(0, kT0 + absl::Minutes(91), &dropped);
  EXPECT_THAT(dropped, ElementsAre("r/b"));
  EXPECT_EQ(state.total_size(), 0u);
}

TEST(SuppressionStateTest, RestoreAndDrop) {
  SuppressionState state({});
  EXPECT_TRUE(state.Restore(2, "r/a", Entry("a", 1).SerializeAsString()));
  EXPECT_TRUE(state.Restore(2, "r/b", Entry("b", 2).SerializeAsString()));
  EXPECT_TRUE(state.Restore(2, "r/a", std::nullopt));
  EXPECT_TRUE(state.Restore(2, "r/b", ""));  // empty value: also a delete
  EXPECT_FALSE(state.Restore(2, "r/c", std::string("\x0a\x7f", 2)));
  EXPECT_EQ(state.size(2), 0u);
  EXPECT_TRUE(state.Restore(3, "r/d", Entry("d", 1).SerializeAsString()));
  EXPECT_EQ(state.size(3), 1u);
  state.Drop(3);
  EXPECT_EQ(state.total_size(), 0u);
}

}  // namespace
}  // namespace wirestream::alert
