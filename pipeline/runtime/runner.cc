#include "pipeline/runtime/runner.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <thread>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "pipeline/runtime/help.h"
#include "pipeline/runtime/http_server.h"
#include "pipeline/runtime/kafka_access.h"
#include "pipeline/runtime/kafka_io.h"
#include "pipeline/runtime/log.h"
#include "pipeline/runtime/metrics.h"
#include "pipeline/runtime/processor.h"
#include "pipeline/runtime/runner_flags.h"

namespace wirestream::runtime {
namespace {

std::atomic<bool> stop_requested{false};

// How long start-up waits for Kafka to answer before going on regardless.
constexpr absl::Duration kAccessCheckTimeout = absl::Seconds(10);

void OnStopSignal(int) { stop_requested = true; }

// Returns the host of "host:port"; "0.0.0.0" for a port alone.
std::string HostOf(const std::string& address) {
  const size_t colon = address.rfind(':');
  const std::string host =
      colon == std::string::npos ? "" : address.substr(0, colon);
  return host.empty() ? "0.0.0.0" : host;
}

// Says who may call the admin endpoints (never the token).
void LogAdminAccess(const std::string& stage, const RouteAccess& access) {
  if (!access.token_required) {
    LogInfo("%s: admin endpoints answer local callers without a token", stage);
  } else if (access.token.empty()) {
    LogWarning(
        "%s: admin endpoints are on a non-loopback address without a token "
        "and refuse every request (401); give --admin_token_file or "
        "--admin_token_env, or --admin_http=127.0.0.1:PORT",
        stage);
  } else {
    LogInfo("%s: admin endpoints need the admin token", stage);
  }
}

const char* ModeName(DeliveryMode mode) {
  return mode == DeliveryMode::kExactlyOnce ? "exactly-once" : "at-least-once";
}

}  // namespace

int RunStage(Stage& stage, const RunnerConfig& config,
             const std::atomic<bool>& stop, const WorkerExtras& extras) {
  const std::string name(stage.name());
  absl::Status valid = config.Validate();
  if (!valid.ok()) {
    LogError("%s: bad configuration: %s", name, valid.message());
    return 2;
  }
  std::shared_ptr<prometheus::Registry> registry =
      extras.registry != nullptr ? extras.registry
                                 : std::make_shared<prometheus::Registry>();
  StageMetrics metrics(*registry, name);
  stage.RegisterMetrics(*registry);

  // Credentials and certificates are configuration: refused ones stop the
  // worker now (exit 2). A cluster that does not answer yet is waited for
  // by the clients, as before.
  absl::Status access = CheckKafkaAccess(
      ClientProperties(config, name, "access-check"), kAccessCheckTimeout);
  if (absl::IsUnauthenticated(access) || absl::IsInvalidArgument(access)) {
    LogError("%s: %s", name, access.message());
    return 2;
  }
  if (!access.ok()) {
    LogWarning("%s: %s; starting anyway", name, access.message());
  }

  auto source = KafkaSource::Create(config, name, &metrics);
  if (!source.ok()) {
    LogError("%s: %s", name, source.status().message());
    return 2;
  }
  std::unique_ptr<RecordSink> sink;
  if (config.mode == DeliveryMode::kExactlyOnce) {
    auto txn = TransactionalSink::Create(config, name, source->get(), &metrics);
    if (!txn.ok()) {
      LogError("%s: %s", name, txn.status().message());
      return 1;
    }
    sink = *std::move(txn);
  } else {
    auto alo = AtLeastOnceSink::Create(config, name, source->get(), &metrics);
    if (!alo.ok()) {
      LogError("%s: %s", name, alo.status().message());
      return 1;
    }
    sink = *std::move(alo);
  }

  KafkaChangelogReader changelog(config, name);
  stage.AttachChangelog(&changelog);
  Processor processor(&stage, source->get(), sink.get(), &metrics, config);
  std::unique_ptr<HttpServer> server;
  if (!config.http_address.empty()) {
    auto started =
        HttpServer::Start(config.http_address, registry,
                          [&processor] { return processor.ready(); });
    if (!started.ok()) {
      LogError("%s: %s", name, started.status().message());
      return 2;
    }
    server = *std::move(started);
    std::string paths = "/metrics /healthz /readyz";
    if (extras.admin.address.empty()) {
      const RouteAccess access =
          AdminRouteAccess(extras.admin, config.http_address);
      for (const HttpRoute& route : extras.routes) {
        server->AddRoute(route, access);
        absl::StrAppend(&paths, " ", route.method, " ", route.path);
      }
      if (!extras.routes.empty()) LogAdminAccess(name, access);
    }
    LogInfo("%s: metrics and health on http://%s:%d (%s)", name,
            HostOf(config.http_address), server->port(), paths);
  }
  // Admin endpoints on a listener of their own.
  std::unique_ptr<HttpServer> admin_server;
  if (!extras.admin.address.empty() && !extras.routes.empty()) {
    auto started =
        HttpServer::Start(extras.admin.address, registry,
                          [&processor] { return processor.ready(); });
    if (!started.ok()) {
      LogError("%s: admin endpoints: %s", name, started.status().message());
      return 2;
    }
    admin_server = *std::move(started);
    const RouteAccess access =
        AdminRouteAccess(extras.admin, extras.admin.address);
    std::string paths;
    for (const HttpRoute& route : extras.routes) {
      admin_server->AddRoute(route, access);
      absl::StrAppend(&paths, paths.empty() ? "" : " ", route.method, " ",
                      route.path);
    }
    LogInfo("%s: admin endpoints on http://%s:%d (%s)", name,
            HostOf(extras.admin.address), admin_server->port(), paths);
    LogAdminAccess(name, access);
  }
  LogInfo("%s: reading %s, writing %s, dead letters to %s, group %s, %s", name,
          absl::StrJoin(config.input_topics, ","), config.output_topic,
          config.dead_letter_topic, config.GroupIdFor(name),
          ModeName(config.mode));

  // Shutdown watchdog: once a stop is requested, the worker has
  // shutdown_timeout to commit and leave the group.
  absl::Notification finished;
  std::thread watchdog([&] {
    while (!stop.load()) {
      if (finished.WaitForNotificationWithTimeout(absl::Milliseconds(200))) {
        return;
      }
    }
    if (!finished.WaitForNotificationWithTimeout(config.shutdown_timeout)) {
      LogError(
          "%s: shutdown took longer than %s; exiting without a clean "
          "commit (the next start re-reads from the last commit)",
          name, absl::FormatDuration(config.shutdown_timeout));
      std::_Exit(3);
    }
  });

  absl::Status status = processor.Run(stop);
  finished.Notify();
  watchdog.join();
  if (!status.ok()) {
    LogError("%s: stopping on a fatal error: %s", name, status.ToString());
    return 1;
  }
  LogInfo("%s: stopped cleanly", name);
  return 0;
}

int RunWorker(int argc, char** argv, const RunnerConfig& defaults,
              const StageFactory& make_stage) {
  return RunWorkerWithExtras(
      argc, argv, defaults,
      [&make_stage](WorkerExtras&) { return make_stage(); });
}

int RunWorkerWithExtras(int argc, char** argv, const RunnerConfig& defaults,
                        const StageWithExtrasFactory& make_stage) {
  std::string program = argc > 0 ? argv[0] : "worker";
  program = program.substr(program.rfind('/') + 1);
  absl::SetProgramUsageMessage(absl::StrCat(
      program,
      ": a wirestream worker, reading its input topics and writing its "
      "output topic in Kafka transactions.\n  ",
      program,
      " --bootstrap=HOST:PORT [--group=ID --instance=ID] [--http=HOST:PORT]\n"
      "    [--kafka KEY=VALUE]... [--kafka_from_env KEY=VAR]... "
      "[--kafka_from_file KEY=PATH]...\n"
      "Exit status: 0 stopped on request, 1 fatal Kafka error, 2 bad flags "
      "or configuration (a Kafka listener refusing the credentials "
      "included), 3 shutdown overran --shutdown_timeout_s."));
  if (AnswerHelp(argc, argv, "pipeline/")) return 0;
  std::vector<std::string> args(argv, argv + argc);
  auto kafka = ExtractKafkaProperties(args);
  if (!kafka.ok()) {
    LogError("%s", kafka.status().message());
    return 2;
  }
  absl::Status flags_ok = CheckFlags(args);
  if (!flags_ok.ok()) {
    LogError("bad flags: %s", flags_ok.message());
    return 2;
  }
  std::vector<char*> rest;
  for (std::string& a : args) rest.push_back(a.data());
  absl::ParseCommandLine(static_cast<int>(rest.size()), rest.data());
  auto config = RunnerConfigFromFlags(defaults, *std::move(kafka));
  if (!config.ok()) {
    LogError("bad flags: %s", config.status().message());
    return 2;
  }
  absl::StatusOr<AdminAccess> admin = AdminAccessFromFlags();
  if (!admin.ok()) {
    LogError("bad flags: %s", admin.status().message());
    return 2;
  }
  WorkerExtras extras;
  extras.registry = std::make_shared<prometheus::Registry>();
  extras.admin = *std::move(admin);
  auto stage = make_stage(extras);
  if (!stage.ok()) {
    LogError("cannot start the stage: %s", stage.status().message());
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  return RunStage(**stage, *config, stop_requested, extras);
}

}  // namespace wirestream::runtime
