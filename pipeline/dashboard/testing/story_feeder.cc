// story_feeder: writes enriched stories and alerts to the dashboard's topics
// on a broker, for the dashboard's broker and browser tests and its speed
// measurement.
//
//   story_feeder --bootstrap=HOST:PORT --enriched=T1 --alerts=T2 \
//     --create_partitions=3 --files=a.enriched.txtpb,b.alert.txtpb
//   story_feeder ... --rate=1000 --seconds=60     # generated stories
//
// A fixture file holds one EnrichedStory (".enriched.txtpb") or Alert
// (".alert.txtpb") in protobuf text format. A first line
// "# age_minutes: N" gives the record a timestamp N minutes in the past.
// Story times left unset are filled with the record's time. Files without
// an age written in one run get rising timestamps, a millisecond apart at
// least.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "google/protobuf/text_format.h"
#include "librdkafka/rdkafkacpp.h"
#include "pipeline/runtime/topics.h"
#include "wirestream/v1/alert.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

ABSL_FLAG(std::string, bootstrap, "", "Kafka bootstrap servers.");
ABSL_FLAG(std::string, enriched, "wire.enriched", "Enriched stories' topic.");
ABSL_FLAG(std::string, alerts, "wire.alerts", "Alerts' topic.");
ABSL_FLAG(int, create_partitions, 0,
          "Create both topics with this many partitions first (0: do not).");
ABSL_FLAG(std::string, files, "", "Fixture files to write, in order.");
ABSL_FLAG(int, rate, 0, "Generated stories a second (0: none).");
ABSL_FLAG(int, seconds, 10, "How long to generate stories.");

namespace wirestream::dashboard {
namespace {

void SetTime(google::protobuf::Timestamp* ts, absl::Time time) {
  const int64_t nanos = absl::ToUnixNanos(time);
  ts->set_seconds(nanos / 1000000000);
  ts->set_nanos(nanos % 1000000000);
}

class Feeder {
 public:
  static std::unique_ptr<Feeder> Create(const std::string& bootstrap) {
    std::unique_ptr<RdKafka::Conf> conf(
        RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string error;
    conf->set("bootstrap.servers", bootstrap, error);
    conf->set("enable.idempotence", "true", error);
    conf->set("linger.ms", "5", error);
    auto feeder = std::make_unique<Feeder>();
    feeder->producer_.reset(RdKafka::Producer::create(conf.get(), error));
    if (feeder->producer_ == nullptr) {
      std::fprintf(stderr, "story_feeder: %s\n", error.c_str());
      return nullptr;
    }
    return feeder;
  }

  void Send(const std::string& topic, const std::string& key,
            const std::string& value, absl::Time time) {
    for (;;) {
      const RdKafka::ErrorCode err = producer_->produce(
          topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
          const_cast<char*>(value.data()), value.size(), key.data(), key.size(),
          absl::ToUnixMillis(time), nullptr);
      if (err != RdKafka::ERR__QUEUE_FULL) break;
      producer_->poll(10);
    }
    producer_->poll(0);
  }

  bool Flush() {
    return producer_->flush(30000) == RdKafka::ERR_NO_ERROR &&
           producer_->outq_len() == 0;
  }

 private:
  std::unique_ptr<RdKafka::Producer> producer_;
};

bool SendFile(Feeder& feeder, const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    std::fprintf(stderr, "story_feeder: cannot read %s\n", path.c_str());
    return false;
  }
  const std::string body = text.str();
  absl::Time time = absl::Now();
  bool aged = false;
  absl::string_view first = body;
  first = first.substr(0, first.find('\n'));
  if (absl::ConsumePrefix(&first, "# age_minutes:")) {
    int minutes = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(first), &minutes)) {
      time -= absl::Minutes(minutes);
      aged = true;
    }
  }
  // Files written one after the other get distinct, rising times, so
  // "newest first" has one answer however the records are partitioned.
  static absl::Time last = absl::InfinitePast();
  // Kafka keeps milliseconds.
  time = absl::FromUnixMillis(absl::ToUnixMillis(time));
  if (!aged) {
    if (time <= last) time = last + absl::Milliseconds(1);
    last = time;
  }
  if (absl::EndsWith(path, ".alert.txtpb")) {
    v1::Alert alert;
    if (!google::protobuf::TextFormat::ParseFromString(body, &alert)) {
      std::fprintf(stderr, "story_feeder: %s is not an Alert\n", path.c_str());
      return false;
    }
    if (!alert.has_created_at()) SetTime(alert.mutable_created_at(), time);
    feeder.Send(absl::GetFlag(FLAGS_alerts),
                absl::StrCat(alert.rule_id(), "/", alert.cluster_id()),
                alert.SerializeAsString(), time);
    return true;
  }
  v1::EnrichedStory story;
  if (!google::protobuf::TextFormat::ParseFromString(body, &story)) {
    std::fprintf(stderr, "story_feeder: %s is not an EnrichedStory\n",
                 path.c_str());
    return false;
  }
  v1::Story* s = story.mutable_story();
  if (!s->has_received_at()) SetTime(s->mutable_received_at(), time);
  if (!s->has_version_created()) SetTime(s->mutable_version_created(), time);
  if (!story.has_enriched_at()) SetTime(story.mutable_enriched_at(), time);
  feeder.Send(absl::GetFlag(FLAGS_enriched), s->id(), story.SerializeAsString(),
              time);
  return true;
}

