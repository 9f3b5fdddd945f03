#include "pipeline/stages/normalize/normalizer.h"

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/test_support.h"

namespace wirestream::normalize {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::unique_ptr<Normalizer> MakeNormalizer(NormalizerConfig config = {}) {
  absl::StatusOr<std::unique_ptr<Normalizer>> normalizer =
      Normalizer::Create(std::move(config));
  EXPECT_TRUE(normalizer.ok()) << normalizer.status();
  return *std::move(normalizer);
}

v1::RawStory Raw(std::string payload,
                 v1::WireFormat format = v1::WIRE_FORMAT_UNSPECIFIED) {
  v1::RawStory raw = SampleRawStory("test-item", std::move(payload));
  raw.set_format(format);
  return raw;
}

constexpr char kPlainStory[] =
    "Fire destroys warehouse in port district\n\n"
    "HAMBURG (Reuters) - A fire destroyed a warehouse in the port district "
    "early on Tuesday, the fire brigade said, sending a plume of smoke over "
    "the city centre.\n\n"
    "No one was injured. The cause of the fire was not known.\n";

TEST(NormalizerCreateTest, RejectsUnusableConfig) {
  NormalizerConfig zero_limit;
  zero_limit.max_payload_bytes = 0;
  EXPECT_EQ(Normalizer::Create(zero_limit).status(),
            absl::InvalidArgumentError(
                "max_payload_bytes must be in 1..1073741824, got 0"));

  NormalizerConfig bad_fraction;
  bad_fraction.max_invalid_utf8_fraction = 1.5;
  EXPECT_EQ(Normalizer::Create(bad_fraction).status().code(),
            absl::StatusCode::kInvalidArgument);

  NormalizerConfig bad_language;
  bad_language.fallback_language = "English";
  EXPECT_EQ(Normalizer::Create(bad_language).status(),
            absl::InvalidArgumentError(
                "fallback_language must be a 2-3 letter lower-case language "
                "code or \"und\", got \"English\""));
}

TEST(NormalizerTest, FillsEnvelopeFields) {
  v1::RawStory raw = Raw(kPlainStory);
  raw.set_url("https://news.example/fire");
  absl::StatusOr<v1::Story> story = MakeNormalizer()->Normalize(raw);
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->source(), "sample");
  EXPECT_EQ(story->feed_item_id(), "test-item");
  EXPECT_EQ(story->received_at().seconds(), 1701172800);
  EXPECT_EQ(story->format(), v1::WIRE_FORMAT_PLAIN_TEXT);
  EXPECT_EQ(story->canonical_url(), "https://news.example/fire");
  EXPECT_EQ(story->headline(), "Fire destroys warehouse in port district");
  EXPECT_EQ(story->dateline().place(), "HAMBURG");
  EXPECT_EQ(story->dateline().agency(), "Reuters");
  EXPECT_EQ(story->provider(), "Reuters");
  EXPECT_THAT(story->paragraphs(),
              ElementsAre("A fire destroyed a warehouse in the port district "
                          "early on Tuesday, the fire brigade said, sending a "
                          "plume of smoke over the city centre.",
                          "No one was injured. The cause of the fire was not "
                          "known."));
  EXPECT_EQ(story->language(), "en");
  EXPECT_EQ(story->version(), 1);
  EXPECT_EQ(story->normalized_text(),
            "fire destroys warehouse in port district a fire destroyed a "
            "warehouse in the port district early on tuesday, the fire "
            "brigade said, sending a plume of smoke over the city centre. no "
            "one was injured. the cause of the fire was not known.");
  EXPECT_EQ(story->id().size(), 32u);
}

TEST(NormalizerTest, DeclaredFormatWins) {
  // A plain-text story declared as ninjs is parsed as ninjs, and fails.
  EXPECT_THAT(MakeNormalizer()
                  ->Normalize(Raw(kPlainStory, v1::WIRE_FORMAT_NINJS))
                  .status(),
              IsDeadLetterWith(v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD,
                               HasSubstr("ninjs: JSON error")));
}

TEST(NormalizerTest, OversizedPayloadIsDeadLettered) {
  std::string fifty_megabytes(50 * 1024 * 1024, 'a');
  EXPECT_THAT(
      MakeNormalizer()->Normalize(Raw(std::move(fifty_megabytes))).status(),
      IsDeadLetter(v1::DEAD_LETTER_REASON_OVERSIZED_RECORD,
                   "payload is 52428800 bytes; the limit is 10485760"));
}

