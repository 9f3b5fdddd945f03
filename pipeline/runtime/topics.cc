#include "pipeline/runtime/topics.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace wirestream::runtime {
namespace {

// Returns the status code that best says what `err` means to a caller.
absl::StatusCode CodeOf(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return absl::StatusCode::kOk;
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
      return absl::StatusCode::kAlreadyExists;
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
      return absl::StatusCode::kNotFound;
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICA_ASSIGNMENT:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
      return absl::StatusCode::kInvalidArgument;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
      return absl::StatusCode::kPermissionDenied;
    case RD_KAFKA_RESP_ERR_TOPIC_DELETION_DISABLED:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
      return absl::StatusCode::kFailedPrecondition;
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return absl::StatusCode::kDeadlineExceeded;
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR_NOT_CONTROLLER:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kInternal;
  }
}

absl::Status StatusOf(rd_kafka_resp_err_t err, absl::string_view context,
                      const char* detail = nullptr) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();
  return absl::Status(
      CodeOf(err),
      absl::StrCat(
          context, ": ",
          detail != nullptr && *detail != '\0' ? detail : rd_kafka_err2str(err),
          " (", rd_kafka_err2name(err), ")"));
}

// Collects per-topic failures of one admin call into one status: the first
// failure's code, every failure in the message.
class Failures {
 public:
  void Add(absl::Status status) {
    if (status.ok()) return;
    if (first_code_ == absl::StatusCode::kOk) first_code_ = status.code();
    messages_.push_back(std::string(status.message()));
  }
  absl::Status ToStatus() const {
    if (messages_.empty()) return absl::OkStatus();
    return absl::Status(first_code_, absl::StrJoin(messages_, "; "));
  }

 private:
  absl::StatusCode first_code_ = absl::StatusCode::kOk;
  std::vector<std::string> messages_;
};

int ToMillis(absl::Duration d) {
  return static_cast<int>(
      std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 1, 24 * 3600 * 1000));
}

struct AdminOptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* o) const {
    rd_kafka_AdminOptions_destroy(o);
  }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
struct NewTopicDeleter {
  void operator()(rd_kafka_NewTopic_t* t) const {
    rd_kafka_NewTopic_destroy(t);
  }
};
struct DeleteTopicDeleter {
  void operator()(rd_kafka_DeleteTopic_t* t) const {
    rd_kafka_DeleteTopic_destroy(t);
  }
};
struct ConfigResourceDeleter {
  void operator()(rd_kafka_ConfigResource_t* r) const {
    rd_kafka_ConfigResource_destroy(r);
  }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* m) const {
    rd_kafka_metadata_destroy(m);
  }
};

using AdminOptionsPtr =
    std::unique_ptr<rd_kafka_AdminOptions_t, AdminOptionsDeleter>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;

// Returns admin options for `op` that bound the request, and for topic
// creation and deletion the broker-side operation, by `timeout`.
absl::StatusOr<AdminOptionsPtr> MakeAdminOptions(rd_kafka_t* client,
                                                 rd_kafka_admin_op_t op,
                                                 absl::Duration timeout) {
  AdminOptionsPtr options(rd_kafka_AdminOptions_new(client, op));
  char errstr[512];
  if (rd_kafka_AdminOptions_set_request_timeout(
          options.get(), ToMillis(timeout), errstr, sizeof(errstr)) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InvalidArgumentError(errstr);
  }
  const bool has_operation = op == RD_KAFKA_ADMIN_OP_CREATETOPICS ||
                             op == RD_KAFKA_ADMIN_OP_DELETETOPICS;
  if (has_operation && rd_kafka_AdminOptions_set_operation_timeout(
                           options.get(), ToMillis(timeout), errstr,
                           sizeof(errstr)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InvalidArgumentError(errstr);
  }
  return options;
}

// Waits for the result event of an admin call on `queue`. The request
// timeout makes librdkafka post a result in time; the slack covers its own
// scheduling.
absl::StatusOr<EventPtr> AwaitResult(rd_kafka_queue_t* queue,
                                     absl::Duration timeout,
                                     absl::string_view what) {
  EventPtr event(
      rd_kafka_queue_poll(queue, ToMillis(timeout + absl::Seconds(5))));
  if (event == nullptr) {
    return absl::DeadlineExceededError(
        absl::StrCat(what, ": no answer from the cluster within ",
                     absl::FormatDuration(timeout)));
  }
  rd_kafka_resp_err_t err = rd_kafka_event_error(event.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return StatusOf(err, what, rd_kafka_event_error_string(event.get()));
  }
  return event;
}

bool IsInternalTopic(absl::string_view name) {
  return absl::StartsWith(name, "__");
}

}  // namespace

