// produce: sends story files to wire.raw as RawStory records, the way a
// feed adapter would.
//
//   produce --source=ap stories/                 (every file below, sorted)
//   produce --source=reuters --format=newsml-g2 item-1.xml item-2.xml
//   curl -s https://example.org/story | produce --source=scraper -
//
// Each file is one story. Its format comes from the extension (.json ninjs,
// .xml NewsML-G2 or NITF by root element, .anpa, .ipt, .html, .txt) or
// --format; the record's key and feed_item_id are the file's name. Every
// file is read and checked before anything is sent: an unreadable or
// malformed one is named on stderr and nothing goes out, unless --skip_bad
// leaves such files out and sends the rest.
//
// Exit status: 0 sent, 1 a bad file or the cluster refused or did not
// answer, 2 bad usage. --help prints usage and exits 0.
#include <librdkafka/rdkafkacpp.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
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
#include "tools/produce/story_files.h"
#include "wirestream/v1/raw_story.pb.h"

ABSL_FLAG(std::string, bootstrap, "",
          "Kafka bootstrap servers HOST:PORT[,HOST:PORT]; default: the "
          "environment variable WIRESTREAM_BOOTSTRAP");
ABSL_FLAG(std::string, topic, "wire.raw", "topic to send the stories to");
ABSL_FLAG(std::string, source, "files",
          "the feed the stories are from (RawStory.source), e.g. ap");
ABSL_FLAG(std::string, format, "auto",
          "wire format of every file: auto (by extension), ninjs, "
          "newsml-g2, nitf, anpa-1312, iptc-7901, html or text");
ABSL_FLAG(std::string, feed_item_id, "stdin",
          "feed item id (and key) of a story read from standard input");
ABSL_FLAG(std::string, content_type, "",
          "MIME type to declare (RawStory.content_type)");
ABSL_FLAG(std::string, received_at, "",
          "RFC 3339 time to stamp as received_at (default: now)");
ABSL_FLAG(bool, skip_bad, false,
          "leave out unreadable or malformed files (each named on stderr) "
          "and send the rest");
ABSL_FLAG(int64_t, max_payload_bytes, 1000000,
          "larger files are bad (Kafka's default record limit is 1 MB)");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(5),
          "how long to wait for the cluster to answer");
ABSL_FLAG(absl::Duration, send_timeout, absl::Seconds(60),
          "how long to wait for the cluster to take every story");
ABSL_FLAG(bool, client_logs, false, "show the Kafka client's own log lines");

