// File: tools/common/kafka_clients.h
//
// librdkafka clients for the operator tools. The cluster's metadata is
// fetched with a deadline before any work, so an unreachable broker or a
// missing topic is one line on stderr within seconds, not a hang; client
// log chatter stays off the terminal unless asked for.
//
//   ClientOptions options{.bootstrap = "127.0.0.1:9092"};
//   auto consumer = MakeConsumer(options, {{"group.id", "ops"}});
//   auto topics = ListTopics(**consumer, options.connect_timeout);
//   auto partitions = PartitionCount(*topics, "wire.raw");
#ifndef WIRESTREAM_TOOLS_COMMON_KAFKA_CLIENTS_H_
#define WIRESTREAM_TOOLS_COMMON_KAFKA_CLIENTS_H_

#include <librdkafka/rdkafkacpp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace wirestream::tools {

struct ClientOptions {
  std::string bootstrap;
  // The operator's properties (-X); they override the tool's own.
  std::vector<std::pair<std::string, std::string>> properties;
  // How long to wait for the cluster's first answer.
  absl::Duration connect_timeout = absl::Seconds(5);
  // Show librdkafka's own log lines on stderr.
  bool client_logs = false;
  std::string client_id = "wirestream-tools";
};

// Returns configuration with bootstrap.servers, client.id, `tool_defaults`
// and then the operator's properties. INVALID_ARGUMENT names a property
// librdkafka refuses.
absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeConf(
    const ClientOptions& options,
    const std::vector<std::pair<std::string, std::string>>& tool_defaults);

absl::StatusOr<std::unique_ptr<RdKafka::KafkaConsumer>> MakeConsumer(
    const ClientOptions& options,
    const std::vector<std::pair<std::string, std::string>>& tool_defaults);

// `delivery` (may be null) receives every delivery report; it must outlive
// the producer.
absl::StatusOr<std::unique_ptr<RdKafka::Producer>> MakeProducer(
    const ClientOptions& options,
    const std::vector<std::pair<std::string, std::string>>& tool_defaults,
    RdKafka::DeliveryReportCb* delivery);

// Returns every topic on the cluster with its partition count. UNAVAILABLE
// ("cannot reach Kafka at HOST:PORT within 5s: ...") when the cluster does
// not answer in `timeout`; UNAUTHENTICATED ("cannot sign in to Kafka at
// HOST:PORT (security.protocol=..., sasl.username=...): ...") when a
// broker refused the credentials or the TLS handshake failed.
// `properties` (the operator's) only name the listener in that message;
// secrets never appear.
absl::StatusOr<std::map<std::string, int32_t>> ListTopics(
    RdKafka::Handle& client, const std::string& bootstrap,
    absl::Duration timeout,
    const std::vector<std::pair<std::string, std::string>>& properties = {});

// Returns the partition count of `topic`; NOT_FOUND ("no topic X on the
// cluster") when it does not exist.
absl::StatusOr<int32_t> PartitionCount(
    const std::map<std::string, int32_t>& topics, const std::string& topic);

// Deletes the consumer group `group` (its committed offsets) through
// `client`. NOT_FOUND when there is no such group, FAILED_PRECONDITION when
// it still has members (a consumer of it is running), UNAVAILABLE when the
// cluster does not answer in `timeout`.
absl::Status DeleteConsumerGroup(RdKafka::Handle& client,
                                 const std::string& group,
                                 absl::Duration timeout);

// Returns librdkafka's millisecond timeouts, clamped to [0, 1 h].
int ToMillis(absl::Duration d);

}  // namespace wirestream::tools

#endif  // WIRESTREAM_TOOLS_COMMON_KAFKA_CLIENTS_H_
