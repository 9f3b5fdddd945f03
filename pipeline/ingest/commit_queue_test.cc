#include "pipeline/ingest/commit_queue.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/ingest/testing/fake_story_log.h"

namespace wirestream::ingest {
namespace {

Submission Story(const std::string& key) {
  Submission s;
  s.ledger_key = key;
  s.record_key = key;
  s.story.set_feed_item_id(key);
  s.story.set_payload("Flood warning for the Elbe");
  return s;
}

TEST(CommitQueueTest, WritesOnceAndAnswersARetryFromTheLedger) {
  FakeStoryLog log;
  TakenLedger ledger(absl::Hours(1));
  CommitQueue queue(&log, &ledger, {});
  auto first = queue.Submit({Story("k1")}, absl::Seconds(10));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->replay);
  auto again = queue.Submit({Story("k1")}, absl::Seconds(10));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replay);
  EXPECT_EQ(again->receipts, first->receipts);
  EXPECT_EQ(log.stories().size(), 1u);
}

TEST(CommitQueueTest, KafkaUnavailableIsUnavailableAndNothingIsRemembered) {
  FakeStoryLog log;
  TakenLedger ledger(absl::Hours(1));
  CommitQueue queue(&log, &ledger, {});
  log.FailNextWrites(1, absl::UnavailableError("broker down"));
  auto refused = queue.Submit({Story("k1")}, absl::Seconds(10));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(ledger.Find("k1").has_value());
  auto retried = queue.Submit({Story("k1")}, absl::Seconds(10));
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_FALSE(retried->replay);
  EXPECT_EQ(log.stories().size(), 1u);
}

TEST(CommitQueueTest, ConcurrentCopiesOfOneKeyAreWrittenOnce) {
  FakeStoryLog log;
  TakenLedger ledger(absl::Hours(1));
  CommitQueue queue(&log, &ledger, {});
  std::vector<std::thread> senders;
  std::atomic<int> ok{0};
  for (int i = 0; i < 40; ++i) {
    senders.emplace_back([&, i] {
      auto r =
          queue.Submit({Story(absl::StrCat("k", i % 10))}, absl::Seconds(10));
      if (r.ok()) ++ok;
    });
  }
  for (auto& t : senders) t.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(log.stories().size(), 10u);
}

TEST(CommitQueueTest, AFatalErrorIsReportedAndRefusesLaterRequests) {
  FakeStoryLog log;
  TakenLedger ledger(absl::Hours(1));
  std::atomic<int> fatal_calls{0};
  CommitQueueOptions options;
  options.on_fatal = [&](const absl::Status&) { ++fatal_calls; };
  CommitQueue queue(&log, &ledger, options);
  log.FailNextWrites(1, absl::PermissionDeniedError("fenced"));
  EXPECT_EQ(queue.Submit({Story("k1")}, absl::Seconds(10)).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(queue.Submit({Story("k2")}, absl::Seconds(10)).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(fatal_calls.load(), 1);
  EXPECT_EQ(log.stories().size(), 0u);
}

}  // namespace
}  // namespace wirestream::ingest
