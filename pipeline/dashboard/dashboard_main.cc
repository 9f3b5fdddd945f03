// dashboard: the newsroom's live web page of enriched stories and alerts.
//
//   dashboard --bootstrap=127.0.0.1:9092 --http=0.0.0.0:8080 \
//     --window_hours=6 --token_env=DASHBOARD_TOKEN
//
// Reads --input (default wire.enriched,wire.alerts: the enriched stories'
// topic first, then the alerts') with read_committed, keeps the last
// --window_hours in memory and serves the page, its JSON API, live updates,
// /metrics, /healthz and /readyz on --http. Runs until SIGTERM or SIGINT
// (exit 0); bad flags exit 2, an address that cannot be bound exits 1.
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "pipeline/dashboard/dashboard.h"
#include "pipeline/runtime/help.h"
#include "pipeline/runtime/log.h"
#include "pipeline/runtime/runner_flags.h"

ABSL_FLAG(double, window_hours, 6,
          "How many hours of stories and alerts the page shows and the "
          "dashboard keeps in memory.");
ABSL_FLAG(int64_t, max_stories, 100000,
          "At most this many stories in memory, whatever the window.");
ABSL_FLAG(int, max_clients, 64, "Live page connections served at once.");
ABSL_FLAG(std::string, token_env, "",
          "Name of an environment variable holding the access token for the "
          "page and the API. Empty (and no --token_file): no token.");
ABSL_FLAG(std::string, token_file, "",
          "File holding the access token (trailing newline dropped).");
ABSL_FLAG(std::string, history, "time",
          "Where reading starts: 'time' (each partition's first record in "
          "the window) or 'beginning' (clusters without offsetsForTimes).");

namespace wirestream::dashboard {
namespace {

using runtime::LogError;
using runtime::LogInfo;

std::atomic<bool> g_stop{false};
extern "C" void OnSignal(int) { g_stop.store(true); }

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "serves the newsroom page and its API from wire.enriched and "
      "wire.alerts.\n  dashboard_worker --bootstrap=HOST:PORT "
      "[--http=127.0.0.1:8080] [--window_hours=6]");
  if (runtime::AnswerHelp(argc, argv, "pipeline/")) return 0;
  std::vector<std::string> args(argv, argv + argc);
  auto kafka = runtime::ExtractKafkaProperties(args);
  if (!kafka.ok()) {
    LogError("dashboard: %s", kafka.status().message());
    return 2;
  }
  if (absl::Status checked = runtime::CheckFlags(args); !checked.ok()) {
    LogError("dashboard: %s", checked.message());
    return 2;
  }
  std::vector<char*> rest;
  for (std::string& arg : args) rest.push_back(arg.data());
  absl::ParseCommandLine(static_cast<int>(rest.size()), rest.data());

  runtime::RunnerConfig defaults;
  defaults.input_topics = {"wire.enriched", "wire.alerts"};
  defaults.http_address = "127.0.0.1:8080";
  // The dashboard writes nothing; the shared config still wants a name.
  defaults.output_topic = "-";
  auto config = runtime::RunnerConfigFromFlags(defaults, *std::move(kafka));
  if (!config.ok()) {
    LogError("dashboard: %s", config.status().message());
    return 2;
  }
  DashboardOptions options;
  options.feed.bootstrap = config->bootstrap_servers;
  options.feed.kafka_properties = config->kafka_properties;
  if (config->input_topics.size() != 2) {
    LogError("dashboard: --input takes two topics: enriched stories, alerts");
    return 2;
  }
  options.feed.enriched_topic = config->input_topics[0];
  options.feed.alerts_topic = config->input_topics[1];
  options.feed.client_id =
      config->GroupIdFor("dashboard") + "." + config->instance_id;
  const std::string history = absl::GetFlag(FLAGS_history);
  if (history == "beginning") {
    options.feed.history = HistoryStart::kFromBeginning;
  } else if (history != "time") {
    LogError("dashboard: --history must be time or beginning");
    return 2;
  }
  const double hours = absl::GetFlag(FLAGS_window_hours);
  if (!(hours > 0) || absl::GetFlag(FLAGS_max_stories) < 1) {
    LogError("dashboard: --window_hours and --max_stories must be positive");
    return 2;
  }
  options.window.span = absl::Seconds(hours * 3600);
  options.window.max_stories = absl::GetFlag(FLAGS_max_stories);
  options.window.max_alerts = options.window.max_stories / 4 + 1;
  options.server.address = config->http_address;
  options.server.max_clients = absl::GetFlag(FLAGS_max_clients);
  if (!absl::GetFlag(FLAGS_token_env).empty()) {
    const char* value = std::getenv(absl::GetFlag(FLAGS_token_env).c_str());
    if (value == nullptr || *value == '\0') {
      LogError("dashboard: --token_env names %s, which is not set",
               absl::GetFlag(FLAGS_token_env));
      return 2;
    }
    options.server.token = value;
  } else if (!absl::GetFlag(FLAGS_token_file).empty()) {
    std::ifstream in(absl::GetFlag(FLAGS_token_file));
    std::stringstream text;
    text << in.rdbuf();
    options.server.token = std::string(absl::StripAsciiWhitespace(text.str()));
    if (!in || options.server.token.empty()) {
      LogError("dashboard: cannot read a token from --token_file");
      return 2;
    }
  }

  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  auto dashboard = Dashboard::Start(std::move(options));
  if (!dashboard.ok()) {
    LogError("dashboard: %s", dashboard.status().message());
    return dashboard.status().code() == absl::StatusCode::kInvalidArgument ? 2
                                                                           : 1;
  }
  LogInfo("dashboard: serving on port %d (%s)", (*dashboard)->port(),
          config->http_address);
  while (!g_stop.load()) absl::SleepFor(absl::Milliseconds(200));
  LogInfo("dashboard: stopping");
  dashboard->reset();
  return 0;
}

}  // namespace
}  // namespace wirestream::dashboard

int main(int argc, char** argv) {
  return wirestream::dashboard::Main(argc, argv);
}
