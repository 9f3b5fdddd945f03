// The drop-folder and feed gateways on a real Kafka broker: a folder
// gateway killed with SIGKILL while files arrive, and one that dies between
// a commit and the move to done/, leave every file on wire.raw exactly once
// after a restart; a restarted feed gateway sends only the feed's new items.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "civetweb.h"
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

// An RSS feed served on 127.0.0.1 whose items the test sets.
class RssServer {
 public:
  RssServer() {
    const char* options[] = {"listening_ports", "127.0.0.1:0", "num_threads",
                             "2", nullptr};
    mg_callbacks callbacks{};
    context_ = mg_start(&callbacks, nullptr, options);
    mg_server_port ports[2];
    mg_get_server_ports(context_, 2, ports);
    port_ = ports[0].port;
    mg_set_request_handler(context_, "/rss", &RssServer::Serve, this);
  }
  ~RssServer() { mg_stop(context_); }
  std::string url() const {
    return absl::StrCat("http://127.0.0.1:", port_, "/rss");
  }
  void SetItems(const std::vector<std::string>& guids) {
    std::string items;
    for (const std::string& g : guids) {
      absl::StrAppend(&items, "<item><guid>", g, "</guid><title>Story ", g,
                      "</title><description>Text of ", g,
                      ".</description></item>");
    }
    absl::MutexLock lock(&mu_);
    body_ = absl::StrCat("<rss version=\"2.0\"><channel>", items,
                         "</channel></rss>");
  }

 private:
  static int Serve(mg_connection* conn, void* data) {
    auto* self = static_cast<RssServer*>(data);
    std::string body;
    {
      absl::MutexLock lock(&self->mu_);
      body = self->body_;
    }
    mg_send_http_ok(conn, "application/rss+xml", body.size());
    mg_write(conn, body.data(), body.size());
    return 200;
  }
  mg_context* context_;
  int port_;
  absl::Mutex mu_;
  std::string body_ ABSL_GUARDED_BY(mu_);
};

TEST(FeedGatewayBrokerTest, ItemsSeenBeforeAreNotSentAgainAfterARestart) {
  const Topics topics = MakeTopics();
  RssServer feed;
  feed.SetItems({"a", "b"});
  const std::vector<std::string> args = {
      absl::StrCat("--bootstrap=", *testsupport::BootstrapServers()),
      absl::StrCat("--output=", topics.raw),
      absl::StrCat("--state_topic=", topics.state),
      absl::StrCat("--feed=wire=", feed.url(), ",interval_s=1"),
      "--http=",
  };
  auto read = [&](size_t expected) {
    ReadOptions options;
    options.min_records = expected;
    options.timeout = absl::Seconds(60);
    std::map<std::string, int> counts;
    for (const TestRecord& r : testsupport::ReadRecords(topics.raw, options)
                                   .value_or(std::vector<TestRecord>{})) {
      ++counts[r.key.value_or("")];
    }
    return counts;
  };
  WorkerProcess first(GatewayBinary("feed_gateway"), args);
  ASSERT_TRUE(first.Start().ok());
  EXPECT_EQ(read(2),
            (std::map<std::string, int>{{"wire:a", 1}, {"wire:b", 1}}));
  EXPECT_EQ(first.Stop(absl::Seconds(30)), 0) << first.Log();
  // The feed repeats its old items beside a new one.
  feed.SetItems({"c", "a", "b"});
  WorkerProcess second(GatewayBinary("feed_gateway"), args);
  ASSERT_TRUE(second.Start().ok());
  EXPECT_EQ(read(3), (std::map<std::string, int>{
                         {"wire:a", 1}, {"wire:b", 1}, {"wire:c", 1}}));
  // A few more polls of the same feed add nothing.
  absl::SleepFor(absl::Seconds(3));
  EXPECT_EQ(second.Stop(absl::Seconds(30)), 0) << second.Log();
  EXPECT_EQ(read(3).size(), 3u);
  EXPECT_EQ(read(3).at("wire:a"), 1);
}

}  // namespace
}  // namespace wirestream
