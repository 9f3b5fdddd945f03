// The feed poller against a feed server this test runs on 127.0.0.1
// (civetweb): RSS, Atom and JSON Feed, ETags and 304s, server errors and
// backoff, a feed that repeats old items, robots.txt for page fetches.
#include "pipeline/ingest/feed_poller.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "civetweb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/ingest/feed_parser.h"
#include "pipeline/ingest/testing/fake_story_log.h"

namespace wirestream::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Serves scripted bodies by path; answers 304 when If-None-Match matches
// the ETag; counts requests and remembers User-Agents.
class FeedServer {
 public:
  struct Page {
    int status = 200;
    std::string body;
    std::string etag;
    std::string content_type = "application/xml";
  };

  FeedServer() {
    const char* options[] = {"listening_ports", "127.0.0.1:0", "num_threads",
                             "2", nullptr};
    mg_callbacks callbacks{};
    context_ = mg_start(&callbacks, nullptr, options);
    mg_server_port ports[2];
    mg_get_server_ports(context_, 2, ports);
    port_ = ports[0].port;
    mg_set_request_handler(context_, "/", &FeedServer::Serve, this);
  }
  ~FeedServer() { mg_stop(context_); }

  std::string Url(const std::string& path) const {
    return absl::StrCat("http://127.0.0.1:", port_, path);
  }
  void Set(const std::string& path, Page page) {
    absl::MutexLock lock(&mu_);
    pages_[path] = std::move(page);
  }
  int requests(const std::string& path) {
    absl::MutexLock lock(&mu_);
    return requests_[path];
  }
  int not_modified() {
    absl::MutexLock lock(&mu_);
    return not_modified_;
  }
  std::string user_agent() {
    absl::MutexLock lock(&mu_);
    return user_agent_;
  }

 private:
  static int Serve(mg_connection* conn, void* data) {
    auto* self = static_cast<FeedServer*>(data);
    const mg_request_info* info = mg_get_request_info(conn);
    const std::string path = info->local_uri;
    const char* inm = mg_get_header(conn, "If-None-Match");
    Page page;
    {
      absl::MutexLock lock(&self->mu_);
      ++self->requests_[path];
      const char* ua = mg_get_header(conn, "User-Agent");
      self->user_agent_ = ua ? ua : "";
      auto it = self->pages_.find(path);
      if (it == self->pages_.end()) {
        page.status = 404;
      } else {
        page = it->second;
      }
      if (page.status == 200 && inm != nullptr && !page.etag.empty() &&
          page.etag == inm) {
        ++self->not_modified_;
        page.status = 304;
        page.body.clear();
      }
    }
    mg_response_header_start(conn, page.status);
    mg_response_header_add(conn, "Content-Type", page.content_type.c_str(), -1);
    if (!page.etag.empty()) {
      mg_response_header_add(conn, "ETag", page.etag.c_str(), -1);
    }
    mg_response_header_add(conn, "Content-Length",
                           std::to_string(page.body.size()).c_str(), -1);
    mg_response_header_send(conn);
    mg_write(conn, page.body.data(), page.body.size());
    return page.status;
  }

  mg_context* context_;
  int port_;
  absl::Mutex mu_;
  std::map<std::string, Page> pages_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> requests_ ABSL_GUARDED_BY(mu_);
  int not_modified_ ABSL_GUARDED_BY(mu_) = 0;
  std::string user_agent_ ABSL_GUARDED_BY(mu_);
};

std::string Rss(const std::vector<std::string>& guids) {
  std::string items;
  for (const std::string& g : guids) {
    absl::StrAppend(&items, "<item><guid>", g, "</guid><title>Story ", g,
                    "</title><link>http://example.invalid/", g,
                    "</link><description>&lt;p&gt;Text of ", g,
                    ".&lt;/p&gt;</description></item>");
  }
  return absl::StrCat("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>",
                      "<title>Wire</title>", items, "</channel></rss>");
}

std::vector<std::string> Ids(const FakeStoryLog& log) {
  std::vector<std::string> ids;
  for (const Submission& s : log.stories())
    ids.push_back(s.story.feed_item_id());
  return ids;
}

class FeedPollerTest : public ::testing::Test {
 protected:
  std::unique_ptr<FeedPoller> Poller(std::vector<FeedSpec> feeds) {
    return std::make_unique<FeedPoller>(std::move(feeds), &fetcher_, &log_,
                                        &ledger_, nullptr, FeedPollerOptions{});
  }
  FeedSpec Feed(const std::string& name, const std::string& path,
                bool pages = false) {
    FeedSpec f;
    f.name = name;
    f.url = server_.Url(path);
    f.interval = absl::Minutes(1);
    f.fetch_pages = pages;
    return f;
  }

