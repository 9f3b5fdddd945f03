// The push gateway under load on a Kafka broker of the test's own, which is
// killed (SIGKILL) and restarted in the middle: 10,000 POSTs from 50
// concurrent senders that retry until they get 202, and every 202 is on the
// raw topic exactly once, at the partition and offset it named.
#include <arpa/inet.h>
#include <librdkafka/rdkafkacpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "pipeline/runtime/topics.h"
#include "tests/support/worker_process.h"
#include "wirestream/v1/raw_story.pb.h"

namespace wirestream {
namespace {

namespace fs = std::filesystem;
using testsupport::WorkerProcess;

constexpr char kToken[] = "load-test-token-0123456789";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string Run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[256];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    out.append(buffer, n);
  pclose(pipe);
  return out;
}

// A single-node broker the test may kill and start again on the same ports
// and data (scripts/kafka-start.sh wipes its state, so the restart runs
// the broker's java command itself).
class OwnBroker {
 public:
  explicit OwnBroker(fs::path state) : state_(std::move(state)) {}
  ~OwnBroker() {
    Run(absl::StrCat(Env("WIRESTREAM_ROOT"), "/scripts/kafka-stop.sh '",
                     state_.string(), "' 2>&1"));
  }

  absl::Status Start() {
    const std::string out =
        Run(absl::StrCat(Env("WIRESTREAM_ROOT"), "/scripts/kafka-start.sh '",
                         state_.string(), "' 2>&1"));
    std::ifstream in(state_ / "bootstrap");
    std::getline(in, bootstrap_);
    if (bootstrap_.empty()) {
      return absl::UnavailableError(
          absl::StrCat("broker did not start: ", out));
    }
    return absl::OkStatus();
  }

  void Kill() {
    const pid_t pid = Pid();
    kill(pid, SIGKILL);
    while (kill(pid, 0) == 0) absl::SleepFor(absl::Milliseconds(50));
  }

  // Starts the broker again on its data and ports and waits until it
  // answers.
  absl::Status Restart() {
    const std::string root = Env("WIRESTREAM_ROOT");
    const std::string s = state_.string();
    Run(absl::StrCat("cd '", s,
                     "' && nohup java -Xms256m -Xmx1g -XX:+UseG1GC "
                     "-Dkafka.logs.dir='",
                     s, "' -Dlog4j2.configurationFile='", s,
                     "/log4j2.properties' -cp '", root,
                     "/.cache/kafka/libs/*' "
                     "kafka.Kafka '",
                     s, "/server.properties' >>'", s,
                     "/stdout.log' 2>&1 & echo $! > '", s, "/pid'"));
    const absl::Time deadline = absl::Now() + absl::Seconds(90);
    while (absl::Now() < deadline) {
      if (system(
              absl::StrCat("kcat -b ", bootstrap_, " -L -m 2 >/dev/null 2>&1")
                  .c_str()) == 0) {
        return absl::OkStatus();
      }
      absl::SleepFor(absl::Milliseconds(500));
    }
    return absl::UnavailableError("the broker did not come back");
  }

  const std::string& bootstrap() const { return bootstrap_; }

 private:
  pid_t Pid() {
    std::ifstream in(state_ / "pid");
    pid_t pid = -1;
    in >> pid;
    return pid;
  }
  fs::path state_;
  std::string bootstrap_;
};

// POSTs `body` and returns the status code (0 when the connection failed)
// and the response body.
std::pair<int, std::string> Post(int port, const std::string& path,
                                 const std::string& key,
                                 const std::string& body) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  timeval tv{60, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return {0, ""};
  }
  const std::string request = absl::StrCat(
      "POST ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ",
      kToken, "\r\nIdempotency-Key: ", key,
      "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ",
      body.size(), "\r\nConnection: close\r\n\r\n", body);
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    return {0, ""};
  }
  std::string response;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) response.append(buffer, n);
  close(fd);
  int status = 0;
  if (response.size() > 12) absl::SimpleAtoi(response.substr(9, 3), &status);
  const size_t body_at = response.find("\r\n\r\n");
  return {status,
          body_at == std::string::npos ? "" : response.substr(body_at + 4)};
}

// Returns the integer after "\"NAME\":" in `json`, or -1.
int64_t JsonNumber(const std::string& json, const std::string& name) {
  const size_t at = json.find(absl::StrCat("\"", name, "\":"));
  if (at == std::string::npos) return -1;
  int64_t value = -1;
  absl::string_view rest = absl::string_view(json).substr(at + name.size() + 3);
  rest = rest.substr(0, rest.find_first_of(",}"));
  absl::SimpleAtoi(rest, &value);
  return value;
}

