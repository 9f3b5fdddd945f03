// File: pipeline/stages/alert/scripted_http_server.h
//
// ScriptedHttpServer: a tiny HTTP/1.1 server on 127.0.0.1 for tests of
// webhook delivery. It answers the n-th request with the n-th status of its
// script (the last one repeats); a status of 0 means "never answer": the
// connection is held until the client gives up (or 5 s pass).
//
//   ScriptedHttpServer server({500, 503, 200});  // fails twice, then OK
//   sender->Enqueue(Target(server.url("/hook")), alert);
//   ASSERT_TRUE(server.AwaitRequests(3));
//   EXPECT_EQ(server.requests()[2].headers["idempotency-key"], "al-1");
//
// Bounded: one connection at a time, at most 100 connections, requests up
// to 1 MiB read within 2 s; stops within 50 ms of Stop() or destruction.
// Thread-safe accessors.
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_SCRIPTED_HTTP_SERVER_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_SCRIPTED_HTTP_SERVER_H_

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wirestream::alert {

class ScriptedHttpServer {
 public:
  struct Request {
    std::string method;
    std::string path;
    // Header names in lower case.
    absl::flat_hash_map<std::string, std::string> headers;
    std::string body;
    // When the request was read.
    absl::Time at;
  };

  // Listens on an ephemeral port of 127.0.0.1 and starts serving.
  explicit ScriptedHttpServer(std::vector<int> script);
  ~ScriptedHttpServer();

  // Stops serving and closes the socket.
  void Stop();

  // Returns "http://127.0.0.1:<port><path>".
  std::string url(absl::string_view path = "/hook") const;
  int port() const { return port_; }

  // Returns the requests read so far.
  std::vector<Request> requests() const;

  // Waits (at most 10 s) until `n` requests were read; false on timeout.
  bool AwaitRequests(size_t n) const;

 private:
  void Serve();
  void Handle(int conn);

  const std::vector<int> script_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::vector<Request> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_SCRIPTED_HTTP_SERVER_H_
