// The drop-folder gateway on a real Kafka broker: a gateway killed with
// SIGKILL while files arrive, and one that dies between a commit and the
// move to done/, leave every file on wire.raw exactly once after a restart.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/broker.h"
#include "tests/support/worker_process.h"
#include "wirestream/v1/raw_story.pb.h"

namespace wirestream {
namespace {

namespace fs = std::filesystem;
using testsupport::ReadOptions;
using testsupport::TestRecord;
using testsupport::WorkerProcess;

std::string GatewayBinary(const std::string& name) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir ? srcdir : ".", "/wirestream/pipeline/ingest/",
                      name);
}

// The normalizer's sample agency files (ANPA, IPTC 7901, NITF, NewsML-G2,
// ninjs, HTML, text).
std::vector<std::string> SampleStories() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  std::vector<std::string> stories;
  for (const auto& entry : fs::directory_iterator(
           absl::StrCat(srcdir ? srcdir : ".",
                        "/wirestream/pipeline/stages/normalize/testdata/"
                        "stories"))) {
    std::ifstream in(entry.path(), std::ios::binary);
    stories.emplace_back(std::istreambuf_iterator<char>(in),
                         std::istreambuf_iterator<char>());
  }
  return stories;
}

fs::path TempDir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  fs::path dir = fs::path(tmp ? tmp : "/tmp") / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Drops `name` into `dir` the way an SFTP upload does: written under a
// temporary name, then renamed.
void DropFile(const fs::path& dir, const std::string& name,
              const std::string& bytes) {
  const fs::path tmp = dir / (name + ".part");
  {
    std::ofstream out(tmp, std::ios::binary);
    out << bytes;
  }
  fs::rename(tmp, dir / name);
}

size_t CountFiles(const fs::path& dir) {
  size_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) ++n;
  }
  return n;
}

struct Topics {
  std::string raw, state;
};

Topics MakeTopics() {
  Topics t;
  auto raw = testsupport::CreateUniqueTopic("raw", 3);
  auto state = testsupport::CreateUniqueTopic("ingest-state", 1,
                                              {{"cleanup.policy", "compact"}});
  EXPECT_TRUE(raw.ok()) << raw.status();
  EXPECT_TRUE(state.ok()) << state.status();
  t.raw = raw.value_or("");
  t.state = state.value_or("");
  return t;
}

std::vector<std::string> GatewayArgs(const Topics& t, const fs::path& dir,
                                     std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      absl::StrCat("--bootstrap=", *testsupport::BootstrapServers()),
      absl::StrCat("--output=", t.raw),
      absl::StrCat("--state_topic=", t.state),
      absl::StrCat("--folder=ap=", dir.string(), ",ready=rename"),
      "--instance=0",
      "--http=",
      "--poll_ms=200",
  };
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// Returns how often each feed item id is on `topic` (read_committed).
std::map<std::string, int> FeedItemCounts(const std::string& topic,
                                          size_t expected) {
  ReadOptions options;
  options.min_records = expected;
  options.timeout = absl::Seconds(60);
  auto records = testsupport::ReadRecords(topic, options);
  EXPECT_TRUE(records.ok()) << records.status();
  std::map<std::string, int> counts;
  for (const TestRecord& r : records.value_or(std::vector<TestRecord>{})) {
    v1::RawStory story;
    EXPECT_TRUE(r.value && story.ParseFromString(*r.value));
    EXPECT_EQ(r.key, story.feed_item_id());
    EXPECT_EQ(story.source(), "ap");
    ++counts[story.feed_item_id()];
  }
  return counts;
}

// Waits until `dir` holds no story file and done/ holds `expected`.
bool WaitUntilAllDone(const fs::path& dir, size_t expected,
                      absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (CountFiles(dir) == 0 && fs::exists(dir / "done") &&
        CountFiles(dir / "done") == expected) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return false;
}