TEST(NormalizerTest, RandomBinaryIsUnknownFormat) {
  std::string noise;
  uint32_t state = 12345;
  for (int i = 0; i < 4096; ++i) {
    state = state * 1103515245u + 12345u;
    noise.push_back(static_cast<char>(state >> 24));
  }
  EXPECT_THAT(MakeNormalizer()->Normalize(Raw(noise)).status(),
              IsDeadLetterWith(v1::DEAD_LETTER_REASON_UNKNOWN_FORMAT,
                               HasSubstr("payload is binary")));
}

TEST(NormalizerTest, RepairsAFewInvalidBytesAsWindows1252) {
  // "Café" and curly quotes written by a Windows-1252 system into UTF-8 text.
  std::string payload =
      "Caf\xe9 owners protest new rent rules\n\n"
      "PARIS (AFP) - Owners of caf\xe9s in central Paris protested on Tuesday "
      "against new rules that they say will raise rents, calling them "
      "\x93unfair\x94 and demanding talks with the city hall about the "
      "changes, which take effect in January next year.\n";
  absl::StatusOr<v1::Story> story = MakeNormalizer()->Normalize(Raw(payload));
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->headline(), "Café owners protest new rent rules");
  EXPECT_THAT(story->paragraphs(0), HasSubstr("cafés"));
  EXPECT_THAT(story->paragraphs(0), HasSubstr("“unfair”"));
}

TEST(NormalizerTest, RejectPolicyDeadLettersAnyInvalidByte) {
  NormalizerConfig config;
  config.invalid_utf8 = InvalidUtf8Policy::kReject;
  EXPECT_THAT(MakeNormalizer(config)
                  ->Normalize(Raw("Caf\xe9 owners protest\n\nText.\n"))
                  .status(),
              IsDeadLetter(v1::DEAD_LETTER_REASON_INVALID_UTF8,
                           "payload is not valid UTF-8: 1 invalid bytes in 27 "
                           "(first at byte 3); repair is disabled"));
}

TEST(NormalizerTest, DeclaredCharsetIsConverted) {
  v1::RawStory raw =
      Raw("Caf\xe9 owners protest\n\nOwners of caf\xe9s "
          "protested on Tuesday.\n");
  raw.set_content_type("text/plain; charset=iso-8859-1");
  absl::StatusOr<v1::Story> story = MakeNormalizer()->Normalize(raw);
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->headline(), "Café owners protest");
}

TEST(NormalizerTest, Utf16WithByteOrderMarkIsText) {
  std::string utf16 = "\xff\xfe";
  for (char c : std::string("Headline\n\nA short body paragraph here.\n")) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  absl::StatusOr<v1::Story> story = MakeNormalizer()->Normalize(Raw(utf16));
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->headline(), "Headline");
}

TEST(NormalizerTest, DisplayTextIsNfcAndFoldedTextIsPlain) {
  // "é" as e + combining acute; curly quotes, an em dash, a no-break space.
  absl::StatusOr<v1::Story> story = MakeNormalizer()->Normalize(
      Raw("Cafe\xcc\x81 \xe2\x80\x9cwar\xe2\x80\x9d \xe2\x80\x94 "
          "prices\xc2\xa0soar\n"));
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->headline(), "Café “war” — prices soar");
  EXPECT_EQ(story->normalized_text(), "café \"war\" - prices soar");
}

TEST(NormalizerTest, KillWithoutTextIsAStory) {
  absl::StatusOr<v1::Story> story = MakeNormalizer()->Normalize(Raw(
      R"({"uri": "urn:example:1", "version": "4", "pubstatus": "canceled"})"));
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->pub_status(), v1::PUB_STATUS_CANCELED);
  EXPECT_EQ(story->headline(), "");
  EXPECT_EQ(story->language(), "und");
}

TEST(NormalizerTest, UsableStoryWithoutTextIsEmpty) {
  EXPECT_THAT(
      MakeNormalizer()
          ->Normalize(Raw(R"({"uri": "urn:example:1", "version": "1"})"))
          .status(),
      IsDeadLetter(v1::DEAD_LETTER_REASON_EMPTY_STORY,
                   "ninjs: the story has no headline and no body text"));
}