std::vector<TopicSpec> DefaultPipelineTopics(
    const PipelineTopicsOptions& options) {
  std::vector<TopicSpec> topics;
  auto add = [&](absl::string_view name,
                 std::map<std::string, std::string> configs) {
    TopicSpec spec;
    spec.name = absl::StrCat(options.prefix, name);
    spec.partitions = options.partitions;
    spec.replication_factor = options.replication_factor;
    spec.configs = std::move(configs);
    topics.push_back(std::move(spec));
  };
  add(kRawTopic, {});
  add(kStoriesTopic, {});
  add(kUniqueTopic, {});
  add(kDuplicatesTopic, {});
  add(kClassifiedTopic, {});
  add(kEnrichedTopic, {});
  add(kAlertsTopic, {});
  add(kDeadLetterTopic,
      {{"max.message.bytes", absl::StrCat(kDeadLetterMaxMessageBytes)}});
  add(kDedupStateTopic, {{"cleanup.policy", "compact"}});
  add(kAlertStateTopic, {{"cleanup.policy", "compact"}});
  return topics;
}

absl::StatusOr<std::unique_ptr<TopicAdmin>> TopicAdmin::Create(
    const TopicAdminOptions& options) {
  if (options.bootstrap_servers.empty()) {
    return absl::InvalidArgumentError("no bootstrap servers given");
  }
  if (options.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("timeout must be positive");
  }
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  std::vector<std::pair<std::string, std::string>> properties = {
      {"bootstrap.servers", options.bootstrap_servers},
      {"client.id", "wirestream-topics"},
  };
  properties.insert(properties.end(), options.client_config.begin(),
                    options.client_config.end());
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr,
                          sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InvalidArgumentError(
          absl::StrCat("Kafka client property ", name, ": ", errstr));
    }
  }
  // On success rd_kafka_new owns conf; on failure it is still ours.
  rd_kafka_t* client =
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (client == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create Kafka client: ", errstr));
  }
  return std::unique_ptr<TopicAdmin>(new TopicAdmin(client, options.timeout));
}

TopicAdmin::TopicAdmin(rd_kafka_t* client, absl::Duration timeout)
    : client_(client), timeout_(timeout) {}

TopicAdmin::~TopicAdmin() { rd_kafka_destroy(client_); }

absl::Status TopicAdmin::CreateTopic(const TopicSpec& topic) {
  return CreateTopics({topic});
}

