// File: pipeline/stages/classify/classify_metrics.h
//
// ClassifyMetrics holds classify's own metrics, created once when the stage
// is built (never looked up on the hot path), labelled stage="classify":
//
//   wirestream_classify_stories_total
//       stories classified;
//   wirestream_classify_story_seconds
//       histogram of the time classifying one story took (topics and
//       countries, without parsing and serializing the record);
//   wirestream_classify_topics_total{topic="medtop:20000056"}
//       stories given each IPTC topic;
//   wirestream_classify_focus_total{continent="Europe"}
//       stories by the UN M49 continent of their focus country
//       ("none" when a story names no country).
//
//   auto registry = std::make_shared<prometheus::Registry>();
//   auto stage = ClassifyStage::Create({}, registry.get());
//   // or, in a worker, when the runner calls stage->RegisterMetrics(...)
//
// Thread-safe (prometheus-cpp metrics are).
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFY_METRICS_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFY_METRICS_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "pipeline/stages/classify/classifier.h"
#include "prometheus/counter.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::classify {

class ClassifyMetrics {
 public:
  // Registers the metrics in `registry` for every topic and continent
  // `classifier` knows.
  ClassifyMetrics(prometheus::Registry& registry, const Classifier& classifier);

  // Counts one classified story, what it was given and `elapsed`, the
  // time classifying it took.
  void Record(const wirestream::v1::EnrichedStory& story,
              absl::Duration elapsed);

 private:
  const Classifier& classifier_;
  prometheus::Counter* stories_ = nullptr;
  prometheus::Histogram* story_seconds_ = nullptr;
  absl::flat_hash_map<std::string, prometheus::Counter*> topics_;
  absl::flat_hash_map<std::string, prometheus::Counter*> focus_by_continent_;
  prometheus::Counter* focus_none_ = nullptr;
};

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFY_METRICS_H_