TEST(NormalizerTest, DeeplyNestedHtmlIsRefusedQuickly) {
  std::string html = "<html><body>";
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "text";
  auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(MakeNormalizer()->Normalize(Raw(html)).status(),
              IsDeadLetter(v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD,
                           "HTML: markup nests about 100002 elements deep; "
                           "more than 2000 is refused"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(NormalizerTest, DeeplyNestedXmlIsParsed) {
  std::string xml = "<nitf><body><body.content>";
  for (int i = 0; i < 50000; ++i) xml += "<block>";
  xml += "<p>Deep text.</p>";
  for (int i = 0; i < 50000; ++i) xml += "</block>";
  xml += "</body.content></body></nitf>";
  absl::StatusOr<v1::Story> story = MakeNormalizer()->Normalize(Raw(xml));
  // The text is below the walkers' depth limit, so the story is empty.
  EXPECT_THAT(story.status(),
              IsDeadLetter(v1::DEAD_LETTER_REASON_EMPTY_STORY,
                           "NITF: the story has no headline and no body text"));
}

TEST(NormalizerTest, SameSourceIdAndVersionGiveTheSameId) {
  std::unique_ptr<Normalizer> normalizer = MakeNormalizer();
  std::string v1_json =
      R"({"uri": "urn:example:7", "version": "1", "headline": "First"})";
  std::string resent =
      R"({"uri": "urn:example:7", "version": "1", "headline": "First!"})";
  std::string v2_json =
      R"({"uri": "urn:example:7", "version": "2", "headline": "Second"})";
  std::string kill =
      R"({"uri": "urn:example:7", "version": "2", "pubstatus": "canceled"})";
  std::string a = normalizer->Normalize(Raw(v1_json))->id();
  std::string b = normalizer->Normalize(Raw(resent))->id();
  std::string c = normalizer->Normalize(Raw(v2_json))->id();
  std::string d = normalizer->Normalize(Raw(kill))->id();
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(c, d);
  v1::RawStory other_feed = Raw(v1_json);
  other_feed.set_source("other");
  EXPECT_NE(normalizer->Normalize(other_feed)->id(), a);
}

TEST(NormalizerTest, AbsentTimesStayUnset) {
  for (const char* payload :
       {R"({"uri": "u", "headline": "H", "firstcreated": "not a time"})",
        "<newsItem guid=\"g\"><contentMeta><headline>H</headline>"
        "</contentMeta></newsItem>",
        "<html><head><title>H</title></head><body><p>A paragraph of the "
        "story that is long enough to count as article text on a page "
        "like this one.</p></body></html>"}) {
    absl::StatusOr<v1::Story> story = MakeNormalizer()->Normalize(Raw(payload));
    ASSERT_TRUE(story.ok()) << story.status();
    EXPECT_FALSE(story->has_first_created()) << payload;
    EXPECT_FALSE(story->has_version_created()) << payload;
  }
}

// The page of the issue, saved as text: teasers for other stories (title,
// summary, "Read More »"), a "Source: ..." credit and a dateline that opens
// the story after its standfirst.
TEST(NormalizerTest, PageDumpKeepsOnlyTheStoryAndMovesItsParts) {
  absl::StatusOr<v1::Story> story = MakeNormalizer()->Normalize(
      Raw("Home | World | Business | Markets | Tech\n\n"
          "Japan and China agree to resume hotline talks\n\n"
          "Share on Facebook\n\n"
          "The two neighbours will meet again in January.\n\n"
          "TOKYO — Japan and China agreed on Tuesday to resume talks on a "
          "maritime hotline, officials from both governments said after a "
          "meeting in Beijing.\n\n"
          "The two sides last met in March, the foreign ministry in Tokyo "
          "said in a statement, and both hope to sign an agreement next "
          "year.\n\n"
          "Source: Nikkei Asia\n\n"
          "Indonesia raises rates for a third time\n\n"
          "Bank Indonesia raised its benchmark rate by a quarter point on "
          "Thursday to defend the rupiah, which hit a record low against the "
          "dollar this week.\n\n"
          "Read More »\n\n"
          "Vietnam exports slow as chip demand cools\n\n"
          "Vietnam's exports grew at the slowest pace in a year in November "
          "as demand for electronics and chips from its main markets cooled, "
          "data showed.\n\n"
          "Read More »\n"));
  ASSERT_TRUE(story.ok()) << story.status();
  EXPECT_EQ(story->headline(), "Japan and China agree to resume hotline talks");
  EXPECT_EQ(story->dateline().place(), "TOKYO");
  EXPECT_THAT(story->attributions(), ElementsAre("Source: Nikkei Asia"));
  // The standfirst is short page text outside the story's run of
  // paragraphs; the teasers are gone.
  EXPECT_THAT(story->paragraphs(),
              ElementsAre(testing::StartsWith("Japan and China agreed on "
                                              "Tuesday"),
                          testing::StartsWith("The two sides last met")));
}

TEST(StoryIdTest, IsStable) {
  EXPECT_EQ(StoryId("ap", "urn:ap:1", 2, "", false),
            StoryId("ap", "urn:ap:1", 2, "ignored text", false));
  EXPECT_EQ(StoryId("ap", "", 1, "same text", false),
            StoryId("ap", "", 1, "same text", false));
  EXPECT_NE(StoryId("ap", "", 1, "same text", false),
            StoryId("ap", "", 1, "other text", false));
}

}  // namespace
}  // namespace wirestream::normalize
