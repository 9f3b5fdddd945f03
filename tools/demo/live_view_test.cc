#include "tools/demo/live_view.h"

#include "gtest/gtest.h"

namespace wirestream::demo {
namespace {

v1::EnrichedStory BalloonRewrite() {
  v1::EnrichedStory story;
  story.mutable_story()->set_headline(
      "U.S. military follows Chinese surveillance balloon across Montana");
  story.mutable_verdict()->set_kind(v1::DEDUP_KIND_NEAR_DUPLICATE);
  story.mutable_verdict()->set_cluster_id("faa962f2a5e85631bc1513a239e1b5ab");
  v1::TopicScore* topic = story.add_topics();
  topic->set_label("politics");
  topic->set_score(0.996f);
  topic->set_primary(true);
  topic = story.add_topics();
  topic->set_label("defence");
  topic->set_score(0.984f);
  story.add_countries()->set_code("US");
  story.add_countries()->set_code("CN");
  story.set_focus_country("US");
  v1::AlertHit* hit = story.add_alert_hits();
  hit->set_rule_id("spy-balloon");
  hit->set_suppressed(true);
  hit->set_suppressed_reason("already alerted for cluster faa962f2");
  hit = story.add_alert_hits();
  hit->set_rule_id("surveillance");
  return story;
}

// The primary topic is starred.
TEST(LiveViewTest, StoryLinesShowVerdictClusterTopicsCountriesAndHits) {
  EXPECT_EQ(StoryLines(BalloonRewrite()),
            "story  NEAR_DUPLICATE  cluster faa962f2  U.S. military follows "
            "Chinese surveillance balloon across Montana\n"
            "                         topics: *politics 1.00, defence 0.98 | "
            "countries: US CN | focus US\n"
            "                         rule spy-balloon suppressed: already "
            "alerted for cluster faa962f2\n"
            "                         rule surveillance alerted\n");
}

TEST(LiveViewTest, StoryWithoutTopicsOrCountries) {
  v1::EnrichedStory story;
  story.mutable_verdict()->set_kind(v1::DEDUP_KIND_KILL);
  story.mutable_verdict()->set_cluster_id("83ea2183aa");
  EXPECT_EQ(StoryLines(story),
            "story  KILL            cluster 83ea2183  \n"
            "                         topics: none | countries: none | focus "
            "none\n");
  EXPECT_EQ(VerdictName(story), "KILL");
}

TEST(LiveViewTest, AlertLine) {
  v1::Alert alert;
  alert.set_alert_id("al-7bff70c132b40865");
  alert.set_rule_id("spy-balloon");
  alert.set_severity(v1::SEVERITY_CRITICAL);
  alert.set_headline("Pentagon tracks suspected Chinese spy balloon");
  EXPECT_EQ(AlertLine(alert),
            "ALERT  critical spy-balloon  Pentagon tracks suspected Chinese "
            "spy balloon (al-7bff70c132b40865)\n");
}

TEST(LiveViewTest, DeadLetterLine) {
  v1::DeadLetter letter;
  letter.set_stage("normalize");
  letter.set_reason(v1::DEAD_LETTER_REASON_UNKNOWN_FORMAT);
  letter.set_message("payload is binary");
  letter.set_original_value("abc");
  letter.set_source_topic("wire.raw");
  letter.set_source_offset(26);
  EXPECT_EQ(DeadLetterLine(letter),
            "dead letter from normalize: DEAD_LETTER_REASON_UNKNOWN_FORMAT: "
            "payload is binary (3 original bytes kept, wire.raw[0] offset "
            "26)\n");
}

}  // namespace
}  // namespace wirestream::demo
