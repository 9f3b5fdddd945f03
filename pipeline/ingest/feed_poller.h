// File: pipeline/ingest/feed_poller.h
//
// The polled-feed gateway: RSS 2.0, Atom and JSON Feed, each feed on its
// own interval. Polls use conditional GET (If-None-Match with the last
// ETag, If-Modified-Since with the last Last-Modified), a timeout, an
// honest User-Agent, and back off (interval doubling, at most
// max_backoff) after errors. Each new item becomes one RawStory: the
// item's page when the feed asks for pages (fetched only where the site's
// robots.txt allows), else the item's own HTML wrapped in a small page.
// An item seen before (same guid/id, same link, or same title and content)
// is not sent again, across restarts: its keys are in the ledger.
//
//   auto feed = ParseFeedSpec("agency=https://example.org/rss,interval_s=60");
//   CurlFetcher fetcher({.user_agent = "wirestream-ingest/1 (+ops@...)"});
//   FeedPoller poller({*feed}, &fetcher, &story_log, &ledger, &metrics, {});
//   poller.Run(stop);
//
// Not thread-safe: one thread runs a poller.
#ifndef WIRESTREAM_PIPELINE_INGEST_FEED_POLLER_H_
#define WIRESTREAM_PIPELINE_INGEST_FEED_POLLER_H_

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pipeline/ingest/ingest_metrics.h"
#include "pipeline/ingest/robots_rules.h"
#include "pipeline/ingest/story_log.h"
#include "pipeline/ingest/taken_ledger.h"

namespace wirestream::ingest {

struct FeedSpec {
  // The feed's name: RawStory.source and the metrics label.
  std::string name;
  std::string url;
  absl::Duration interval = absl::Minutes(5);
  // Send each item's linked page instead of the item's own text.
  bool fetch_pages = false;
};

// Parses "NAME=URL[,interval_s=N][,pages=yes|no]".
absl::StatusOr<FeedSpec> ParseFeedSpec(absl::string_view spec);

struct FetchResult {
  // HTTP status; 0 when no answer came (DNS, connect, timeout).
  int status = 0;
  std::string body;
  std::string content_type;
  std::string etag;
  std::string last_modified;
  // Why there was no answer.
  std::string error;
};

// HTTP GET, behind an interface so tests can count and script requests.
class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  // GETs `url`, sending If-None-Match / If-Modified-Since when not empty.
  virtual FetchResult Get(const std::string& url, const std::string& etag,
                          const std::string& last_modified) = 0;
};

struct CurlFetcherOptions {
  std::string user_agent =
      "wirestream-ingest/1.0 (news wire feed reader; polls at the feed's "
      "interval)";
  absl::Duration timeout = absl::Seconds(20);
  int64_t max_body_bytes = 8 << 20;
};

// HttpFetcher on libcurl; follows up to 5 redirects.
class CurlFetcher : public HttpFetcher {
 public:
  explicit CurlFetcher(CurlFetcherOptions options);
  FetchResult Get(const std::string& url, const std::string& etag,
                  const std::string& last_modified) override;

 private:
  const CurlFetcherOptions options_;
};

struct FeedPollerOptions {
  std::string instance = "0";
  // robots.txt product token (the User-Agent's first word).
  std::string robots_agent = "wirestream-ingest";
  absl::Duration max_backoff = absl::Hours(1);
  int64_t max_story_bytes = 1000000;
};

class FeedPoller {
 public:
  FeedPoller(std::vector<FeedSpec> feeds, HttpFetcher* fetcher, StoryLog* log,
             TakenLedger* ledger, IngestMetrics* metrics,
             FeedPollerOptions options);

  // Polls every feed due at `now`; returns the stories written. A fatal
  // Kafka error (fenced, commit outcome unknown) is returned.
  absl::StatusOr<int64_t> PollDue(absl::Time now);

  // Polls until `stop`.
  absl::Status Run(const std::atomic<bool>& stop);

  // When `feed` is polled next.
  absl::Time next_poll(const std::string& feed) const;

 private:
  struct FeedState {
    FeedSpec spec;
    std::string etag;
    std::string last_modified;
    absl::Time next_poll = absl::InfinitePast();
    int errors = 0;
  };
  absl::StatusOr<int64_t> Poll(FeedState& feed, absl::Time now);
  void Failed(FeedState& feed, absl::Time now, absl::string_view why);
  // True when robots.txt of `url`'s site allows fetching it.
  bool RobotsAllow(const std::string& url);

  std::vector<FeedState> feeds_;
  HttpFetcher* const fetcher_;
  StoryLog* const log_;
  TakenLedger* const ledger_;
  IngestMetrics* const metrics_;
  const FeedPollerOptions options_;
  // Per site ("scheme://host[:port]"): its robots.txt rules and when read.
  std::map<std::string, std::pair<RobotsRules, absl::Time>> robots_;
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_FEED_POLLER_H_
