// The classify worker on a real broker: DedupedStory records in, exact
// EnrichedStory fields out (topics, countries, focus country, verdict and
// key carried through), malformed records dead-lettered with their bytes
// while the good stories around them still arrive, metrics that add up,
// and bad flags or data that stop the worker at start-up with exit code 2.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/broker.h"
#include "tests/support/worker_process.h"
#include "wirestream/v1/dead_letter.pb.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream {
namespace {

using testsupport::TestRecord;
using testsupport::WorkerProcess;

// A story as dedup writes it to wire.unique: keyed by its cluster id, NEW.
TestRecord Deduped(const std::string& id, const std::string& dateline,
                   const std::string& headline, const std::string& body) {
  v1::DedupedStory deduped;
  v1::Story* story = deduped.mutable_story();
  story->set_id(id);
  story->set_source("test-wire");
  story->set_language("en");
  if (!dateline.empty()) story->mutable_dateline()->set_place(dateline);
  story->set_headline(headline);
  if (!body.empty()) story->add_paragraphs(body);
  story->mutable_received_at()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  deduped.mutable_verdict()->set_kind(v1::DEDUP_KIND_NEW);
  deduped.mutable_verdict()->set_cluster_id(absl::StrCat("cluster-", id));
  TestRecord r;
  r.key = deduped.verdict().cluster_id();
  r.value = deduped.SerializeAsString();
  return r;
}

TestRecord Garbage(const std::string& key, std::string bytes) {
  TestRecord r;
  r.key = key;
  r.value = std::move(bytes);
  return r;
}

std::vector<std::string> WorkerArgs(const std::string& in,
                                    const std::string& out,
                                    const std::string& dlq,
                                    std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      absl::StrCat("--bootstrap=", *testsupport::BootstrapServers()),
      absl::StrCat("--input=", in),
      absl::StrCat("--output=", out),
      absl::StrCat("--dlq=", dlq),
      absl::StrCat("--group=", in, ".group"),
      "--http=",
      "--kafka=session.timeout.ms=6000",
      "--kafka=heartbeat.interval.ms=500",
  };
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

bool HasTopic(const v1::EnrichedStory& story, const std::string& code) {
  for (const auto& t : story.topics()) {
    if (t.code() == code) return true;
  }
  return false;
}

TEST(ClassifyBrokerTest, ClassifiesStoriesAndDeadLettersMalformedRecords) {
  constexpr int kGood = 4, kBad = 2;
  auto in = testsupport::CreateUniqueTopic("unique", 1);
  auto out = testsupport::CreateUniqueTopic("classified", 2);
  auto dlq = testsupport::CreateUniqueTopic("dlq", 1);
  ASSERT_TRUE(in.ok() && out.ok() && dlq.ok());

  // One input partition: the malformed records sit between good stories,
  // so the stories after them arrive only if the worker kept going.
  const std::string garbage1("\xff\xfe\x00\x01 not a story", 15);
  const std::string garbage2 = "{\"headline\": \"JSON is not protobuf\"}";
  std::vector<TestRecord> input = {
      Deduped("quake-1", "TOKYO",
              "Strong earthquake shakes northern Japan, tsunami warning issued",
              "A magnitude 7.1 earthquake struck off the coast of northern "
              "Japan on Monday, the Japan Meteorological Agency said, "
              "triggering a tsunami warning and cutting power to thousands "
              "of homes. Rescue teams were searching collapsed buildings."),
      Garbage("bad-1", garbage1),
      Deduped("vote-1", "BRASILIA",
              "Brazil holds runoff vote in presidential election",
              "Brazilians voted on Sunday in a runoff presidential election "
              "between the incumbent and a former president, with polls "
              "showing a tight race. The electoral court said results would "
              "come within hours of the ballots closing."),
      Deduped("rates-1", "NAIROBI", "Kenya's central bank cuts interest rates",
              "Kenya's central bank cut its benchmark interest rate to 12%, "
              "citing easing inflation."),
      Garbage("bad-2", garbage2),
      Deduped("quiet-1", "", "Quiet day", ""),
  };
  ASSERT_TRUE(testsupport::ProduceRecords(*in, input).ok());

  const int port = testsupport::FreePort();
  WorkerProcess worker(
      testsupport::WorkerBinary("classify"),
      WorkerArgs(*in, *out, *dlq, {absl::StrCat("--http=127.0.0.1:", port)}));
  ASSERT_TRUE(worker.Start().ok());
  auto classified = testsupport::ReadRecords(
      *out, {.min_records = kGood, .timeout = absl::Seconds(60)});
  auto dead = testsupport::ReadRecords(
      *dlq, {.min_records = kBad, .timeout = absl::Seconds(30)});
  ASSERT_TRUE(classified.ok()) << classified.status();
  ASSERT_TRUE(dead.ok()) << dead.status();

  // wire.classified: every good story once, under its cluster key.
  ASSERT_EQ(classified->size(), static_cast<size_t>(kGood)) << worker.Log();
  std::map<std::string, v1::EnrichedStory> by_id;
  for (const TestRecord& r : *classified) {
    v1::EnrichedStory story;
    ASSERT_TRUE(r.value.has_value());
    ASSERT_TRUE(story.ParseFromString(*r.value));
    EXPECT_EQ(r.key, absl::StrCat("cluster-", story.story().id()));
    EXPECT_EQ(story.verdict().kind(), v1::DEDUP_KIND_NEW);
    EXPECT_EQ(story.verdict().cluster_id(),
              absl::StrCat("cluster-", story.story().id()));
    EXPECT_EQ(story.alert_hits_size(), 0);
    by_id[story.story().id()] = story;
  }
  ASSERT_EQ(by_id.size(), static_cast<size_t>(kGood));

  const v1::EnrichedStory& quake = by_id["quake-1"];
  EXPECT_EQ(quake.story().dateline().place(), "TOKYO");
  EXPECT_EQ(quake.focus_country(), "JP");
  ASSERT_GE(quake.countries_size(), 1);
  EXPECT_EQ(quake.countries(0).code(), "JP");
  EXPECT_EQ(quake.countries(0).name(), "Japan");
  ASSERT_GE(quake.topics_size(), 2);
  EXPECT_EQ(quake.topics(0).code(), "medtop:03000000");  // disaster, accident
  EXPECT_TRUE(HasTopic(quake, "medtop:20000148"));       // disaster
  ASSERT_GE(quake.regions_size(), 2);
  EXPECT_EQ(quake.regions(0).m49_code(), "030");  // Eastern Asia
  EXPECT_EQ(quake.regions(1).m49_code(), "142");  // Asia

  const v1::EnrichedStory& vote = by_id["vote-1"];
  EXPECT_EQ(vote.focus_country(), "BR");
  ASSERT_GE(vote.topics_size(), 2);
  EXPECT_EQ(vote.topics(0).code(), "medtop:11000000");  // politics
  EXPECT_TRUE(HasTopic(vote, "medtop:20000574"));       // election

  const v1::EnrichedStory& rates = by_id["rates-1"];
  EXPECT_EQ(rates.focus_country(), "KE");
  EXPECT_TRUE(HasTopic(rates, "medtop:04000000"));  // economy

  const v1::EnrichedStory& quiet = by_id["quiet-1"];
  EXPECT_EQ(quiet.focus_country(), "");
  EXPECT_EQ(quiet.countries_size(), 0);
  EXPECT_EQ(quiet.regions_size(), 0);

  // wire.dlq: exactly the two malformed records, byte for byte.
  ASSERT_EQ(dead->size(), static_cast<size_t>(kBad)) << worker.Log();
  std::map<std::string, std::string> garbage_by_key = {{"bad-1", garbage1},
                                                       {"bad-2", garbage2}};
  for (const TestRecord& r : *dead) {
    v1::DeadLetter letter;
    ASSERT_TRUE(r.value.has_value());
    ASSERT_TRUE(letter.ParseFromString(*r.value));
    ASSERT_TRUE(r.key.has_value());
    ASSERT_EQ(garbage_by_key.count(*r.key), 1u) << *r.key;
    EXPECT_EQ(letter.original_key(), *r.key);
    EXPECT_EQ(letter.original_value(), garbage_by_key[*r.key]);
    EXPECT_FALSE(letter.value_truncated());
    EXPECT_EQ(letter.source_topic(), *in);
    EXPECT_EQ(letter.source_partition(), 0);
    EXPECT_EQ(letter.source_offset(), *r.key == "bad-1" ? 1 : 4);
    EXPECT_EQ(letter.stage(), "classify");
    EXPECT_EQ(letter.reason(), v1::DEAD_LETTER_REASON_UNPARSABLE_RECORD);
    EXPECT_EQ(letter.message(),
              absl::StrCat("value of ", garbage_by_key[*r.key].size(),
                           " bytes is not a wirestream.v1.DedupedStory"));
    garbage_by_key.erase(*r.key);
  }
  EXPECT_TRUE(garbage_by_key.empty());

  // /metrics: the classify counters and the runner's agree with the topics.
  EXPECT_TRUE(worker.Running()) << worker.Log();
  const std::string sel = "stage=\"classify\"";
  std::optional<double> stories, story_seconds, consumed, produced,
      dead_unparsable, disaster, asia;
  for (int i = 0; i < 50; ++i) {
    auto text = testsupport::HttpGet(port, "/metrics");
    ASSERT_TRUE(text.ok()) << text.status();
    stories = testsupport::MetricValue(
        *text, "wirestream_classify_stories_total", sel);
    story_seconds = testsupport::MetricValue(
        *text, "wirestream_classify_story_seconds_count", sel);
    consumed = testsupport::MetricValue(
        *text, "wirestream_records_consumed_total", sel);
    produced = testsupport::MetricValue(
        *text, "wirestream_records_produced_total", sel);
    dead_unparsable = testsupport::MetricValue(
        *text, "wirestream_records_dead_lettered_total",
        "reason=\"unparsable_record\",stage=\"classify\"");
    disaster = testsupport::MetricValue(
        *text, "wirestream_classify_topics_total",
        "stage=\"classify\",topic=\"medtop:20000148\"");
    asia = testsupport::MetricValue(*text, "wirestream_classify_focus_total",
                                    "continent=\"Asia\",stage=\"classify\"");
    if (consumed && *consumed == kGood + kBad) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(stories && story_seconds && consumed && produced &&
              dead_unparsable && disaster && asia);
  EXPECT_EQ(*stories, kGood);
  EXPECT_EQ(*story_seconds, kGood);
  EXPECT_EQ(*consumed, kGood + kBad);
  EXPECT_EQ(*produced, kGood);
  EXPECT_EQ(*dead_unparsable, kBad);
  EXPECT_EQ(*disaster, 1);
  EXPECT_EQ(*asia, 1);

  EXPECT_EQ(worker.Stop(absl::Seconds(30)), 0) << worker.Log();
}

// Runs the worker with `extra` flags and returns its exit code, or -1 if it
// still runs after 10 s.
int ExitCodeWith(const std::vector<std::string>& extra, std::string* log) {
  std::vector<std::string> args = {
      absl::StrCat("--bootstrap=", *testsupport::BootstrapServers()),
      "--input=classify-flags-test-in", "--output=classify-flags-test-out",
      "--http="};
  args.insert(args.end(), extra.begin(), extra.end());
  WorkerProcess worker(testsupport::WorkerBinary("classify"), args);
  if (!worker.Start().ok()) return -2;
  std::optional<int> code = worker.Wait(absl::Seconds(10));
  *log = worker.Log();
  if (!code.has_value()) {
    worker.Kill();
    return -1;
  }
  return *code;
}

// Returns the non-empty lines of `text`.
std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST(ClassifyBrokerTest, BadFlagsAndDataExitWithCodeTwo) {
  struct Case {
    std::string flag;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"--no_such_flag=1", "bad flags: unknown flag --no_such_flag"},
      {"--topic_threshold=high", "bad flags: --topic_threshold=high: "},
      {"--topic_threshold=1.5", "topic_threshold must be in (0, 1], got 1.5"},
      {"--max_topic_evidence=-1", "max_topic_evidence must be >= 0"},
      {"--data_dir=/nonexistent/classify-data",
       "cannot read /nonexistent/classify-data/countries.tsv"},
  };
  for (const Case& c : cases) {
    std::string log;
    const absl::Time start = absl::Now();
    EXPECT_EQ(ExitCodeWith({c.flag}, &log), 2) << c.flag << "\n" << log;
    EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << c.flag;
    const std::vector<std::string> lines = Lines(log);
    ASSERT_EQ(lines.size(), 1u) << c.flag << "\n" << log;
    EXPECT_NE(lines[0].find("ERROR"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find(c.says), std::string::npos) << lines[0];
  }
}

}  // namespace
}  // namespace wirestream
