// topics: creates, deletes and lists Kafka topics.
//
//   topics --bootstrap HOST:PORT create --partitions 6 wire.raw wire.stories
//   topics --bootstrap HOST:PORT create --pipeline --partitions 6
//   topics --bootstrap HOST:PORT create --config cleanup.policy=compact state
//   topics --bootstrap HOST:PORT list [NAME...]
//   topics --bootstrap HOST:PORT delete --pipeline --prefix backfill-
//   topics --bootstrap HOST:PORT delete --prefix bench-   (every topic so
//   named)
//
// Exit status: 0 done, 1 the cluster refused or did not answer, 2 bad usage.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "pipeline/runtime/help.h"
#include "pipeline/runtime/topics.h"
#include "tools/common/cli.h"
#include "tools/topics/args.h"

ABSL_FLAG(std::string, bootstrap, "",
          "Kafka bootstrap servers, HOST:PORT[,HOST:PORT]; default: the "
          "environment variable WIRESTREAM_BOOTSTRAP");
ABSL_FLAG(int32_t, partitions, 1, "create: partitions of each topic");
ABSL_FLAG(int32_t, replication_factor, -1,
          "create: replicas of each partition; -1: the broker's default");
ABSL_FLAG(std::vector<std::string>, config, {},
          "create: topic configuration KEY=VALUE for every topic created, "
          "e.g. cleanup.policy=compact; repeat the flag for more (values may "
          "hold commas)");
ABSL_FLAG(std::vector<std::string>, kafka, {},
          "Kafka client property KEY=VALUE, e.g. security.protocol=SASL_SSL; "
          "repeat the flag for more (or -X KEY=VALUE; secrets with "
          "--kafka_from_env KEY=VAR or --kafka_from_file KEY=PATH)");
ABSL_FLAG(bool, pipeline, false,
          "also act on the pipeline's standard topics (wire.raw ... "
          "wire.alert.state; wire.dlq takes 64 MiB records, "
          "wire.dedup.state and wire.alert.state are compacted)");
ABSL_FLAG(std::string, prefix, "",
          "with --pipeline: prefix of the standard topics' names, e.g. "
          "backfill-. Without --pipeline, delete and list act on every "
          "topic whose name starts with it (never Kafka's own __ topics)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30),
          "how long to wait for the cluster");

namespace wirestream::tools {
namespace {

using runtime::TopicAdmin;
using runtime::TopicSpec;

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

int Fail(const absl::Status& status) {
  fprintf(stderr, "topics: %s\n", std::string(status.message()).c_str());
  return kFailed;
}

int Usage(const std::string& message) {
  fprintf(stderr, "topics: %s\nRun topics --help for usage.\n",
          message.c_str());
  return kUsage;
}

std::string DescribeConfigs(const std::map<std::string, std::string>& c) {
  return absl::StrJoin(c, ",", absl::PairFormatter("="));
}

int Create(TopicAdmin& admin, const std::vector<std::string>& names,
           const std::vector<std::pair<std::string, std::string>>& configs) {
  std::vector<TopicSpec> topics;
  if (absl::GetFlag(FLAGS_pipeline)) {
    runtime::PipelineTopicsOptions options;
    options.partitions = absl::GetFlag(FLAGS_partitions);
    options.prefix = absl::GetFlag(FLAGS_prefix);
    options.replication_factor =
        static_cast<int16_t>(absl::GetFlag(FLAGS_replication_factor));
    topics = runtime::DefaultPipelineTopics(options);
  }
  for (const std::string& name : names) {
    TopicSpec spec;
    spec.name = name;
    spec.partitions = absl::GetFlag(FLAGS_partitions);
    spec.replication_factor =
        static_cast<int16_t>(absl::GetFlag(FLAGS_replication_factor));
    topics.push_back(std::move(spec));
  }
  for (TopicSpec& spec : topics) {
    for (const auto& [key, value] : configs) spec.configs[key] = value;
  }
  absl::Status created = admin.CreateTopics(topics);
  if (!created.ok()) return Fail(created);
  for (const TopicSpec& spec : topics) {
    printf("ready %s: %d partitions%s%s\n", spec.name.c_str(), spec.partitions,
           spec.configs.empty() ? "" : ", ",
           DescribeConfigs(spec.configs).c_str());
  }
  return kOk;
}

// Returns the topics on the cluster whose names start with `prefix`, in
// name order, leaving out Kafka's internal ones (names starting "__").
absl::StatusOr<std::vector<std::string>> TopicsWithPrefix(
    TopicAdmin& admin, const std::string& prefix) {
  absl::StatusOr<std::map<std::string, int32_t>> listed = admin.ListTopics();
  if (!listed.ok()) return listed.status();
  std::vector<std::string> names;
  for (const auto& [name, partitions] : *listed) {
    if (absl::StartsWith(name, prefix) && !absl::StartsWith(name, "__")) {
      names.push_back(name);
    }
  }
  return names;
}

int Delete(TopicAdmin& admin, const std::vector<std::string>& names) {
  if (names.empty()) {
    printf("no topic to delete\n");
    return kOk;
  }
  absl::Status deleted = admin.DeleteTopics(names);
  if (!deleted.ok()) return Fail(deleted);
  for (const std::string& name : names) printf("deleted %s\n", name.c_str());
  return kOk;
}

int List(TopicAdmin& admin, const std::vector<std::string>& names) {
  absl::StatusOr<std::map<std::string, int32_t>> listed = admin.ListTopics();
  if (!listed.ok()) return Fail(listed.status());
  std::vector<std::string> shown = names;
  if (shown.empty()) {
    for (const auto& [name, partitions] : *listed) shown.push_back(name);
  }
  int status = kOk;
  for (const std::string& name : shown) {
    auto it = listed->find(name);
    if (it == listed->end()) {
      fprintf(stderr, "topics: no topic %s\n", name.c_str());
      status = kFailed;
      continue;
    }
    absl::StatusOr<std::map<std::string, std::string>> overrides =
        admin.DescribeTopicConfig(name,
                                  TopicAdmin::ConfigScope::kTopicOverrides);
    if (!overrides.ok()) return Fail(overrides.status());
    printf("%s\t%d\t%s\n", name.c_str(), it->second,
           DescribeConfigs(*overrides).c_str());
  }
  return status;
}

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "creates, deletes and lists Kafka topics.\n"
      "  topics --bootstrap HOST:PORT create [--partitions N] "
      "[--config KEY=VALUE]... [--pipeline [--prefix P]] [NAME...]\n"
      "  topics --bootstrap HOST:PORT delete [--pipeline [--prefix P]] "
      "[NAME...]\n"
      "  topics --bootstrap HOST:PORT delete --prefix P   (every topic "
      "whose name starts with P)\n"
      "  topics --bootstrap HOST:PORT list [--pipeline] [--prefix P] "
      "[NAME...]\n"
      "list prints NAME, partitions and the topic's own configuration, "
      "tab-separated; with no NAME it lists every topic.");
  if (wirestream::runtime::AnswerHelp(argc, argv, "tools/")) return 0;

