// File: pipeline/runtime/kafka_access.h
//
// A start-up check that the worker can sign in to Kafka, so that a wrong
// password or an untrusted certificate stops the worker at once with a
// message naming the listener (exit code 2), instead of a worker that runs
// and retries forever. The message never holds a secret.
//
//   absl::Status access = CheckKafkaAccess(
//       ClientProperties(config, "alert", "access-check"), absl::Seconds(15));
//   if (absl::IsUnauthenticated(access)) { LogError(...); return 2; }
#ifndef WIRESTREAM_PIPELINE_RUNTIME_KAFKA_ACCESS_H_
#define WIRESTREAM_PIPELINE_RUNTIME_KAFKA_ACCESS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace wirestream::runtime {

// Asks the cluster named by `properties` (librdkafka properties, with
// bootstrap.servers) for its metadata, for at most `timeout`. Returns:
// - OK once it answers;
// - UNAUTHENTICATED when a broker refuses the SASL credentials or the TLS
//   handshake fails: "cannot sign in to Kafka at HOST:PORT
//   (security.protocol=SASL_SSL, sasl.mechanisms=..., sasl.username=...):
//   <the client's reason>";
// - UNAVAILABLE when nothing answered in time (the caller may go on: the
//   Kafka clients keep trying);
// - INVALID_ARGUMENT when librdkafka refuses a property (its value hidden
//   when it is a secret).
absl::Status CheckKafkaAccess(
    const std::vector<std::pair<std::string, std::string>>& properties,
    absl::Duration timeout);

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_KAFKA_ACCESS_H_
