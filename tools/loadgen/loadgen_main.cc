// loadgen: sends synthetic wire stories to wire.raw for load tests.
//
//   loadgen --stories=100000                       (as fast as possible)
//   loadgen --rate=500 --duration=10m --resend_rate=0.1
//   loadgen --topic=backfill-wire.raw --formats=ninjs:3,newsml-g2:1,html:1
//
// Stories read like wire copy (datelines, officials, figures, quotes; 5 to
// 11 paragraphs, about 3 KB), in ninjs, NewsML-G2, NITF, plain text and
// HTML, with a chosen share of re-sends (the same delivery again),
// corrections (a new version) and rewrites (another agency on the same
// facts). At the end it prints how many of each went out and the rate
// achieved.
//
// Exit status: 0 done, 1 the cluster refused or did not answer, 2 bad
// usage, 130 interrupted (after printing what was sent). --help exits 0.
#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pipeline/runtime/help.h"
#include "tools/common/cli.h"
#include "tools/common/kafka_clients.h"
#include "tools/common/progress.h"
#include "tools/loadgen/story_generator.h"

ABSL_FLAG(std::string, bootstrap, "",
          "Kafka bootstrap servers HOST:PORT[,HOST:PORT]; default: the "
          "environment variable WIRESTREAM_BOOTSTRAP");
ABSL_FLAG(std::string, topic, "wire.raw", "topic to send the stories to");
ABSL_FLAG(int64_t, stories, 10000,
          "how many stories to send (0: until --duration or Ctrl-C)");
ABSL_FLAG(absl::Duration, duration, absl::ZeroDuration(),
          "stop after this long (0: no limit)");
ABSL_FLAG(double, rate, 0, "stories per second (0: as fast as possible)");
ABSL_FLAG(double, resend_rate, 0.05,
          "share of stories that are the same delivery sent again");
ABSL_FLAG(double, correction_rate, 0.02,
          "share of stories that are a new version of one already sent");
ABSL_FLAG(double, rewrite_rate, 0.03,
          "share of stories that are another agency's take on one already "
          "sent");
ABSL_FLAG(std::string, formats, "ninjs,newsml-g2,nitf,text,html",
          "formats and relative weights, e.g. ninjs:3,newsml-g2:1,html:1");
ABSL_FLAG(uint64_t, seed, 1, "random seed: the same seed, the same stories");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(5),
          "how long to wait for the cluster to answer");
ABSL_FLAG(bool, progress, true, "show stories sent and the rate on stderr");
ABSL_FLAG(bool, client_logs, false, "show the Kafka client's own log lines");

