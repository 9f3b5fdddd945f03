#include "tools/common/kafka_clients.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "pipeline/runtime/kafka_listener.h"

namespace wirestream::tools {
namespace {

// The first sign-in failure (refused credentials, failed TLS handshake) any
// client of this process met, for ListTopics to name.
absl::Mutex sign_in_mutex(absl::kConstInit);
std::string* sign_in_failure ABSL_GUARDED_BY(sign_in_mutex) = nullptr;

// Returns `properties` with `bootstrap` as bootstrap.servers first.
std::vector<std::pair<std::string, std::string>> Described(
    const std::string& bootstrap,
    const std::vector<std::pair<std::string, std::string>>& properties) {
  std::vector<std::pair<std::string, std::string>> all = {
      {"bootstrap.servers", bootstrap}};
  all.insert(all.end(), properties.begin(), properties.end());
  return all;
}

std::string SignInFailure() {
  absl::MutexLock lock(&sign_in_mutex);
  return sign_in_failure == nullptr ? "" : *sign_in_failure;
}

// Drops librdkafka's log lines (connection refused, retrying ...) so a tool
// prints only its own one-line error, or passes them through when asked.
// Keeps the first sign-in failure.
class ClientLog : public RdKafka::EventCb {
 public:
  explicit ClientLog(bool show) : show_(show) {}
  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_ERROR &&
        (event.err() == RdKafka::ERR__AUTHENTICATION ||
         event.err() == RdKafka::ERR__SSL)) {
      absl::MutexLock lock(&sign_in_mutex);
      if (sign_in_failure == nullptr) {
        sign_in_failure = new std::string(event.str());
      }
    }
    if (show_ && event.type() == RdKafka::Event::EVENT_LOG) {
      fprintf(stderr, "kafka: %s %s\n", event.fac().c_str(),
              event.str().c_str());
    }
  }

 private:
  bool show_;
};

ClientLog* SharedLog(bool show) {
  static ClientLog* quiet = new ClientLog(false);
  static ClientLog* loud = new ClientLog(true);
  return show ? loud : quiet;
}

}  // namespace

int ToMillis(absl::Duration d) {
  return static_cast<int>(
      std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 0, 3600 * 1000));
}

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeConf(
    const ClientOptions& options,
    const std::vector<std::pair<std::string, std::string>>& tool_defaults) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string errstr;
  std::vector<std::pair<std::string, std::string>> all = {
      {"bootstrap.servers", options.bootstrap},
      {"client.id", options.client_id},
  };
  all.insert(all.end(), tool_defaults.begin(), tool_defaults.end());
  all.insert(all.end(), options.properties.begin(), options.properties.end());
  for (const auto& [name, value] : all) {
    if (conf->set(name, value, errstr) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(
          absl::StrCat("Kafka property ", name, ": ", errstr));
    }
  }
  if (conf->set("event_cb", SharedLog(options.client_logs), errstr) !=
      RdKafka::Conf::CONF_OK) {
    return absl::InternalError(errstr);
  }
  return conf;
}

absl::StatusOr<std::unique_ptr<RdKafka::KafkaConsumer>> MakeConsumer(
    const ClientOptions& options,
    const std::vector<std::pair<std::string, std::string>>& tool_defaults) {
  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf =
      MakeConf(options, tool_defaults);
  if (!conf.ok()) return conf.status();
  std::string errstr;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), errstr));
  if (consumer == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot set up a Kafka consumer: ", errstr));
  }
  return consumer;
}

absl::StatusOr<std::unique_ptr<RdKafka::Producer>> MakeProducer(
    const ClientOptions& options,
    const std::vector<std::pair<std::string, std::string>>& tool_defaults,
    RdKafka::DeliveryReportCb* delivery) {
  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf =
      MakeConf(options, tool_defaults);
  if (!conf.ok()) return conf.status();
  std::string errstr;
  if (delivery != nullptr &&
      (*conf)->set("dr_cb", delivery, errstr) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(errstr);
  }
  std::unique_ptr<RdKafka::Producer> producer(
      RdKafka::Producer::create(conf->get(), errstr));
  if (producer == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot set up a Kafka producer: ", errstr));
  }
  return producer;
}

