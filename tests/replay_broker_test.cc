// The replay tool on a real broker: a time range copies exactly the records
// stamped inside it, with keys, headers and timestamps kept; a replay
// interrupted (SIGINT, then kill -9) and resumed with the same checkpoint
// group copies every record exactly once; dry runs; usage and cluster
// errors.
#include <signal.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/broker.h"
#include "tests/support/tool_process.h"

namespace wirestream {
namespace {

using testsupport::RunTool;
using testsupport::TestRecord;
using testsupport::ToolBinary;
using testsupport::ToolResult;

// 2026-11-01T00:00:00Z.
const absl::Time kDayStart = absl::FromUnixSeconds(1793491200);

std::string Replay() { return ToolBinary("replay/replay"); }

std::string BootstrapFlag() {
  return absl::StrCat("--bootstrap=", *testsupport::BootstrapServers());
}

std::optional<std::string> Header(const TestRecord& r, const std::string& key) {
  for (const runtime::RecordHeader& h : r.headers) {
    if (h.key == key) return h.value;
  }
  return std::nullopt;
}

TEST(ReplayBrokerTest, TimeRangeCopiesExactlyTheRecordsStampedInIt) {
  auto source = testsupport::CreateUniqueTopic("raw", 2);
  auto target = testsupport::CreateUniqueTopic("backfill", 2);
  ASSERT_TRUE(source.ok() && target.ok());
  // Story n is stamped kDayStart + n minutes, on partition n % 2, so it
  // sits at offset n / 2.
  std::vector<TestRecord> records;
  for (int n = 0; n < 40; ++n) {
    TestRecord r;
    r.partition = n % 2;
    r.key = absl::StrCat("story-", n);
    r.value = absl::StrCat("Flood warning update ", n);
    r.headers = {{"feed", std::string("agency-a")}};
    r.timestamp = kDayStart + absl::Minutes(n);
    records.push_back(r);
  }
  ASSERT_TRUE(testsupport::ProduceRecords(*source, records).ok());

  ToolResult run = RunTool(
      Replay(), {BootstrapFlag(), "--source=" + *source, "--target=" + *target,
                 "--from-time=2026-11-01T00:10:00Z",
                 "--to_time=2026-11-01T01:30:00+01:00",  // 00:30 UTC
                 "--checkpoint_group=" + *target + ".checkpoint"});
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_NE(run.stdout_text.find("replay: copied 20 records from " + *source),
            std::string::npos)
      << run.stdout_text;

  auto copied = testsupport::ReadRecords(
      *target, {.min_records = 20, .timeout = absl::Seconds(20)});
  ASSERT_TRUE(copied.ok());
  ASSERT_EQ(copied->size(), 20u);
  std::set<int> stories;
  for (const TestRecord& r : *copied) {
    ASSERT_TRUE(r.key.has_value());
    int n = std::stoi(r.key->substr(6));
    stories.insert(n);
    EXPECT_EQ(r.partition, n % 2) << *r.key;
    EXPECT_EQ(r.value, absl::StrCat("Flood warning update ", n));
    EXPECT_EQ(r.timestamp, kDayStart + absl::Minutes(n)) << *r.key;
    ASSERT_EQ(r.headers.size(), 2u) << *r.key;
    EXPECT_EQ(r.headers[0].key, "feed");
    EXPECT_EQ(r.headers[0].value, "agency-a");
    EXPECT_EQ(Header(r, "wirestream-replay"),
              absl::StrCat(*source, "/", n % 2, "/", n / 2));
  }
  std::set<int> want;
  for (int n = 10; n < 30; ++n) want.insert(n);
  EXPECT_EQ(stories, want);

  // Run again with the same group: the checkpoint says all is copied.
  ToolResult again = RunTool(
      Replay(),
      {BootstrapFlag(), "--source=" + *source, "--target=" + *target,
       "--from_time=2026-11-01T00:10:00Z", "--to_time=2026-11-01T00:30:00Z",
       "--checkpoint_group=" + *target + ".checkpoint"});
  ASSERT_EQ(again.exit_code, 0) << again.stderr_text;
  EXPECT_EQ(again.stdout_text,
            "replay: nothing to copy from " + *source + "\n");
}

TEST(ReplayBrokerTest, CleanupDeletesTheCheckpointGroupOnceComplete) {
  auto source = testsupport::CreateUniqueTopic("raw", 2);
  auto target = testsupport::CreateUniqueTopic("backfill", 2);
  ASSERT_TRUE(source.ok() && target.ok());
  std::vector<TestRecord> records;
  for (int n = 0; n < 10; ++n) {
    TestRecord r;
    r.partition = n % 2;
    r.key = absl::StrCat("story-", n);
    r.value = absl::StrCat("Port strike day ", n);
    records.push_back(r);
  }
  ASSERT_TRUE(testsupport::ProduceRecords(*source, records).ok());
  const std::string group = *target + ".checkpoint";
  const std::vector<std::string> copy = {
      BootstrapFlag(), "--source=" + *source, "--target=" + *target,
      "--checkpoint_group=" + group, "--progress=false"};

  std::vector<std::string> with_cleanup = copy;
  with_cleanup.push_back("--cleanup");
  ToolResult run = RunTool(Replay(), with_cleanup);
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_NE(run.stdout_text.find("replay: copied 10 records"),
            std::string::npos)
      << run.stdout_text;
  EXPECT_NE(
      run.stdout_text.find("replay: deleted checkpoint group " + group + "\n"),
      std::string::npos)
      << run.stdout_text;

  // The checkpoint is gone: the same command copies everything again, and
  // this time keeps its group.
  ToolResult again = RunTool(Replay(), copy);
  ASSERT_EQ(again.exit_code, 0) << again.stderr_text;
  EXPECT_NE(again.stdout_text.find("replay: copied 10 records"),
            std::string::npos)
      << again.stdout_text;
  EXPECT_EQ(again.stdout_text.find("deleted checkpoint group"),
            std::string::npos);

  // --cleanup alone deletes a finished replay's group; a second time there
  // is none.
  ToolResult cleanup = RunTool(
      Replay(), {BootstrapFlag(), "--checkpoint_group=" + group, "--cleanup"});
  ASSERT_EQ(cleanup.exit_code, 0) << cleanup.stderr_text;
  EXPECT_EQ(cleanup.stdout_text,
            "replay: deleted checkpoint group " + group + "\n");
  ToolResult none = RunTool(
      Replay(), {BootstrapFlag(), "--checkpoint_group=" + group, "--cleanup"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.stderr_text.find("replay: deleting consumer group " + group),
            std::string::npos)
      << none.stderr_text;

  // Usage: --cleanup needs a group and is not for dry runs.
  ToolResult no_group = RunTool(Replay(), {BootstrapFlag(), "--cleanup"});
  EXPECT_EQ(no_group.exit_code, 2);
  EXPECT_NE(no_group.stderr_text.find(
                "--cleanup needs --checkpoint_group and no --dry-run"),
            std::string::npos)
      << no_group.stderr_text;
}

TEST(ReplayBrokerTest, OffsetRangeOfChosenPartitions) {
  auto source = testsupport::CreateUniqueTopic("raw", 3);
  auto target = testsupport::CreateUniqueTopic("copy", 2);
  ASSERT_TRUE(source.ok() && target.ok());
  std::vector<TestRecord> records;
  for (int n = 0; n < 30; ++n) {
    TestRecord r;
    r.partition = n % 3;
    r.key = absl::StrCat("story-", n);
    r.value = absl::StrCat("Budget vote ", n);
    records.push_back(r);
  }
  ASSERT_TRUE(testsupport::ProduceRecords(*source, records).ok());
  // Offsets 2, 3 and 4 of partitions 0 and 2: stories 6, 9, 12 and 8, 11,
  // 14. The target has fewer partitions, so the key places each copy.
  ToolResult run = RunTool(
      Replay(),
      {BootstrapFlag(), "--source=" + *source, "--target=" + *target,
       "--partitions=2,0", "--from_offset=2", "--to_offset=5",
       "--checkpoint_group=" + *target + ".checkpoint", "--progress=false"});
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(run.stderr_text, "");
  auto copied = testsupport::ReadRecords(
      *target, {.min_records = 6, .timeout = absl::Seconds(20)});
  ASSERT_TRUE(copied.ok());
  std::map<std::string, std::string> origin_by_key;
  for (const TestRecord& r : *copied) {
    origin_by_key[*r.key] = Header(r, "wirestream-replay").value_or("");
  }
  EXPECT_EQ(origin_by_key, (std::map<std::string, std::string>{
                               {"story-6", absl::StrCat(*source, "/0/2")},
                               {"story-9", absl::StrCat(*source, "/0/3")},
                               {"story-12", absl::StrCat(*source, "/0/4")},
                               {"story-8", absl::StrCat(*source, "/2/2")},
                               {"story-11", absl::StrCat(*source, "/2/3")},
                               {"story-14", absl::StrCat(*source, "/2/4")}}));
  EXPECT_EQ(copied->size(), 6u);
}

TEST(ReplayBrokerTest, InterruptedReplayResumesAndCopiesEachRecordOnce) {
  constexpr int kStories = 1000;
  auto source = testsupport::CreateUniqueTopic("raw", 3);
  auto target = testsupport::CreateUniqueTopic("copy", 3);
  ASSERT_TRUE(source.ok() && target.ok());
  std::vector<TestRecord> records;
  for (int n = 0; n < kStories; ++n) {
    TestRecord r;
    r.key = absl::StrCat("story-", n);
    r.value = std::string(200, 'a' + n % 26);
    records.push_back(r);
  }
  ASSERT_TRUE(testsupport::ProduceRecords(*source, records).ok());
  const std::vector<std::string> args = {
      BootstrapFlag(), "--source=" + *source, "--target=" + *target,
      "--checkpoint_group=" + *target + ".checkpoint", "--batch_ms=100"};
  std::vector<std::string> slow = args;
  slow.push_back("--rate=100");

  // Interrupted like Ctrl-C: the open batch is committed, exit 130.
  testsupport::ToolProcess first(Replay(), slow);
  ASSERT_TRUE(first.Start().ok());
  // Interrupt once the first batches are committed (reads of a second,
  // short against the 6 s the whole copy takes).
  bool started = false;
  for (int i = 0; i < 30 && !started; ++i) {
    auto seen = testsupport::ReadRecords(
        *target, {.min_records = 1, .timeout = absl::Seconds(1)});
    started = seen.ok() && !seen->empty();
  }
  ASSERT_TRUE(started) << first.Stderr();
  first.Signal(SIGINT);
  std::optional<int> code = first.Wait(absl::Seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 130) << first.Stderr();
  EXPECT_NE(first.Stderr().find("replay: interrupted: copied "),
            std::string::npos)
      << first.Stderr();
  auto after_first = testsupport::ReadRecords(
      *target, {.min_records = 1, .timeout = absl::Seconds(10)});
  ASSERT_TRUE(after_first.ok());
  EXPECT_GT(after_first->size(), 0u);
  EXPECT_LT(after_first->size(), static_cast<size_t>(kStories));

  // The dry run sees the checkpoint.
  std::vector<std::string> dry = args;
  dry.push_back("--dry-run");
  ToolResult plan = RunTool(Replay(), dry);
  ASSERT_EQ(plan.exit_code, 0) << plan.stderr_text;
  EXPECT_NE(plan.stdout_text.find(
                absl::StrCat("total: ", kStories, " records in range, ",
                             kStories - after_first->size(), " to copy")),
            std::string::npos)
      << plan.stdout_text;

  // Killed without warning mid-batch: the open transaction never commits.
  std::vector<std::string> slower = args;
  slower.push_back("--rate=30");
  testsupport::ToolProcess second(Replay(), slower);
  ASSERT_TRUE(second.Start().ok());
  absl::SleepFor(absl::Seconds(2));
  second.Signal(SIGKILL);
  EXPECT_EQ(second.Wait(absl::Seconds(10)), 128 + SIGKILL);

  // Resumed at full speed: the rest, and nothing twice.
  ToolResult rest = RunTool(Replay(), args);
  ASSERT_EQ(rest.exit_code, 0) << rest.stderr_text;

  auto copied = testsupport::ReadRecords(
      *target, {.min_records = kStories, .timeout = absl::Seconds(30)});
  ASSERT_TRUE(copied.ok());
  EXPECT_EQ(copied->size(), static_cast<size_t>(kStories));
  std::map<std::string, int> origins;
  std::set<std::string> keys;
  for (const TestRecord& r : *copied) {
    std::optional<std::string> origin = Header(r, "wirestream-replay");
    ASSERT_TRUE(origin.has_value());
    ++origins[*origin];
    keys.insert(*r.key);
  }
  EXPECT_EQ(origins.size(), static_cast<size_t>(kStories));
  for (const auto& [origin, count] : origins) EXPECT_EQ(count, 1) << origin;
  EXPECT_EQ(keys.size(), static_cast<size_t>(kStories));
  // The killed run's open transaction was aborted, not lost: with
  // read_uncommitted the target holds more records than were committed.
  auto everything = testsupport::ReadRecords(
      *target, {.min_records = kStories,
                .timeout = absl::Seconds(10),
                .isolation = testsupport::Isolation::kReadUncommitted});
  ASSERT_TRUE(everything.ok());
  EXPECT_GE(everything->size(), static_cast<size_t>(kStories));
}

TEST(ReplayBrokerTest, ASecondRunWithTheSameGroupFencesTheFirst) {
  constexpr int kStories = 300;
  auto source = testsupport::CreateUniqueTopic("raw", 2);
  auto target = testsupport::CreateUniqueTopic("copy", 2);
  ASSERT_TRUE(source.ok() && target.ok());
  std::vector<TestRecord> records;
  for (int n = 0; n < kStories; ++n) {
    TestRecord r;
    r.key = absl::StrCat("story-", n);
    r.value = "Council vote";
    records.push_back(r);
  }
  ASSERT_TRUE(testsupport::ProduceRecords(*source, records).ok());
  std::vector<std::string> args = {
      BootstrapFlag(),       "--source=" + *source,
      "--target=" + *target, "--checkpoint_group=" + *target + ".checkpoint",
      "--batch_ms=100",      "--progress=false"};
  std::vector<std::string> slow = args;
  slow.push_back("--rate=50");
  testsupport::ToolProcess first(Replay(), slow);
  ASSERT_TRUE(first.Start().ok());
  absl::SleepFor(absl::Seconds(2));
  ToolResult second = RunTool(Replay(), args);
  EXPECT_EQ(second.exit_code, 0) << second.stderr_text;
  std::optional<int> first_code = first.Wait(absl::Seconds(60));
  ASSERT_TRUE(first_code.has_value());
  EXPECT_EQ(*first_code, 1) << first.Stderr();
  EXPECT_EQ(
      first.Stderr(),
      absl::StrCat("replay: another replay with --checkpoint_group=", *target,
                   ".checkpoint took over; this one stops (what it "
                   "committed is kept)\n"));

  auto copied = testsupport::ReadRecords(
      *target, {.min_records = kStories, .timeout = absl::Seconds(20)});
  ASSERT_TRUE(copied.ok());
  std::map<std::string, int> keys;
  for (const TestRecord& r : *copied) ++keys[*r.key];
  EXPECT_EQ(keys.size(), static_cast<size_t>(kStories));
  for (const auto& [key, count] : keys) EXPECT_EQ(count, 1) << key;
  EXPECT_EQ(copied->size(), static_cast<size_t>(kStories));
}

TEST(ReplayBrokerTest, RecordTheTargetRefusesStopsTheReplayAtTheLastCommit) {
  auto source = testsupport::CreateUniqueTopic(
      "raw", 1, {{"max.message.bytes", "4000000"}});
  auto target = testsupport::CreateUniqueTopic("copy", 1);  // 1 MB limit
  ASSERT_TRUE(source.ok() && target.ok());
  std::vector<TestRecord> records;
  for (int n = 0; n < 15; ++n) {
    TestRecord r;
    r.key = absl::StrCat("story-", n);
    r.value = n == 10 ? std::string(1500000, 'x') : "Storm warning";
    records.push_back(r);
  }
  ASSERT_TRUE(testsupport::ProduceRecords(*source, records,
                                          {{"message.max.bytes", "4000000"}})
                  .ok());
  const std::vector<std::string> args = {
      BootstrapFlag(),
      "--source=" + *source,
      "--target=" + *target,
      "--checkpoint_group=" + *target + ".checkpoint",
      "--batch_records=5",
      "--commit_timeout=10s",
      "-X",
      "message.max.bytes=4000000",
      "--progress=false"};
  ToolResult run = RunTool(Replay(), args);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(
      run.stderr_text,
      ::testing::StartsWith("replay: committing a batch to " + *target + ": "));
  EXPECT_THAT(run.stderr_text,
              ::testing::HasSubstr("Broker: Message size too large"));
  EXPECT_THAT(run.stderr_text,
              ::testing::EndsWith("; nothing of that batch was kept (10 "
                                  "records before it were), run again to "
                                  "resume\n"));
  EXPECT_LT(run.elapsed, absl::Seconds(40));

  // The two batches before it are on the target once; the checkpoint sits
  // right before the refused record.
  auto copied = testsupport::ReadRecords(
      *target, {.min_records = 10, .timeout = absl::Seconds(10)});
  ASSERT_TRUE(copied.ok());
  ASSERT_EQ(copied->size(), 10u);
  for (int n = 0; n < 10; ++n) {
    EXPECT_EQ((*copied)[n].key, absl::StrCat("story-", n));
  }
  // The failed batch's transaction may still be open (librdkafka cannot
  // always abort it); until the broker times it out, a dry run says so.
  std::vector<std::string> dry = args;
  dry.push_back("--dry-run");
  ToolResult plan;
  for (int i = 0; i < 40; ++i) {
    plan = RunTool(Replay(), dry);
    if (plan.exit_code == 0) break;
    EXPECT_EQ(plan.exit_code, 1);
    EXPECT_EQ(plan.stderr_text,
              "replay: the checkpoint group's position is not settled: a "
              "replay with this group is running, or stopped a moment ago "
              "and its last batch is being aborted (within a minute)\n");
    absl::SleepFor(absl::Seconds(2));
  }
  ASSERT_EQ(plan.exit_code, 0) << plan.stderr_text;
  EXPECT_THAT(plan.stdout_text,
              ::testing::HasSubstr("partition 0: offsets 0 to 14, 15 records, "
                                   "10 already copied\n"
                                   "total: 15 records in range, 5 to copy\n"));
  copied = testsupport::ReadRecords(*target, {.timeout = absl::Seconds(5)});
  ASSERT_TRUE(copied.ok());
  EXPECT_EQ(copied->size(), 10u);
}

TEST(ReplayBrokerTest, DryRunPrintsRangesAndCopiesNothing) {
  auto source = testsupport::CreateUniqueTopic("raw", 3);
  auto target = testsupport::CreateUniqueTopic("copy", 3);
  ASSERT_TRUE(source.ok() && target.ok());
  std::vector<TestRecord> records;
  for (int n = 0; n < 14; ++n) {
    TestRecord r;
    r.partition = n < 10 ? 0 : 1;
    r.key = absl::StrCat("story-", n);
    r.value = "Harbour ferry strike";
    records.push_back(r);
  }
  ASSERT_TRUE(testsupport::ProduceRecords(*source, records).ok());
  ToolResult plan = RunTool(
      Replay(), {BootstrapFlag(), "--source=" + *source, "--target=" + *target,
                 "--from_offset=2", "--to_offset=8", "--dry-run"});
  ASSERT_EQ(plan.exit_code, 0) << plan.stderr_text;
  EXPECT_EQ(plan.stdout_text,
            absl::StrCat("replay ", *source, " -> ", *target,
                         " (dry run)\n"
                         "partition 0: offsets 2 to 7, 6 records\n"
                         "partition 1: offsets 2 to 3, 2 records\n"
                         "partition 2: nothing in range\n"
                         "total: 8 records in range, 8 to copy\n"));
  ToolResult chosen = RunTool(Replay(), {BootstrapFlag(), "--source=" + *source,
                                         "--partitions=1", "--dry_run"});
  ASSERT_EQ(chosen.exit_code, 0) << chosen.stderr_text;
  EXPECT_EQ(chosen.stdout_text,
            absl::StrCat("replay ", *source,
                         " -> (no target) (dry run)\n"
                         "partition 1: offsets 0 to 3, 4 records\n"
                         "total: 4 records in range, 4 to copy\n"));
  auto copied =
      testsupport::ReadRecords(*target, {.timeout = absl::Seconds(3)});
  ASSERT_TRUE(copied.ok());
  EXPECT_TRUE(copied->empty());
}

TEST(ReplayBrokerTest, BadInputIsOneLineAndANonZeroExit) {
  auto source = testsupport::CreateUniqueTopic("raw", 2);
  ASSERT_TRUE(source.ok());
  const std::string missing = testsupport::UniqueTopicName("missing");
  ToolResult unknown =
      RunTool(Replay(), {BootstrapFlag(), "--source=" + missing,
                         "--target=" + *source, "--checkpoint_group=g"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.stderr_text,
            absl::StrCat("replay: no topic ", missing, " on the cluster\n"));

  ToolResult offsets = RunTool(
      Replay(), {BootstrapFlag(), "--source=" + *source, "--target=x",
                 "--from_offset=50", "--to_offset=10", "--checkpoint_group=g"});
  EXPECT_EQ(offsets.exit_code, 2);
  EXPECT_EQ(offsets.stderr_text,
            "replay: bad range: --from_offset=50 is not before "
            "--to_offset=10 (see replay --help)\n");

  ToolResult times =
      RunTool(Replay(), {BootstrapFlag(), "--source=" + *source, "--dry-run",
                         "--from_time=2026-11-02T00:00:00Z",
                         "--to_time=2026-11-01T00:00:00Z"});
  EXPECT_EQ(times.exit_code, 2);
  EXPECT_EQ(times.stderr_text,
            "replay: bad range: --from_time=2026-11-02T00:00:00Z is not "
            "before --to_time=2026-11-01T00:00:00Z (see replay --help)\n");

  ToolResult not_a_time =
      RunTool(Replay(), {BootstrapFlag(), "--source=" + *source, "--dry-run",
                         "--from_time=last tuesday"});
  EXPECT_EQ(not_a_time.exit_code, 2);

  ToolResult partition =
      RunTool(Replay(), {BootstrapFlag(), "--source=" + *source, "--dry-run",
                         "--partitions=0,5"});
  EXPECT_EQ(partition.exit_code, 2);
  EXPECT_EQ(partition.stderr_text,
            absl::StrCat("replay: ", *source,
                         " has 2 partitions: there is no partition 5 (see "
                         "replay --help)\n"));

  ToolResult no_group =
      RunTool(Replay(), {BootstrapFlag(), "--source=" + *source, "--target=x"});
  EXPECT_EQ(no_group.exit_code, 2);

  // Nothing listens on port 1: a one-line error within seconds.
  ToolResult unreachable =
      RunTool(Replay(), {"--bootstrap=127.0.0.1:1", "--source=" + *source,
                         "--target=x", "--checkpoint_group=g"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_EQ(unreachable.stderr_text.rfind(
                "replay: cannot reach Kafka at 127.0.0.1:1 within 5s", 0),
            0u)
      << unreachable.stderr_text;
  EXPECT_EQ(std::count(unreachable.stderr_text.begin(),
                       unreachable.stderr_text.end(), '\n'),
            1);
  EXPECT_LT(unreachable.elapsed, absl::Seconds(20));
}

}  // namespace
}  // namespace wirestream
