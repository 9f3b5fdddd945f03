// Real Chinese and Japanese copy (testdata/cjk, see its README): a lightly
// edited re-send joins its story's cluster; another story of the same
// source stays NEW.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/dedup/deduplicator.h"
#include "pipeline/stages/dedup/testing/story_builder.h"

namespace wirestream::stages::dedup {
namespace {

using ::wirestream::v1::DedupVerdict;
using ::wirestream::v1::Story;

const absl::Time kT0 = absl::FromUnixSeconds(1732788000);

// Reads testdata/cjk/<name>: the headline, then one paragraph a line.
Story ReadStory(const std::string& name, absl::string_view language,
                absl::string_view source, absl::Duration after) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const std::string path =
      absl::StrCat(srcdir == nullptr ? "." : srcdir,
                   "/wirestream/pipeline/stages/dedup/testdata/cjk/", name);
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream contents;
  contents << in.rdbuf();
  std::vector<std::string> lines =
      absl::StrSplit(contents.str(), '\n', absl::SkipEmpty());
  EXPECT_GE(lines.size(), 2u) << path;
  StoryBuilder builder(name);
  builder.Source(source, name, 1).Language(language).Time(kT0 + after);
  if (!lines.empty()) builder.Headline(lines[0]);
  for (size_t i = 1; i < lines.size(); ++i) builder.Paragraph(lines[i]);
  return builder.Build();
}

struct Pair {
  DedupVerdict first;
  DedupVerdict second;
};

// Judges `first`, then `second`, in a fresh Deduplicator.
Pair Judge(const Story& first, const Story& second) {
  auto dedup = Deduplicator::Create(DeduplicatorConfig{});
  EXPECT_TRUE(dedup.ok()) << dedup.status();
  std::vector<StateChange> changes;
  Pair pair;
  pair.first = (*dedup)->Judge(first, kT0, &changes);
  pair.second = (*dedup)->Judge(second, kT0 + absl::Hours(2), &changes);
  return pair;
}

TEST(CjkRegressionTest, ChineseResendJoinsTheStorysCluster) {
  const Pair pair =
      Judge(ReadStory("zh_story.txt", "zh", "sina", absl::ZeroDuration()),
            ReadStory("zh_resend.txt", "zh", "sina", absl::Hours(1)));
  EXPECT_EQ(pair.first.kind(), wirestream::v1::DEDUP_KIND_NEW);
  EXPECT_EQ(pair.second.kind(), wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE)
      << pair.second.evidence();
  EXPECT_EQ(pair.second.cluster_id(), "zh_story.txt");
  EXPECT_EQ(pair.second.method(), "minhash");
}

TEST(CjkRegressionTest, ChineseStoriesOfOneSourceStayApart) {
  const Pair pair =
      Judge(ReadStory("zh_story.txt", "zh", "sina", absl::ZeroDuration()),
            ReadStory("zh_other.txt", "zh", "sina", absl::Hours(1)));
  EXPECT_EQ(pair.second.kind(), wirestream::v1::DEDUP_KIND_NEW);
  EXPECT_EQ(pair.second.cluster_id(), "zh_other.txt");
}

TEST(CjkRegressionTest, JapaneseResendJoinsTheStorysCluster) {
  const Pair pair =
      Judge(ReadStory("ja_story.txt", "ja", "nhk", absl::ZeroDuration()),
            ReadStory("ja_resend.txt", "ja", "nhk", absl::Hours(1)));
  EXPECT_EQ(pair.first.kind(), wirestream::v1::DEDUP_KIND_NEW);
  EXPECT_EQ(pair.second.kind(), wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE)
      << pair.second.evidence();
  EXPECT_EQ(pair.second.cluster_id(), "ja_story.txt");
  EXPECT_EQ(pair.second.method(), "minhash");
}

TEST(CjkRegressionTest, JapaneseStoriesOfOneSourceStayApart) {
  const Pair pair =
      Judge(ReadStory("ja_story.txt", "ja", "nhk", absl::ZeroDuration()),
            ReadStory("ja_other.txt", "ja", "nhk", absl::Hours(1)));
  EXPECT_EQ(pair.second.kind(), wirestream::v1::DEDUP_KIND_NEW);
  EXPECT_EQ(pair.second.cluster_id(), "ja_other.txt");
}

}  // namespace
}  // namespace wirestream::stages::dedup
