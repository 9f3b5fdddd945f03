#include "tests/support/broker.h"

#include <librdkafka/rdkafkacpp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace wirestream::testsupport {
namespace {

constexpr size_t kMaxTopicNameLength = 249;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// Returns `s` quoted for /bin/sh.
std::string ShellQuote(absl::string_view s) {
  std::string quoted = "'";
  for (char c : s) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += "'";
  return quoted;
}

// The broker this process started, if any.
struct OwnBroker {
  std::string root;
  std::string state_dir;
};
OwnBroker* own_broker = nullptr;

void StopOwnBroker() {
  if (own_broker == nullptr) return;
  std::string command =
      absl::StrCat(ShellQuote(own_broker->root + "/scripts/kafka-stop.sh"), " ",
                   ShellQuote(own_broker->state_dir), " && rm -rf ",
                   ShellQuote(own_broker->state_dir));
  if (std::system(command.c_str()) != 0) {
    fprintf(stderr, "broker: stopping the test broker in %s failed\n",
            own_broker->state_dir.c_str());
  }
}

// Starts a broker with scripts/kafka-start.sh in a fresh state directory
// and arranges for it to stop when this process ends: at exit, or, should
// the process die without running exit handlers, through a small watcher
// that polls for the process (for at most six hours).
absl::StatusOr<std::string> StartOwnBroker() {
  const std::string root = Env("WIRESTREAM_ROOT");
  if (root.empty()) {
    return absl::FailedPreconditionError(
        "no Kafka broker for this test: set WIRESTREAM_BOOTSTRAP to a running "
        "broker's HOST:PORT, or WIRESTREAM_ROOT to the workspace root so the "
        "test starts one with scripts/kafka-start.sh (scripts/test.sh sets "
        "both)");
  }
  std::string tmp = Env("TEST_TMPDIR");
  if (tmp.empty()) tmp = "/tmp";
  std::string state = tmp + "/wirestream-broker-XXXXXX";
  if (mkdtemp(state.data()) == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot make a broker state directory under ", tmp));
  }

  const std::string start = root + "/scripts/kafka-start.sh";
  fprintf(stderr, "broker: starting a test broker: %s %s\n", start.c_str(),
          state.c_str());
  std::string command = absl::StrCat(ShellQuote(start), " ", ShellQuote(state));
  FILE* out = popen(command.c_str(), "r");
  if (out == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot run ", start));
  }
  std::string output;
  char buffer[256];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), out)) > 0) {
    output.append(buffer, n);
  }
  int status = pclose(out);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::UnavailableError(absl::StrCat(
        start,
        " failed (its messages are above); run scripts/setup.sh first "
        "if the broker's jars are missing"));
  }
  std::vector<std::string> lines =
      absl::StrSplit(output, '\n', absl::SkipWhitespace());
  if (lines.empty()) {
    return absl::UnavailableError(
        absl::StrCat(start, " printed no bootstrap address"));
  }
  std::string bootstrap(absl::StripAsciiWhitespace(lines.back()));

  own_broker = new OwnBroker{root, state};
  std::atexit(StopOwnBroker);
  std::string watcher = absl::StrCat(
      "setsid sh -c 'i=0; while kill -0 \"$0\" 2>/dev/null && [ $i -lt 21600 "
      "]; "
      "do sleep 1; i=$((i+1)); done; \"$1\" \"$2\"; rm -rf \"$2\"' ",
      getpid(), " ", ShellQuote(root + "/scripts/kafka-stop.sh"), " ",
      ShellQuote(state), " </dev/null >/dev/null 2>&1 &");
  if (std::system(watcher.c_str()) != 0) {
    fprintf(stderr, "broker: could not start the broker's watcher\n");
  }
  fprintf(stderr, "broker: test broker at %s\n", bootstrap.c_str());
  return bootstrap;
}

// Returns librdkafka C++ configuration holding `properties`.
absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeConf(
    const ClientConfig& properties) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string errstr;
  for (const auto& [name, value] : properties) {
    if (conf->set(name, value, errstr) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(
          absl::StrCat("Kafka client property ", name, ": ", errstr));
    }
  }
  return conf;
}

absl::StatusOr<std::unique_ptr<runtime::TopicAdmin>> MakeAdmin() {
  absl::StatusOr<std::string> bootstrap = BootstrapServers();
  if (!bootstrap.ok()) return bootstrap.status();
  runtime::TopicAdminOptions options;
  options.bootstrap_servers = *bootstrap;
  return runtime::TopicAdmin::Create(options);
}

