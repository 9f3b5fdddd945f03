#include "pipeline/stages/classify/classify_stage.h"

#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::classify {
namespace {

class ClassifyStageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto stage = ClassifyStage::Create({});
    ASSERT_TRUE(stage.ok()) << stage.status();
    stage_ = stage->release();
  }
  static void TearDownTestSuite() { delete stage_; }

  static runtime::InputRecord Record(std::string value) {
    runtime::InputRecord r;
    r.topic = "wire.unique";
    r.partition = 1;
    r.offset = 7;
    r.key = "record-key";
    r.value = std::move(value);
    return r;
  }

  static ClassifyStage* stage_;
};

ClassifyStage* ClassifyStageTest::stage_ = nullptr;

TEST_F(ClassifyStageTest, NameIsClassify) {
  EXPECT_EQ(stage_->name(), "classify");
}

TEST_F(ClassifyStageTest, EnrichesStoryKeepingTheInputKey) {
  wirestream::v1::DedupedStory in;
  auto* story = in.mutable_story();
  story->set_id("story-42");
  story->mutable_dateline()->set_place("KYIV");
  story->set_headline("Russian missiles hit Ukraine's power grid");
  story->add_paragraphs(
      "Russia fired dozens of missiles and drones at Ukrainian power plants "
      "overnight, the air force said, in the biggest air strikes on the "
      "energy system this year.");
  story->mutable_received_at()->set_seconds(1700000000);
  story->mutable_received_at()->set_nanos(250000000);
  in.mutable_verdict()->set_kind(wirestream::v1::DEDUP_KIND_NEW);
  in.mutable_verdict()->set_cluster_id("c-9");

  auto out = stage_->Process(Record(in.SerializeAsString()));
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 1u);
  const runtime::OutputRecord& record = (*out)[0];
  EXPECT_EQ(record.key, "record-key");  // dedup's cluster key carries on
  EXPECT_TRUE(record.topic.empty());
  EXPECT_EQ(record.story_received_at, absl::FromUnixMillis(1700000000250));

  wirestream::v1::EnrichedStory enriched;
  ASSERT_TRUE(enriched.ParseFromString(record.value));
  EXPECT_EQ(enriched.story().id(), "story-42");
  EXPECT_EQ(enriched.story().headline(), story->headline());
  EXPECT_EQ(enriched.verdict().cluster_id(), "c-9");
  EXPECT_EQ(enriched.focus_country(), "UA");
  ASSERT_GE(enriched.countries_size(), 2);
  EXPECT_EQ(enriched.countries(0).code(), "UA");
  EXPECT_EQ(enriched.countries(0).name(), "Ukraine");
  EXPECT_EQ(enriched.countries(0).role(), wirestream::v1::COUNTRY_ROLE_SUBJECT);
  EXPECT_EQ(enriched.countries(1).code(), "RU");
  ASSERT_GE(enriched.topics_size(), 1);
  EXPECT_EQ(enriched.topics(0).code(), "medtop:16000000");
  EXPECT_EQ(enriched.topics(0).label(), "conflict, war and peace");
  bool armed_conflict = false;
  for (const auto& t : enriched.topics()) {
    if (t.code() == "medtop:20000056") {
      armed_conflict = true;
      EXPECT_EQ(t.parent_code(), "medtop:16000000");
    }
  }
  EXPECT_TRUE(armed_conflict);
  ASSERT_GE(enriched.regions_size(), 2);
  EXPECT_EQ(enriched.regions(0).m49_code(), "151");
  EXPECT_EQ(enriched.regions(0).name(), "Eastern Europe");
  EXPECT_EQ(enriched.regions(1).m49_code(), "150");
  EXPECT_EQ(enriched.regions(1).level(),
            wirestream::v1::REGION_LEVEL_CONTINENT);
  EXPECT_EQ(enriched.alert_hits_size(), 0);
}

TEST_F(ClassifyStageTest, StoryWithoutIdKeepsRecordKey) {
  wirestream::v1::DedupedStory in;
  in.mutable_story()->set_headline("Quiet day");
  auto out = stage_->Process(Record(in.SerializeAsString()));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].key, "record-key");
  EXPECT_EQ((*out)[0].story_received_at, absl::InfinitePast());
}

TEST_F(ClassifyStageTest, RecordWithoutKeyIsKeyedByStoryId) {
  wirestream::v1::DedupedStory in;
  in.mutable_story()->set_id("story-43");
  in.mutable_story()->set_headline("Quiet day");
  runtime::InputRecord record = Record(in.SerializeAsString());
  record.key.reset();
  auto out = stage_->Process(record);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].key, "story-43");
}

// Returns the value of counter `name` with label `key`=`value`, or -1.
double CounterValue(prometheus::Registry& registry, const std::string& name,
                    const std::string& key, const std::string& value) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        if (label.name == key && label.value == value) {
          return metric.counter.value;
        }
      }
    }
  }
  return -1;
}

TEST(ClassifyStageMetricsTest, CountsTopicsAndFocusContinents) {
  prometheus::Registry registry;
  auto stage = ClassifyStage::Create({}, &registry);
  ASSERT_TRUE(stage.ok()) << stage.status();
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_topics_total", "topic",
                         "medtop:20000056"),
            0);

  wirestream::v1::DedupedStory in;
  in.mutable_story()->set_headline("Kenya's central bank cuts interest rates");
  in.mutable_story()->add_paragraphs(
      "Kenya's central bank cut its benchmark interest rate to 12%, citing "
      "easing inflation.");
  runtime::InputRecord record;
  record.value = in.SerializeAsString();
  ASSERT_TRUE((*stage)->Process(record).ok());
  in.mutable_story()->set_headline("Quiet day");
  in.mutable_story()->clear_paragraphs();
  record.value = in.SerializeAsString();
  ASSERT_TRUE((*stage)->Process(record).ok());

  EXPECT_EQ(CounterValue(registry, "wirestream_classify_topics_total", "topic",
                         "medtop:04000000"),
            1);
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_topics_total", "topic",
                         "medtop:20000344"),
            1);
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_focus_total",
                         "continent", "Africa"),
            1);
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_focus_total",
                         "continent", "Europe"),
            0);
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_focus_total",
                         "continent", "none"),
            1);
}

