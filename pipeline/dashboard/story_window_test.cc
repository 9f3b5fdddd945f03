#include "pipeline/dashboard/story_window.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "re2/re2.h"

namespace wirestream::dashboard {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

struct StorySpec {
  std::string id;
  std::string cluster;
  std::string source = "agency-a";
  std::string headline = "A headline";
  std::string language = "en";
  v1::DedupKind kind = v1::DEDUP_KIND_NEW;
  std::string topic;
  std::string topic_label;
  std::string country;
  std::string region_code;
  std::string region_name;
  std::string rule;
};

v1::EnrichedStory MakeStory(const StorySpec& spec) {
  v1::EnrichedStory e;
  e.mutable_story()->set_id(spec.id);
  e.mutable_story()->set_source(spec.source);
  e.mutable_story()->set_headline(spec.headline);
  e.mutable_story()->set_language(spec.language);
  e.mutable_verdict()->set_kind(spec.kind);
  e.mutable_verdict()->set_cluster_id(spec.cluster.empty() ? spec.id
                                                           : spec.cluster);
  if (!spec.topic.empty()) {
    auto* t = e.add_topics();
    t->set_code(spec.topic);
    t->set_label(spec.topic_label);
    t->set_primary(true);
  }
  if (!spec.country.empty()) {
    auto* c = e.add_countries();
    c->set_code(spec.country);
  }
  if (!spec.region_code.empty()) {
    auto* r = e.add_regions();
    r->set_m49_code(spec.region_code);
    r->set_name(spec.region_name);
    r->set_level(v1::REGION_LEVEL_CONTINENT);
  }
  if (!spec.rule.empty()) {
    auto* h = e.add_alert_hits();
    h->set_rule_id(spec.rule);
    h->set_severity(v1::SEVERITY_CRITICAL);
  }
  return e;
}

// Returns the ids of the story summaries in a StoriesJson answer, in order.
std::vector<std::string> Ids(const std::string& json) {
  std::vector<std::string> ids;
  re2::StringPiece input(json);
  std::string id;
  while (RE2::FindAndConsume(&input, R"re(\{"id":"([^"]*)")re", &id)) {
    ids.push_back(id);
  }
  return ids;
}

std::unique_ptr<StoryWindow> Window(WindowOptions options = {}) {
  auto window = StoryWindow::Create(options);
  EXPECT_TRUE(window.ok()) << window.status();
  return *std::move(window);
}

TEST(StoryWindowTest, RefusesAnEmptySpan) {
  WindowOptions options;
  options.span = absl::ZeroDuration();
  EXPECT_EQ(StoryWindow::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(StoryWindowTest, KeepsOnlyStoriesInsideTheSpan) {
  auto window = Window({.span = absl::Hours(6)});
  EXPECT_FALSE(
      window->AddStory(MakeStory({.id = "old"}), kNow - absl::Hours(7), kNow)
          .has_value());
  EXPECT_TRUE(
      window->AddStory(MakeStory({.id = "recent"}), kNow - absl::Hours(1), kNow)
          .has_value());
  EXPECT_THAT(Ids(window->StoriesJson({}, 10)), ElementsAre("recent"));

  window->Expire(kNow + absl::Hours(5) - absl::Seconds(1));
  EXPECT_EQ(window->story_count(), 1);
  window->Expire(kNow + absl::Hours(5) + absl::Seconds(1));
  EXPECT_EQ(window->story_count(), 0);
  EXPECT_EQ(window->StoriesJson({}, 10), R"({"stories":[],"total":0})");
}

TEST(StoryWindowTest, DropsTheOldestBeyondTheCap) {
  auto window = Window({.max_stories = 3});
  for (int i = 0; i < 5; ++i) {
    window->AddStory(MakeStory({.id = absl::StrCat("s", i)}),
                     kNow + absl::Seconds(i), kNow);
  }
  EXPECT_EQ(window->story_count(), 3);
  EXPECT_THAT(Ids(window->StoriesJson({}, 10)), ElementsAre("s4", "s3", "s2"));
}

TEST(StoryWindowTest, ListsNewestFirstWhateverTheArrivalOrder) {
  auto window = Window();
  window->AddStory(MakeStory({.id = "b"}), kNow - absl::Minutes(2), kNow);
  window->AddStory(MakeStory({.id = "a"}), kNow - absl::Minutes(3), kNow);
  window->AddStory(MakeStory({.id = "c"}), kNow - absl::Minutes(1), kNow);
  EXPECT_THAT(Ids(window->StoriesJson({}, 10)), ElementsAre("c", "b", "a"));
  EXPECT_THAT(Ids(window->StoriesJson({}, 2)), ElementsAre("c", "b"));
  EXPECT_THAT(window->StoriesJson({}, 2), HasSubstr(R"("total":3)"));
}

TEST(StoryWindowTest, ARedeliveredStoryReplacesItsEarlierCopy) {
  auto window = Window();
  window->AddStory(MakeStory({.id = "a", .headline = "first copy"}),
                   kNow - absl::Minutes(2), kNow);
  window->AddStory(MakeStory({.id = "a", .headline = "second copy"}),
                   kNow - absl::Minutes(1), kNow);
  EXPECT_EQ(window->story_count(), 1);
  const std::string json = window->StoriesJson({}, 10);
  EXPECT_THAT(Ids(json), ElementsAre("a"));
  EXPECT_THAT(json, HasSubstr("second copy"));
  EXPECT_THAT(json, HasSubstr(R"("cluster_stories":1)"));
}

TEST(StoryWindowTest, AKillStrikesTheWholeClusterAndKeepsIt) {
  auto window = Window();
  window->AddStory(MakeStory({.id = "v1", .cluster = "c"}),
                   kNow - absl::Minutes(2), kNow);
  window->AddStory(
      MakeStory({.id = "other", .cluster = "d", .source = "agency-b"}),
      kNow - absl::Minutes(2), kNow);
  std::optional<std::string> kill = window->AddStory(
      MakeStory({.id = "v2", .cluster = "c", .kind = v1::DEDUP_KIND_KILL}),
      kNow - absl::Minutes(1), kNow);
  ASSERT_TRUE(kill.has_value());
  EXPECT_THAT(*kill, HasSubstr(R"("kind":"KILL","killed":true)"));
  EXPECT_THAT(Ids(window->StoriesJson({}, 10)),
              ElementsAre("v2", "other", "v1"));
  EXPECT_THAT(*window->StoryJson("v1"), HasSubstr(R"("killed":true)"));
  EXPECT_THAT(*window->StoryJson("other"), HasSubstr(R"("killed":false)"));
}

TEST(StoryWindowTest, CountsAClustersSourcesAndMarksUpdatedVersions) {
  auto window = Window();
  window->AddStory(MakeStory({.id = "a1", .cluster = "c"}),
                   kNow - absl::Minutes(3), kNow);
  window->AddStory(MakeStory({.id = "b1",
                              .cluster = "c",
                              .source = "agency-b",
                              .kind = v1::DEDUP_KIND_NEAR_DUPLICATE}),
                   kNow - absl::Minutes(2), kNow);
  std::optional<std::string> update = window->AddStory(
      MakeStory({.id = "a2", .cluster = "c", .kind = v1::DEDUP_KIND_UPDATE}),
      kNow - absl::Minutes(1), kNow);
  ASSERT_TRUE(update.has_value());
  EXPECT_THAT(*update, HasSubstr(R"("cluster_stories":3,"cluster_sources":2)"));
  const std::string first = *window->StoryJson("a1");
  EXPECT_THAT(first, HasSubstr(R"("updated":true)"));
  EXPECT_THAT(first, HasSubstr(R"("cluster":[{"id":"a1")"));
  EXPECT_THAT(first, HasSubstr(R"({"id":"a2","headline")"));
  EXPECT_THAT(*window->StoryJson("a2"), HasSubstr(R"("updated":false)"));
}

TEST(StoryWindowTest, FiltersOnEveryField) {
  auto window = Window();
  window->AddStory(MakeStory({.id = "econ",
                              .headline = "ÉCONOMIE: les marchés montent",
                              .language = "fr",
                              .topic = "medtop:04000000",
                              .topic_label = "economy, business and finance",
                              .country = "FR",
                              .region_code = "150",
                              .region_name = "Europe"}),
                   kNow - absl::Minutes(30), kNow);
  window->AddStory(MakeStory({.id = "quake",
                              .source = "agency-b",
                              .headline = "Earthquake hits Chile",
                              .topic = "medtop:03000000",
                              .country = "CL",
                              .region_code = "019",
                              .region_name = "Americas",
                              .rule = "earthquake"}),
                   kNow - absl::Minutes(10), kNow);
  auto ids = [&](const std::string& query) {
    absl::StatusOr<StoryFilter> filter = FilterFromQuery(query);
    EXPECT_TRUE(filter.ok()) << filter.status();
    return Ids(window->StoriesJson(*filter, 10));
  };
  EXPECT_THAT(ids(""), ElementsAre("quake", "econ"));
  EXPECT_THAT(ids("topic=medtop%3A04000000"), ElementsAre("econ"));
  EXPECT_THAT(ids("topic=economy%2C+business+and+finance"),
              ElementsAre("econ"));
  EXPECT_THAT(ids("country=cl"), ElementsAre("quake"));
  EXPECT_THAT(ids("region=Europe"), ElementsAre("econ"));
  EXPECT_THAT(ids("region=019"), ElementsAre("quake"));
  EXPECT_THAT(ids("source=agency-b"), ElementsAre("quake"));
  EXPECT_THAT(ids("language=FR"), ElementsAre("econ"));
  EXPECT_THAT(ids("rule=earthquake"), ElementsAre("quake"));
  EXPECT_THAT(ids("q=%C3%A9conomie+MARCH%C3%89S"), ElementsAre("econ"));
  EXPECT_THAT(ids("q=chile+flood"), ElementsAre());
  EXPECT_THAT(ids("since=1799998800&until=1800000000"), ElementsAre("quake"));
  EXPECT_THAT(ids("until=2027-01-15T07:40:00Z"), ElementsAre("econ"));
  EXPECT_THAT(ids("country=CL&topic=medtop%3A04000000"), ElementsAre());
}

TEST(StoryWindowTest, RefusesABadTime) {
  absl::StatusOr<StoryFilter> filter = FilterFromQuery("since=yesterday");
  EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(filter.status().message()),
              HasSubstr("since=yesterday"));
}

TEST(StoryWindowTest, EscapesMarkupInStoryText) {
  auto window = Window();
  std::optional<std::string> json = window->AddStory(
      MakeStory(
          {.id = "x", .headline = "<script>alert(\"x\")</script>&amp;\n"}),
      kNow, kNow);
  ASSERT_TRUE(json.has_value());
  EXPECT_THAT(*json,
              HasSubstr(R"("headline":"\u003cscript\u003ealert(\"x\")\u003c/)"
                        R"(script\u003e\u0026amp;\n")"));
  EXPECT_THAT(*json, Not(HasSubstr("<")));
}

TEST(StoryWindowTest, OneStoryWithEvidenceAndItsAlerts) {
  auto window = Window();
  v1::EnrichedStory story =
      MakeStory({.id = "quake", .cluster = "c-quake", .rule = "earthquake"});
  auto* topic = story.add_topics();
  topic->set_code("medtop:03000000");
  topic->set_label("disaster");
  topic->add_evidence("earthquake");
  story.mutable_verdict()->set_evidence("same figures in the lead");
  story.mutable_story()->add_paragraphs("The ground shook.");
  window->AddStory(story, kNow - absl::Minutes(1), kNow);
  v1::Alert alert;
  alert.set_alert_id("al-1");
  alert.set_rule_id("earthquake");
  alert.set_story_id("quake");
  alert.set_cluster_id("c-quake");
  alert.set_severity(v1::SEVERITY_CRITICAL);
  ASSERT_TRUE(window->AddAlert(alert, kNow, kNow).has_value());
  EXPECT_FALSE(window->AddAlert(alert, kNow, kNow).has_value());

  EXPECT_FALSE(window->StoryJson("missing").has_value());
  const std::string json = *window->StoryJson("quake");
  EXPECT_THAT(json, HasSubstr(R"("paragraphs":["The ground shook."])"));
  EXPECT_THAT(json, HasSubstr(R"("evidence":"same figures in the lead")"));
  EXPECT_THAT(json, HasSubstr(R"("evidence":["earthquake"])"));
  EXPECT_THAT(json, HasSubstr(R"("alerts_raised":[{"alert_id":"al-1")"));
}

TEST(StoryWindowTest, AlertsNewestFirstByRule) {
  auto window = Window();
  for (int i = 0; i < 3; ++i) {
    v1::Alert alert;
    alert.set_alert_id(absl::StrCat("al-", i));
    alert.set_rule_id(i == 1 ? "hotline" : "earthquake");
    window->AddAlert(alert, kNow + absl::Seconds(i), kNow);
  }
  EXPECT_EQ(window->alert_count(), 3);
  StoryFilter filter;
  filter.rule = "earthquake";
  const std::string json = window->AlertsJson(filter, 10);
  std::vector<std::string> ids;
  re2::StringPiece input(json);
  std::string id;
  while (RE2::FindAndConsume(&input, R"re("alert_id":"([^"]*)")re", &id)) {
    ids.push_back(id);
  }
  EXPECT_THAT(ids, ElementsAre("al-2", "al-0"));
}

TEST(StoryWindowTest, CountsByPrimaryTopicRegionAndSeverity) {
  auto window = Window();
  window->AddStory(MakeStory({.id = "a",
                              .topic = "medtop:04000000",
                              .topic_label = "economy",
                              .region_code = "142",
                              .region_name = "Asia"}),
                   kNow - absl::Minutes(10), kNow);
  window->AddStory(MakeStory({.id = "b",
                              .topic = "medtop:04000000",
                              .topic_label = "economy",
                              .region_code = "150",
                              .region_name = "Europe"}),
                   kNow - absl::Minutes(20), kNow);
  window->AddStory(MakeStory({.id = "c",
                              .topic = "medtop:15000000",
                              .topic_label = "sport",
                              .region_code = "142",
                              .region_name = "Asia"}),
                   kNow - absl::Minutes(90), kNow);
  v1::Alert alert;
  alert.set_alert_id("al");
  alert.set_severity(v1::SEVERITY_WARNING);
  window->AddAlert(alert, kNow - absl::Minutes(5), kNow);
  StoryFilter last_hour;
  last_hour.since = kNow - absl::Hours(1);
  EXPECT_EQ(
      window->CountsJson(last_hour),
      R"({"since":"2027-01-15T07:00:00.000Z","until":null,"stories":2,)"
      R"("by_topic":[{"code":"medtop:04000000","name":"economy","count":2}],)"
      R"("by_region":[{"code":"142","name":"Asia","count":1},)"
      R"({"code":"150","name":"Europe","count":1}],)"
      R"("alerts_by_severity":{"critical":0,"info":0,"warning":1}})");
}

}  // namespace
}  // namespace wirestream::dashboard
