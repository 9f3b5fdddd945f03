// The broker test helpers themselves: unique names, producing and reading
// back records exactly, and both isolation levels.
#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/broker.h"

namespace wirestream::testsupport {
namespace {

using runtime::RecordHeader;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

TestRecord Record(int32_t partition, std::optional<std::string> key,
                  std::optional<std::string> value,
                  std::vector<RecordHeader> headers = {}) {
  TestRecord r;
  r.partition = partition;
  r.key = std::move(key);
  r.value = std::move(value);
  r.headers = std::move(headers);
  return r;
}

TEST(UniqueTopicNameTest, NamesTheTestAndNeverRepeats) {
  const std::string a = UniqueTopicName("stories");
  const std::string b = UniqueTopicName("stories");
  EXPECT_NE(a, b);
  EXPECT_THAT(a, StartsWith("stories.UniqueTopicNameTest."
                            "NamesTheTestAndNeverRepeats."));
  EXPECT_THAT(a, MatchesRegex("[A-Za-z0-9._-]+"));
}

TEST(UniqueTopicNameTest, ReplacesIllegalCharactersAndKeepsKafkasLimit) {
  const std::string odd = UniqueTopicName("wire raw/ü");
  EXPECT_THAT(odd, StartsWith("wire-raw---."));
  EXPECT_THAT(odd, MatchesRegex("[A-Za-z0-9._-]+"));

  const std::string long_name = UniqueTopicName(std::string(400, 'x'));
  EXPECT_EQ(long_name.size(), 249);
  EXPECT_NE(long_name, UniqueTopicName(std::string(400, 'x')));
}

TEST(BrokerSupportTest, ReadsBackExactlyWhatWasProduced) {
  absl::StatusOr<std::string> topic = CreateUniqueTopic("roundtrip", 3);
  ASSERT_TRUE(topic.ok()) << topic.status();
  const std::vector<TestRecord> sent = {
      Record(0, "story-1", "Flood warning for the Elbe",
             {{"source", "agency-a"}, {"format", "ninjs"}}),
      Record(2, std::nullopt, "no key"),
      Record(0, "story-1", std::nullopt),  // a tombstone
      Record(1, "story-2", "", {{"empty", ""}, {"null", std::nullopt}}),
      Record(2, "story-3", std::string("bin\0ary", 7)),
  };
  absl::Status produced = ProduceRecords(*topic, sent);
  ASSERT_TRUE(produced.ok()) << produced;

  ReadOptions options;
  options.min_records = sent.size();
  absl::StatusOr<std::vector<TestRecord>> got = ReadRecords(*topic, options);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 5);
  // Sorted by partition, then offset.
  const std::vector<std::pair<int32_t, int64_t>> positions = {
      {0, 0}, {0, 1}, {1, 0}, {2, 0}, {2, 1}};
  const std::vector<int> order = {0, 2, 3, 1, 4};
  for (size_t i = 0; i < got->size(); ++i) {
    const TestRecord& r = (*got)[i];
    const TestRecord& want = sent[order[i]];
    SCOPED_TRACE(i);
    EXPECT_EQ(r.topic, *topic);
    EXPECT_EQ(r.partition, positions[i].first);
    EXPECT_EQ(r.offset, positions[i].second);
    EXPECT_EQ(r.key, want.key);
    EXPECT_EQ(r.value, want.value);
    EXPECT_EQ(r.headers, want.headers);
    EXPECT_LT(absl::Now() - r.timestamp, absl::Minutes(5));
  }
}

TEST(BrokerSupportTest, KeepsTheGivenTimestamp) {
  absl::StatusOr<std::string> topic = CreateUniqueTopic("timestamps", 1);
  ASSERT_TRUE(topic.ok()) << topic.status();
  TestRecord r = Record(0, "k", "v");
  r.timestamp = absl::FromUnixMillis(1700000000123);
  ASSERT_TRUE(ProduceRecords(*topic, {r}).ok());
  ReadOptions options;
  options.min_records = 1;
  absl::StatusOr<std::vector<TestRecord>> got = ReadRecords(*topic, options);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1);
  EXPECT_EQ((*got)[0].timestamp, absl::FromUnixMillis(1700000000123));
}

