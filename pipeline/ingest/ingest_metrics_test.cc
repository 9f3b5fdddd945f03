#include "pipeline/ingest/ingest_metrics.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"

namespace wirestream::ingest {
namespace {

using ::testing::HasSubstr;

std::string Exposition(prometheus::Registry& registry) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry.Collect());
  return out.str();
}

TEST(IngestMetricsTest, CountsStoriesBytesRejectsBacklogAndFeeds) {
  prometheus::Registry registry;
  IngestMetrics metrics(registry, "folder");
  metrics.StoryTaken("afp", 1200);
  metrics.StoryTaken("afp", 300);
  metrics.StoryTaken("ap", 10);
  metrics.Rejected(RejectReason::kTooLarge);
  metrics.SetBacklog("afp", 7);
  metrics.FeedPollError("partner");
  metrics.FeedNewItem("partner", absl::FromUnixSeconds(1796695813));
  const std::string text = Exposition(registry);
  EXPECT_THAT(text,
              HasSubstr("wirestream_ingest_stories_total{gateway=\"folder\","
                        "source=\"afp\"} 2"));
  EXPECT_THAT(text,
              HasSubstr("wirestream_ingest_bytes_total{gateway=\"folder\","
                        "source=\"afp\"} 1500"));
  EXPECT_THAT(text,
              HasSubstr("wirestream_ingest_stories_total{gateway=\"folder\","
                        "source=\"ap\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("wirestream_ingest_rejects_total{gateway=\"folder\","
                        "reason=\"too_large\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("wirestream_ingest_rejects_total{gateway=\"folder\","
                        "reason=\"rate_limited\"} 0"));
  EXPECT_THAT(text,
              HasSubstr("wirestream_ingest_files_waiting{gateway=\"folder\","
                        "source=\"afp\"} 7"));
  EXPECT_THAT(text, HasSubstr("wirestream_ingest_feed_poll_errors_total{feed=\""
                              "partner\",gateway=\"folder\"} 1"));
  EXPECT_THAT(text, HasSubstr("wirestream_ingest_feed_last_new_item_timestamp_"
                              "seconds{feed=\"partner\",gateway=\"folder\"} "
                              "1796695813"));
}

}  // namespace
}  // namespace wirestream::ingest
