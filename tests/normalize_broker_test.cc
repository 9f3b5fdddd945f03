// The normalize worker on a real broker: every sample story in, one Story
// out per story with the expected headline, bad payloads dead-lettered with
// their original bytes and a specific reason.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/broker.h"
#include "tests/support/worker_process.h"
#include "wirestream/v1/dead_letter.pb.h"
#include "wirestream/v1/raw_story.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream {
namespace {

using testsupport::TestRecord;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string SamplesDir() {
  return absl::StrCat(std::getenv("TEST_SRCDIR"),
                      "/wirestream/pipeline/stages/normalize/testdata/stories");
}

TEST(NormalizeBrokerTest, RawStoriesInStoriesAndDeadLettersOut) {
  auto in = testsupport::CreateUniqueTopic("raw", 3);
  auto out = testsupport::CreateUniqueTopic("stories", 3);
  auto dlq = testsupport::CreateUniqueTopic("dlq", 1,
                                            {{"max.message.bytes", "8388608"}});
  ASSERT_TRUE(in.ok() && out.ok() && dlq.ok());

  std::vector<TestRecord> records;
  std::map<std::string, std::string> payload_by_key;
  for (const auto& entry : std::filesystem::directory_iterator(SamplesDir())) {
    v1::RawStory raw;
    raw.set_feed_item_id(entry.path().filename().string());
    raw.set_source("test-feed");
    raw.set_payload(ReadFile(entry.path()));
    raw.mutable_received_at()->set_seconds(1764320000);
    TestRecord r;
    r.key = raw.feed_item_id();
    r.value = raw.SerializeAsString();
    records.push_back(r);
    payload_by_key[*r.key] = *r.value;
  }
  const size_t good = records.size();
  ASSERT_GE(good, 10u);
  // Bad input: not a RawStory, binary garbage, an empty story, truncated XML.
  auto bad = [&](const std::string& key, const std::string& value) {
    TestRecord r;
    r.key = key;
    r.value = value;
    records.push_back(r);
    payload_by_key[key] = value;
  };
  bad("not-a-raw-story", std::string("\x0a\x7f"
                                     "zz",
                                     4));
  v1::RawStory binary;
  binary.set_feed_item_id("binary");
  binary.set_payload(std::string("\x00\x01\x02\x03\xff\xfe\xfd", 7));
  bad("binary", binary.SerializeAsString());
  v1::RawStory empty;
  empty.set_feed_item_id("empty");
  bad("empty", empty.SerializeAsString());
  v1::RawStory truncated;
  truncated.set_feed_item_id("truncated");
  truncated.set_format(v1::WIRE_FORMAT_NITF);
  truncated.set_payload("<?xml version=\"1.0\"?><nitf><head><title>Storm");
  bad("truncated", truncated.SerializeAsString());
  ASSERT_TRUE(testsupport::ProduceRecords(*in, records).ok());

  testsupport::WorkerProcess worker(
      testsupport::WorkerBinary("normalize"),
      {absl::StrCat("--bootstrap=", *testsupport::BootstrapServers()),
       absl::StrCat("--input=", *in), absl::StrCat("--output=", *out),
       absl::StrCat("--dlq=", *dlq), absl::StrCat("--group=", *in, ".group"),
       "--http="});
  ASSERT_TRUE(worker.Start().ok());
  auto stories = testsupport::ReadRecords(
      *out, {.min_records = good, .timeout = absl::Seconds(60)});
  auto dead = testsupport::ReadRecords(
      *dlq, {.min_records = 4, .timeout = absl::Seconds(30)});
  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();
  ASSERT_TRUE(stories.ok() && dead.ok());

  ASSERT_EQ(stories->size(), good) << worker.Log();
  std::map<std::string, v1::Story> by_item;
  for (const TestRecord& r : *stories) {
    v1::Story story;
    ASSERT_TRUE(story.ParseFromString(*r.value));
    if (story.pub_status() != v1::PUB_STATUS_CANCELED &&
        story.pub_status() != v1::PUB_STATUS_WITHHELD) {
      EXPECT_FALSE(story.headline().empty()) << story.feed_item_id();
    }
    EXPECT_FALSE(story.id().empty());
    EXPECT_EQ(*r.key, story.language()) << "keyed by the dedup domain";
    EXPECT_EQ(story.received_at().seconds(), 1764320000);
    by_item[story.feed_item_id()] = story;
  }
  ASSERT_EQ(by_item.size(), good);
  const v1::Story& kill = by_item.at("newsml-g2-reuters-retail-v3-kill.xml");
  EXPECT_EQ(kill.pub_status(), v1::PUB_STATUS_CANCELED);
  EXPECT_EQ(by_item.at("ninjs-1x-ap-quake.json").format(),
            v1::WIRE_FORMAT_NINJS);
  EXPECT_EQ(by_item.at("anpa-ap-storm-lead.anpa").format(),
            v1::WIRE_FORMAT_ANPA_1312);

  ASSERT_EQ(dead->size(), 4u);
  std::map<std::string, v1::DeadLetterReason> reasons;
  for (const TestRecord& r : *dead) {
    v1::DeadLetter letter;
    ASSERT_TRUE(letter.ParseFromString(*r.value));
    EXPECT_EQ(letter.original_value(), payload_by_key.at(*r.key));
    EXPECT_EQ(letter.stage(), "normalize");
    EXPECT_EQ(letter.source_topic(), *in);
    EXPECT_FALSE(letter.message().empty());
    reasons[*r.key] = letter.reason();
  }
  EXPECT_EQ(reasons["not-a-raw-story"],
            v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD);
  EXPECT_EQ(reasons["empty"], v1::DEAD_LETTER_REASON_EMPTY_STORY);
  EXPECT_EQ(reasons["truncated"], v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD);
  EXPECT_NE(reasons["binary"], v1::DEAD_LETTER_REASON_UNSPECIFIED);
  RecordProperty("binary_reason", v1::DeadLetterReason_Name(reasons["binary"]));
}

}  // namespace
}  // namespace wirestream