  // absl keeps only the last value of a repeated flag: take --config and
  // --kafka out before it parses the rest.
  std::vector<std::string> args(argv, argv + argc);
  const std::vector<std::string> config_args =
      ExtractRepeatedFlag("config", args);
  // -X, --kafka, --kafka_from_env and --kafka_from_file, as every tool.
  absl::StatusOr<KafkaProperties> kafka = ExtractKafkaProperties(args);
  if (!kafka.ok()) return Usage(std::string(kafka.status().message()));
  std::vector<char*> rest;
  for (std::string& arg : args) rest.push_back(arg.data());
  std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(rest.size()), rest.data());

  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> configs =
      ParseKeyValues("--config", config_args);
  if (!configs.ok()) return Usage(std::string(configs.status().message()));

  if (positional.size() < 2) {
    return Usage("say what to do: create, delete or list");
  }
  const std::string command = positional[1];
  std::vector<std::string> names(positional.begin() + 2, positional.end());
  if (command != "create" && command != "delete" && command != "list") {
    return Usage(absl::StrCat("unknown command \"", command,
                              "\": use create, delete or list"));
  }
  if (command != "create" && !configs->empty()) {
    return Usage("--config only applies to create");
  }
  if (absl::GetFlag(FLAGS_partitions) < 1) {
    return Usage("--partitions must be at least 1");
  }
  // --prefix alone: every topic so named, found once connected.
  const bool by_prefix =
      !absl::GetFlag(FLAGS_prefix).empty() && !absl::GetFlag(FLAGS_pipeline);
  if (by_prefix && command == "create") {
    return Usage("create --prefix needs --pipeline");
  }
  if (by_prefix && !names.empty()) {
    return Usage("give topic names or --prefix, not both");
  }
  if (absl::GetFlag(FLAGS_pipeline) && command != "create") {
    runtime::PipelineTopicsOptions options;
    options.prefix = absl::GetFlag(FLAGS_prefix);
    for (const TopicSpec& spec : runtime::DefaultPipelineTopics(options)) {
      names.push_back(spec.name);
    }
  }
  if (names.empty() && command != "list" && !absl::GetFlag(FLAGS_pipeline) &&
      !by_prefix) {
    return Usage(
        absl::StrCat(command, " needs topic names, --pipeline or --prefix"));
  }

  std::string bootstrap = absl::GetFlag(FLAGS_bootstrap);
  if (bootstrap.empty()) {
    const char* env = std::getenv("WIRESTREAM_BOOTSTRAP");
    if (env != nullptr) bootstrap = env;
  }
  if (bootstrap.empty()) {
    return Usage("no broker: give --bootstrap HOST:PORT");
  }
  runtime::TopicAdminOptions options;
  options.bootstrap_servers = bootstrap;
  options.client_config = *kafka;
  options.timeout = absl::GetFlag(FLAGS_timeout);
  absl::StatusOr<std::unique_ptr<TopicAdmin>> admin =
      TopicAdmin::Create(options);
  if (!admin.ok()) return Usage(std::string(admin.status().message()));

  if (by_prefix) {
    absl::StatusOr<std::vector<std::string>> matching =
        TopicsWithPrefix(**admin, absl::GetFlag(FLAGS_prefix));
    if (!matching.ok()) return Fail(matching.status());
    names = *std::move(matching);
    if (command == "list" && names.empty()) return kOk;
  }
  if (command == "create") return Create(**admin, names, *configs);
  if (command == "delete") return Delete(**admin, names);
  return List(**admin, names);
}

}  // namespace
}  // namespace wirestream::tools

int main(int argc, char** argv) { return wirestream::tools::Run(argc, argv); }
