// File: pipeline/runtime/embedded_cluster.h
//
// An in-process Kafka cluster (librdkafka's mock cluster) for the quick
// start and fast tests. Real clients connect to it over loopback.
//
//   auto cluster = EmbeddedCluster::Start();
//   (*cluster)->CreateTopic("wire.raw", 3);
//   config.bootstrap_servers = (*cluster)->bootstrap_servers();
//   config.mode = DeliveryMode::kAtLeastOnce;   // no transactions here
//
// It does not implement transactional offset commits, read_committed or
// offsetsForTimes faithfully: exactly-once is tested on a real broker.
// Thread-safe after Start.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_EMBEDDED_CLUSTER_H_
#define WIRESTREAM_PIPELINE_RUNTIME_EMBEDDED_CLUSTER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace wirestream::runtime {

class EmbeddedCluster {
 public:
  // Starts a cluster of `brokers` brokers on loopback ports.
  static absl::StatusOr<std::unique_ptr<EmbeddedCluster>> Start(
      int brokers = 1);
  ~EmbeddedCluster();

  // "127.0.0.1:port,..." for clients.
  const std::string& bootstrap_servers() const { return bootstrap_; }

  // Creates `topic` with `partitions` partitions.
  absl::Status CreateTopic(const std::string& topic, int partitions);

 private:
  EmbeddedCluster() = default;
  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
};

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_EMBEDDED_CLUSTER_H_
