// File: pipeline/runtime/topics.h
//
// Creates, deletes and lists Kafka topics through librdkafka's Admin API, and
// names the standard set of topics the pipeline runs on.
//
//   TopicAdminOptions options;
//   options.bootstrap_servers = "127.0.0.1:9092";
//   absl::StatusOr<std::unique_ptr<TopicAdmin>> admin =
//       TopicAdmin::Create(options);
//   if (!admin.ok()) return admin.status();
//   PipelineTopicsOptions topics;
//   topics.partitions = 6;
//   topics.prefix = "backfill-";
//   absl::Status created =
//       (*admin)->CreateTopics(DefaultPipelineTopics(topics));
//
// Creating is idempotent: a topic that already exists with the requested
// partition count counts as created (its configuration is left as it is); one
// that exists with another partition count is reported as
// FAILED_PRECONDITION, since changing it would move keys between partitions.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_TOPICS_H_
#define WIRESTREAM_PIPELINE_RUNTIME_TOPICS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// librdkafka's client handle (rdkafka.h), kept out of this header.
typedef struct rd_kafka_s rd_kafka_t;

namespace wirestream::runtime {

// The default names of the pipeline's topics. Topic names are
// configuration: stages take them from flags, these are only the defaults.
inline constexpr absl::string_view kRawTopic = "wire.raw";
inline constexpr absl::string_view kStoriesTopic = "wire.stories";
inline constexpr absl::string_view kUniqueTopic = "wire.unique";
inline constexpr absl::string_view kDuplicatesTopic = "wire.duplicates";
inline constexpr absl::string_view kClassifiedTopic = "wire.classified";
inline constexpr absl::string_view kEnrichedTopic = "wire.enriched";
inline constexpr absl::string_view kAlertsTopic = "wire.alerts";
inline constexpr absl::string_view kDeadLetterTopic = "wire.dlq";
inline constexpr absl::string_view kDedupStateTopic = "wire.dedup.state";
inline constexpr absl::string_view kAlertStateTopic = "wire.alert.state";

// The largest record the dead-letter topic accepts (64 MiB), so that an
// oversized original can still be dead-lettered whole.
inline constexpr int64_t kDeadLetterMaxMessageBytes = int64_t{64} << 20;

// A topic to create.
struct TopicSpec {
  std::string name;
  int32_t partitions = 1;
  // -1: the broker's default.
  int16_t replication_factor = -1;
  // Topic-level configuration, e.g. {"cleanup.policy", "compact"}.
  std::map<std::string, std::string> configs;
};

struct PipelineTopicsOptions {
  // Partitions of every topic: the unit of parallelism of each stage.
  int32_t partitions = 1;
  // Prepended to every name, e.g. "backfill-" gives "backfill-wire.raw".
  std::string prefix;
  int16_t replication_factor = -1;
};

// Returns the pipeline's standard topics: wire.raw, wire.stories,
// wire.unique, wire.duplicates, wire.classified, wire.enriched, wire.alerts,
// wire.dlq (max.message.bytes 64 MiB), wire.dedup.state and
// wire.alert.state (both compacted), in that order.
std::vector<TopicSpec> DefaultPipelineTopics(
    const PipelineTopicsOptions& options);

struct TopicAdminOptions {
  // HOST:PORT[,HOST:PORT...]
  std::string bootstrap_servers;
  // Passed straight to librdkafka (security.protocol, sasl.*, ssl.*, ...).
  std::vector<std::pair<std::string, std::string>> client_config;
  // Bounds every call: broker requests and waiting for metadata to agree.
  absl::Duration timeout = absl::Seconds(30);
};

// A Kafka admin client. Thread-compatible: one call at a time per instance.
// Every call blocks for at most the configured timeout.
class TopicAdmin {
 public:
  // Returns an admin client, or INVALID_ARGUMENT when the bootstrap address
  // is empty or librdkafka rejects a client property. Connecting is lazy: an
  // unreachable broker shows up as DEADLINE_EXCEEDED from the first call.
  static absl::StatusOr<std::unique_ptr<TopicAdmin>> Create(
      const TopicAdminOptions& options);

  ~TopicAdmin();
  TopicAdmin(const TopicAdmin&) = delete;
  TopicAdmin& operator=(const TopicAdmin&) = delete;

  // Creates `topics` and waits until the broker's metadata shows each with
  // its partitions. A topic that already exists with the same partition count
  // is success. Otherwise returns the first failure's code with every failed
  // topic in the message:
  //   FAILED_PRECONDITION  exists with another partition count;
  //   INVALID_ARGUMENT     bad name, partition count or configuration;
  //   DEADLINE_EXCEEDED    the broker did not answer in time.
  absl::Status CreateTopics(const std::vector<TopicSpec>& topics);
  absl::Status CreateTopic(const TopicSpec& topic);

  // Deletes `names` and waits until the metadata no longer shows them.
  // Returns NOT_FOUND (naming them) when some did not exist; the others are
  // deleted all the same.
  absl::Status DeleteTopics(const std::vector<std::string>& names);

  // Returns the partition count of every topic in the cluster, internal ones
  // (those starting with "__") left out.
  absl::StatusOr<std::map<std::string, int32_t>> ListTopics();

  // Returns the partition count of `name`, or NOT_FOUND.
  absl::StatusOr<int32_t> PartitionCount(absl::string_view name);

  // Which configuration entries DescribeTopicConfig returns.
  enum class ConfigScope {
    // Every entry's effective value, broker defaults included.
    kEffective,
    // Only the entries set on the topic itself.
    kTopicOverrides,
  };

  // Returns the configuration of topic `name` (sensitive entries left out),
  // or NOT_FOUND.
  absl::StatusOr<std::map<std::string, std::string>> DescribeTopicConfig(
      absl::string_view name, ConfigScope scope = ConfigScope::kEffective);

 private:
  // A topic as the broker's metadata shows it.
  struct TopicState {
    int32_t partitions = 0;
    // Every partition has a leader: records can be produced.
    bool ready = false;
  };
  using ClusterTopics = std::map<std::string, TopicState>;

  TopicAdmin(rd_kafka_t* client, absl::Duration timeout);

  // Returns every topic in the cluster, internal ones included.
  absl::StatusOr<ClusterTopics> FetchTopics(absl::Duration timeout);

  // Polls metadata until `done` holds for it or `deadline` passes, then
  // returns DEADLINE_EXCEEDED saying it was waiting for `what`.
  absl::Status WaitForMetadata(
      absl::Time deadline, absl::string_view what,
      const std::function<bool(const ClusterTopics&)>& done);

  rd_kafka_t* client_;
  absl::Duration timeout_;
};

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_TOPICS_H_