namespace wirestream::tools::loadgen {
namespace {

std::atomic<bool> stop_requested{false};

void OnSignal(int) { stop_requested = true; }

int Fail(const std::string& message) {
  fprintf(stderr, "loadgen: %s\n", message.c_str());
  return kExitFailed;
}

int Usage(const std::string& message) {
  fprintf(stderr, "loadgen: %s (see loadgen --help)\n", message.c_str());
  return kExitUsage;
}

class Deliveries : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      ++delivered_;
    } else if (first_error_.empty()) {
      first_error_ = absl::StrCat("sending to ", message.topic_name(), ": ",
                                  message.errstr());
    }
  }
  int64_t delivered() const { return delivered_; }
  const std::string& first_error() const { return first_error_; }

 private:
  int64_t delivered_ = 0;
  std::string first_error_;
};

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "sends synthetic wire stories (ninjs, NewsML-G2, NITF, text, HTML) "
      "with re-sends, corrections and rewrites.\n"
      "  loadgen [--topic=wire.raw] [--stories=N] [--rate=N] "
      "[--duration=10m] [--resend_rate=0.05] [--correction_rate=0.02]\n"
      "          [--rewrite_rate=0.03] [--formats=ninjs:3,html:1] [--seed=N] "
      "[-X KEY=VALUE]...\n"
      "Exit status: 0 done, 1 Kafka failed, 2 bad usage, 130 interrupted.");
  if (wirestream::runtime::AnswerHelp(argc, argv, "tools/")) return 0;
  std::vector<std::string> args(argv, argv + argc);
  absl::StatusOr<KafkaProperties> kafka = ExtractKafkaProperties(args);
  if (!kafka.ok()) return Usage(std::string(kafka.status().message()));
  NormalizeFlagNames(args);
  std::vector<char*> arg_pointers;
  for (std::string& arg : args) arg_pointers.push_back(arg.data());
  std::vector<char*> positional = absl::ParseCommandLine(
      static_cast<int>(arg_pointers.size()), arg_pointers.data());
  if (positional.size() > 1) {
    return Usage(absl::StrCat("unexpected argument \"", positional[1], "\""));
  }

  StoryGeneratorOptions options;
  options.resend_rate = absl::GetFlag(FLAGS_resend_rate);
  options.correction_rate = absl::GetFlag(FLAGS_correction_rate);
  options.rewrite_rate = absl::GetFlag(FLAGS_rewrite_rate);
  absl::StatusOr<std::vector<std::pair<v1::WireFormat, double>>> formats =
      ParseFormatMix(absl::GetFlag(FLAGS_formats));
  if (!formats.ok()) return Usage(std::string(formats.status().message()));
  options.formats = *formats;
  options.start = absl::Now();
  absl::Status valid = ValidateOptions(options);
  if (!valid.ok()) return Usage(std::string(valid.message()));
  const int64_t total = absl::GetFlag(FLAGS_stories);
  const double rate = absl::GetFlag(FLAGS_rate);
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  if (total < 0 || rate < 0 || duration < absl::ZeroDuration()) {
    return Usage("--stories, --rate and --duration must be 0 or more");
  }
  absl::StatusOr<std::string> bootstrap =
      ResolveBootstrap(absl::GetFlag(FLAGS_bootstrap));
  if (!bootstrap.ok()) return Usage(std::string(bootstrap.status().message()));
  const std::string topic = absl::GetFlag(FLAGS_topic);

  ClientOptions client;
  client.bootstrap = *bootstrap;
  client.properties = *kafka;
  client.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  client.client_logs = absl::GetFlag(FLAGS_client_logs);
  client.client_id = "wirestream-loadgen";
  Deliveries deliveries;
  absl::StatusOr<std::unique_ptr<RdKafka::Producer>> producer =
      MakeProducer(client,
                   {{"enable.idempotence", "true"},
                    {"acks", "all"},
                    {"linger.ms", "20"},
                    {"compression.type", "lz4"}},
                   &deliveries);
  if (!producer.ok()) return Usage(std::string(producer.status().message()));
  absl::StatusOr<std::map<std::string, int32_t>> topics = ListTopics(
      **producer, client.bootstrap, client.connect_timeout, client.properties);
  // Refused credentials are configuration, like bad flags.
  if (absl::IsUnauthenticated(topics.status())) {
    fprintf(stderr, "loadgen: %s\n",
            std::string(topics.status().message()).c_str());
    return kExitUsage;
  }
  if (!topics.ok()) return Fail(std::string(topics.status().message()));
  if (absl::StatusOr<int32_t> n = PartitionCount(*topics, topic); !n.ok()) {
    return Fail(std::string(n.status().message()));
  }

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  StoryGenerator generator(options, absl::GetFlag(FLAGS_seed));
  ProgressLine progress("loadgen", total, absl::GetFlag(FLAGS_progress));
  std::map<StoryKind, int64_t> kinds;
  int64_t sent = 0;
  int64_t bytes = 0;
  const absl::Time start = absl::Now();
  bool interrupted = false;
  while (total == 0 || sent < total) {
    if (stop_requested) {
      interrupted = true;
      break;
    }
    if (duration > absl::ZeroDuration() && absl::Now() - start >= duration) {
      break;
    }
    if (!deliveries.first_error().empty()) break;
    if (rate > 0) {
      const absl::Time due = start + absl::Seconds(sent / rate);
      if (due > absl::Now()) {
        (*producer)->poll(0);
        absl::SleepFor(std::min(due - absl::Now(), absl::Milliseconds(50)));
        continue;
      }
    }
    GeneratedStory story = generator.Next();
    const std::string value = story.raw.SerializeAsString();
    const std::string& key = story.raw.feed_item_id();
    RdKafka::ErrorCode err;
    while (true) {
      err = (*producer)->produce(topic, RdKafka::Topic::PARTITION_UA,
                                 RdKafka::Producer::RK_MSG_COPY,
                                 const_cast<char*>(value.data()), value.size(),
                                 key.data(), key.size(), 0, nullptr);
      if (err != RdKafka::ERR__QUEUE_FULL) break;
      (*producer)->poll(20);
    }
    if (err != RdKafka::ERR_NO_ERROR) {
      return Fail(
          absl::StrCat("sending to ", topic, ": ", RdKafka::err2str(err)));
    }
    ++kinds[story.kind];
    ++sent;
    bytes += static_cast<int64_t>(value.size());
    (*producer)->poll(0);
    progress.Update(sent);
  }
  (*producer)->flush(30000);
  progress.Finish(sent);
  if (!deliveries.first_error().empty()) {
    return Fail(absl::StrCat(deliveries.first_error(), " (",
                             deliveries.delivered(), " stories delivered)"));
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::string mix;
  for (const auto& [kind, n] : kinds) {
    absl::StrAppend(&mix, mix.empty() ? "" : ", ", WithThousands(n), " ",
                    StoryKindName(kind));
  }
  printf(
      "loadgen: sent %s stories (%s) to %s in %.1f s: %s stories/s, "
      "%.1f MB/s\n",
      WithThousands(deliveries.delivered()).c_str(), mix.c_str(), topic.c_str(),
      seconds,
      WithThousands(static_cast<int64_t>(
                        seconds > 0 ? deliveries.delivered() / seconds : 0))
          .c_str(),
      seconds > 0 ? bytes / seconds / 1e6 : 0.0);
  return interrupted ? kExitInterrupted : kExitOk;
}

}  // namespace
}  // namespace wirestream::tools::loadgen

int main(int argc, char** argv) {
  return wirestream::tools::loadgen::Run(argc, argv);
}
