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

#include <map>
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

// Returns the languages scored by default: English and every language
// whose topic model met the usable bar (LANGUAGES.md).
std::vector<std::string> DefaultTopicLanguages();

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
  // Languages (primary subtags) whose topic model is used: "en" (the
  // English model, data/model.tsv) and languages with a model_<lang>.tsv.
  // A story in another language gets no topics and says why
  // (EnrichedStory.topics_unavailable); countries are tagged in every
  // language. A story without a language, or "und", is scored by the
  // English model. The default lists the languages whose model met the
  // usable bar on real copy (LANGUAGES.md).
  std::vector<std::string> topic_languages = DefaultTopicLanguages();
};

class Classifier {
 public:
  // Returns a classifier built from `config`, or the error that makes the
  // configuration unusable: NOT_FOUND for a missing data file,
  // INVALID_ARGUMENT for malformed data, an out-of-range threshold or a
  // topic language without a model.
  static absl::StatusOr<std::unique_ptr<Classifier>> Create(
      const ClassifierConfig& config);

  // Sets `out`'s topics (or topics_unavailable), countries, regions and
  // focus_country for `story` (replacing any it had). Does not touch out's
  // story or verdict.
  void Classify(const wirestream::v1::Story& story,
                wirestream::v1::EnrichedStory* out) const;

  // The English topic model (every model shares its taxonomy).
  const TopicModel& topic_model() const { return *topics_; }
  // The topic model used for `language` (primary subtag; "" or "en":
  // English), or null when that language gets no topics.
  const TopicModel* TopicModelFor(absl::string_view language) const;
  const Gazetteer& gazetteer() const { return *gazetteer_; }

 private:
  Classifier() = default;

  std::unique_ptr<Gazetteer> gazetteer_;
  std::unique_ptr<TopicModel> topics_;
  // Other languages' models, by primary subtag (only those in
  // topic_languages).
  std::map<std::string, std::unique_ptr<TopicModel>, std::less<>>
      language_topics_;
  std::unique_ptr<CountryTagger> tagger_;
  TopicOptions topic_options_;
  bool english_topics_ = false;
};

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFIER_H_