namespace wirestream::tools::produce {
namespace {

int Fail(const std::string& message) {
  fprintf(stderr, "produce: %s\n", message.c_str());
  return kExitFailed;
}

int Usage(const std::string& message) {
  fprintf(stderr, "produce: %s (see produce --help)\n", message.c_str());
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

// Returns the file's bytes, or an error naming why it cannot be read.
absl::StatusOr<std::string> ReadStory(const std::string& path,
                                      int64_t max_bytes,
                                      const std::string* stdin_text) {
  std::string payload;
  if (path == "-") {
    payload = *stdin_text;
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::PermissionDeniedError("cannot be read");
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (in.bad()) return absl::DataLossError("read failed");
    payload = bytes.str();
  }
  if (static_cast<int64_t>(payload.size()) > max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        payload.size(), " bytes, over --max_payload_bytes=", max_bytes));
  }
  return payload;
}

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "sends story files to wire.raw as RawStory records.\n"
      "  produce [--topic=wire.raw] [--source=FEED] [--format=auto] "
      "[--skip_bad] [-X KEY=VALUE]... PATH...\n"
      "PATH is a file, a directory (every file below it) or - for "
      "standard input. Exit status: 0 sent, 1 bad file or Kafka failed, 2 "
      "bad usage.");
  if (wirestream::runtime::AnswerHelp(argc, argv, "tools/")) return 0;
  std::vector<std::string> args(argv, argv + argc);
  absl::StatusOr<KafkaProperties> kafka = ExtractKafkaProperties(args);
  if (!kafka.ok()) return Usage(std::string(kafka.status().message()));
  NormalizeFlagNames(args);
  std::vector<char*> arg_pointers;
  for (std::string& arg : args) arg_pointers.push_back(arg.data());
  std::vector<char*> positional = absl::ParseCommandLine(
      static_cast<int>(arg_pointers.size()), arg_pointers.data());
  std::vector<std::string> paths(positional.begin() + 1, positional.end());
  if (paths.empty()) {
    return Usage(
        "name the story files or directories to send (- for "
        "standard input)");
  }
  absl::StatusOr<v1::WireFormat> format =
      ParseFormatName(absl::GetFlag(FLAGS_format));
  if (!format.ok()) return Usage(std::string(format.status().message()));
  absl::Time received_at = absl::Now();
  if (!absl::GetFlag(FLAGS_received_at).empty()) {
    absl::StatusOr<absl::Time> t =
        ParseRfc3339("--received_at", absl::GetFlag(FLAGS_received_at));
    if (!t.ok()) return Usage(std::string(t.status().message()));
    received_at = *t;
  }
  const int64_t max_bytes = absl::GetFlag(FLAGS_max_payload_bytes);
  if (max_bytes <= 0) return Usage("--max_payload_bytes must be positive");
  const std::string topic = absl::GetFlag(FLAGS_topic);
  if (topic.empty()) return Usage("--topic is empty");
  absl::StatusOr<std::string> bootstrap =
      ResolveBootstrap(absl::GetFlag(FLAGS_bootstrap));
  if (!bootstrap.ok()) return Usage(std::string(bootstrap.status().message()));
  const bool skip_bad = absl::GetFlag(FLAGS_skip_bad);

  absl::StatusOr<std::vector<std::string>> files = ListStoryFiles(paths);
  if (!files.ok()) return Fail(std::string(files.status().message()));
  std::string stdin_text;
  if (std::find(files->begin(), files->end(), "-") != files->end()) {
    stdin_text.assign(std::istreambuf_iterator<char>(std::cin),
                      std::istreambuf_iterator<char>());
  }

  // First pass: read and check every file, so a bad one stops the run
  // before anything is sent.
  std::vector<std::string> good;
  int bad = 0;
  for (const std::string& path : *files) {
    const std::string name = path == "-" ? "standard input" : path;
    absl::StatusOr<std::string> payload =
        ReadStory(path, max_bytes, &stdin_text);
    absl::Status checked =
        payload.ok() ? CheckPayload(*format == v1::WIRE_FORMAT_UNSPECIFIED
                                        ? FormatFromPath(path, *payload)
                                        : *format,
                                    *payload)
                     : payload.status();
    if (!checked.ok()) {
      fprintf(stderr, "produce: %s: %s\n", name.c_str(),
              std::string(checked.message()).c_str());
      ++bad;
      continue;
    }
    good.push_back(path);
  }
  if (bad > 0 && !skip_bad) {
    fprintf(stderr,
            "produce: nothing sent: %d bad file%s (--skip_bad sends the "
            "rest)\n",
            bad, bad == 1 ? "" : "s");
    return kExitFailed;
  }

  ClientOptions options;
  options.bootstrap = *bootstrap;
  options.properties = *kafka;
  options.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  options.client_logs = absl::GetFlag(FLAGS_client_logs);
  options.client_id = "wirestream-produce";
  Deliveries deliveries;
  absl::StatusOr<std::unique_ptr<RdKafka::Producer>> producer = MakeProducer(
      options,
      {{"enable.idempotence", "true"}, {"acks", "all"}, {"linger.ms", "10"}},
      &deliveries);
  if (!producer.ok()) return Usage(std::string(producer.status().message()));
  absl::StatusOr<std::map<std::string, int32_t>> topics =
      ListTopics(**producer, options.bootstrap, options.connect_timeout,
                 options.properties);
  // Refused credentials are configuration, like bad flags.
  if (absl::IsUnauthenticated(topics.status())) {
    fprintf(stderr, "produce: %s\n",
            std::string(topics.status().message()).c_str());
    return kExitUsage;
  }
  if (!topics.ok()) return Fail(std::string(topics.status().message()));
  if (absl::StatusOr<int32_t> count = PartitionCount(*topics, topic);
      !count.ok()) {
    return Fail(std::string(count.status().message()));
  }

  std::map<std::string, int> by_format;
  for (const std::string& path : good) {
    absl::StatusOr<std::string> payload =
        ReadStory(path, max_bytes, &stdin_text);
    if (!payload.ok()) {
      return Fail(absl::StrCat(path, ": ", payload.status().message(),
                               " (changed while sending)"));
    }
    v1::RawStory raw;
    raw.set_feed_item_id(path == "-"
                             ? absl::GetFlag(FLAGS_feed_item_id)
                             : std::filesystem::path(path).filename().string());
    raw.set_source(absl::GetFlag(FLAGS_source));
    raw.set_format(*format == v1::WIRE_FORMAT_UNSPECIFIED
                       ? FormatFromPath(path, *payload)
                       : *format);
    raw.set_content_type(absl::GetFlag(FLAGS_content_type));
    const int64_t seconds = absl::ToUnixSeconds(received_at);
    raw.mutable_received_at()->set_seconds(seconds);
    raw.mutable_received_at()->set_nanos(
        static_cast<int32_t>(absl::ToInt64Nanoseconds(
            received_at - absl::FromUnixSeconds(seconds))));
    raw.set_payload(*std::move(payload));
    ++by_format[std::string(FormatLabel(raw.format()))];
    const std::string value = raw.SerializeAsString();
    RdKafka::ErrorCode err;
    while (true) {
      err = (*producer)->produce(
          topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
          const_cast<char*>(value.data()), value.size(),
          raw.feed_item_id().data(), raw.feed_item_id().size(), 0, nullptr);
      if (err != RdKafka::ERR__QUEUE_FULL) break;
      (*producer)->poll(50);
    }
    if (err != RdKafka::ERR_NO_ERROR) {
      return Fail(absl::StrCat(path, ": sending to ", topic, ": ",
                               RdKafka::err2str(err)));
    }
    (*producer)->poll(0);
  }
  (*producer)->flush(ToMillis(absl::GetFlag(FLAGS_send_timeout)));
  if (!deliveries.first_error().empty()) {
    return Fail(absl::StrCat(deliveries.first_error(), " (",
                             deliveries.delivered(), " of ", good.size(),
                             " stories sent)"));
  }
  if ((*producer)->outq_len() > 0) {
    return Fail(
        absl::StrCat("the cluster took only ", deliveries.delivered(), " of ",
                     good.size(), " stories within ",
                     absl::FormatDuration(absl::GetFlag(FLAGS_send_timeout))));
  }
  std::string summary;
  for (const auto& [name, n] : by_format) {
    absl::StrAppend(&summary, summary.empty() ? "" : ", ", n, " ", name);
  }
  printf("produce: sent %lld stor%s to %s (%s)%s\n",
         static_cast<long long>(deliveries.delivered()),
         deliveries.delivered() == 1 ? "y" : "ies", topic.c_str(),
         summary.c_str(),
         bad > 0 ? absl::StrCat("; ", bad, " bad files left out").c_str() : "");
  return kExitOk;
}

}  // namespace
}  // namespace wirestream::tools::produce

int main(int argc, char** argv) {
  return wirestream::tools::produce::Run(argc, argv);
}