TEST(FolderGatewayBrokerTest, KilledMidBatchTakesEveryFileExactlyOnce) {
  const Topics topics = MakeTopics();
  const fs::path dir = TempDir("drop-kill");
  const std::vector<std::string> samples = SampleStories();
  ASSERT_GE(samples.size(), 10u);
  constexpr int kFiles = 300;
  WorkerProcess gateway(GatewayBinary("folder_gateway"),
                        GatewayArgs(topics, dir, {"--batch_files=7"}));
  ASSERT_TRUE(gateway.Start().ok());
  // Files keep arriving while the gateway is killed and restarted.
  std::thread uploader([&] {
    for (int i = 0; i < kFiles; ++i) {
      // Each file distinct: the sample's bytes plus its number.
      DropFile(dir, absl::StrCat("story-", i, ".txt"),
               absl::StrCat(samples[i % samples.size()], "\n", i, "\n"));
      if (i % 10 == 9) absl::SleepFor(absl::Milliseconds(20));
    }
  });
  // Kill it once some files are done, while others are mid-batch.
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline &&
         (!fs::exists(dir / "done") || CountFiles(dir / "done") < 40)) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  gateway.Kill();
  const size_t done_at_kill = CountFiles(dir / "done");
  absl::SleepFor(absl::Milliseconds(300));
  ASSERT_TRUE(gateway.Start().ok());
  uploader.join();
  ASSERT_TRUE(WaitUntilAllDone(dir, kFiles, absl::Seconds(120)))
      << "left in the folder: " << CountFiles(dir) << "\n"
      << gateway.Log();
  EXPECT_LT(done_at_kill, static_cast<size_t>(kFiles));
  EXPECT_EQ(gateway.Stop(absl::Seconds(30)), 0) << gateway.Log();

  std::map<std::string, int> counts = FeedItemCounts(topics.raw, kFiles);
  int lost = 0, repeated = 0;
  for (int i = 0; i < kFiles; ++i) {
    auto it = counts.find(absl::StrCat("story-", i, ".txt"));
    if (it == counts.end()) {
      ++lost;
    } else if (it->second > 1) {
      repeated += it->second - 1;
    }
  }
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(repeated, 0);
  EXPECT_EQ(counts.size(), static_cast<size_t>(kFiles));
  EXPECT_EQ(CountFiles(dir / "failed"), 0u);
}

TEST(FolderGatewayBrokerTest, CrashBetweenCommitAndMoveDoesNotSendAgain) {
  const Topics topics = MakeTopics();
  const fs::path dir = TempDir("drop-commit-crash");
  const std::vector<std::string> samples = SampleStories();
  for (int i = 0; i < 10; ++i) {
    DropFile(dir, absl::StrCat("story-", i, ".txt"),
             absl::StrCat(samples[i % samples.size()], "\n", i, "\n"));
  }
  WorkerProcess crashing(
      GatewayBinary("folder_gateway"),
      GatewayArgs(topics, dir, {"--batch_files=10", "--exit_after_commits=1"}));
  ASSERT_TRUE(crashing.Start().ok());
  std::optional<int> code = crashing.Wait(absl::Seconds(60));
  ASSERT_TRUE(code.has_value()) << crashing.Log();
  EXPECT_EQ(*code, 9);
  // Committed, not moved: all ten still wait in the folder.
  EXPECT_EQ(CountFiles(dir), 10u);

  WorkerProcess gateway(GatewayBinary("folder_gateway"),
                        GatewayArgs(topics, dir));
  ASSERT_TRUE(gateway.Start().ok());
  ASSERT_TRUE(WaitUntilAllDone(dir, 10, absl::Seconds(60))) << gateway.Log();
  EXPECT_EQ(gateway.Stop(absl::Seconds(30)), 0);
  std::map<std::string, int> counts = FeedItemCounts(topics.raw, 10);
  EXPECT_EQ(counts.size(), 10u);
  for (const auto& [id, n] : counts) EXPECT_EQ(n, 1) << id;
}

TEST(FolderGatewayBrokerTest, BadFlagsAndMissingFoldersExitWith2) {
  const Topics topics = MakeTopics();
  WorkerProcess no_folder(
      GatewayBinary("folder_gateway"),
      {"--http=",
       absl::StrCat("--bootstrap=", *testsupport::BootstrapServers())});
  ASSERT_TRUE(no_folder.Start().ok());
  EXPECT_EQ(no_folder.Wait(absl::Seconds(30)), 2);
  WorkerProcess missing(
      GatewayBinary("folder_gateway"),
      GatewayArgs(topics, TempDir("exists") / "does-not-exist"));
  ASSERT_TRUE(missing.Start().ok());
  EXPECT_EQ(missing.Wait(absl::Seconds(60)), 2) << missing.Log();
}

}  // namespace
}  // namespace wirestream