// Remembers the first failed delivery.
class DeliveryReport : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR && first_error_.ok()) {
      first_error_ = absl::InternalError(absl::StrCat(
          "delivering to ", message.topic_name(), ": ", message.errstr(), " (",
          RdKafka::err2str(message.err()), ")"));
    }
  }
  const absl::Status& first_error() const { return first_error_; }

 private:
  absl::Status first_error_;
};

int ToMillis(absl::Duration d) {
  return static_cast<int>(
      std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 0, 3600 * 1000));
}

TestRecord FromMessage(RdKafka::Message& message) {
  TestRecord record;
  record.topic = message.topic_name();
  record.partition = message.partition();
  record.offset = message.offset();
  if (message.key_pointer() != nullptr) {
    record.key.emplace(static_cast<const char*>(message.key_pointer()),
                       message.key_len());
  }
  if (message.payload() != nullptr) {
    record.value.emplace(static_cast<const char*>(message.payload()),
                         message.len());
  }
  if (RdKafka::Headers* headers = message.headers(); headers != nullptr) {
    for (const RdKafka::Headers::Header& h : headers->get_all()) {
      runtime::RecordHeader header;
      header.key = h.key();
      if (h.value() != nullptr) {
        header.value.emplace(static_cast<const char*>(h.value()),
                             h.value_size());
      }
      record.headers.push_back(std::move(header));
    }
  }
  record.timestamp = absl::FromUnixMillis(message.timestamp().timestamp);
  return record;
}

}  // namespace

absl::StatusOr<std::string> BootstrapServers() {
  static std::once_flag once;
  static absl::StatusOr<std::string>* bootstrap = nullptr;
  std::call_once(once, [] {
    std::string given = Env("WIRESTREAM_BOOTSTRAP");
    bootstrap = new absl::StatusOr<std::string>(given.empty() ? StartOwnBroker()
                                                              : given);
  });
  return *bootstrap;
}

std::string UniqueTopicName(absl::string_view base) {
  static std::atomic<int> counter{0};
  std::string test = "no-test";
  if (const ::testing::TestInfo* info =
          ::testing::UnitTest::GetInstance()->current_test_info();
      info != nullptr) {
    test = absl::StrCat(info->test_suite_name(), ".", info->name());
  }
  absl::BitGen random;
  std::string suffix =
      absl::StrCat(".", getpid(), ".", counter.fetch_add(1), "-",
                   absl::Hex(absl::Uniform<uint32_t>(random), absl::kZeroPad8));
  std::string name = absl::StrCat(base, ".", test);
  for (char& c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '-') {
      c = '-';
    }
  }
  // The suffix makes the name unique; shorten the descriptive part.
  if (name.size() + suffix.size() > kMaxTopicNameLength) {
    name.resize(kMaxTopicNameLength - suffix.size());
  }
  return name + suffix;
}

absl::Status CreateTopics(const std::vector<runtime::TopicSpec>& topics) {
  absl::StatusOr<std::unique_ptr<runtime::TopicAdmin>> admin = MakeAdmin();
  if (!admin.ok()) return admin.status();
  return (*admin)->CreateTopics(topics);
}

absl::StatusOr<std::string> CreateUniqueTopic(
    absl::string_view base, int32_t partitions,
    std::map<std::string, std::string> configs) {
  runtime::TopicSpec spec;
  spec.name = UniqueTopicName(base);
  spec.partitions = partitions;
  spec.configs = std::move(configs);
  absl::Status created = CreateTopics({spec});
  if (!created.ok()) return created;
  return spec.name;
}