absl::Status TopicAdmin::CreateTopics(const std::vector<TopicSpec>& topics) {
  if (topics.empty()) return absl::OkStatus();
  const absl::Time deadline = absl::Now() + timeout_;

  std::set<std::string> names;
  std::vector<std::unique_ptr<rd_kafka_NewTopic_t, NewTopicDeleter>> owned;
  std::vector<rd_kafka_NewTopic_t*> requests;
  char errstr[512];
  for (const TopicSpec& spec : topics) {
    if (!names.insert(spec.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("topic ", spec.name, " is listed twice"));
    }
    if (spec.partitions < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("topic ", spec.name, ": partition count must be >= 1, ",
                       "got ", spec.partitions));
    }
    rd_kafka_NewTopic_t* request =
        rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions,
                              spec.replication_factor, errstr, sizeof(errstr));
    if (request == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("topic ", spec.name, ": ", errstr));
    }
    owned.emplace_back(request);
    requests.push_back(request);
    for (const auto& [name, value] : spec.configs) {
      rd_kafka_resp_err_t err =
          rd_kafka_NewTopic_set_config(request, name.c_str(), value.c_str());
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return StatusOf(err, absl::StrCat("topic ", spec.name, ": config ",
                                          name, "=", value));
      }
    }
  }

  absl::StatusOr<AdminOptionsPtr> options =
      MakeAdminOptions(client_, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout_);
  if (!options.ok()) return options.status();
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(
      rd_kafka_queue_new(client_));
  rd_kafka_CreateTopics(client_, requests.data(), requests.size(),
                        options->get(), queue.get());
  absl::StatusOr<EventPtr> event =
      AwaitResult(queue.get(), timeout_, "creating topics");
  if (!event.ok()) return event.status();

  const rd_kafka_CreateTopics_result_t* result =
      rd_kafka_event_CreateTopics_result(event->get());
  if (result == nullptr) {
    return absl::InternalError("creating topics: unexpected result event");
  }
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(result, &count);
  std::map<std::string, rd_kafka_resp_err_t> outcome;
  Failures failures;
  for (size_t i = 0; i < count; ++i) {
    const char* name = rd_kafka_topic_result_name(results[i]);
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    outcome[name] = err;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR &&
        err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      failures.Add(StatusOf(err, absl::StrCat("creating topic ", name),
                            rd_kafka_topic_result_error_string(results[i])));
    }
  }
  for (const std::string& name : names) {
    if (outcome.count(name) == 0) {
      failures.Add(absl::InternalError(absl::StrCat(
          "creating topic ", name, ": no result from the broker")));
    }
  }

  // Wait until each created topic shows all its partitions with leaders,
  // and each existing one shows at all (it may still be settling).
  auto wanted = [&](const TopicSpec& spec) {
    auto it = outcome.find(spec.name);
    return it != outcome.end() &&
           (it->second == RD_KAFKA_RESP_ERR_NO_ERROR ||
            it->second == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
  };
  ClusterTopics seen;
  absl::Status visible = WaitForMetadata(
      deadline, "the new topics to show in metadata",
      [&](const ClusterTopics& cluster) {
        seen = cluster;
        for (const TopicSpec& spec : topics) {
          if (!wanted(spec)) continue;
          auto it = cluster.find(spec.name);
          if (it == cluster.end() || !it->second.ready) return false;
          if (outcome[spec.name] == RD_KAFKA_RESP_ERR_NO_ERROR &&
              it->second.partitions != spec.partitions) {
            return false;
          }
        }
        return true;
      });
  for (const TopicSpec& spec : topics) {
    if (!wanted(spec)) continue;
    auto it = seen.find(spec.name);
    if (it != seen.end() && it->second.partitions != spec.partitions &&
        outcome[spec.name] == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      failures.Add(absl::FailedPreconditionError(absl::StrCat(
          "topic ", spec.name, " already exists with ", it->second.partitions,
          " partitions, not the ", spec.partitions, " requested")));
    }
  }
  absl::Status failed = failures.ToStatus();
  if (!failed.ok()) return failed;
  return visible;
}

absl::Status TopicAdmin::DeleteTopics(const std::vector<std::string>& names) {
  if (names.empty()) return absl::OkStatus();
  const absl::Time deadline = absl::Now() + timeout_;
  std::set<std::string> unique(names.begin(), names.end());

  std::vector<std::unique_ptr<rd_kafka_DeleteTopic_t, DeleteTopicDeleter>>
      owned;
  std::vector<rd_kafka_DeleteTopic_t*> requests;
  for (const std::string& name : unique) {
    owned.emplace_back(rd_kafka_DeleteTopic_new(name.c_str()));
    requests.push_back(owned.back().get());
  }
  absl::StatusOr<AdminOptionsPtr> options =
      MakeAdminOptions(client_, RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout_);
  if (!options.ok()) return options.status();
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(
      rd_kafka_queue_new(client_));
  rd_kafka_DeleteTopics(client_, requests.data(), requests.size(),
                        options->get(), queue.get());
  absl::StatusOr<EventPtr> event =
      AwaitResult(queue.get(), timeout_, "deleting topics");
  if (!event.ok()) return event.status();

  const rd_kafka_DeleteTopics_result_t* result =
      rd_kafka_event_DeleteTopics_result(event->get());
  if (result == nullptr) {
    return absl::InternalError("deleting topics: unexpected result event");
  }
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_DeleteTopics_result_topics(result, &count);
  Failures failures;
  std::set<std::string> deleted;
  for (size_t i = 0; i < count; ++i) {
    const char* name = rd_kafka_topic_result_name(results[i]);
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      deleted.insert(name);
    } else if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
      failures.Add(absl::NotFoundError(
          absl::StrCat("deleting topic ", name, ": no such topic")));
    } else {
      failures.Add(StatusOf(err, absl::StrCat("deleting topic ", name),
                            rd_kafka_topic_result_error_string(results[i])));
    }
  }
  absl::Status gone =
      WaitForMetadata(deadline, "the deleted topics to leave the metadata",
                      [&](const ClusterTopics& cluster) {
                        for (const std::string& name : deleted) {
                          if (cluster.count(name) > 0) return false;
                        }
                        return true;
                      });
  absl::Status failed = failures.ToStatus();
  if (!failed.ok()) return failed;
  return gone;
}

absl::StatusOr<std::map<std::string, int32_t>> TopicAdmin::ListTopics() {
  absl::StatusOr<ClusterTopics> cluster = FetchTopics(timeout_);
  if (!cluster.ok()) return cluster.status();
  std::map<std::string, int32_t> counts;
  for (const auto& [name, state] : *cluster) {
    if (!IsInternalTopic(name)) counts[name] = state.partitions;
  }
  return counts;
}

