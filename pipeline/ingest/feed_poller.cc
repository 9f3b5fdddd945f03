#include "pipeline/ingest/feed_poller.h"

#include <curl/curl.h>
#include <xxhash.h>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "pipeline/ingest/feed_parser.h"
#include "pipeline/ingest/source_name.h"
#include "pipeline/runtime/log.h"

namespace wirestream::ingest {
namespace {

using runtime::LogInfo;
using runtime::LogWarning;

struct CurlBody {
  std::string* body;
  int64_t limit;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<CurlBody*>(user);
  if (static_cast<int64_t>(sink->body->size() + size * n) > sink->limit) {
    return 0;  // too large: curl stops with an error
  }
  sink->body->append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* result = static_cast<FetchResult*>(user);
  absl::string_view line(data, size * n);
  std::pair<absl::string_view, absl::string_view> kv =
      absl::StrSplit(line, absl::MaxSplits(':', 1));
  const std::string value(absl::StripAsciiWhitespace(kv.second));
  if (absl::EqualsIgnoreCase(kv.first, "ETag")) result->etag = value;
  if (absl::EqualsIgnoreCase(kv.first, "Last-Modified")) {
    result->last_modified = value;
  }
  if (absl::EqualsIgnoreCase(kv.first, "Content-Type")) {
    result->content_type = value;
  }
  return size * n;
}

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Hash(absl::string_view a, absl::string_view b) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  XXH3_128bits_update(state, a.data(), a.size());
  XXH3_128bits_update(state, "\n", 1);
  XXH3_128bits_update(state, b.data(), b.size());
  const XXH128_hash_t h = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  return absl::StrFormat("%016x%016x", h.high64, h.low64);
}

// Splits "scheme://host[:port]/path?q" into site and path ("/path?q").
std::pair<std::string, std::string> SiteAndPath(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {"", ""};
  const size_t slash = url.find('/', scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

}  // namespace

absl::StatusOr<FeedSpec> ParseFeedSpec(absl::string_view spec) {
  std::vector<absl::string_view> parts = absl::StrSplit(spec, ',');
  std::pair<absl::string_view, absl::string_view> head =
      absl::StrSplit(parts[0], absl::MaxSplits('=', 1));
  FeedSpec feed;
  feed.name = std::string(head.first);
  feed.url = std::string(head.second);
  if (!IsValidSourceName(feed.name) ||
      !(absl::StartsWith(feed.url, "http://") ||
        absl::StartsWith(feed.url, "https://"))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--feed wants NAME=http(s)://URL[,interval_s=N][,pages=yes], got \"",
        spec, "\""));
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(parts[i], absl::MaxSplits('=', 1));
    int64_t seconds = 0;
    if (kv.first == "interval_s" && absl::SimpleAtoi(kv.second, &seconds) &&
        seconds > 0) {
      feed.interval = absl::Seconds(seconds);
    } else if (kv.first == "pages" &&
               (kv.second == "yes" || kv.second == "no")) {
      feed.fetch_pages = kv.second == "yes";
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--feed ", feed.name, ": bad setting \"", parts[i],
                       "\" (interval_s=SECONDS, pages=yes|no)"));
    }
  }
  return feed;
}

CurlFetcher::CurlFetcher(CurlFetcherOptions options)
    : options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

