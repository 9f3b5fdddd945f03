#include "pipeline/runtime/testing/fake_io.h"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

const TopicPartition kP0{"wire.raw", 0};
const TopicPartition kP1{"wire.raw", 1};

// Records what the source tells its listener.
class RecordingListener : public AssignmentListener {
 public:
  void OnAssigned(const std::vector<TopicPartition>& partitions) override {
    for (const auto& tp : partitions) {
      events.push_back(absl::StrCat("assign ", tp.partition));
    }
  }
  void OnRevoking(const std::vector<TopicPartition>& partitions) override {
    for (const auto& tp : partitions) {
      events.push_back(absl::StrCat("revoke ", tp.partition));
    }
  }
  std::vector<std::string> events;
};

// Reads up to `n` records, stopping early when Next has none; returns
// "p<partition>@<offset>" for each.
std::vector<std::string> Read(FakeSource& source, int n = 1000) {
  std::vector<std::string> read;
  for (int i = 0; i < n; ++i) {
    auto next = source.Next(absl::ZeroDuration());
    EXPECT_TRUE(next.ok()) << next.status();
    if (!next.ok() || !next->has_value()) break;
    read.push_back(absl::StrCat("p", (*next)->partition, "@", (*next)->offset));
  }
  return read;
}

TEST(FakeSourceTest, AppendNumbersOffsetsAndKeepsGaps) {
  FakeSource source;
  EXPECT_EQ(source.Append(kP0, "a"), 0);
  EXPECT_EQ(source.Append(kP0, "b"), 1);
  InputRecord after_marker;
  after_marker.topic = kP0.topic;
  after_marker.partition = kP0.partition;
  after_marker.offset = 5;
  EXPECT_EQ(source.Append(after_marker), 5);
  EXPECT_EQ(source.Append(kP0, "c"), 6);
}

TEST(FakeSourceTest, ReadsAssignedPartitionsInTurnAndDeliversEvents) {
  FakeSource source;
  RecordingListener listener;
  source.SetListener(&listener);
  for (int i = 0; i < 3; ++i) {
    source.Append(kP0, "x");
    source.Append(kP1, "y");
  }
  source.AssignAfter(0, {kP0, kP1});
  source.RevokeAfter(3, {kP1});

  EXPECT_THAT(Read(source), ElementsAre("p0@0", "p1@0", "p0@1", "p0@2"));
  EXPECT_THAT(listener.events, ElementsAre("assign 0", "assign 1", "revoke 1"));
  EXPECT_THAT(source.Assignment(), ElementsAre(kP0));
  EXPECT_EQ(source.records_returned(), 4);
}

TEST(FakeSourceTest, RewindAndReassignStartFromCommittedOffsets) {
  FakeSource source;
  for (int i = 0; i < 4; ++i) {
    source.Append(kP0, "x");
    source.Append(kP1, "y");
  }
  source.AssignAfter(0, {kP0, kP1});
  source.RevokeAfter(4, {kP1});
  source.AssignAfter(100, {kP1});
  FakeSink sink(&source);

  EXPECT_THAT(Read(source, 4), ElementsAre("p0@0", "p1@0", "p0@1", "p1@1"));
  ASSERT_TRUE(sink.Begin().ok());
  ASSERT_TRUE(sink.Commit({{kP0, 1}, {kP1, 1}}).ok());
  EXPECT_THAT(source.committed(),
              UnorderedElementsAre(Pair(kP0, 1), Pair(kP1, 1)));

  ASSERT_TRUE(source.RewindToCommitted().ok());
  EXPECT_EQ(source.rewinds(), 1);
  // The revoke comes first; p1 comes back, from its commit, once p0 ran dry.
  EXPECT_THAT(Read(source),
              ElementsAre("p0@1", "p0@2", "p0@3", "p1@1", "p1@2", "p1@3"));
}

TEST(FakeSourceTest, StopWhenDryAndCloseRevokesTheAssignment) {
  FakeSource source;
  RecordingListener listener;
  source.SetListener(&listener);
  source.Append(kP0, "x");
  source.AssignAfter(0, {kP0});
  std::atomic<bool> stop{false};
  source.StopWhenDry(&stop);

  EXPECT_THAT(Read(source), ElementsAre("p0@0"));
  EXPECT_TRUE(stop.load());
  ASSERT_TRUE(source.Close().ok());
  EXPECT_TRUE(source.closed());
  EXPECT_THAT(listener.events, ElementsAre("assign 0", "revoke 0"));
  EXPECT_EQ(source.Next(absl::ZeroDuration()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(FakeSinkTest, KeepsCommittedAndAbortedBatches) {
  FakeSink sink;
  ASSERT_TRUE(sink.Begin().ok());
  ASSERT_TRUE(sink.Send({"wire.out", std::nullopt, "k", "one", {}}).ok());
  ASSERT_TRUE(sink.Abort().ok());
  ASSERT_TRUE(sink.Begin().ok());
  ASSERT_TRUE(
      sink.Send({"wire.out", std::nullopt, std::nullopt, "two", {}}).ok());
  EXPECT_EQ(sink.open_records().size(), 1u);
  ASSERT_TRUE(sink.Commit({{kP0, 3}}).ok());

  ASSERT_EQ(sink.aborted_batches().size(), 1u);
  EXPECT_EQ(sink.aborted_batches()[0][0].value, "one");
  ASSERT_EQ(sink.committed_batches().size(), 1u);
  EXPECT_THAT(sink.committed_batches()[0].offsets,
              UnorderedElementsAre(Pair(kP0, 3)));
  ASSERT_EQ(sink.CommittedRecords().size(), 1u);
  EXPECT_EQ(sink.CommittedRecords()[0].value, "two");
  EXPECT_FALSE(sink.batch_open());
}

TEST(FakeSinkTest, FailsTheScriptedCallsAndRejectsMisuse) {
  FakeSink sink;
  sink.FailSend(2, absl::AbortedError("broker moved"));
  sink.FailCommit(1, absl::PermissionDeniedError("fenced"));
  EXPECT_EQ(sink.Send({}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(sink.Commit({}).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(sink.Begin().ok());
  EXPECT_EQ(sink.Begin().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(sink.Send({}).ok());
  EXPECT_EQ(sink.Send({}), absl::AbortedError("broker moved"));
  EXPECT_EQ(sink.Commit({}), absl::PermissionDeniedError("fenced"));
  EXPECT_TRUE(sink.batch_open());
  EXPECT_EQ(sink.open_records().size(), 1u);
  EXPECT_TRUE(sink.Commit({}).ok());
  EXPECT_EQ(sink.send_calls(), 2);
  EXPECT_EQ(sink.commit_calls(), 2);
}

}  // namespace
}  // namespace wirestream::runtime
