// File: tests/support/secure_listener.h
//
// The test broker's second listener, which takes TLS with SASL only
// (scripts/kafka-start.sh writes its address and credentials to
// STATE_DIR/secure.env). Found by the plain listener's address, so it is
// the same broker BootstrapServers() returns:
//
//   absl::StatusOr<SecureListener> secure = FindSecureListener();
//   ASSERT_TRUE(secure.ok()) << secure.status();
//   std::vector<std::string> flags = secure->KafkaFlags("--kafka=");
#ifndef WIRESTREAM_TESTS_SUPPORT_SECURE_LISTENER_H_
#define WIRESTREAM_TESTS_SUPPORT_SECURE_LISTENER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace wirestream::testsupport {

struct SecureListener {
  // HOST:PORT of the SASL_SSL listener.
  std::string bootstrap;
  // PEM file of the CA that signed the broker's certificate.
  std::string ca_path;
  std::string username;
  std::string password;

  // Returns the librdkafka properties for signing in with PLAIN over TLS,
  // the password left out, each as `prefix` + "KEY=VALUE" (e.g.
  // "--kafka=" for a worker, "-X" for a tool).
  std::vector<std::string> KafkaFlags(const std::string& prefix) const;
};

// Returns the secure listener of the broker BootstrapServers() names,
// looked for in the state directories kafka-start.sh uses under
// WIRESTREAM_ROOT/.cache/kafka and TEST_TMPDIR. NOT_FOUND when none
// matches (a broker started by an older script, or elsewhere).
absl::StatusOr<SecureListener> FindSecureListener();

}  // namespace wirestream::testsupport

#endif  // WIRESTREAM_TESTS_SUPPORT_SECURE_LISTENER_H_
