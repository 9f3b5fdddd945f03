// File: tests/support/broker.h
//
// What integration tests need from a real Kafka broker: its address, topics
// of their own, records written to them and read back.
//
//   absl::StatusOr<std::string> topic = CreateUniqueTopic("stories", 3);
//   ASSERT_TRUE(topic.ok()) << topic.status();
//   TestRecord record;
//   record.key = "story-1";
//   record.value = "Flood warning for the Elbe";
//   record.headers = {{"source", "agency-a"}};
//   ASSERT_TRUE(ProduceRecords(*topic, {record}).ok());
//   ReadOptions read;
//   read.min_records = 1;
//   absl::StatusOr<std::vector<TestRecord>> got = ReadRecords(*topic, read);
//
// The broker is the one named by the environment variable
// WIRESTREAM_BOOTSTRAP (scripts/test.sh starts one and sets it). Without it
// the first call starts a private broker with scripts/kafka-start.sh, found
// through WIRESTREAM_ROOT (the workspace root), and stops it when the test
// process exits. Tests share a broker, so each one works on topics named by
// UniqueTopicName and never on fixed names.
//
// Functions here are thread-safe; each call makes its own Kafka clients.
#ifndef WIRESTREAM_TESTS_SUPPORT_BROKER_H_
#define WIRESTREAM_TESTS_SUPPORT_BROKER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/runtime/topics.h"

namespace wirestream::testsupport {

// librdkafka properties, passed straight through.
using ClientConfig = std::vector<std::pair<std::string, std::string>>;

// Returns the bootstrap address of the test broker, starting one on the
// first call if WIRESTREAM_BOOTSTRAP is not set. FAILED_PRECONDITION when
// neither WIRESTREAM_BOOTSTRAP nor WIRESTREAM_ROOT is set; UNAVAILABLE when
// the broker does not start. Later calls return the first call's result.
absl::StatusOr<std::string> BootstrapServers();

// Returns a topic name that no other test uses, on this broker or any
// other: `base`, the running gtest's suite and test name, the process id,
// a counter and a random tag, e.g.
// "stories.TopicsTest.CreatesCompacted.4711.3-0a9f0c1e". Only characters
// Kafka allows in topic names, at most 249 of them.
std::string UniqueTopicName(absl::string_view base);

// Creates `topics` on the test broker (idempotent, see TopicAdmin).
absl::Status CreateTopics(const std::vector<runtime::TopicSpec>& topics);

// Creates a topic named UniqueTopicName(base) and returns its name.
absl::StatusOr<std::string> CreateUniqueTopic(
    absl::string_view base, int32_t partitions,
    std::map<std::string, std::string> configs = {});

// A record to produce, or one read back.
struct TestRecord {
  // Read: the record's topic. Ignored when producing.
  std::string topic;
  // Produce: -1 lets the partitioner choose (by key). Read: the partition.
  int32_t partition = -1;
  // Read only: the record's offset.
  int64_t offset = -1;
  // nullopt: a null key or value (a tombstone has no value).
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<runtime::RecordHeader> headers;
  // Read: the record's timestamp. Produce: InfinitePast means "now".
  absl::Time timestamp = absl::InfinitePast();
};

// Writes `records` to `topic` in order, with an idempotent producer, and
// waits until every one is acknowledged (acks=all). Returns the first
// delivery error, or DEADLINE_EXCEEDED when some are still unacknowledged
// after `timeout`. `client_config` is added to the producer's properties
// (e.g. message.max.bytes for large records).
absl::Status ProduceRecords(absl::string_view topic,
                            const std::vector<TestRecord>& records,
                            const ClientConfig& client_config = {},
                            absl::Duration timeout = absl::Seconds(30));

enum class Isolation {
  // Only records of committed transactions (and non-transactional ones).
  kReadCommitted,
  // Every record written, aborted transactions' included.
  kReadUncommitted,
};

struct ReadOptions {
  // Reading stops once at least this many records arrived and every
  // partition has been read to its end.
  size_t min_records = 0;
  // ... or when this much time has passed, with whatever arrived.
  absl::Duration timeout = absl::Seconds(30);
  Isolation isolation = Isolation::kReadCommitted;
  ClientConfig client_config;
};

// Returns the records of every partition of `topic` from the beginning,
// sorted by partition and offset. Reads without a consumer group's
// commits, so it never disturbs the group of a stage under test. Running out
// of time is not an error: the caller asserts on what came back.
absl::StatusOr<std::vector<TestRecord>> ReadRecords(absl::string_view topic,
                                                    const ReadOptions& options);

}  // namespace wirestream::testsupport

#endif  // WIRESTREAM_TESTS_SUPPORT_BROKER_H_
