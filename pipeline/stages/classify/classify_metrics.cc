#include "pipeline/stages/classify/classify_metrics.h"

#include "prometheus/family.h"

namespace wirestream::classify {
namespace {

// Classifying a story takes tens of microseconds; long stories take more.
const prometheus::Histogram::BucketBoundaries& StoryBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 1e-2, 0.1};
  return *buckets;
}

}  // namespace

ClassifyMetrics::ClassifyMetrics(prometheus::Registry& registry,
                                 const Classifier& classifier)
    : classifier_(classifier) {
  stories_ = &prometheus::BuildCounter()
                  .Name("wirestream_classify_stories_total")
                  .Help("Stories classified.")
                  .Register(registry)
                  .Add({{"stage", "classify"}});
  story_seconds_ =
      &prometheus::BuildHistogram()
           .Name("wirestream_classify_story_seconds")
           .Help("Time classifying one story took (topics and countries).")
           .Register(registry)
           .Add({{"stage", "classify"}}, StoryBuckets());
  auto& topics = prometheus::BuildCounter()
                     .Name("wirestream_classify_topics_total")
                     .Help("Stories given each IPTC Media Topic.")
                     .Register(registry);
  for (const Topic& t : classifier.topic_model().topics()) {
    topics_[t.code] = &topics.Add({{"stage", "classify"}, {"topic", t.code}});
  }
  auto& focus = prometheus::BuildCounter()
                    .Name("wirestream_classify_focus_total")
                    .Help(
                        "Stories by the UN M49 continent of their focus "
                        "country (none: no country named).")
                    .Register(registry);
  for (const std::string& continent : classifier.gazetteer().ContinentNames()) {
    focus_by_continent_[continent] =
        &focus.Add({{"stage", "classify"}, {"continent", continent}});
  }
  focus_none_ = &focus.Add({{"stage", "classify"}, {"continent", "none"}});
}

void ClassifyMetrics::Record(const wirestream::v1::EnrichedStory& story,
                             absl::Duration elapsed) {
  stories_->Increment();
  story_seconds_->Observe(absl::ToDoubleSeconds(elapsed));
  for (const auto& t : story.topics()) {
    auto it = topics_.find(t.code());
    if (it != topics_.end()) it->second->Increment();
  }
  const Country* focus =
      story.focus_country().empty()
          ? nullptr
          : classifier_.gazetteer().FindCountry(story.focus_country());
  if (focus == nullptr || focus->regions.empty()) {
    focus_none_->Increment();
    return;
  }
  // A country's regions run finest first; the last is its continent.
  const Region* continent =
      classifier_.gazetteer().FindRegion(focus->regions.back());
  auto it = continent == nullptr ? focus_by_continent_.end()
                                 : focus_by_continent_.find(continent->name);
  if (it == focus_by_continent_.end()) {
    focus_none_->Increment();
  } else {
    it->second->Increment();
  }
}

}  // namespace wirestream::classify
