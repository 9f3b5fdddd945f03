// File: pipeline/ingest/push_gateway.h
//
// The HTTP push gateway: `POST /v1/stories/{source}` takes one story in any
// wire format the normalizer reads, or several as a multipart upload or a
// zip or tar batch, and answers only after Kafka has committed them:
//
//   202  {"topic":..,"partition":..,"offset":..,"stories":[...]}
//   400  malformed request (bad source name, short body, bad multipart/zip)
//   401  no bearer token          403  a token not valid for the source
//   404  another path             405  another method
//   413  body over the limit      429  the source's rate limit reached
//   503  Kafka unavailable: nothing was accepted; retry (Retry-After)
//
// Content-Type (with its charset) goes into RawStory.content_type. A retry
// is a no-op within the ledger window: the same Idempotency-Key, or without
// one the same body, gets the first answer again ("replay": true).
//
// PushGateway is the protocol logic, independent of the HTTP server;
// PushServer (push_server.h) serves it with civetweb.
//
//   PushGateway gateway(options, tokens.get(), &limiter, &queue, &metrics);
//   std::optional<PushResponse> early = gateway.Screen(request);  // before
//   PushResponse response = gateway.Handle(request);              // after body
//
// Thread-safe.
#ifndef WIRESTREAM_PIPELINE_INGEST_PUSH_GATEWAY_H_
#define WIRESTREAM_PIPELINE_INGEST_PUSH_GATEWAY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pipeline/ingest/access_tokens.h"
#include "pipeline/ingest/commit_queue.h"
#include "pipeline/ingest/ingest_metrics.h"
#include "pipeline/ingest/rate_limiter.h"

namespace wirestream::ingest {

inline constexpr absl::string_view kPushPathPrefix = "/v1/stories/";

struct PushRequest {
  std::string method;
  // The path without the query string, as sent (not decoded).
  std::string path;
  // Header names lower-cased.
  absl::flat_hash_map<std::string, std::string> headers;
  // Content-Length, or -1 when not declared (chunked).
  int64_t declared_length = -1;
  std::string body;
};

struct PushResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Close the connection after answering (the body was not read).
  bool close = false;
};

struct PushGatewayOptions {
  // Part of every ledger key: distinct per gateway instance.
  std::string instance = "0";
  // Largest request body, bytes (413 above).
  int64_t max_body_bytes = 1000000;
  // Largest story (a part or an archive member), bytes.
  int64_t max_story_bytes = 1000000;
  // Most stories in one upload.
  int max_stories = 1000;
  // How long a request waits for Kafka before 503.
  absl::Duration kafka_wait = absl::Seconds(10);
};

class PushGateway {
 public:
  PushGateway(PushGatewayOptions options, AccessTokens* tokens,
              RateLimiter* limiter, CommitQueue* queue, IngestMetrics* metrics);

  // Checks what can be checked before the body is read: method, path,
  // source, token, declared size, rate. Returns the answer when the request
  // is refused.
  std::optional<PushResponse> Screen(const PushRequest& request);

  // Takes a screened request whose body was read in full, and answers it.
  PushResponse Handle(const PushRequest& request);

  // The largest body a request may have.
  int64_t max_body_bytes() const { return options_.max_body_bytes; }

  // An answer for a refused request, counted under `reason` when given.
  PushResponse Refuse(int status, absl::string_view message,
                      std::optional<RejectReason> reason);

 private:
  const PushGatewayOptions options_;
  AccessTokens* const tokens_;
  RateLimiter* const limiter_;
  CommitQueue* const queue_;
  IngestMetrics* const metrics_;
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_PUSH_GATEWAY_H_