  FeedServer server_;
  CurlFetcher fetcher_{CurlFetcherOptions{"wirestream-ingest/1.0 (test)",
                                          absl::Seconds(5), 1 << 20}};
  FakeStoryLog log_;
  TakenLedger ledger_{absl::Hours(24)};
};

TEST_F(FeedPollerTest, SendsNewItemsOnceAndUsesTheETag) {
  server_.Set("/rss", {200, Rss({"a", "b"}), "\"v1\""});
  auto poller = Poller({Feed("wire", "/rss")});
  const absl::Time t0 = absl::Now();
  ASSERT_EQ(*poller->PollDue(t0), 2);
  EXPECT_THAT(Ids(log_), ElementsAre("wire:a", "wire:b"));
  const v1::RawStory story = log_.stories()[0].story;
  EXPECT_EQ(story.source(), "wire");
  EXPECT_EQ(story.url(), "http://example.invalid/a");
  EXPECT_EQ(story.format(), v1::WIRE_FORMAT_HTML);
  EXPECT_THAT(story.payload(), HasSubstr("<h1>Story a</h1>"));
  EXPECT_THAT(story.payload(), HasSubstr("<p>Text of a.</p>"));
  EXPECT_THAT(server_.user_agent(), HasSubstr("wirestream-ingest/1.0"));
  // Not due yet: no request.
  ASSERT_EQ(*poller->PollDue(t0 + absl::Seconds(30)), 0);
  EXPECT_EQ(server_.requests("/rss"), 1);
  // Due, unchanged: 304.
  ASSERT_EQ(*poller->PollDue(t0 + absl::Minutes(1)), 0);
  EXPECT_EQ(server_.not_modified(), 1);
  // Changed: only the new item.
  server_.Set("/rss", {200, Rss({"c", "a", "b"}), "\"v2\""});
  ASSERT_EQ(*poller->PollDue(t0 + absl::Minutes(2)), 1);
  EXPECT_THAT(Ids(log_), ElementsAre("wire:a", "wire:b", "wire:c"));
}

TEST_F(FeedPollerTest, OldItemsRepeatedByTheFeedAreNotSentAfterARestart) {
  server_.Set("/rss", {200, Rss({"a", "b"}), ""});
  ASSERT_EQ(*Poller({Feed("wire", "/rss")})->PollDue(absl::Now()), 2);
  // A new poller with the same ledger (restored after a restart), and a
  // feed that re-sends old items, one under a new guid but the same link.
  std::string repeated = Rss({"a", "b", "d"});
  repeated.replace(repeated.find("<guid>b</guid>"), 14, "<guid>b2</guid>");
  server_.Set("/rss", {200, repeated, ""});
  ASSERT_EQ(*Poller({Feed("wire", "/rss")})->PollDue(absl::Now()), 1);
  EXPECT_THAT(Ids(log_), ElementsAre("wire:a", "wire:b", "wire:d"));
}

TEST_F(FeedPollerTest, ErrorsBackOffAndItemsComeOnceTheFeedRecovers) {
  server_.Set("/rss", {500, "oops", ""});
  auto poller = Poller({Feed("wire", "/rss")});
  const absl::Time t0 = absl::Now();
  ASSERT_EQ(*poller->PollDue(t0), 0);
  EXPECT_EQ(poller->next_poll("wire"), t0 + absl::Minutes(1));
  ASSERT_EQ(*poller->PollDue(t0 + absl::Minutes(1)), 0);
  EXPECT_EQ(poller->next_poll("wire"), t0 + absl::Minutes(3));
  server_.Set("/rss", {200, "<rss><channel><item>", ""});  // broken XML
  ASSERT_EQ(*poller->PollDue(t0 + absl::Minutes(3)), 0);
  EXPECT_EQ(poller->next_poll("wire"), t0 + absl::Minutes(7));
  server_.Set("/rss", {200, Rss({"a"}), ""});
  ASSERT_EQ(*poller->PollDue(t0 + absl::Minutes(7)), 1);
  EXPECT_EQ(poller->next_poll("wire"), t0 + absl::Minutes(8));
}

