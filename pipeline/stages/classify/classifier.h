// File: pipeline/stages/classify/classifier.h
//
// Classifier enriches a story with IPTC Media Topics (TopicModel) and
// countries, UN M49 regions and a focus country (CountryTagger), each with
// the evidence that decided it. Built once from configuration; classifying
// a story touches no disk and allocates only its result.
//
//   auto classifier = Classifier::Create({});  // data compiled in
//   auto c2 = Classifier::Create({.data_dir = "/etc/wirestream/classify"});
//   wirestream::v1::EnrichedStory out;
//   (*classifier)->Classify(story, &out);
//   // out.topics(0).code() == "medtop:20000056", out.focus_country() == "UA"
//
// Immutable after Create; Classify is thread-safe.
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFIER_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFIER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pipeline/stages/classify/classifier_data.h"
#include "pipeline/stages/classify/country_tagger.h"
#include "pipeline/stages/classify/gazetteer.h"
#include "pipeline/stages/classify/topic_model.h"
#include "wirestream/v1/enriched_story.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::classify {

struct ClassifierConfig {
  // Directory holding the data files (see data/README.md); empty: the
  // copy compiled into the binary.
  std::string data_dir;
  // Data given directly (tests, tools); wins over data_dir when set.
  std::optional<ClassifierData> data;
  // Topics scoring at least this (0..1) are output.
  float topic_threshold = 0.3f;
  // Evidence terms per topic.
  int max_topic_evidence = 5;
  // Languages (primary subtags) the topic model was trained for. A story
  // in another language gets no topics and says why
  // (EnrichedStory.topics_unavailable); countries are tagged in every
  // language. A story without a language, or "und", is scored.
  std::vector<std::string> topic_languages = {"en"};
};

class Classifier {
 public:
  // Returns a classifier built from `config`, or the error that makes the
  // configuration unusable: NOT_FOUND for a missing data file,
  // INVALID_ARGUMENT for malformed data or an out-of-range threshold.
  static absl::StatusOr<std::unique_ptr<Classifier>> Create(
      const ClassifierConfig& config);

  // Sets `out`'s topics (or topics_unavailable), countries, regions and
  // focus_country for `story` (replacing any it had). Does not touch out's
  // story or verdict.
  void Classify(const wirestream::v1::Story& story,
                wirestream::v1::EnrichedStory* out) const;

  const TopicModel& topic_model() const { return *topics_; }
  const Gazetteer& gazetteer() const { return *gazetteer_; }

 private:
  Classifier() = default;

  std::unique_ptr<Gazetteer> gazetteer_;
  std::unique_ptr<TopicModel> topics_;
  std::unique_ptr<CountryTagger> tagger_;
  TopicOptions topic_options_;
  std::vector<std::string> topic_languages_;
};

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFIER_H_
