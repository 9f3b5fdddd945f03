#include "pipeline/runtime/embedded_cluster.h"

// clang-format off
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
// clang-format on

#include "absl/strings/str_cat.h"

namespace wirestream::runtime {

absl::StatusOr<std::unique_ptr<EmbeddedCluster>> EmbeddedCluster::Start(
    int brokers) {
  std::unique_ptr<EmbeddedCluster> cluster(new EmbeddedCluster());
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only owns the cluster; it never connects anywhere.
  rd_kafka_conf_set(conf, "bootstrap.servers", "", error, sizeof(error));
  cluster->handle_ =
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (cluster->handle_ == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot start the embedded cluster: ", error));
  }
  cluster->cluster_ = rd_kafka_mock_cluster_new(cluster->handle_, brokers);
  if (cluster->cluster_ == nullptr) {
    return absl::InternalError("cannot start the embedded cluster");
  }
  cluster->bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster->cluster_);
  return cluster;
}

EmbeddedCluster::~EmbeddedCluster() {
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
  if (handle_ != nullptr) rd_kafka_destroy(handle_);
}

absl::Status EmbeddedCluster::CreateTopic(const std::string& topic,
                                          int partitions) {
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError(absl::StrCat("cannot create topic ", topic, ": ",
                                            rd_kafka_err2str(err)));
  }
  return absl::OkStatus();
}

}  // namespace wirestream::runtime
