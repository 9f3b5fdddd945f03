#include "tools/inspect/record_json.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "wirestream/v1/dead_letter.pb.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/enriched_story.pb.h"
#include "wirestream/v1/raw_story.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::tools::inspect {
namespace {

std::string TypeName(absl::StatusOr<const google::protobuf::Message*> type) {
  if (!type.ok()) return std::string(type.status().message());
  return *type == nullptr ? "bytes" : (*type)->GetDescriptor()->full_name();
}

TEST(TypeForTopicTest, DefaultNamesWithPrefixesAndSuffixes) {
  EXPECT_EQ(TypeName(TypeForTopic("wire.raw")), "wirestream.v1.RawStory");
  EXPECT_EQ(TypeName(TypeForTopic("backfill-wire.stories")),
            "wirestream.v1.Story");
  EXPECT_EQ(TypeName(TypeForTopic("wire.unique")),
            "wirestream.v1.DedupedStory");
  EXPECT_EQ(TypeName(TypeForTopic("wire.duplicates")),
            "wirestream.v1.DedupedStory");
  EXPECT_EQ(TypeName(TypeForTopic("wire.enriched.backfill")),
            "wirestream.v1.EnrichedStory");
  EXPECT_EQ(TypeName(TypeForTopic("wire.classified")),
            "wirestream.v1.EnrichedStory");
  EXPECT_EQ(TypeName(TypeForTopic("wire.alerts")), "wirestream.v1.Alert");
  EXPECT_EQ(TypeName(TypeForTopic("wire.dlq")), "wirestream.v1.DeadLetter");
  EXPECT_EQ(TypeName(TypeForTopic("wire.dedup.state")),
            "wirestream.v1.DedupStateEntry");
  EXPECT_EQ(TypeForTopic("metrics.raw").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(TypeByNameTest, ShortAndFullNamesAndBytes) {
  EXPECT_EQ(TypeName(TypeByName("Story")), "wirestream.v1.Story");
  EXPECT_EQ(TypeName(TypeByName("wirestream.v1.DeadLetter")),
            "wirestream.v1.DeadLetter");
  EXPECT_EQ(TypeName(TypeByName("bytes")), "bytes");
  absl::StatusOr<const google::protobuf::Message*> bad = TypeByName("Stroy");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              ::testing::StartsWith("unknown record type \"Stroy\"; known: "
                                    "bytes, RawStory, Story,"));
}

v1::DedupedStory Quake() {
  v1::DedupedStory deduped;
  deduped.mutable_story()->set_headline("Strong quake shakes Anchorage");
  deduped.mutable_story()->set_language("en");
  deduped.mutable_story()->set_version(2);
  deduped.mutable_story()->add_keywords("earthquake");
  deduped.mutable_story()->add_keywords("Alaska");
  deduped.mutable_verdict()->set_kind(v1::DEDUP_KIND_UPDATE);
  return deduped;
}

bool Match(const google::protobuf::Message& m, const std::string& text) {
  absl::StatusOr<FieldMatch> match = ParseMatch(text);
  EXPECT_TRUE(match.ok()) << match.status();
  EXPECT_TRUE(CheckMatch(m, *match).ok()) << CheckMatch(m, *match);
  return Matches(m, *match);
}

TEST(MatchTest, FieldsByJsonOrProtoNames) {
  const v1::DedupedStory quake = Quake();
  EXPECT_TRUE(Match(quake, "story.language=en"));
  EXPECT_FALSE(Match(quake, "story.language=de"));
  EXPECT_TRUE(Match(quake, "story.headline~QUAKE"));
  EXPECT_FALSE(Match(quake, "story.headline=quake"));
  EXPECT_TRUE(Match(quake, "verdict.kind=DEDUP_KIND_UPDATE"));
  EXPECT_TRUE(Match(quake, "story.version=2"));
  EXPECT_TRUE(Match(quake, "story.keywords=Alaska"));
  EXPECT_FALSE(Match(quake, "story.keywords=Hawaii"));
  EXPECT_TRUE(Match(quake, "story.feedItemId="));
  EXPECT_TRUE(Match(quake, "story.feed_item_id="));
}

TEST(MatchTest, BadPathsAreRefused) {
  const v1::DedupedStory quake = Quake();
  EXPECT_EQ(ParseMatch("headline").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMatch("=x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMatch("story..headline=x").status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status missing = CheckMatch(quake, *ParseMatch("story.headlin=x"));
  EXPECT_EQ(missing.message(),
            "--match: wirestream.v1.Story has no field \"headlin\"");
  EXPECT_EQ(CheckMatch(quake, *ParseMatch("story=x")).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckMatch(quake, *ParseMatch("story.language.x=y")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(JsonStringTest, EscapesAndRepairs) {
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a\"b\\c\n\t\x01"), "\"a\\\"b\\\\c\\n\\t\\u0001\"");
  EXPECT_EQ(JsonString("Zürich"), "\"Zürich\"");
  EXPECT_EQ(JsonString(std::string("\xff"
                                   "a",
                                   2)),
            "\"\xEF\xBF\xBD"
            "a\"");
  EXPECT_EQ(JsonString(std::string("\xc3", 1)), "\"\xEF\xBF\xBD\"");
}

TEST(RecordLineTest, EnvelopeAndValue) {
  RecordView record;
  record.topic = "wire.stories";
  record.partition = 2;
  record.offset = 41;
  record.timestamp = absl::FromUnixMillis(1793491200250);
  record.key = "en";
  record.headers = {{"feed", std::string("ap")}, {"empty", std::nullopt}};
  v1::Story story;
  story.set_headline("Quake");
  story.set_urgency(3);
  EXPECT_EQ(RecordLine(record, MessageJson(story), ""),
            "{\"topic\":\"wire.stories\",\"partition\":2,\"offset\":41,"
            "\"timestamp\":\"2026-11-01T00:00:00.250Z\",\"key\":\"en\","
            "\"headers\":[{\"key\":\"feed\",\"value\":\"ap\"},"
            "{\"key\":\"empty\",\"value\":null}],"
            "\"value\":{\"headline\":\"Quake\",\"urgency\":3}}");
  record.key.reset();
  record.headers.clear();
  EXPECT_EQ(RecordLine(record, "null", "not a wirestream.v1.Story"),
            "{\"topic\":\"wire.stories\",\"partition\":2,\"offset\":41,"
            "\"timestamp\":\"2026-11-01T00:00:00.250Z\",\"key\":null,"
            "\"value\":null,\"error\":\"not a wirestream.v1.Story\"}");
}

}  // namespace
}  // namespace wirestream::tools::inspect