TEST_F(FeedPollerTest, KafkaDownLeavesItemsForTheNextPoll) {
  server_.Set("/rss", {200, Rss({"a"}), "\"v1\""});
  auto poller = Poller({Feed("wire", "/rss")});
  log_.FailNextWrites(1, absl::UnavailableError("broker down"));
  const absl::Time t0 = absl::Now();
  ASSERT_EQ(*poller->PollDue(t0), 0);
  // The ETag was not kept: the next poll reads the items again.
  ASSERT_EQ(*poller->PollDue(t0 + absl::Minutes(1)), 1);
  EXPECT_EQ(server_.not_modified(), 0);
}

TEST_F(FeedPollerTest, ReadsAtomAndJsonFeed) {
  server_.Set("/atom", {200,
                        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
                        "<id>urn:x:1</id><title>Atom one</title>"
                        "<link rel=\"alternate\" href=\"http://e.invalid/1\"/>"
                        "<content type=\"html\">Body</content></entry></feed>",
                        ""});
  server_.Set("/json", {200,
                        "{\"version\":\"https://jsonfeed.org/version/1.1\","
                        "\"items\":[{\"id\":\"j1\",\"url\":\"http://e.invalid/"
                        "j1\",\"title\":\"Json one\",\"content_html\":"
                        "\"<p>Hi</p>\"}]}",
                        "", "application/feed+json"});
  auto poller = Poller({Feed("atom", "/atom"), Feed("json", "/json")});
  ASSERT_EQ(*poller->PollDue(absl::Now()), 2);
  EXPECT_THAT(Ids(log_), ElementsAre("atom:urn:x:1", "json:j1"));
  EXPECT_EQ(log_.stories()[1].story.url(), "http://e.invalid/j1");
}

TEST_F(FeedPollerTest, FetchesPagesOnlyWhereRobotsTxtAllows) {
  const std::string base = server_.Url("");
  server_.Set("/robots.txt",
              {200, "User-agent: *\nDisallow: /private/\n", "", "text/plain"});
  server_.Set("/news/a.html", {200, "<html><body><p>Page A</p></body></html>",
                               "", "text/html"});
  server_.Set(
      "/private/b.html",
      {200, "<html><body><p>Page B</p></body></html>", "", "text/html"});
  server_.Set("/rss",
              {200,
               absl::StrCat("<rss><channel><item><guid>a</guid><link>", base,
                            "/news/a.html</link><title>A</title>"
                            "</item><item><guid>b</guid><link>",
                            base,
                            "/private/b.html</link><title>B</title>"
                            "</item></channel></rss>"),
               ""});
  auto poller = Poller({Feed("web", "/rss", /*pages=*/true)});
  ASSERT_EQ(*poller->PollDue(absl::Now()), 2);
  EXPECT_EQ(log_.stories()[0].story.payload(),
            "<html><body><p>Page A</p></body></html>");
  EXPECT_EQ(log_.stories()[0].story.content_type(), "text/html");
  EXPECT_EQ(server_.requests("/private/b.html"), 0);
  EXPECT_EQ(log_.stories()[1].story.attributes().at("ingest.page"),
            "robots_disallowed");
  EXPECT_EQ(server_.requests("/robots.txt"), 1);
}

TEST(RobotsRulesTest, LongestMatchAndOwnGroupWin) {
  RobotsRules rules = RobotsRules::Parse(
      "User-agent: *\nDisallow: /\n\nUser-agent: wirestream-ingest\n"
      "Disallow: /news/private\nAllow: /news/\n",
      "wirestream-ingest");
  EXPECT_TRUE(rules.Allows("/news/a.html"));
  EXPECT_FALSE(rules.Allows("/news/private/x"));
  EXPECT_TRUE(rules.Allows("/other"));
  RobotsRules anyone = RobotsRules::Parse("User-agent: *\nDisallow: /\n", "x");
  EXPECT_FALSE(anyone.Allows("/news/a.html"));
  EXPECT_TRUE(
      RobotsRules::Parse("User-agent: *\nDisallow:\n", "x").Allows("/"));
}

TEST(ParseFeedSpecTest, ReadsSettingsAndRefusesBadOnes) {
  auto feed = ParseFeedSpec("w=https://e.invalid/rss,interval_s=90,pages=yes");
  ASSERT_TRUE(feed.ok()) << feed.status();
  EXPECT_EQ(feed->interval, absl::Seconds(90));
  EXPECT_TRUE(feed->fetch_pages);
  for (const char* bad : {"w=ftp://e/rss", "=https://e", "w=https://e,x=1",
                          "w=https://e,interval_s=0"}) {
    EXPECT_EQ(ParseFeedSpec(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace wirestream::ingest