absl::Status ProduceRecords(absl::string_view topic,
                            const std::vector<TestRecord>& records,
                            const ClientConfig& client_config,
                            absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<std::string> bootstrap = BootstrapServers();
  if (!bootstrap.ok()) return bootstrap.status();
  ClientConfig properties = {
      {"bootstrap.servers", *bootstrap},
      {"client.id", "wirestream-test-producer"},
      {"enable.idempotence", "true"},
      {"linger.ms", "5"},
  };
  properties.insert(properties.end(), client_config.begin(),
                    client_config.end());
  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf = MakeConf(properties);
  if (!conf.ok()) return conf.status();
  DeliveryReport report;
  std::string errstr;
  if ((*conf)->set("dr_cb", &report, errstr) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(errstr);
  }
  std::unique_ptr<RdKafka::Producer> producer(
      RdKafka::Producer::create(conf->get(), errstr));
  if (producer == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create producer: ", errstr));
  }

  const std::string topic_name(topic);
  for (const TestRecord& record : records) {
    while (true) {
      RdKafka::Headers* headers = RdKafka::Headers::create();
      for (const runtime::RecordHeader& h : record.headers) {
        headers->add(h.key, h.value ? h.value->data() : nullptr,
                     h.value ? h.value->size() : 0);
      }
      const int64_t timestamp = record.timestamp == absl::InfinitePast()
                                    ? 0
                                    : absl::ToUnixMillis(record.timestamp);
      RdKafka::ErrorCode err = producer->produce(
          topic_name,
          record.partition < 0 ? RdKafka::Topic::PARTITION_UA
                               : record.partition,
          RdKafka::Producer::RK_MSG_COPY,
          record.value ? const_cast<char*>(record.value->data()) : nullptr,
          record.value ? record.value->size() : 0,
          record.key ? record.key->data() : nullptr,
          record.key ? record.key->size() : 0, timestamp, headers, nullptr);
      if (err == RdKafka::ERR_NO_ERROR) break;  // The producer owns headers.
      delete headers;
      if (err != RdKafka::ERR__QUEUE_FULL) {
        return absl::InternalError(absl::StrCat("producing to ", topic_name,
                                                ": ", RdKafka::err2str(err)));
      }
      if (absl::Now() >= deadline) {
        return absl::DeadlineExceededError(
            absl::StrCat("producing to ", topic_name, ": queue stayed full"));
      }
      producer->poll(100);
    }
    producer->poll(0);
  }
  producer->flush(ToMillis(deadline - absl::Now()));
  if (!report.first_error().ok()) return report.first_error();
  if (const int left = producer->outq_len(); left > 0) {
    return absl::DeadlineExceededError(absl::StrCat(
        "producing to ", topic_name, ": ", left,
        " records unacknowledged after ", absl::FormatDuration(timeout)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<TestRecord>> ReadRecords(
    absl::string_view topic, const ReadOptions& options) {
  const absl::Time deadline = absl::Now() + options.timeout;
  const std::string topic_name(topic);
  absl::StatusOr<std::string> bootstrap = BootstrapServers();
  if (!bootstrap.ok()) return bootstrap.status();
  absl::StatusOr<std::unique_ptr<runtime::TopicAdmin>> admin = MakeAdmin();
  if (!admin.ok()) return admin.status();
  absl::StatusOr<int32_t> partitions = (*admin)->PartitionCount(topic_name);
  if (!partitions.ok()) return partitions.status();

  ClientConfig properties = {
      {"bootstrap.servers", *bootstrap},
      {"client.id", "wirestream-test-reader"},
      // The C++ consumer insists on a group; it is never joined or committed
      // to, since partitions are assigned by hand.
      {"group.id", UniqueTopicName("reader")},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "true"},
      {"isolation.level", options.isolation == Isolation::kReadCommitted
                              ? "read_committed"
                              : "read_uncommitted"},
  };
  properties.insert(properties.end(), options.client_config.begin(),
                    options.client_config.end());
  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf = MakeConf(properties);
  if (!conf.ok()) return conf.status();
  std::string errstr;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), errstr));
  if (consumer == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create consumer: ", errstr));
  }
  std::vector<RdKafka::TopicPartition*> assignment;
  for (int32_t p = 0; p < *partitions; ++p) {
    assignment.push_back(RdKafka::TopicPartition::create(
        topic_name, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  RdKafka::ErrorCode assigned = consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (assigned != RdKafka::ERR_NO_ERROR) {
    consumer->close();
    return absl::InternalError(absl::StrCat("assigning ", topic_name, ": ",
                                            RdKafka::err2str(assigned)));
  }

  std::vector<TestRecord> records;
  std::set<int32_t> at_end;
  while (records.size() < options.min_records ||
         static_cast<int32_t>(at_end.size()) < *partitions) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) break;
    std::unique_ptr<RdKafka::Message> message(
        consumer->consume(std::clamp(ToMillis(left), 1, 200)));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:
        at_end.erase(message->partition());
        records.push_back(FromMessage(*message));
        break;
      case RdKafka::ERR__PARTITION_EOF:
        at_end.insert(message->partition());
        break;
      default:
        // Timeouts and transient broker errors: keep reading until the
        // deadline.
        break;
    }
  }
  consumer->close();
  std::sort(records.begin(), records.end(),
            [](const TestRecord& a, const TestRecord& b) {
              return a.partition != b.partition ? a.partition < b.partition
                                                : a.offset < b.offset;
            });
  return records;
}

}  // namespace wirestream::testsupport