// Returns the number of observations of histogram `name`, or -1.
double HistogramCount(prometheus::Registry& registry, const std::string& name) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name || family.metric.empty()) continue;
    return static_cast<double>(family.metric[0].histogram.sample_count);
  }
  return -1;
}

// Returns how many metrics (label sets) the family `name` holds in
// `registry`, summed over families of that name.
int MetricCount(prometheus::Registry& registry, const std::string& name) {
  int count = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name == name) count += family.metric.size();
  }
  return count;
}

runtime::InputRecord KenyaRateCut() {
  wirestream::v1::DedupedStory in;
  in.mutable_story()->set_headline("Kenya's central bank cuts interest rates");
  in.mutable_story()->add_paragraphs(
      "Kenya's central bank cut its benchmark interest rate to 12%, citing "
      "easing inflation.");
  runtime::InputRecord record;
  record.value = in.SerializeAsString();
  return record;
}

runtime::InputRecord QuietDay() {
  wirestream::v1::DedupedStory in;
  in.mutable_story()->set_headline("Quiet day");
  runtime::InputRecord record;
  record.value = in.SerializeAsString();
  return record;
}

TEST(ClassifyStageMetricsTest, RegisterMetricsCountsStageCreatedWithout) {
  auto stage = ClassifyStage::Create({});
  ASSERT_TRUE(stage.ok()) << stage.status();
  // Not counted before the runner registers the metrics.
  ASSERT_TRUE((*stage)->Process(KenyaRateCut()).ok());

  prometheus::Registry registry;
  (*stage)->RegisterMetrics(registry);
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_stories_total", "stage",
                         "classify"),
            0);
  EXPECT_EQ(HistogramCount(registry, "wirestream_classify_story_seconds"), 0);

  ASSERT_TRUE((*stage)->Process(KenyaRateCut()).ok());
  ASSERT_TRUE((*stage)->Process(QuietDay()).ok());
  runtime::InputRecord garbage;
  garbage.value = std::string("\xff\xfe\x00garbage", 10);
  ASSERT_FALSE((*stage)->Process(garbage).ok());  // dead-lettered, not counted

  EXPECT_EQ(CounterValue(registry, "wirestream_classify_stories_total", "stage",
                         "classify"),
            2);
  EXPECT_EQ(HistogramCount(registry, "wirestream_classify_story_seconds"), 2);
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_topics_total", "topic",
                         "medtop:04000000"),
            1);
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_focus_total",
                         "continent", "Africa"),
            1);
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_focus_total",
                         "continent", "none"),
            1);

  // A second registration changes nothing: the second registry stays
  // empty and the first keeps counting.
  prometheus::Registry second;
  (*stage)->RegisterMetrics(second);
  (*stage)->RegisterMetrics(registry);
  ASSERT_TRUE((*stage)->Process(KenyaRateCut()).ok());
  EXPECT_TRUE(second.Collect().empty());
  EXPECT_EQ(MetricCount(registry, "wirestream_classify_stories_total"), 1);
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_stories_total", "stage",
                         "classify"),
            3);
  EXPECT_EQ(HistogramCount(registry, "wirestream_classify_story_seconds"), 3);
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_topics_total", "topic",
                         "medtop:04000000"),
            2);
}

TEST(ClassifyStageMetricsTest, CreateWithRegistryThenRunnerRegistersOnce) {
  prometheus::Registry registry;
  auto stage = ClassifyStage::Create({}, &registry);
  ASSERT_TRUE(stage.ok()) << stage.status();
  const size_t families = registry.Collect().size();
  (*stage)->RegisterMetrics(registry);  // as the runner does
  EXPECT_EQ(registry.Collect().size(), families);
  EXPECT_EQ(MetricCount(registry, "wirestream_classify_stories_total"), 1);
  EXPECT_EQ(MetricCount(registry, "wirestream_classify_story_seconds"), 1);

  ASSERT_TRUE((*stage)->Process(KenyaRateCut()).ok());
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_stories_total", "stage",
                         "classify"),
            1);
  EXPECT_EQ(HistogramCount(registry, "wirestream_classify_story_seconds"), 1);
  EXPECT_EQ(CounterValue(registry, "wirestream_classify_topics_total", "topic",
                         "medtop:04000000"),
            1);
}

TEST_F(ClassifyStageTest, UnparsableValueIsDeadLettered) {
  auto out =
      stage_->Process(Record(std::string("\x0a\x7f"
                                         "abc",
                                         5)));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(runtime::DeadLetterReasonOf(out.status()),
            wirestream::v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD);
}

TEST_F(ClassifyStageTest, RecordWithoutStoryIsDeadLettered) {
  wirestream::v1::DedupedStory in;
  in.mutable_verdict()->set_cluster_id("c-1");
  auto out = stage_->Process(Record(in.SerializeAsString()));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(runtime::DeadLetterReasonOf(out.status()),
            wirestream::v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD);
  EXPECT_EQ(out.status().message(), "DedupedStory has no story");
}

}  // namespace
}  // namespace wirestream::classify