TEST(BrokerSupportTest, ReturnsWhatArrivedWhenTheDeadlinePasses) {
  absl::StatusOr<std::string> topic = CreateUniqueTopic("short", 2);
  ASSERT_TRUE(topic.ok()) << topic.status();
  ASSERT_TRUE(
      ProduceRecords(*topic, {Record(0, "a", "1"), Record(1, "b", "2")}).ok());

  ReadOptions options;
  options.min_records = 3;
  options.timeout = absl::Seconds(3);
  const absl::Time start = absl::Now();
  absl::StatusOr<std::vector<TestRecord>> got = ReadRecords(*topic, options);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->size(), 2);
  EXPECT_GE(absl::Now() - start, absl::Seconds(3));
}

TEST(BrokerSupportTest, ReadsAnEmptyTopicWithoutWaiting) {
  absl::StatusOr<std::string> topic = CreateUniqueTopic("empty", 2);
  ASSERT_TRUE(topic.ok()) << topic.status();
  ReadOptions options;
  options.timeout = absl::Seconds(20);
  const absl::Time start = absl::Now();
  absl::StatusOr<std::vector<TestRecord>> got = ReadRecords(*topic, options);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, IsEmpty());
  EXPECT_LT(absl::Now() - start, absl::Seconds(15));
}

TEST(BrokerSupportTest, ReadingAMissingTopicIsNotFound) {
  ReadOptions options;
  options.timeout = absl::Seconds(5);
  EXPECT_EQ(ReadRecords(UniqueTopicName("missing"), options).status().code(),
            absl::StatusCode::kNotFound);
}

// Writes one aborted and one committed transaction to `topic`.
void WriteAbortedThenCommitted(const std::string& topic) {
  absl::StatusOr<std::string> bootstrap = BootstrapServers();
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  ASSERT_EQ(conf->set("bootstrap.servers", *bootstrap, err),
            RdKafka::Conf::CONF_OK);
  ASSERT_EQ(conf->set("transactional.id", UniqueTopicName("txn"), err),
            RdKafka::Conf::CONF_OK);
  std::unique_ptr<RdKafka::Producer> producer(
      RdKafka::Producer::create(conf.get(), err));
  ASSERT_NE(producer, nullptr) << err;

  auto check = [](RdKafka::Error* error) {
    std::unique_ptr<RdKafka::Error> owned(error);
    return owned == nullptr ? std::string() : owned->str();
  };
  ASSERT_EQ(check(producer->init_transactions(30000)), "");
  for (const std::string value : {"aborted", "committed"}) {
    ASSERT_EQ(check(producer->begin_transaction()), "");
    ASSERT_EQ(producer->produce(topic, 0, RdKafka::Producer::RK_MSG_COPY,
                                const_cast<char*>(value.data()), value.size(),
                                "k", 1, 0, nullptr),
              RdKafka::ERR_NO_ERROR);
    if (value == "aborted") {
      ASSERT_EQ(producer->flush(30000), RdKafka::ERR_NO_ERROR);
      ASSERT_EQ(check(producer->abort_transaction(30000)), "");
    } else {
      ASSERT_EQ(check(producer->commit_transaction(30000)), "");
    }
  }
}

TEST(BrokerSupportTest, IsolationLevelDecidesWhetherAbortedRecordsShow) {
  absl::StatusOr<std::string> topic = CreateUniqueTopic("txn", 1);
  ASSERT_TRUE(topic.ok()) << topic.status();
  WriteAbortedThenCommitted(*topic);
  if (HasFatalFailure()) return;

  ReadOptions committed;
  committed.min_records = 1;
  committed.isolation = Isolation::kReadCommitted;
  absl::StatusOr<std::vector<TestRecord>> got = ReadRecords(*topic, committed);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1);
  EXPECT_EQ((*got)[0].value, "committed");
  // Offset 0 is the aborted record, 1 its abort marker.
  EXPECT_EQ((*got)[0].offset, 2);

  ReadOptions uncommitted;
  uncommitted.min_records = 2;
  uncommitted.isolation = Isolation::kReadUncommitted;
  got = ReadRecords(*topic, uncommitted);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2);
  EXPECT_EQ((*got)[0].value, "aborted");
  EXPECT_EQ((*got)[0].offset, 0);
  EXPECT_EQ((*got)[1].value, "committed");
  EXPECT_EQ((*got)[1].offset, 2);
}

}  // namespace
}  // namespace wirestream::testsupport