absl::StatusOr<std::map<std::string, int32_t>> ListTopics(
    RdKafka::Handle& client, const std::string& bootstrap,
    absl::Duration timeout,
    const std::vector<std::pair<std::string, std::string>>& properties) {
  RdKafka::Metadata* raw = nullptr;
  RdKafka::ErrorCode err =
      client.metadata(/*all_topics=*/true, nullptr, &raw, ToMillis(timeout));
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (err != RdKafka::ERR_NO_ERROR) {
    client.poll(0);  // delivers the client's error events
    const std::string refused = SignInFailure();
    if (!refused.empty()) {
      return absl::UnauthenticatedError(absl::StrCat(
          "cannot sign in to Kafka at ",
          runtime::DescribeKafkaListener(Described(bootstrap, properties)),
          ": ", refused));
    }
    return absl::UnavailableError(absl::StrCat(
        "cannot reach Kafka at ", bootstrap, " within ",
        absl::FormatDuration(timeout), ": ", RdKafka::err2str(err)));
  }
  std::map<std::string, int32_t> topics;
  for (const RdKafka::TopicMetadata* topic : *metadata->topics()) {
    if (topic->err() != RdKafka::ERR_NO_ERROR) continue;
    topics[topic->topic()] = static_cast<int32_t>(topic->partitions()->size());
  }
  return topics;
}

absl::StatusOr<int32_t> PartitionCount(
    const std::map<std::string, int32_t>& topics, const std::string& topic) {
  auto it = topics.find(topic);
  if (it == topics.end()) {
    return absl::NotFoundError(
        absl::StrCat("no topic ", topic, " on the cluster"));
  }
  return it->second;
}

absl::Status DeleteConsumerGroup(RdKafka::Handle& client,
                                 const std::string& group,
                                 absl::Duration timeout) {
  rd_kafka_t* handle = client.c_ptr();
  rd_kafka_DeleteGroup_t* request = rd_kafka_DeleteGroup_new(group.c_str());
  rd_kafka_AdminOptions_t* options =
      rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_DELETEGROUPS);
  char errstr[256];
  rd_kafka_AdminOptions_set_request_timeout(options, ToMillis(timeout), errstr,
                                            sizeof(errstr));
  rd_kafka_queue_t* queue = rd_kafka_queue_new(handle);
  rd_kafka_DeleteGroups(handle, &request, 1, options, queue);
  rd_kafka_event_t* event =
      rd_kafka_queue_poll(queue, ToMillis(timeout + absl::Seconds(1)));
  absl::Status status;
  if (event == nullptr) {
    status = absl::UnavailableError(
        absl::StrCat("deleting consumer group ", group, ": no answer within ",
                     absl::FormatDuration(timeout)));
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = absl::UnavailableError(
        absl::StrCat("deleting consumer group ", group, ": ",
                     rd_kafka_event_error_string(event)));
  } else {
    size_t count = 0;
    const rd_kafka_group_result_t** groups =
        rd_kafka_DeleteGroups_result_groups(
            rd_kafka_event_DeleteGroups_result(event), &count);
    const rd_kafka_error_t* error =
        count == 1 ? rd_kafka_group_result_error(groups[0]) : nullptr;
    if (count != 1) {
      status = absl::InternalError(
          absl::StrCat("deleting consumer group ", group, ": no result"));
    } else if (error != nullptr) {
      const rd_kafka_resp_err_t code = rd_kafka_error_code(error);
      const std::string text = absl::StrCat("deleting consumer group ", group,
                                            ": ", rd_kafka_error_string(error));
      if (code == RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) {
        status = absl::NotFoundError(text);
      } else if (code == RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP) {
        status = absl::FailedPreconditionError(text);
      } else {
        status = absl::UnavailableError(text);
      }
    }
  }
  if (event != nullptr) rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_DeleteGroup_destroy(request);
  return status;
}

}  // namespace wirestream::tools
