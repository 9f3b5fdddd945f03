#include "tools/loadgen/story_generator.h"

#include <map>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/normalize/normalizer.h"

namespace wirestream::tools::loadgen {
namespace {

TEST(StoryGeneratorTest, MixFollowsTheRatesAndFormatWeights) {
  StoryGeneratorOptions options;
  options.resend_rate = 0.10;
  options.correction_rate = 0.05;
  options.rewrite_rate = 0.05;
  options.formats = {{v1::WIRE_FORMAT_NINJS, 2},
                     {v1::WIRE_FORMAT_NITF, 1},
                     {v1::WIRE_FORMAT_HTML, 1}};
  ASSERT_TRUE(ValidateOptions(options).ok());
  StoryGenerator generator(options, 7);
  constexpr int kStories = 20000;
  std::map<StoryKind, int> kinds;
  std::map<v1::WireFormat, int> formats;
  std::map<std::string, std::string> sent;  // feed item id -> payload
  std::map<std::string, int> versions;      // story id -> highest version
  size_t bytes = 0;
  for (int i = 0; i < kStories; ++i) {
    GeneratedStory story = generator.Next();
    ++kinds[story.kind];
    ++formats[story.raw.format()];
    bytes += story.raw.payload().size();
    switch (story.kind) {
      case StoryKind::kResend:
        // Byte for byte an earlier delivery.
        ASSERT_EQ(sent.count(story.raw.feed_item_id()), 1u);
        EXPECT_EQ(sent[story.raw.feed_item_id()], story.raw.payload());
        break;
      case StoryKind::kCorrection:
        // A newer version of a story already sent.
        ASSERT_EQ(versions.count(story.story_id), 1u);
        EXPECT_EQ(story.version, versions[story.story_id] + 1);
        EXPECT_THAT(story.headline, ::testing::StartsWith("CORRECTED: "));
        break;
      case StoryKind::kNew:
      case StoryKind::kRewrite:
        EXPECT_EQ(versions.count(story.story_id), 0u);
        EXPECT_EQ(story.version, 1);
        break;
    }
    versions[story.story_id] =
        std::max(versions[story.story_id], story.version);
    sent[story.raw.feed_item_id()] = story.raw.payload();
  }
  auto share = [&](int n) { return static_cast<double>(n) / kStories; };
  EXPECT_NEAR(share(kinds[StoryKind::kResend]), 0.10, 0.01);
  EXPECT_NEAR(share(kinds[StoryKind::kCorrection]), 0.05, 0.01);
  EXPECT_NEAR(share(kinds[StoryKind::kRewrite]), 0.05, 0.01);
  EXPECT_NEAR(share(kinds[StoryKind::kNew]), 0.80, 0.015);
  EXPECT_NEAR(share(formats[v1::WIRE_FORMAT_NINJS]), 0.50, 0.02);
  EXPECT_NEAR(share(formats[v1::WIRE_FORMAT_NITF]), 0.25, 0.02);
  EXPECT_NEAR(share(formats[v1::WIRE_FORMAT_HTML]), 0.25, 0.02);
  EXPECT_EQ(formats.size(), 3u);
  // Wire-story length: a few kilobytes on average.
  EXPECT_GT(bytes / kStories, 1500u);
  EXPECT_LT(bytes / kStories, 8000u);
}

TEST(StoryGeneratorTest, SameSeedSameStories) {
  StoryGenerator a(StoryGeneratorOptions{}, 99);
  StoryGenerator b(StoryGeneratorOptions{}, 99);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(a.Next().raw.SerializeAsString(),
              b.Next().raw.SerializeAsString());
  }
}

TEST(StoryGeneratorTest, EveryFormatNormalizesWithItsHeadline) {
  absl::StatusOr<std::unique_ptr<normalize::Normalizer>> normalizer =
      normalize::Normalizer::Create(normalize::NormalizerConfig{});
  ASSERT_TRUE(normalizer.ok());
  StoryGeneratorOptions options;
  options.resend_rate = 0;
  options.correction_rate = 0.2;
  options.rewrite_rate = 0.1;
  StoryGenerator generator(options, 11);
  std::set<v1::WireFormat> seen;
  for (int i = 0; i < 300; ++i) {
    GeneratedStory story = generator.Next();
    absl::StatusOr<v1::Story> normalized = (*normalizer)->Normalize(story.raw);
    ASSERT_TRUE(normalized.ok()) << normalized.status() << "\n"
                                 << story.raw.payload();
    seen.insert(normalized->format());
    EXPECT_EQ(normalized->format(), story.raw.format());
    EXPECT_EQ(normalized->headline(), story.headline)
        << v1::WireFormat_Name(story.raw.format());
    EXPECT_EQ(normalized->language(), "en");
    EXPECT_GE(normalized->paragraphs_size(), 5);
  }
  EXPECT_EQ(seen.size(), 5u);
}

TEST(ParseFormatMixTest, NamesAndWeights) {
  absl::StatusOr<std::vector<std::pair<v1::WireFormat, double>>> mix =
      ParseFormatMix("ninjs:3,html, newsml-g2:0.5");
  ASSERT_TRUE(mix.ok()) << mix.status();
  EXPECT_THAT(*mix, ::testing::ElementsAre(
                        ::testing::Pair(v1::WIRE_FORMAT_NINJS, 3.0),
                        ::testing::Pair(v1::WIRE_FORMAT_HTML, 1.0),
                        ::testing::Pair(v1::WIRE_FORMAT_NEWSML_G2, 0.5)));
  EXPECT_EQ(ParseFormatMix("anpa-1312").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseFormatMix("ninjs:lots").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateOptionsTest, RatesMustFit) {
  StoryGeneratorOptions options;
  options.resend_rate = 0.6;
  options.rewrite_rate = 0.5;
  EXPECT_EQ(ValidateOptions(options).code(),
            absl::StatusCode::kInvalidArgument);
  options.rewrite_rate = -0.1;
  EXPECT_EQ(ValidateOptions(options).code(),
            absl::StatusCode::kInvalidArgument);
  StoryGeneratorOptions no_formats;
  no_formats.formats.clear();
  EXPECT_EQ(ValidateOptions(no_formats).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wirestream::tools::loadgen
