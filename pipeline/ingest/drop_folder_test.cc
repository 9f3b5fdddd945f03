#include "pipeline/ingest/drop_folder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/ingest/testing/archive_builder.h"
#include "pipeline/ingest/testing/fake_story_log.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace wirestream::ingest {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const std::atomic<bool> kNoStop{false};

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Names(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> FeedItemIds(const FakeStoryLog& log) {
  std::vector<std::string> ids;
  for (const Submission& s : log.stories()) {
    ids.push_back(s.story.feed_item_id());
  }
  return ids;
}

class DropFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    root_ =
        fs::path(tmp ? tmp : "/tmp") /
        absl::StrCat(
            "drop-",
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "in");
    dir_ = root_ / "in";
  }

  // Returns a gateway on `dir_` as source "afp" with `rule`.
  std::unique_ptr<FolderGateway> Gateway(
      ReadyRule rule, absl::Duration quiet = absl::ZeroDuration(),
      FolderGatewayOptions options = {}) {
    DropFolder folder;
    folder.source = "afp";
    folder.path = dir_.string();
    folder.ready = rule;
    folder.quiet = quiet;
    auto gateway = std::make_unique<FolderGateway>(
        std::vector<DropFolder>{folder}, &log_, &ledger_, nullptr, options);
    EXPECT_TRUE(gateway->Prepare().ok());
    return gateway;
  }

  fs::path root_;
  fs::path dir_;
  FakeStoryLog log_;
  TakenLedger ledger_{absl::Hours(24)};
};

TEST(ParseDropFolderTest, ReadsSourcePathAndSettings) {
  auto folder = ParseDropFolder("afp=/srv/drop/afp/,ready=marker,quiet_ms=250");
  ASSERT_TRUE(folder.ok()) << folder.status();
  EXPECT_EQ(folder->source, "afp");
  EXPECT_EQ(folder->path, "/srv/drop/afp");
  EXPECT_EQ(folder->ready, ReadyRule::kMarker);
  EXPECT_EQ(folder->quiet, absl::Milliseconds(250));
  auto plain = ParseDropFolder("ap=/d");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->ready, ReadyRule::kQuiet);
  EXPECT_EQ(plain->quiet, absl::Seconds(5));
}

