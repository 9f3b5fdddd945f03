#include "pipeline/dashboard/live_updates.h"

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::dashboard {
namespace {

TEST(LiveUpdatesTest, HandsOutEventsAfterTheGivenId) {
  LiveUpdates updates(10);
  EXPECT_EQ(updates.next_id(), 1);
  updates.Publish("story", "{\"id\":\"a\"}", absl::Now());
  updates.Publish("alert", "{\"alert_id\":\"b\"}", absl::Now());
  std::vector<LiveEvent> events;
  EXPECT_TRUE(updates.WaitAfter(2, absl::ZeroDuration(), events));
  ASSERT_EQ(events.size(), 1);
  EXPECT_EQ(events[0].id, 2);
  EXPECT_EQ(events[0].type, "alert");
  EXPECT_EQ(events[0].json, "{\"alert_id\":\"b\"}");
}

TEST(LiveUpdatesTest, WaitsForTheNextEvent) {
  LiveUpdates updates(10);
  std::thread publisher([&updates] {
    absl::SleepFor(absl::Milliseconds(50));
    updates.Publish("story", "{}", absl::Now());
  });
  std::vector<LiveEvent> events;
  EXPECT_TRUE(updates.WaitAfter(1, absl::Seconds(30), events));
  publisher.join();
  ASSERT_EQ(events.size(), 1);
  EXPECT_EQ(events[0].id, 1);
}

TEST(LiveUpdatesTest, SaysWhenAReaderFellBehindTheRing) {
  LiveUpdates updates(2);
  for (int i = 0; i < 5; ++i) updates.Publish("story", "{}", absl::Now());
  std::vector<LiveEvent> events;
  EXPECT_FALSE(updates.WaitAfter(2, absl::ZeroDuration(), events));
  ASSERT_EQ(events.size(), 2);
  EXPECT_EQ(events[0].id, 4);
  EXPECT_EQ(events[1].id, 5);
}

}  // namespace
}  // namespace wirestream::dashboard
