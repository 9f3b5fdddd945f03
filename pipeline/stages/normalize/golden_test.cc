// Golden tests: every sample story in testdata/stories is normalized and
// compared, field by field, with the Story in testdata/golden/<file>.json.
// After a deliberate change, regenerate the goldens with
//   bazel run //pipeline/stages/normalize:update_goldens
// and review the diff.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "pipeline/stages/normalize/test_support.h"

namespace wirestream::normalize {
namespace {

class GoldenTest : public testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, MatchesGolden) {
  const std::string& name = GetParam();
  std::unique_ptr<Normalizer> normalizer =
      *Normalizer::Create(NormalizerConfig{});
  absl::StatusOr<v1::Story> story = normalizer->Normalize(SampleRawStory(
      name, ReadWorkspaceFile(absl::StrCat(kStoriesDir, "/", name))));
  ASSERT_TRUE(story.ok()) << story.status();

  std::string golden_json =
      ReadWorkspaceFile(absl::StrCat(kGoldenDir, "/", name, ".json"));
  v1::Story golden;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(golden_json, &golden).ok())
      << "cannot parse golden " << name << ".json";

  google::protobuf::util::MessageDifferencer differencer;
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(golden, *story))
      << "normalized " << name << " differs from its golden:\n"
      << differences << "\nactual:\n"
      << GoldenJson(*story);
}

TEST(GoldenCorpusTest, EverySampleHasAGoldenAndEveryGoldenASample) {
  std::vector<std::string> samples = ListWorkspaceDirectory(kStoriesDir);
  std::vector<std::string> goldens = ListWorkspaceDirectory(kGoldenDir);
  std::vector<std::string> expected;
  for (const std::string& sample : samples) {
    expected.push_back(absl::StrCat(sample, ".json"));
  }
  EXPECT_EQ(goldens, expected);
  EXPECT_GE(samples.size(), 20u);
}

INSTANTIATE_TEST_SUITE_P(Samples, GoldenTest,
                         testing::ValuesIn(ListWorkspaceDirectory(kStoriesDir)),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!absl::ascii_isalnum(
                                     static_cast<unsigned char>(c)))
                               c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace wirestream::normalize
