// The dedup worker on a real broker, killed with SIGKILL mid-stream and
// restarted: its state comes back from the changelog, re-sends of stories
// seen before the crash are still caught, and wire.unique holds every new
// story exactly once. Once with the state in memory, once on disk
// (--state_dir), where the killed worker leaves its database behind.
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/broker.h"
#include "tests/support/worker_process.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream {
namespace {

using testsupport::TestRecord;

const char* const kLanguages[] = {"en", "de", "fr"};

// A story unlike every other: its own words, names and figures.
v1::Story MakeStory(int n) {
  std::mt19937 random(n * 7919 + 17);
  std::uniform_int_distribution<int> word(0, 4999);
  std::vector<std::string> body;
  for (int i = 0; i < 60; ++i)
    body.push_back(absl::StrCat("term", word(random)));
  v1::Story story;
  story.set_id(absl::StrCat("story-", n));
  story.set_source("test-wire");
  story.set_source_story_id(absl::StrCat("wire-", n));
  story.set_version(1);
  story.set_language(kLanguages[n % 3]);
  story.set_headline(absl::StrCat("Council ", n, " approves plan ",
                                  word(random), " for district ", n * 3));
  story.add_paragraphs(absl::StrJoin(body, " "));
  story.set_normalized_text(absl::StrCat(story.headline(), " ",
                                         story.paragraphs(0), " figure ",
                                         n * 11, " percent"));
  const int64_t t = 1764320000 + n;
  story.mutable_version_created()->set_seconds(t);
  story.mutable_first_created()->set_seconds(t);
  story.mutable_received_at()->set_seconds(t);
  return story;
}

std::vector<TestRecord> Records(int first, int count) {
  std::vector<TestRecord> records;
  for (int n = first; n < first + count; ++n) {
    v1::Story story = MakeStory(n);
    TestRecord r;
    r.key = story.language();
    r.value = story.SerializeAsString();
    records.push_back(std::move(r));
  }
  return records;
}

class DedupBrokerTest : public ::testing::TestWithParam<bool> {};

TEST_P(DedupBrokerTest, RestoredStateCatchesResendsAfterKill9) {
  constexpr int kBefore = 1500, kAfter = 500, kResends = 300;
  auto in = testsupport::CreateUniqueTopic("stories", 3);
  auto out = testsupport::CreateUniqueTopic("unique", 3);
  auto dlq = testsupport::CreateUniqueTopic("dlq", 1);
  auto dups = testsupport::CreateUniqueTopic("duplicates", 3);
  auto state = testsupport::CreateUniqueTopic("state", 3,
                                              {{"cleanup.policy", "compact"}});
  ASSERT_TRUE(in.ok() && out.ok() && dlq.ok() && dups.ok() && state.ok());

  const int port = testsupport::FreePort();
  std::vector<std::string> flags = {
      absl::StrCat("--bootstrap=", *testsupport::BootstrapServers()),
      absl::StrCat("--input=", *in),
      absl::StrCat("--output=", *out),
      absl::StrCat("--dlq=", *dlq),
      absl::StrCat("--group=", *in, ".group"),
      absl::StrCat("--duplicates_topic=", *dups),
      absl::StrCat("--changelog_topic=", *state),
      "--on_duplicate=route",
      "--batch_records=200",
      absl::StrCat("--http=127.0.0.1:", port),
      "--kafka=session.timeout.ms=6000",
      "--kafka=heartbeat.interval.ms=500"};
  const bool on_disk = GetParam();
  if (on_disk) {
    flags.push_back(absl::StrCat("--state_dir=", ::testing::TempDir(),
                                 "dedup-state-", *in));
  }
  testsupport::WorkerProcess worker(testsupport::WorkerBinary("dedup"), flags);
  ASSERT_TRUE(worker.Start().ok());
  // Stories arrive in chunks; the worker dies half-way through them.
  for (int first = 0; first < kBefore; first += 150) {
    ASSERT_TRUE(testsupport::ProduceRecords(*in, Records(first, 150)).ok());
    absl::SleepFor(absl::Milliseconds(200));
    if (first == 750) {
      worker.Kill();
      ASSERT_TRUE(worker.Start().ok());
    }
  }
  // Make sure the pre-crash stories are through, then crash it once more so
  // the re-sends meet a worker that restored everything from the changelog.
  auto seen = testsupport::ReadRecords(
      *out, {.min_records = kBefore, .timeout = absl::Seconds(120)});
  ASSERT_TRUE(seen.ok());
  ASSERT_GE(seen->size(), static_cast<size_t>(kBefore)) << worker.Log();
  worker.Kill();
  ASSERT_TRUE(worker.Start().ok());

  // Re-sends of stories from before the crash, and new stories.
  std::vector<TestRecord> resends;
  for (int n = 0; n < kResends; ++n) {
    resends.push_back(Records(n * (kBefore / kResends), 1)[0]);
  }
  ASSERT_TRUE(testsupport::ProduceRecords(*in, resends).ok());
  ASSERT_TRUE(testsupport::ProduceRecords(*in, Records(kBefore, kAfter)).ok());

  auto unique = testsupport::ReadRecords(
      *out, {.min_records = kBefore + kAfter, .timeout = absl::Seconds(120)});
  auto duplicates = testsupport::ReadRecords(
      *dups, {.min_records = kResends, .timeout = absl::Seconds(60)});
  absl::SleepFor(absl::Seconds(2));
  // The last worker judged the re-sends and the new stories: its counters
  // say so exactly.
  std::optional<double> new_stories, resent;
  for (int i = 0; i < 50; ++i) {
    auto text = testsupport::HttpGet(port, "/metrics");
    ASSERT_TRUE(text.ok()) << text.status();
    new_stories =
        testsupport::MetricValue(*text, "wirestream_dedup_verdicts_total",
                                 "stage=\"dedup\",verdict=\"new\"");
    resent = testsupport::MetricValue(*text, "wirestream_dedup_verdicts_total",
                                      "stage=\"dedup\",verdict=\"duplicate\"");
    if (new_stories && resent && *new_stories == kAfter &&
        *resent == kResends) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_EQ(new_stories, std::optional<double>(kAfter));
  EXPECT_EQ(resent, std::optional<double>(kResends));
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();
  unique = testsupport::ReadRecords(
      *out, {.min_records = kBefore + kAfter, .timeout = absl::Seconds(20)});
  duplicates = testsupport::ReadRecords(
      *dups, {.min_records = kResends, .timeout = absl::Seconds(20)});
  ASSERT_TRUE(unique.ok() && duplicates.ok());

  // wire.unique: every story once, each NEW, nothing lost or doubled.
  std::map<std::string, int> ids;
  for (const TestRecord& r : *unique) {
    v1::DedupedStory deduped;
    ASSERT_TRUE(deduped.ParseFromString(*r.value));
    ++ids[deduped.story().id()];
    EXPECT_EQ(deduped.verdict().kind(), v1::DEDUP_KIND_NEW)
        << deduped.story().id();
    EXPECT_EQ(deduped.verdict().cluster_id(), deduped.story().id());
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kBefore + kAfter));
  for (const auto& [id, count] : ids) EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(unique->size(), static_cast<size_t>(kBefore + kAfter));

  // The re-sends were recognised after the restore, as exact duplicates.
  ASSERT_EQ(duplicates->size(), static_cast<size_t>(kResends));
  for (const TestRecord& r : *duplicates) {
    v1::DedupedStory deduped;
    ASSERT_TRUE(deduped.ParseFromString(*r.value));
    EXPECT_EQ(deduped.verdict().kind(), v1::DEDUP_KIND_DUPLICATE);
    EXPECT_EQ(deduped.verdict().matched_story_id(), deduped.story().id());
  }
  EXPECT_NE(worker.Log().find("restored"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(StateInMemoryAndOnDisk, DedupBrokerTest,
                         ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "OnDisk" : "InMemory";
                         });

}  // namespace
}  // namespace wirestream
