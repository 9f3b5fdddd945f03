#include "pipeline/stages/alert/rule_watcher.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::alert {
namespace {

using ::testing::HasSubstr;

class RuleWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    path_ = absl::StrCat(
        tmp != nullptr ? tmp : "/tmp", "/rules-",
        ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        ".yaml");
  }
  void TearDown() override { std::remove(path_.c_str()); }

  void Write(const std::string& content) {
    // Write a new file and rename it over the old one, as editors and
    // config-map updates do.
    const std::string tmp = path_ + ".new";
    std::ofstream(tmp) << content;
    ASSERT_EQ(std::rename(tmp.c_str(), path_.c_str()), 0);
  }

  static std::string OneRule(const std::string& id, const std::string& query) {
    return absl::StrCat("rules:\n  - id: ", id, "\n    query: ", query, "\n");
  }

  std::unique_ptr<RuleWatcher> MakeWatcher() {
    RuleWatcherOptions options;
    options.path = path_;
    options.poll_interval = absl::Milliseconds(10);
    options.on_reload = [this](bool ok) {
      (ok ? callbacks_ok_ : callbacks_failed_)++;
    };
    absl::StatusOr<std::unique_ptr<RuleWatcher>> w =
        RuleWatcher::Create(std::move(options));
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? *std::move(w) : nullptr;
  }

  std::string path_;
  std::atomic<int> callbacks_ok_{0};
  std::atomic<int> callbacks_failed_{0};
};

std::string RuleIds(const RuleSet& set) {
  std::string out;
  for (const AlertRule& r : set.rules()) absl::StrAppend(&out, r.id, " ");
  return out;
}

TEST_F(RuleWatcherTest, CreateFailsOnMissingOrBadFile) {
  RuleWatcherOptions options;
  options.path = path_;
  EXPECT_EQ(RuleWatcher::Create(options).status().code(),
            absl::StatusCode::kNotFound);
  Write(OneRule("a", "'(balloon'"));
  absl::Status s = RuleWatcher::Create(options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            absl::StrCat(path_,
                         ":3: rule \"a\": query: column 1: '(' is not closed "
                         "with ')'"));
}

TEST_F(RuleWatcherTest, ReloadsChangedFileAndKeepsOldRulesOnBadFile) {
  Write(OneRule("a", "balloon"));
  std::unique_ptr<RuleWatcher> w = MakeWatcher();
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(RuleIds(*w->Current()), "a ");
  const uint64_t first_hash = w->content_hash();

  // Unchanged: nothing happens.
  EXPECT_TRUE(w->CheckNow().ok());
  EXPECT_EQ(w->reloads_ok(), 0u);

  // A new version is swapped in.
  Write(OneRule("b", "zeppelin"));
  EXPECT_TRUE(w->CheckNow().ok());
  EXPECT_EQ(RuleIds(*w->Current()), "b ");
  EXPECT_EQ(w->reloads_ok(), 1u);
  EXPECT_NE(w->content_hash(), first_hash);

  // A bad version is rejected once; the rules in use stay.
  std::shared_ptr<const RuleSet> before = w->Current();
  Write(OneRule("c", "'zeppelin OR'"));
  absl::Status bad = w->CheckNow();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(),
            absl::StrCat(path_,
                         ":3: rule \"c\": query: column 10: OR needs a term "
                         "after it"));
  EXPECT_EQ(w->Current(), before);
  EXPECT_EQ(w->reloads_failed(), 1u);
  EXPECT_THAT(w->last_error(), HasSubstr("OR needs a term after it"));
  EXPECT_TRUE(w->CheckNow().ok());  // the same bad version: not again
  EXPECT_EQ(w->reloads_failed(), 1u);

  // A missing file is a bad version too.
  std::remove(path_.c_str());
  EXPECT_EQ(w->CheckNow().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(w->reloads_failed(), 2u);
  EXPECT_EQ(w->Current(), before);

  // Fixed: loads, the error clears.
  Write(OneRule("d", "airship"));
  EXPECT_TRUE(w->CheckNow().ok());
  EXPECT_EQ(RuleIds(*w->Current()), "d ");
  EXPECT_EQ(w->reloads_ok(), 2u);
  EXPECT_EQ(w->last_error(), "");
  EXPECT_EQ(callbacks_ok_.load(), 2);
  EXPECT_EQ(callbacks_failed_.load(), 2);
}

TEST_F(RuleWatcherTest, ReloadNowRecompilesUnchangedFile) {
  Write(OneRule("a", "balloon"));
  std::unique_ptr<RuleWatcher> w = MakeWatcher();
  ASSERT_NE(w, nullptr);
  std::shared_ptr<const RuleSet> before = w->Current();
  EXPECT_TRUE(w->ReloadNow().ok());
  EXPECT_NE(w->Current(), before);
  EXPECT_NE(w->Current()->generation(), before->generation());
  EXPECT_EQ(w->reloads_ok(), 1u);
}

TEST_F(RuleWatcherTest, BackgroundPollingPicksUpChanges) {
  Write(OneRule("a", "balloon"));
  std::unique_ptr<RuleWatcher> w = MakeWatcher();
  ASSERT_NE(w, nullptr);
  w->Start();
  Write(OneRule("b", "zeppelin"));
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (w->reloads_ok() == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(w->reloads_ok(), 1u);
  EXPECT_EQ(RuleIds(*w->Current()), "b ");
  w->Stop();
}

TEST_F(RuleWatcherTest, StoriesSeeOneWholeVersionWhileReloading) {
  Write(OneRule("a", "balloon"));
  std::unique_ptr<RuleWatcher> w = MakeWatcher();
  ASSERT_NE(w, nullptr);
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::atomic<int> matched{0};
  std::thread reader([&] {
    wirestream::v1::EnrichedStory story;
    story.mutable_story()->set_headline("balloon zeppelin");
    MatchScratch scratch;
    while (!done.load()) {
      std::shared_ptr<const RuleSet> set = w->Current();
      std::vector<RuleMatch> m = set->Match(story, &scratch);
      // Version a and version b each have one rule, and both match.
      if (m.size() != 1 || set->rules().size() != 1) bad++;
      matched++;
    }
  });
  for (int i = 0; i < 40; ++i) {
    Write(i % 2 == 0 ? OneRule("b", "zeppelin") : OneRule("a", "balloon"));
    EXPECT_TRUE(w->CheckNow().ok());
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (matched.load() < 100 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  done = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(w->reloads_ok(), 40u);
}

}  // namespace
}  // namespace wirestream::alert
