#include "pipeline/stages/alert/webhook_journal.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::alert {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

// A fresh directory under the test's temporary one.
std::string NewDirectory(const std::string& name) {
  return absl::StrCat(std::getenv("TEST_TMPDIR"), "/", name);
}

JournalEntry Entry(const std::string& alert_id) {
  JournalEntry e;
  e.target.channel = "webhook:world-desk";
  e.target.url = "https://hooks.example.com/world/T0K3N";
  e.target.timeout = absl::Milliseconds(3000);
  e.target.max_attempts = 4;
  e.target.headers = {{"Authorization", "Bearer desk-secret"},
                      {"X-Desk", "world"}};
  e.alert_id = alert_id;
  e.body = R"({"alertId":")" + alert_id + R"(","ruleId":"spy-balloon"})";
  e.attempts = 2;
  e.due = absl::FromUnixMillis(1796700000123);
  return e;
}

TEST(WebhookJournalTest, SavedEntriesLoadBackWhole) {
  auto journal = WebhookJournal::Open(NewDirectory("round-trip"));
  ASSERT_TRUE(journal.ok()) << journal.status();
  JournalEntry first = Entry("al-1");
  JournalEntry second = Entry("al-2");
  second.attempts = 0;
  second.target.headers.clear();
  ASSERT_TRUE((*journal)->Save(first).ok());
  ASSERT_TRUE((*journal)->Save(second).ok());
  EXPECT_FALSE(first.name.empty());
  EXPECT_NE(first.name, second.name);

  // As a restarted worker sees them.
  auto reopened = WebhookJournal::Open(NewDirectory("round-trip"));
  ASSERT_TRUE(reopened.ok());
  std::vector<JournalEntry> loaded = (*reopened)->Load();
  ASSERT_EQ(loaded.size(), 2u);
  const JournalEntry& a = loaded[0];
  EXPECT_EQ(a.name, first.name);
  EXPECT_EQ(a.alert_id, "al-1");
  EXPECT_EQ(a.body, first.body);
  EXPECT_EQ(a.attempts, 2);
  EXPECT_EQ(a.due, absl::FromUnixMillis(1796700000123));
  EXPECT_EQ(a.target.channel, "webhook:world-desk");
  EXPECT_EQ(a.target.url, "https://hooks.example.com/world/T0K3N");
  EXPECT_EQ(a.target.timeout, absl::Milliseconds(3000));
  EXPECT_EQ(a.target.max_attempts, 4);
  EXPECT_THAT(a.target.headers,
              ElementsAre(Pair("Authorization", "Bearer desk-secret"),
                          Pair("X-Desk", "world")));
  EXPECT_EQ(loaded[1].alert_id, "al-2");
  EXPECT_EQ(loaded[1].attempts, 0);
  EXPECT_THAT(loaded[1].target.headers, IsEmpty());

  // New names sort after the loaded ones.
  JournalEntry third = Entry("al-3");
  ASSERT_TRUE((*reopened)->Save(third).ok());
  EXPECT_GT(third.name, second.name);
}

TEST(WebhookJournalTest, SaveReplacesAndRemoveDeletes) {
  auto journal = WebhookJournal::Open(NewDirectory("replace"));
  ASSERT_TRUE(journal.ok());
  JournalEntry e = Entry("al-9");
  ASSERT_TRUE((*journal)->Save(e).ok());
  const std::string name = e.name;
  e.attempts = 3;
  e.due = absl::FromUnixMillis(1796700009000);
  ASSERT_TRUE((*journal)->Save(e).ok());
  EXPECT_EQ(e.name, name);
  std::vector<JournalEntry> loaded = (*journal)->Load();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].attempts, 3);
  EXPECT_EQ(loaded[0].due, absl::FromUnixMillis(1796700009000));

  (*journal)->Remove(name);
  (*journal)->Remove(name);  // already gone: fine
  EXPECT_THAT((*journal)->Load(), IsEmpty());
}

TEST(WebhookJournalTest, FilesAreTheOwnersOnly) {
  const std::string dir = NewDirectory("modes");
  auto journal = WebhookJournal::Open(dir);
  ASSERT_TRUE(journal.ok());
  JournalEntry e = Entry("al-4");
  ASSERT_TRUE((*journal)->Save(e).ok());
  struct stat info;
  ASSERT_EQ(stat(dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((dir + "/" + e.name).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(WebhookJournalTest, BrokenFileIsSetAsideNotLoaded) {
  const std::string dir = NewDirectory("broken");
  auto journal = WebhookJournal::Open(dir);
  ASSERT_TRUE(journal.ok());
  JournalEntry good = Entry("al-5");
  ASSERT_TRUE((*journal)->Save(good).ok());
  std::ofstream(dir + "/00000000000000000000-00000000.delivery.json")
      << "{\"alert_id\": ";  // cut short by a full disk
  std::vector<JournalEntry> loaded = (*journal)->Load();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].alert_id, "al-5");
  std::ifstream aside(dir + "/00000000000000000000-00000000.delivery.json.bad");
  EXPECT_TRUE(aside.good());
}

TEST(WebhookJournalTest, UnusableDirectoryIsRefused) {
  EXPECT_EQ(WebhookJournal::Open("").status().code(),
            absl::StatusCode::kInvalidArgument);
  auto nested = WebhookJournal::Open("/nonexistent/parent/journal");
  EXPECT_EQ(nested.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      std::string(nested.status().message()),
      ::testing::StartsWith(
          "webhook journal: cannot create /nonexistent/parent/journal"));
}

}  // namespace
}  // namespace wirestream::alert