// Returns (partition, offset) → feed item id of every committed record.
std::map<std::pair<int32_t, int64_t>, std::string> ReadCommitted(
    const std::string& bootstrap, const std::string& topic, int partitions) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  conf->set("bootstrap.servers", bootstrap, error);
  conf->set("group.id", "ingest-load-reader", error);
  conf->set("enable.auto.commit", "false", error);
  conf->set("enable.partition.eof", "true", error);
  conf->set("isolation.level", "read_committed", error);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  std::vector<RdKafka::TopicPartition*> assignment;
  for (int p = 0; p < partitions; ++p) {
    assignment.push_back(RdKafka::TopicPartition::create(
        topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  std::map<std::pair<int32_t, int64_t>, std::string> records;
  std::set<int32_t> at_end;
  const absl::Time deadline = absl::Now() + absl::Seconds(120);
  while (static_cast<int>(at_end.size()) < partitions &&
         absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(200));
    if (m->err() == RdKafka::ERR__PARTITION_EOF) {
      at_end.insert(m->partition());
    } else if (m->err() == RdKafka::ERR_NO_ERROR) {
      at_end.erase(m->partition());
      v1::RawStory story;
      story.ParseFromArray(m->payload(), static_cast<int>(m->len()));
      records[{m->partition(), m->offset()}] = story.feed_item_id();
    }
  }
  consumer->close();
  return records;
}

TEST(PushGatewayLoadTest,
     EveryAcceptedStoryIsOnTheTopicOnceThroughABrokerRestart) {
  ASSERT_FALSE(Env("WIRESTREAM_ROOT").empty())
      << "set WIRESTREAM_ROOT: this test starts, kills and restarts a broker "
         "of its own with scripts/kafka-start.sh";
  const fs::path tmp = Env("TEST_TMPDIR").empty() ? "/tmp" : Env("TEST_TMPDIR");
  OwnBroker broker(tmp / "push-load-broker");
  absl::Status started = broker.Start();
  ASSERT_TRUE(started.ok()) << started;
  {
    runtime::TopicAdminOptions options;
    options.bootstrap_servers = broker.bootstrap();
    auto admin = runtime::TopicAdmin::Create(options);
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE((*admin)->CreateTopic({"wire.raw", 3, -1, {}}).ok());
  }
  const fs::path tokens = tmp / "push-tokens";
  std::ofstream(tokens) << "reuters " << kToken << "\n";
  const int port = testsupport::FreePort();
  WorkerProcess gateway(
      absl::StrCat(Env("TEST_SRCDIR"),
                   "/wirestream/pipeline/ingest/push_gateway"),
      {absl::StrCat("--bootstrap=", broker.bootstrap()),
       absl::StrCat("--listen=127.0.0.1:", port),
       absl::StrCat("--tokens=", tokens.string()),
       "--http=", "--rate_per_source=0", "--write_timeout=5s", "--threads=64"});
  ASSERT_TRUE(gateway.Start().ok());

  constexpr int kSenders = 50;
  constexpr int kPerSender = 200;
  constexpr int kStories = kSenders * kPerSender;
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  absl::Mutex mu;
  // Feed item id → (partition, offset) of each 202.
  std::map<std::string, std::pair<int32_t, int64_t>> receipts;
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      for (int i = 0; i < kPerSender; ++i) {
        const std::string key = absl::StrCat("load-", s, "-", i);
        const std::string body = absl::StrCat(
            "STORM LASHES COAST ", key, "\n\nStory ", i, " of sender ", s, ".");
        const absl::Time give_up = absl::Now() + absl::Minutes(5);
        while (absl::Now() < give_up) {
          auto [status, response] =
              Post(port, "/v1/stories/reuters", key, body);
          if (status == 202) {
            absl::MutexLock lock(&mu);
            receipts[key] = {
                static_cast<int32_t>(JsonNumber(response, "partition")),
                JsonNumber(response, "offset")};
            ++accepted;
            break;
          }
          ++refused;
          absl::SleepFor(absl::Milliseconds(200));
        }
      }
    });
  }
  // The broker dies and comes back while the senders are busy.
  while (accepted.load() < kStories / 3) absl::SleepFor(absl::Milliseconds(10));
  broker.Kill();
  absl::SleepFor(absl::Seconds(3));
  absl::Status back = broker.Restart();
  ASSERT_TRUE(back.ok()) << back;
  // An orchestrator restarts a gateway that stopped on a fatal error.
  std::atomic<int> gateway_restarts{0};
  std::thread keeper([&] {
    while (accepted.load() < kStories && refused.load() < 1000000) {
      if (!gateway.Running() && gateway.Start().ok()) ++gateway_restarts;
      absl::SleepFor(absl::Milliseconds(500));
    }
  });
  for (auto& t : senders) t.join();
  keeper.join();
  fprintf(stderr,
          "push load: %d accepted, %d refused attempts (retried), gateway "
          "restarted %d times\n",
          accepted.load(), refused.load(), gateway_restarts.load());
  EXPECT_EQ(accepted.load(), kStories);
  EXPECT_GT(refused.load(), 0) << "the broker restart refused nothing";
  EXPECT_EQ(gateway.Stop(absl::Seconds(30)), 0) << gateway.Log();

  auto records = ReadCommitted(broker.bootstrap(), "wire.raw", 3);
  std::map<std::string, int> counts;
  for (const auto& [position, id] : records) ++counts[id];
  int repeated = 0;
  for (const auto& [id, n] : counts) repeated += n - 1;
  EXPECT_EQ(repeated, 0);
  EXPECT_EQ(records.size(), static_cast<size_t>(kStories));
  int misplaced = 0;
  for (const auto& [key, position] : receipts) {
    auto it = records.find(position);
    if (it == records.end() || it->second != key) ++misplaced;
  }
  EXPECT_EQ(misplaced, 0);
  EXPECT_EQ(receipts.size(), static_cast<size_t>(kStories));
}

}  // namespace
}  // namespace wirestream
