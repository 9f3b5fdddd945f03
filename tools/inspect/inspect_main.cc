// inspect: prints the records of any pipeline topic as JSON, or counts them.
//
//   inspect --topic=wire.enriched --from-beginning --max_records=10
//   inspect --topic=wire.stories --follow --match=language=de
//   inspect --topic=wire.dlq --from_time=2026-11-28T06:00:00Z --count
//   inspect --topic=backfill-wire.raw --type=RawStory --key=ap-123
//
// One JSON line per record on standard output: topic, partition, offset,
// timestamp, key, headers and the value decoded with the proto3 JSON
// mapping. The record type comes from the topic's name (wire.raw holds
// RawStory, wire.stories Story, ...) or --type. Only committed records are
// read, the way the pipeline's stages read them. Nothing is committed:
// inspecting never moves any consumer group.
//
// Exit status: 0 done, 1 the cluster refused or did not answer, 2 bad
// usage, 130 interrupted (with --count, the count so far is printed
// first). --help prints usage and exits 0.
#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pipeline/runtime/help.h"
#include "tools/common/cli.h"
#include "tools/common/kafka_clients.h"
#include "tools/inspect/record_json.h"

ABSL_FLAG(std::string, bootstrap, "",
          "Kafka bootstrap servers HOST:PORT[,HOST:PORT]; default: the "
          "environment variable WIRESTREAM_BOOTSTRAP");
ABSL_FLAG(std::string, topic, "", "the topic to read");
ABSL_FLAG(std::string, type, "",
          "record type of the values: RawStory, Story, DedupedStory, "
          "EnrichedStory, Alert, DeadLetter, DedupStateEntry, "
          "AlertStateEntry or bytes (default: from the topic's name)");
ABSL_FLAG(std::string, key, "", "only records with exactly this key");
ABSL_FLAG(std::string, from_time, "",
          "start at records stamped at or after this RFC 3339 time");
ABSL_FLAG(std::string, to_time, "",
          "only records stamped before this RFC 3339 time");
ABSL_FLAG(std::vector<std::string>, match, {},
          "FIELD=VALUE or FIELD~TEXT on the decoded value, e.g. "
          "story.language=de or headline~flood; repeat for more (all must "
          "hold)");
ABSL_FLAG(bool, count, false, "print only how many records match");
ABSL_FLAG(bool, from_beginning, false,
          "start at the oldest record kept (default: at the end, following)");
ABSL_FLAG(bool, follow, false,
          "keep waiting for new records (default when neither "
          "--from-beginning nor --from_time is given); stop with Ctrl-C");
ABSL_FLAG(int64_t, max_records, 0,
          "stop after this many matching records (0: no limit)");
ABSL_FLAG(std::string, partitions, "", "only these partitions, e.g. 0,2");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(5),
          "how long to wait for the cluster to answer");
ABSL_FLAG(bool, client_logs, false, "show the Kafka client's own log lines");

namespace wirestream::tools::inspect {
namespace {

std::atomic<bool> stop_requested{false};

void OnSignal(int) { stop_requested = true; }

int Fail(const std::string& message) {
  fprintf(stderr, "inspect: %s\n", message.c_str());
  return kExitFailed;
}

int Usage(const std::string& message) {
  fprintf(stderr, "inspect: %s (see inspect --help)\n", message.c_str());
  return kExitUsage;
}

RecordView View(RdKafka::Message& message) {
  RecordView view;
  view.topic = message.topic_name();
  view.partition = message.partition();
  view.offset = message.offset();
  view.timestamp = absl::FromUnixMillis(message.timestamp().timestamp);
  if (message.key_pointer() != nullptr) {
    view.key.emplace(static_cast<const char*>(message.key_pointer()),
                     message.key_len());
  }
  if (RdKafka::Headers* headers = message.headers()) {
    for (const RdKafka::Headers::Header& h : headers->get_all()) {
      std::optional<std::string> value;
      if (h.value() != nullptr) {
        value.emplace(static_cast<const char*>(h.value()), h.value_size());
      }
      view.headers.emplace_back(h.key(), std::move(value));
    }
  }
  return view;
}

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "prints the records of a pipeline topic as JSON lines, or counts "
      "them.\n"
      "  inspect --topic=TOPIC [--from-beginning | --from_time=RFC3339] "
      "[--follow]\n"
      "          [--key=KEY] [--to_time=RFC3339] [--match=FIELD=VALUE]... "
      "[--count]\n"
      "          [--max_records=N] [--type=Story] [-X KEY=VALUE]...\n"
      "Without --from-beginning or --from_time it starts at the end and "
      "follows, like tail -f. Exit status: 0 done, 1 Kafka failed, 2 bad "
      "usage, 130 interrupted.");
  if (wirestream::runtime::AnswerHelp(argc, argv, "tools/")) return 0;
  std::vector<std::string> args(argv, argv + argc);
  absl::StatusOr<KafkaProperties> kafka = ExtractKafkaProperties(args);
  if (!kafka.ok()) return Usage(std::string(kafka.status().message()));
  const std::vector<std::string> match_args =
      ExtractRepeatedFlag("match", args);
  NormalizeFlagNames(args);
  std::vector<char*> arg_pointers;
  for (std::string& arg : args) arg_pointers.push_back(arg.data());
  std::vector<char*> positional = absl::ParseCommandLine(
      static_cast<int>(arg_pointers.size()), arg_pointers.data());
  if (positional.size() > 1) {
    return Usage(absl::StrCat("unexpected argument \"", positional[1], "\""));
  }

