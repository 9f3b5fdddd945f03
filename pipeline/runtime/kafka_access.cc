#include "pipeline/runtime/kafka_access.h"

#include <librdkafka/rdkafkacpp.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "pipeline/runtime/kafka_io.h"
#include "pipeline/runtime/kafka_listener.h"

namespace wirestream::runtime {
namespace {

// Keeps the first authentication or TLS failure the client reports.
class SignInErrors : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    if (event.type() != RdKafka::Event::EVENT_ERROR) return;
    if (event.err() != RdKafka::ERR__AUTHENTICATION &&
        event.err() != RdKafka::ERR__SSL) {
      return;
    }
    absl::MutexLock lock(&mutex_);
    if (first_.empty()) first_ = event.str();
  }

  std::string first() {
    absl::MutexLock lock(&mutex_);
    return first_;
  }

 private:
  absl::Mutex mutex_;
  std::string first_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace

absl::Status CheckKafkaAccess(
    const std::vector<std::pair<std::string, std::string>>& properties,
    absl::Duration timeout) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [key, value] : properties) {
    if (conf->set(key, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Kafka property ", key, "=",
          IsSecretProperty(key) ? "<hidden>" : value, " rejected: ", error));
    }
  }
  SignInErrors errors;
  if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(&errors), error) !=
      RdKafka::Conf::CONF_OK) {
    return absl::InternalError(error);
  }
  std::unique_ptr<RdKafka::Producer> client(
      RdKafka::Producer::create(conf.get(), error));
  if (client == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create a Kafka client: ", error));
  }
  const absl::Time deadline = absl::Now() + timeout;
  RdKafka::ErrorCode err = RdKafka::ERR__TIMED_OUT;
  while (absl::Now() < deadline) {
    // Short requests, so a refused sign-in ends the wait early.
    RdKafka::Metadata* metadata = nullptr;
    err = client->metadata(/*all_topics=*/false, nullptr, &metadata, 500);
    delete metadata;
    if (err == RdKafka::ERR_NO_ERROR) return absl::OkStatus();
    client->poll(0);
    const std::string refused = errors.first();
    if (!refused.empty()) {
      return absl::UnauthenticatedError(
          absl::StrCat("cannot sign in to Kafka at ",
                       DescribeKafkaListener(properties), ": ", refused));
    }
  }
  return absl::UnavailableError(absl::StrCat(
      "Kafka at ", DescribeKafkaListener(properties), " did not answer within ",
      absl::FormatDuration(timeout), ": ", RdKafka::err2str(err)));
}

}  // namespace wirestream::runtime
