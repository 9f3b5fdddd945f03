// push_gateway: agencies POST stories over HTTP; each is written to
// wire.raw exactly once and answered 202 only after Kafka committed it.
//
//   push_gateway --bootstrap=HOST:PORT --instance=0 --http=0.0.0.0:9471
//     --listen=0.0.0.0:8480 --tokens=/etc/wirestream/push-tokens
//     --rate_per_source=50 --burst=200
//
// See push_gateway.h for the protocol. Exit codes: 0 after SIGTERM/SIGINT;
// 1 on a fatal Kafka error; 2 on bad flags or an unreadable tokens file.
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/time/clock.h"
#include "pipeline/ingest/access_tokens.h"
#include "pipeline/ingest/commit_queue.h"
#include "pipeline/ingest/gateway_process.h"
#include "pipeline/ingest/push_gateway.h"
#include "pipeline/ingest/push_server.h"
#include "pipeline/ingest/rate_limiter.h"
#include "pipeline/runtime/help.h"
#include "pipeline/runtime/log.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:8480",
          "HOST:PORT the push API listens on (port 0 picks a free one).");
ABSL_FLAG(std::string, tokens, "",
          "File of \"SOURCE TOKEN\" lines; re-read when it changes.");
ABSL_FLAG(int64_t, max_body_bytes, 8 << 20,
          "Largest request body (413 above).");
ABSL_FLAG(int64_t, max_story_bytes, 1000000,
          "Largest story, a part or an archive member (413 above).");
ABSL_FLAG(double, rate_per_source, 50,
          "Requests a second each source may send on average (0: no limit).");
ABSL_FLAG(double, burst, 200, "Requests a source may send at once.");
ABSL_FLAG(int, threads, 64, "Requests served at once.");
ABSL_FLAG(int, batch_stories, 500, "Most stories in one Kafka transaction.");

namespace wirestream::ingest {
namespace {

std::atomic<bool> fatal{false};

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "takes stories POSTed to /v1/stories/{source} into wire.raw.\n"
      "  push_gateway --bootstrap=HOST:PORT --listen=HOST:PORT "
      "--tokens=FILE");
  if (runtime::AnswerHelp(argc, argv, "pipeline/")) return 0;
  std::vector<std::string> args(argv, argv + argc);
  auto gateway = GatewayProcess::Start("push", args);
  if (!gateway.ok()) {
    runtime::LogError("push: cannot start: %s", gateway.status().message());
    return ExitCodeFor(gateway.status());
  }
  if (absl::GetFlag(FLAGS_tokens).empty()) {
    runtime::LogError("bad flags: --tokens names the file of source tokens");
    return 2;
  }
  auto tokens = AccessTokens::Load(absl::GetFlag(FLAGS_tokens));
  if (!tokens.ok()) {
    runtime::LogError("push: %s", tokens.status().message());
    return 2;
  }
  RateLimiter limiter(absl::GetFlag(FLAGS_rate_per_source),
                      absl::GetFlag(FLAGS_burst));
  CommitQueueOptions queue_options;
  queue_options.max_batch_stories =
      std::max(1, absl::GetFlag(FLAGS_batch_stories));
  queue_options.on_fatal = [](const absl::Status& status) {
    runtime::LogError("push: stopping on a fatal Kafka error: %s",
                      status.ToString());
    fatal = true;
  };
  CommitQueue queue((*gateway)->story_log(), (*gateway)->ledger(),
                    queue_options);
  PushGatewayOptions options;
  options.instance = (*gateway)->config().instance_id;
  options.max_body_bytes = absl::GetFlag(FLAGS_max_body_bytes);
  options.max_story_bytes = absl::GetFlag(FLAGS_max_story_bytes);
  PushGateway push(options, tokens->get(), &limiter, &queue,
                   (*gateway)->metrics());
  PushServerOptions server_options;
  server_options.threads = std::max(1, absl::GetFlag(FLAGS_threads));
  auto server =
      PushServer::Start(absl::GetFlag(FLAGS_listen), &push, server_options);
  if (!server.ok()) {
    runtime::LogError("push: %s", server.status().message());
    return 2;
  }
  runtime::LogInfo("push: taking stories on port %d at /v1/stories/{source}",
                   (*server)->port());
  absl::Time last_prune = absl::Now();
  while (!(*gateway)->stop_requested().load() && !fatal.load()) {
    absl::SleepFor(absl::Milliseconds(200));
    IngestMetrics* metrics = (*gateway)->metrics();
    metrics->ready->Set((*gateway)->story_log()->available() ? 1 : 0);
    if (absl::Now() - last_prune > absl::Minutes(10)) {
      (*gateway)->ledger()->Prune(absl::Now());
      last_prune = absl::Now();
    }
    metrics->ledger_entries->Set(
        static_cast<double>((*gateway)->ledger()->size()));
  }
  // Stop taking requests, then let the batch in flight finish.
  server->reset();
  if (fatal.load()) return 1;
  runtime::LogInfo("push: stopped cleanly");
  return 0;
}

}  // namespace
}  // namespace wirestream::ingest

int main(int argc, char** argv) { return wirestream::ingest::Run(argc, argv); }