  const std::string topic = absl::GetFlag(FLAGS_topic);
  if (topic.empty()) return Usage("say what to read: --topic=TOPIC");
  absl::StatusOr<const google::protobuf::Message*> type =
      absl::GetFlag(FLAGS_type).empty() ? TypeForTopic(topic)
                                        : TypeByName(absl::GetFlag(FLAGS_type));
  if (!type.ok()) return Usage(std::string(type.status().message()));
  std::vector<FieldMatch> matches;
  for (const std::string& text : match_args) {
    absl::StatusOr<FieldMatch> match = ParseMatch(text);
    if (!match.ok()) return Usage(std::string(match.status().message()));
    if (*type == nullptr)
      return Usage("--match needs a record type, not bytes");
    absl::Status valid = CheckMatch(**type, *match);
    if (!valid.ok()) return Usage(std::string(valid.message()));
    matches.push_back(*std::move(match));
  }
  std::optional<absl::Time> from_time;
  std::optional<absl::Time> to_time;
  if (!absl::GetFlag(FLAGS_from_time).empty()) {
    absl::StatusOr<absl::Time> t =
        ParseRfc3339("--from_time", absl::GetFlag(FLAGS_from_time));
    if (!t.ok()) return Usage(std::string(t.status().message()));
    from_time = *t;
  }
  if (!absl::GetFlag(FLAGS_to_time).empty()) {
    absl::StatusOr<absl::Time> t =
        ParseRfc3339("--to_time", absl::GetFlag(FLAGS_to_time));
    if (!t.ok()) return Usage(std::string(t.status().message()));
    to_time = *t;
  }
  if (from_time && to_time && *from_time >= *to_time) {
    return Usage("bad range: --from_time is not before --to_time");
  }
  const bool from_beginning = absl::GetFlag(FLAGS_from_beginning);
  if (from_beginning && from_time) {
    return Usage("give --from-beginning or --from_time, not both");
  }
  const bool follow = absl::GetFlag(FLAGS_follow) ||
                      (!from_beginning && !from_time.has_value());
  const int64_t max_records = absl::GetFlag(FLAGS_max_records);
  if (max_records < 0) return Usage("--max_records must be 0 or more");
  absl::StatusOr<std::vector<int32_t>> partitions =
      ParsePartitionList(absl::GetFlag(FLAGS_partitions));
  if (!partitions.ok())
    return Usage(std::string(partitions.status().message()));
  absl::StatusOr<std::string> bootstrap =
      ResolveBootstrap(absl::GetFlag(FLAGS_bootstrap));
  if (!bootstrap.ok()) return Usage(std::string(bootstrap.status().message()));

  ClientOptions options;
  options.bootstrap = *bootstrap;
  options.properties = *kafka;
  options.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  options.client_logs = absl::GetFlag(FLAGS_client_logs);
  options.client_id = "wirestream-inspect";
  absl::StatusOr<std::unique_ptr<RdKafka::KafkaConsumer>> consumer =
      MakeConsumer(options, {{"group.id", "wirestream.inspect"},
                             {"enable.auto.commit", "false"},
                             {"enable.auto.offset.store", "false"},
                             {"isolation.level", "read_committed"},
                             {"enable.partition.eof", "true"},
                             {"auto.offset.reset", "earliest"}});
  if (!consumer.ok()) return Usage(std::string(consumer.status().message()));
  absl::StatusOr<std::map<std::string, int32_t>> topics =
      ListTopics(**consumer, options.bootstrap, options.connect_timeout,
                 options.properties);
  // Refused credentials are configuration, like bad flags.
  if (absl::IsUnauthenticated(topics.status())) {
    fprintf(stderr, "inspect: %s\n",
            std::string(topics.status().message()).c_str());
    return kExitUsage;
  }
  if (!topics.ok()) return Fail(std::string(topics.status().message()));
  absl::StatusOr<int32_t> count = PartitionCount(*topics, topic);
  if (!count.ok()) return Fail(std::string(count.status().message()));
  if (partitions->empty()) {
    for (int32_t p = 0; p < *count; ++p) partitions->push_back(p);
  }
  for (int32_t p : *partitions) {
    if (p >= *count) {
      return Usage(absl::StrCat(topic, " has ", *count,
                                " partitions: there is no partition ", p));
    }
  }