absl::StatusOr<int32_t> TopicAdmin::PartitionCount(absl::string_view name) {
  absl::StatusOr<ClusterTopics> cluster = FetchTopics(timeout_);
  if (!cluster.ok()) return cluster.status();
  auto it = cluster->find(std::string(name));
  if (it == cluster->end()) {
    return absl::NotFoundError(absl::StrCat("no topic ", name));
  }
  return it->second.partitions;
}

absl::StatusOr<std::map<std::string, std::string>>
TopicAdmin::DescribeTopicConfig(absl::string_view name, ConfigScope scope) {
  const std::string topic(name);
  std::unique_ptr<rd_kafka_ConfigResource_t, ConfigResourceDeleter> resource(
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  absl::StatusOr<AdminOptionsPtr> options =
      MakeAdminOptions(client_, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout_);
  if (!options.ok()) return options.status();
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(
      rd_kafka_queue_new(client_));
  rd_kafka_DescribeConfigs(client_, resources, 1, options->get(), queue.get());
  const std::string what = absl::StrCat("describing topic ", topic);
  absl::StatusOr<EventPtr> event = AwaitResult(queue.get(), timeout_, what);
  if (!event.ok()) return event.status();

  const rd_kafka_DescribeConfigs_result_t* result =
      rd_kafka_event_DescribeConfigs_result(event->get());
  size_t count = 0;
  const rd_kafka_ConfigResource_t** described =
      result == nullptr
          ? nullptr
          : rd_kafka_DescribeConfigs_result_resources(result, &count);
  if (count != 1) {
    return absl::InternalError(absl::StrCat(what, ": unexpected result"));
  }
  rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(described[0]);
  if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
    return absl::NotFoundError(absl::StrCat("no topic ", topic));
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return StatusOf(err, what,
                    rd_kafka_ConfigResource_error_string(described[0]));
  }
  size_t entry_count = 0;
  const rd_kafka_ConfigEntry_t** entries =
      rd_kafka_ConfigResource_configs(described[0], &entry_count);
  std::map<std::string, std::string> values;
  for (size_t i = 0; i < entry_count; ++i) {
    const char* value = rd_kafka_ConfigEntry_value(entries[i]);
    if (value == nullptr || rd_kafka_ConfigEntry_is_sensitive(entries[i])) {
      continue;
    }
    if (scope == ConfigScope::kTopicOverrides &&
        rd_kafka_ConfigEntry_source(entries[i]) !=
            RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG) {
      continue;
    }
    values[rd_kafka_ConfigEntry_name(entries[i])] = value;
  }
  return values;
}

absl::StatusOr<TopicAdmin::ClusterTopics> TopicAdmin::FetchTopics(
    absl::Duration timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(client_, /*all_topics=*/1,
                                              nullptr, &raw, ToMillis(timeout));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return StatusOf(err, "reading cluster metadata");
  }
  std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> metadata(raw);
  ClusterTopics topics;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[i];
    if (topic.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) continue;
    TopicState state;
    state.partitions = topic.partition_cnt;
    state.ready =
        topic.err == RD_KAFKA_RESP_ERR_NO_ERROR && topic.partition_cnt > 0 &&
        std::all_of(topic.partitions, topic.partitions + topic.partition_cnt,
                    [](const rd_kafka_metadata_partition_t& p) {
                      return p.err == RD_KAFKA_RESP_ERR_NO_ERROR &&
                             p.leader >= 0;
                    });
    topics[topic.topic] = state;
  }
  return topics;
}

absl::Status TopicAdmin::WaitForMetadata(
    absl::Time deadline, absl::string_view what,
    const std::function<bool(const ClusterTopics&)>& done) {
  absl::Status last = absl::OkStatus();
  // Bounded by the deadline; at least one look even when it has passed.
  while (true) {
    const absl::Duration left = deadline - absl::Now();
    absl::StatusOr<ClusterTopics> cluster = FetchTopics(
        std::clamp(left, absl::Milliseconds(500), absl::Seconds(5)));
    if (cluster.ok() && done(*cluster)) return absl::OkStatus();
    if (!cluster.ok()) last = cluster.status();
    if (absl::Now() >= deadline) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "timed out after ", absl::FormatDuration(timeout_), " waiting for ", what,
      last.ok() ? "" : absl::StrCat(" (", last.message(), ")")));
}

}  // namespace wirestream::runtime