FetchResult CurlFetcher::Get(const std::string& url, const std::string& etag,
                             const std::string& last_modified) {
  FetchResult result;
  CURL* curl = curl_easy_init();
  CurlBody sink{&result.body, options_.max_body_bytes};
  curl_slist* headers = nullptr;
  if (!etag.empty()) {
    headers = curl_slist_append(headers,
                                absl::StrCat("If-None-Match: ", etag).c_str());
  }
  if (!last_modified.empty()) {
    headers = curl_slist_append(
        headers, absl::StrCat("If-Modified-Since: ", last_modified).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(
      curl, CURLOPT_TIMEOUT_MS,
      static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result);
  const CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    result.status = static_cast<int>(status);
  } else {
    result.error = curl_easy_strerror(code);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return result;
}

FeedPoller::FeedPoller(std::vector<FeedSpec> feeds, HttpFetcher* fetcher,
                       StoryLog* log, TakenLedger* ledger,
                       IngestMetrics* metrics, FeedPollerOptions options)
    : fetcher_(fetcher),
      log_(log),
      ledger_(ledger),
      metrics_(metrics),
      options_(std::move(options)) {
  for (FeedSpec& spec : feeds) {
    FeedState state;
    state.spec = std::move(spec);
    feeds_.push_back(std::move(state));
  }
}

absl::Time FeedPoller::next_poll(const std::string& feed) const {
  for (const FeedState& f : feeds_) {
    if (f.spec.name == feed) return f.next_poll;
  }
  return absl::InfiniteFuture();
}

void FeedPoller::Failed(FeedState& feed, absl::Time now,
                        absl::string_view why) {
  ++feed.errors;
  if (metrics_ != nullptr) metrics_->FeedPollError(feed.spec.name);
  absl::Duration wait = feed.spec.interval;
  for (int i = 1; i < feed.errors && wait < options_.max_backoff; ++i) {
    wait *= 2;
  }
  wait = std::min(wait, options_.max_backoff);
  feed.next_poll = now + wait;
  LogWarning("feed %s: poll failed (%s); next try in %s", feed.spec.name, why,
             absl::FormatDuration(wait));
}

bool FeedPoller::RobotsAllow(const std::string& url) {
  auto [site, path] = SiteAndPath(url);
  if (site.empty()) return false;
  auto it = robots_.find(site);
  if (it == robots_.end() ||
      absl::Now() - it->second.second > absl::Hours(24)) {
    FetchResult robots = fetcher_->Get(site + "/robots.txt", "", "");
    RobotsRules rules;
    if (robots.status == 200) {
      rules = RobotsRules::Parse(robots.body, options_.robots_agent);
    } else if (robots.status == 401 || robots.status == 403) {
      rules = RobotsRules::DisallowAll();
    }
    it = robots_.insert_or_assign(site, std::make_pair(rules, absl::Now()))
             .first;
  }
  return it->second.first.Allows(path);
}

absl::StatusOr<int64_t> FeedPoller::Poll(FeedState& feed, absl::Time now) {
  FetchResult fetched =
      fetcher_->Get(feed.spec.url, feed.etag, feed.last_modified);
  if (fetched.status == 304) {
    feed.errors = 0;
    feed.next_poll = now + feed.spec.interval;
    return 0;
  }
  if (fetched.status != 200) {
    Failed(feed, now,
           fetched.status == 0 ? fetched.error
                               : absl::StrCat("HTTP ", fetched.status));
    return 0;
  }
  absl::StatusOr<ParsedFeed> parsed = ParseFeed(fetched.body);
  if (!parsed.ok()) {
    Failed(feed, now, parsed.status().message());
    return 0;
  }
  const std::string prefix =
      absl::StrCat("feed/", options_.instance, "/", feed.spec.name, "/");
  std::vector<Submission> submissions;
  std::set<std::string> this_poll;
  const absl::Time received_at = absl::Now();
  for (const FeedItem& item : parsed->items) {
    std::vector<std::string> keys;
    if (!item.id.empty()) keys.push_back(prefix + "id:" + item.id);
    if (!item.link.empty()) keys.push_back(prefix + "link:" + item.link);
    keys.push_back(prefix + "sha:" + Hash(item.title, item.content));
    bool seen = false;
    for (const std::string& key : keys) {
      if (ledger_->Find(key) || this_poll.count(key)) seen = true;
    }
    if (seen) continue;
    this_poll.insert(keys.begin(), keys.end());
    Submission s;
    s.ledger_key = keys.front();
    s.also_ledger_keys.assign(keys.begin() + 1, keys.end());
    const std::string id = !item.id.empty() ? item.id
                           : !item.link.empty()
                               ? item.link
                               : keys.back().substr(prefix.size());
    s.record_key = absl::StrCat(feed.spec.name, ":", id);
    s.story.set_feed_item_id(s.record_key);
    s.story.set_source(feed.spec.name);
    s.story.set_url(item.link);
    (*s.story.mutable_attributes())["ingest.gateway"] = "feed";
    (*s.story.mutable_attributes())["ingest.feed_url"] = feed.spec.url;
    bool have_page = false;
    if (feed.spec.fetch_pages && !item.link.empty()) {
      if (!RobotsAllow(item.link)) {
        (*s.story.mutable_attributes())["ingest.page"] = "robots_disallowed";
      } else {
        FetchResult page = fetcher_->Get(item.link, "", "");
        if (page.status == 200 && !page.body.empty() &&
            static_cast<int64_t>(page.body.size()) <=
                options_.max_story_bytes) {
          s.story.set_payload(std::move(page.body));
          s.story.set_content_type(page.content_type);
          s.story.set_format(v1::WIRE_FORMAT_HTML);
          have_page = true;
        } else {
          (*s.story.mutable_attributes())["ingest.page"] =
              page.status == 0 ? "unreachable"
                               : absl::StrCat("http_", page.status);
        }
      }
    }
    if (!have_page) {
      s.story.set_payload(absl::StrCat(
          "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>",
          HtmlEscape(item.title), "</title></head><body><article><h1>",
          HtmlEscape(item.title), "</h1>\n", item.content,
          "\n</article></body></html>\n"));
      s.story.set_content_type("text/html; charset=utf-8");
      s.story.set_format(v1::WIRE_FORMAT_HTML);
    }
    if (static_cast<int64_t>(s.story.payload().size()) >
        options_.max_story_bytes) {
      if (metrics_ != nullptr) metrics_->Rejected(RejectReason::kTooLarge);
      continue;
    }
    const int64_t nanos = absl::ToUnixNanos(received_at);
    s.story.mutable_received_at()->set_seconds(nanos / 1000000000);
    s.story.mutable_received_at()->set_nanos(
        static_cast<int32_t>(nanos % 1000000000));
    submissions.push_back(std::move(s));
  }
  if (!submissions.empty()) {
    std::vector<const Submission*> pointers;
    for (const Submission& s : submissions) pointers.push_back(&s);
    absl::StatusOr<std::vector<Receipt>> receipts = log_->Write(pointers);
    if (!receipts.ok()) {
      if (!absl::IsUnavailable(receipts.status())) return receipts.status();
      // Not taken: the same items come again at the next poll.
      Failed(feed, now, receipts.status().message());
      return 0;
    }
    for (size_t i = 0; i < submissions.size(); ++i) {
      ledger_->Add(submissions[i].ledger_key, (*receipts)[i]);
      for (const std::string& key : submissions[i].also_ledger_keys) {
        ledger_->Add(key, (*receipts)[i]);
      }
      if (metrics_ != nullptr) {
        metrics_->StoryTaken(
            feed.spec.name,
            static_cast<int64_t>(submissions[i].story.payload().size()));
      }
    }
    if (metrics_ != nullptr) metrics_->FeedNewItem(feed.spec.name, absl::Now());
    LogInfo("feed %s: %d new items", feed.spec.name, submissions.size());
  }
  // Validators only once the items are taken: a failed write re-reads all.
  feed.etag = fetched.etag;
  feed.last_modified = fetched.last_modified;
  feed.errors = 0;
  feed.next_poll = now + feed.spec.interval;
  return static_cast<int64_t>(submissions.size());
}

absl::StatusOr<int64_t> FeedPoller::PollDue(absl::Time now) {
  int64_t stories = 0;
  for (FeedState& feed : feeds_) {
    if (feed.next_poll > now) continue;
    absl::StatusOr<int64_t> polled = Poll(feed, now);
    if (!polled.ok()) return polled.status();
    stories += *polled;
  }
  return stories;
}

absl::Status FeedPoller::Run(const std::atomic<bool>& stop) {
  absl::Time last_prune = absl::Now();
  while (!stop.load()) {
    absl::StatusOr<int64_t> polled = PollDue(absl::Now());
    if (!polled.ok()) return polled.status();
    if (metrics_ != nullptr) {
      metrics_->ready->Set(log_->available() ? 1 : 0);
      metrics_->ledger_entries->Set(static_cast<double>(ledger_->size()));
    }
    if (absl::Now() - last_prune > absl::Minutes(10)) {
      ledger_->Prune(absl::Now());
      last_prune = absl::Now();
    }
    absl::Time next = absl::InfiniteFuture();
    for (const FeedState& feed : feeds_) next = std::min(next, feed.next_poll);
    while (!stop.load() && absl::Now() < next) {
      absl::SleepFor(std::min(absl::Milliseconds(200), next - absl::Now()));
    }
  }
  return absl::OkStatus();
}

}  // namespace wirestream::ingest