  std::vector<RdKafka::TopicPartition*> assignment;
  for (int32_t p : *partitions) {
    int64_t start = RdKafka::Topic::OFFSET_END;
    if (from_beginning) start = RdKafka::Topic::OFFSET_BEGINNING;
    if (from_time) start = absl::ToUnixMillis(*from_time);
    assignment.push_back(RdKafka::TopicPartition::create(topic, p, start));
  }
  if (from_time) {
    RdKafka::ErrorCode err = (*consumer)->offsetsForTimes(
        assignment, ToMillis(options.connect_timeout));
    if (err != RdKafka::ERR_NO_ERROR) {
      RdKafka::TopicPartition::destroy(assignment);
      return Fail(absl::StrCat("looking up offsets by time in ", topic, ": ",
                               RdKafka::err2str(err)));
    }
    for (RdKafka::TopicPartition* tp : assignment) {
      // No record that recent: start at the end.
      if (tp->offset() < 0) tp->set_offset(RdKafka::Topic::OFFSET_END);
    }
  }
  RdKafka::ErrorCode err = (*consumer)->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (err != RdKafka::ERR_NO_ERROR) {
    return Fail(
        absl::StrCat("cannot read ", topic, ": ", RdKafka::err2str(err)));
  }

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const std::string key = absl::GetFlag(FLAGS_key);
  const bool key_filter = !key.empty();
  const bool count_only = absl::GetFlag(FLAGS_count);
  std::set<int32_t> reading(partitions->begin(), partitions->end());
  std::unique_ptr<google::protobuf::Message> value(
      *type == nullptr ? nullptr : (*type)->New());
  int64_t matched = 0;
  int code = kExitOk;
  while (!reading.empty()) {
    if (stop_requested) {
      code = kExitInterrupted;
      break;
    }
    if (max_records > 0 && matched >= max_records) break;
    std::unique_ptr<RdKafka::Message> message((*consumer)->consume(100));
    if (message->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (message->err() == RdKafka::ERR__PARTITION_EOF) {
      if (!follow) reading.erase(message->partition());
      continue;
    }
    if (message->err() != RdKafka::ERR_NO_ERROR) {
      (*consumer)->close();
      return Fail(absl::StrCat("reading ", topic, ": ", message->errstr()));
    }
    if (key_filter &&
        (message->key_pointer() == nullptr ||
         std::string(static_cast<const char*>(message->key_pointer()),
                     message->key_len()) != key)) {
      continue;
    }
    const absl::Time stamp =
        absl::FromUnixMillis(message->timestamp().timestamp);
    if ((from_time && stamp < *from_time) || (to_time && stamp >= *to_time)) {
      continue;
    }
    std::string value_json = "null";
    std::string error;
    if (message->payload() != nullptr) {
      const char* bytes = static_cast<const char*>(message->payload());
      if (value == nullptr) {
        value_json = JsonString(absl::string_view(bytes, message->len()));
      } else if (value->ParseFromArray(bytes,
                                       static_cast<int>(message->len()))) {
        value_json = MessageJson(*value);
      } else {
        error = absl::StrCat("not a ", value->GetDescriptor()->full_name(),
                             " (", message->len(), " bytes)");
      }
    }
    if (!matches.empty()) {
      if (value == nullptr || !error.empty() || message->payload() == nullptr) {
        continue;
      }
      bool all = true;
      for (const FieldMatch& m : matches) all = all && Matches(*value, m);
      if (!all) continue;
    }
    ++matched;
    if (!count_only) {
      const std::string line = RecordLine(View(*message), value_json, error);
      fwrite(line.data(), 1, line.size(), stdout);
      fputc('\n', stdout);
      if (follow) fflush(stdout);
    }
  }
  if (count_only) printf("%lld\n", static_cast<long long>(matched));
  fflush(stdout);
  (*consumer)->close();
  return code;
}

}  // namespace
}  // namespace wirestream::tools::inspect

int main(int argc, char** argv) {
  return wirestream::tools::inspect::Run(argc, argv);
}