// A generated story: one of a few topics, countries and sources, so
// filters and counts have something to work on.
v1::EnrichedStory Generated(int n, absl::Time now) {
  static const char* kTopics[][2] = {
      {"medtop:04000000", "economy, business and finance"},
      {"medtop:11000000", "politics"},
      {"medtop:15000000", "sport"},
      {"medtop:03000000", "disaster, accident and emergency incident"}};
  static const char* kCountries[][4] = {
      {"JP", "Japan", "030", "Eastern Asia"},
      {"DE", "Germany", "155", "Western Europe"},
      {"BR", "Brazil", "005", "South America"}};
  v1::EnrichedStory story;
  v1::Story* s = story.mutable_story();
  s->set_id(absl::StrCat("gen-", absl::ToUnixMicros(now), "-", n));
  s->set_source(absl::StrCat("feed-", n % 5));
  s->set_language("en");
  s->set_version(1);
  s->set_headline(absl::StrCat("Generated wire story number ", n,
                               " about markets and weather"));
  s->add_paragraphs("A generated paragraph for load measurement only.");
  SetTime(s->mutable_received_at(), now);
  SetTime(s->mutable_version_created(), now);
  story.mutable_verdict()->set_kind(v1::DEDUP_KIND_NEW);
  story.mutable_verdict()->set_cluster_id(s->id());
  auto* topic = story.add_topics();
  topic->set_code(kTopics[n % 4][0]);
  topic->set_label(kTopics[n % 4][1]);
  topic->set_primary(true);
  topic->set_score(0.9f);
  const auto& c = kCountries[n % 3];
  auto* country = story.add_countries();
  country->set_code(c[0]);
  country->set_name(c[1]);
  auto* region = story.add_regions();
  region->set_m49_code(c[2]);
  region->set_name(c[3]);
  region->set_level(v1::REGION_LEVEL_SUBREGION);
  SetTime(story.mutable_enriched_at(), now);
  return story;
}

int Main() {
  const std::string bootstrap = absl::GetFlag(FLAGS_bootstrap);
  if (bootstrap.empty()) {
    std::fprintf(stderr, "story_feeder: --bootstrap is required\n");
    return 2;
  }
  if (absl::GetFlag(FLAGS_create_partitions) > 0) {
    runtime::TopicAdminOptions options;
    options.bootstrap_servers = bootstrap;
    auto admin = runtime::TopicAdmin::Create(options);
    if (!admin.ok()) {
      std::fprintf(stderr, "story_feeder: %s\n",
                   admin.status().ToString().c_str());
      return 1;
    }
    const int partitions = absl::GetFlag(FLAGS_create_partitions);
    absl::Status created =
        (*admin)->CreateTopics({{absl::GetFlag(FLAGS_enriched), partitions},
                                {absl::GetFlag(FLAGS_alerts), 1}});
    if (!created.ok()) {
      std::fprintf(stderr, "story_feeder: %s\n", created.ToString().c_str());
      return 1;
    }
  }
  std::unique_ptr<Feeder> feeder = Feeder::Create(bootstrap);
  if (feeder == nullptr) return 1;
  for (absl::string_view path :
       absl::StrSplit(absl::GetFlag(FLAGS_files), ',', absl::SkipEmpty())) {
    if (!SendFile(*feeder, std::string(path))) return 1;
  }
  const int rate = absl::GetFlag(FLAGS_rate);
  if (rate > 0) {
    const absl::Time start = absl::Now();
    const int64_t total =
        static_cast<int64_t>(rate) * absl::GetFlag(FLAGS_seconds);
    for (int64_t n = 0; n < total; ++n) {
      // Paced: story n leaves at start + n/rate.
      const absl::Time due = start + absl::Seconds(1) * n / rate;
      const absl::Time now = absl::Now();
      if (due > now) absl::SleepFor(due - now);
      v1::EnrichedStory story = Generated(static_cast<int>(n), absl::Now());
      feeder->Send(absl::GetFlag(FLAGS_enriched), story.story().id(),
                   story.SerializeAsString(), absl::Now());
    }
  }
  if (!feeder->Flush()) {
    std::fprintf(stderr, "story_feeder: some records were not acknowledged\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace wirestream::dashboard

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return wirestream::dashboard::Main();
}