TEST(ParseDropFolderTest, RefusesBadSpecs) {
  for (const char* bad :
       {"/srv/drop", "=/srv", "a/b=/srv", "..=/srv", "afp=/d,ready=soon",
        "afp=/d,quiet_ms=x", "afp=/d,colour=red"}) {
    EXPECT_EQ(ParseDropFolder(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(IsTemporaryNameTest, KnowsUploadersTemporaryNames) {
  for (const char* name : {".story.xml", "story.xml.tmp", "story.xml.PART",
                           "a.partial", "a.filepart", "a.xml~"}) {
    EXPECT_TRUE(IsTemporaryName(name)) << name;
  }
  for (const char* name : {"story.xml", "ap-0001.anpa", "batch.zip"}) {
    EXPECT_FALSE(IsTemporaryName(name)) << name;
  }
}

TEST_F(DropFolderTest, RenameRuleTakesCompleteFilesAndMovesThemToDone) {
  WriteFile(dir_ / "one.xml", "<nitf/>");
  WriteFile(dir_ / "two.txt", "STORM WARNING\n\nText.");
  WriteFile(dir_ / "three.txt.part", "still coming");
  auto gateway = Gateway(ReadyRule::kRename);
  auto taken = gateway->ScanOnce(kNoStop);
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(*taken, 2);
  EXPECT_THAT(FeedItemIds(log_), UnorderedElementsAre("one.xml", "two.txt"));
  const Submission s = log_.stories()[0];
  EXPECT_EQ(s.story.source(), "afp");
  EXPECT_EQ(s.record_key, s.story.feed_item_id());
  EXPECT_EQ(s.story.attributes().at("ingest.gateway"), "folder");
  EXPECT_THAT(s.ledger_key, HasSubstr("folder/0/afp/"));
  EXPECT_THAT(Names(dir_ / "done"), ElementsAre("one.xml", "two.txt"));
  EXPECT_THAT(Names(dir_), ElementsAre("done", "failed", "three.txt.part"));
}

TEST_F(DropFolderTest, MarkerRuleWaitsForTheMarkerAndRemovesIt) {
  WriteFile(dir_ / "a.xml", "<nitf/>");
  auto gateway = Gateway(ReadyRule::kMarker);
  ASSERT_EQ(*gateway->ScanOnce(kNoStop), 0);
  WriteFile(dir_ / "a.xml.done", "");
  ASSERT_EQ(*gateway->ScanOnce(kNoStop), 1);
  EXPECT_THAT(Names(dir_), ElementsAre("done", "failed"));
  EXPECT_THAT(Names(dir_ / "done"), ElementsAre("a.xml"));
}

TEST_F(DropFolderTest, QuietRuleWaitsForTheQuietPeriod) {
  WriteFile(dir_ / "a.txt", "STORM\n\nText.");
  auto waiting = Gateway(ReadyRule::kQuiet, absl::Hours(1));
  ASSERT_EQ(*waiting->ScanOnce(kNoStop), 0);
  EXPECT_THAT(Names(dir_), ElementsAre("a.txt", "done", "failed"));
  auto quiet = Gateway(ReadyRule::kQuiet, absl::ZeroDuration());
  ASSERT_EQ(*quiet->ScanOnce(kNoStop), 1);
}

TEST_F(DropFolderTest, UntakeableFilesMoveToFailedWithAReason) {
  WriteFile(dir_ / "empty.txt", "");
  WriteFile(dir_ / "big.txt", std::string(2000, 'x'));
  WriteFile(root_ / "outside.txt", "not in the folder");
  fs::create_symlink(root_ / "outside.txt", dir_ / "link.txt");
  WriteFile(dir_ / "broken.zip",
            BuildArchive(ArchiveKind::kZip, {{"../escape.txt", "x"}}));
  FolderGatewayOptions options;
  options.max_file_bytes = 1000;
  auto gateway = Gateway(ReadyRule::kRename, absl::ZeroDuration(), options);
  ASSERT_EQ(*gateway->ScanOnce(kNoStop), 0);
  EXPECT_EQ(log_.writes(), 0);
  EXPECT_THAT(Names(dir_ / "failed"),
              ElementsAre("big.txt", "big.txt.reason", "broken.zip",
                          "broken.zip.reason", "empty.txt", "empty.txt.reason",
                          "link.txt", "link.txt.reason"));
  EXPECT_EQ(ReadText(dir_ / "failed/empty.txt.reason"), "empty file\n");
  EXPECT_THAT(ReadText(dir_ / "failed/link.txt.reason"),
              HasSubstr("symlink pointing outside the drop folder"));
  EXPECT_THAT(ReadText(dir_ / "failed/big.txt.reason"),
              HasSubstr("over the limit of 1000 bytes"));
  EXPECT_THAT(ReadText(dir_ / "failed/broken.zip.reason"),
              HasSubstr("unsafe member name"));
  EXPECT_TRUE(fs::exists(root_ / "outside.txt"));
}

TEST_F(DropFolderTest, FilesStayWhileKafkaIsDownAndAreTakenOnceAfter) {
  WriteFile(dir_ / "a.txt", "STORM\n\nText.");
  auto gateway = Gateway(ReadyRule::kRename);
  log_.FailNextWrites(1, absl::UnavailableError("broker down"));
  ASSERT_EQ(*gateway->ScanOnce(kNoStop), 0);
  EXPECT_THAT(Names(dir_), ElementsAre("a.txt", "done", "failed"));
  ASSERT_EQ(*gateway->ScanOnce(kNoStop), 1);
  EXPECT_THAT(FeedItemIds(log_), ElementsAre("a.txt"));
}

TEST_F(DropFolderTest, AFileCommittedBeforeACrashIsMovedNotSentAgain) {
  WriteFile(dir_ / "a.txt", "STORM\n\nText.");
  ledger_.Add(FileLedgerKey("0", "afp", "a.txt", "STORM\n\nText."),
              {"wire.raw", 0, 41, absl::Now()});
  auto gateway = Gateway(ReadyRule::kRename);
  ASSERT_EQ(*gateway->ScanOnce(kNoStop), 0);
  EXPECT_EQ(log_.writes(), 0);
  EXPECT_THAT(Names(dir_ / "done"), ElementsAre("a.txt"));
}

TEST_F(DropFolderTest, SameNameWithNewContentIsANewFile) {
  WriteFile(dir_ / "a.txt", "STORM\n\nText. Version 2.");
  ledger_.Add(FileLedgerKey("0", "afp", "a.txt", "STORM\n\nText."),
              {"wire.raw", 0, 41, absl::Now()});
  auto gateway = Gateway(ReadyRule::kRename);
  WriteFile(dir_ / "done/a.txt", "STORM\n\nText.");
  ASSERT_EQ(*gateway->ScanOnce(kNoStop), 1);
  // The earlier file keeps its name; the new one gets its hash's start.
  std::vector<std::string> done = Names(dir_ / "done");
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0], "a.txt");
  EXPECT_THAT(done[1], ::testing::StartsWith("a.txt."));
  EXPECT_EQ(ReadText(dir_ / "done" / done[1]), "STORM\n\nText. Version 2.");
}

TEST_F(DropFolderTest, ABatchIsTakenMemberByMemberInOneTransaction) {
  WriteFile(dir_ / "batch.tar.gz",
            BuildArchive(ArchiveKind::kTarGz, {{"x/1.txt", "ONE\n\nText."},
                                               {"x/2.txt", "TWO\n\nText."},
                                               {"x/3.txt", "THREE\n\nText."}}));
  auto gateway = Gateway(ReadyRule::kRename);
  ASSERT_EQ(*gateway->ScanOnce(kNoStop), 3);
  EXPECT_EQ(log_.batches(), 1);
  EXPECT_THAT(FeedItemIds(log_),
              ElementsAre("batch.tar.gz/x/1.txt", "batch.tar.gz/x/2.txt",
                          "batch.tar.gz/x/3.txt"));
  // One ledger entry, on the last member: present only if all committed.
  std::vector<Submission> stories = log_.stories();
  EXPECT_EQ(stories[0].ledger_key, "");
  EXPECT_EQ(stories[1].ledger_key, "");
  EXPECT_THAT(stories[2].ledger_key, HasSubstr("/batch.tar.gz@"));
  EXPECT_THAT(Names(dir_ / "done"), ElementsAre("batch.tar.gz"));
}

TEST_F(DropFolderTest, MetricsCountStoriesBacklogAndRejects) {
  prometheus::Registry registry;
  IngestMetrics metrics(registry, "folder");
  WriteFile(dir_ / "a.txt", "STORM\n\nText.");
  WriteFile(dir_ / "b.txt", "");
  WriteFile(dir_ / "c.txt.part", "coming");
  DropFolder folder{"afp", dir_.string(), ReadyRule::kRename};
  FolderGateway gateway({folder}, &log_, &ledger_, &metrics, {});
  ASSERT_TRUE(gateway.Prepare().ok());
  ASSERT_EQ(*gateway.ScanOnce(kNoStop), 1);
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry.Collect());
  const std::string text = out.str();
  EXPECT_THAT(text,
              HasSubstr("wirestream_ingest_stories_total{gateway=\"folder\","
                        "source=\"afp\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("wirestream_ingest_bytes_total{gateway=\"folder\","
                        "source=\"afp\"} 12"));
  EXPECT_THAT(text,
              HasSubstr("wirestream_ingest_rejects_total{gateway=\"folder\","
                        "reason=\"empty\"} 1"));
  // The upload still under its temporary name waits.
  EXPECT_THAT(text,
              HasSubstr("wirestream_ingest_files_waiting{gateway=\"folder\","
                        "source=\"afp\"} 1"));
}

}  // namespace
}  // namespace wirestream::ingest
