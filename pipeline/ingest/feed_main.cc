// feed_gateway: polls RSS 2.0, Atom and JSON Feed feeds and writes each new
// item to wire.raw exactly once, across restarts.
//
//   feed_gateway --bootstrap=HOST:PORT --instance=0 --http=0.0.0.0:9472
//     --feed=partner=https://partner.example/rss.xml,interval_s=120
//     --feed=blog=https://blog.example/feed.json,interval_s=600,pages=yes
//     --user_agent="wirestream-ingest/1.0 (+https://newsroom.example/bot)"
//
// See feed_poller.h. Exit codes: 0 after SIGTERM/SIGINT; 1 on a fatal Kafka
// error; 2 on bad flags.
#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "pipeline/ingest/feed_poller.h"
#include "pipeline/ingest/gateway_process.h"
#include "pipeline/runtime/help.h"
#include "pipeline/runtime/log.h"

ABSL_FLAG(std::string, user_agent,
          "wirestream-ingest/1.0 (news wire feed reader)",
          "User-Agent of every request; say who runs it and how to reach "
          "them. Its first word is the robots.txt product token.");
ABSL_FLAG(absl::Duration, fetch_timeout, absl::Seconds(20),
          "Longest a feed or page request may take.");
ABSL_FLAG(absl::Duration, max_backoff, absl::Hours(1),
          "Longest wait between polls of a failing feed.");
ABSL_FLAG(int64_t, max_story_bytes, 1000000,
          "Larger items or pages are not sent.");

namespace wirestream::ingest {
namespace {

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "polls RSS, Atom and JSON Feed feeds into wire.raw.\n"
      "  feed_gateway --bootstrap=HOST:PORT "
      "--feed=NAME=URL[,interval_s=N][,pages=yes]...");
  if (runtime::AnswerHelp(argc, argv, "pipeline/")) return 0;
  std::vector<std::string> args(argv, argv + argc);
  std::vector<FeedSpec> feeds;
  for (const std::string& spec : ExtractRepeatedFlag("feed", args)) {
    auto feed = ParseFeedSpec(spec);
    if (!feed.ok()) {
      runtime::LogError("bad flags: %s", feed.status().message());
      return 2;
    }
    feeds.push_back(*std::move(feed));
  }
  if (feeds.empty()) {
    runtime::LogError("bad flags: name at least one --feed=NAME=URL");
    return 2;
  }
  auto gateway = GatewayProcess::Start("feed", args);
  if (!gateway.ok()) {
    runtime::LogError("feed: cannot start: %s", gateway.status().message());
    return ExitCodeFor(gateway.status());
  }
  CurlFetcherOptions fetch;
  fetch.user_agent = absl::GetFlag(FLAGS_user_agent);
  fetch.timeout = absl::GetFlag(FLAGS_fetch_timeout);
  CurlFetcher fetcher(fetch);
  FeedPollerOptions options;
  options.instance = (*gateway)->config().instance_id;
  options.robots_agent = fetch.user_agent.substr(0, fetch.user_agent.find('/'));
  options.max_backoff = absl::GetFlag(FLAGS_max_backoff);
  options.max_story_bytes = absl::GetFlag(FLAGS_max_story_bytes);
  for (const FeedSpec& feed : feeds) {
    runtime::LogInfo("feed %s: polling %s every %s%s", feed.name, feed.url,
                     absl::FormatDuration(feed.interval),
                     feed.fetch_pages ? ", with pages" : "");
  }
  FeedPoller poller(feeds, &fetcher, (*gateway)->story_log(),
                    (*gateway)->ledger(), (*gateway)->metrics(), options);
  absl::Status ran = poller.Run((*gateway)->stop_requested());
  if (!ran.ok()) {
    runtime::LogError("feed: stopping on a fatal error: %s", ran.ToString());
    return 1;
  }
  runtime::LogInfo("feed: stopped cleanly");
  return 0;
}

}  // namespace
}  // namespace wirestream::ingest

int main(int argc, char** argv) { return wirestream::ingest::Run(argc, argv); }
