// File: pipeline/stages/classify/topic_model.h
//
// TopicModel assigns IPTC Media Topics to a story: an editable lexicon of
// weighted terms and phrases per topic (data/lexicon.tsv) plus a linear
// model over hashed unigrams and bigrams (data/model.tsv, written by
// tools/train_topics), one logistic output per topic, so a story gets any
// number of topics with 0..1 scores. Every score is a sum of per-term
// weights, so the terms that contributed most are the explanation.
//
//   auto model = TopicModel::Create(data.taxonomy_tsv, data.lexicon_tsv,
//                                   data.model_tsv);
//   std::vector<wirestream::v1::TopicScore> topics =
//       (*model)->Classify(ExtractTopicFeatures(text), {});
//
// One model reads one language: English from data/lexicon.tsv and
// data/model.tsv, another language from data/lexicon_<lang>.tsv and
// data/model_<lang>.tsv (Create's `language`), over that language's tokens.
//
// Scoring, per topic t: z = bias(t) + Σ lexicon(t, phrase)·v + Σ
// model(t, term)·v over the story's distinct phrases and terms (v = 1, or
// 1.5 when the headline has it); score = 1 / (1 + e^-z). A deeper topic's
// lexicon terms also count for its top-level topic (at 0.8 of their
// weight), and a top-level topic scores at least as high as its
// best-scoring descendant.
//
// The primary topic, the one top-level topic a story is mainly about, is
// chosen by a second linear model over the same terms: a softmax over the
// top-level topics (rows "primary:<code>" in model.tsv) whose inputs are
// the terms and each topic's lexicon logit (row "__lexicon__": its weight). It
// is trained on the first label of each story only, so a story about air
// strikes that also names diplomats is "conflict" first, while the one-vs-rest
// scores above still give it "politics" (international relations) as a further
// topic. Without those rows the best-scoring top-level topic is the primary
// one.
//
// Immutable after Create; thread-safe.
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_TOPIC_MODEL_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_TOPIC_MODEL_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "pipeline/stages/classify/topic_features.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::classify {

struct Topic {
  std::string code;    // "medtop:20000056"
  std::string label;   // "armed conflict"
  std::string parent;  // IPTC parent code; empty at the top level
  int top = -1;        // index of the top-level ancestor (itself at top)
  bool top_level() const { return parent.empty(); }
};

struct TopicOptions {
  // Topics scoring at least this are output.
  float threshold = 0.3f;
  // The best top-level topic is output even below `threshold` when it
  // scores at least this (0: every story gets a top-level topic).
  float min_top_score = 0.0f;
  // Evidence terms per topic.
  int max_evidence = 5;
};

class TopicModel {
 public:
  // Returns a model from the three files' contents, or INVALID_ARGUMENT
  // naming the file and line at fault (unknown topic code, bad weight).
  // `model_tsv` may hold only comments (lexicon only). `language` is the
  // language (primary subtag) the lexicon and model are written in, whose
  // tokens (topic_features.h) the lexicon's phrases are cut into; "" or
  // "en" for English (files lexicon.tsv, model.tsv), else the files are
  // named lexicon_<language>.tsv and model_<language>.tsv in errors.
  static absl::StatusOr<std::unique_ptr<TopicModel>> Create(
      absl::string_view taxonomy_tsv, absl::string_view lexicon_tsv,
      absl::string_view model_tsv, absl::string_view language = "");

  // The language the model reads ("" for English).
  const std::string& language() const { return language_; }

  const std::vector<Topic>& topics() const { return topics_; }
  // Returns the index of topic `code`, or -1.
  int TopicIndex(absl::string_view code) const;

  // Returns each topic's logit from the lexicon alone (no bias, no model):
  // the trainer's offsets.
  std::vector<double> LexiconLogits(const TopicFeatures& features) const;

  // Returns each topic's score (0..1) before the top-level roll-up.
  std::vector<double> Scores(const TopicFeatures& features) const;

  // Returns the primary-topic head's logit per topic (meaningful for
  // top-level topics only; 0 elsewhere), and whether the model has that
  // head.
  std::vector<double> PrimaryLogits(const TopicFeatures& features) const;
  bool has_primary_head() const { return has_primary_; }

  // Returns the terms of `features` that raised topic `topic`'s score, with
  // how much, strongest first (ties by term), at most `limit`.
  std::vector<std::pair<std::string, double>> Evidence(
      const TopicFeatures& features, int topic, int limit) const;

  // Returns the topics of a story: the primary topic first (marked
  // primary), then the others scoring at least the threshold, highest
  // score first (ties by code).
  std::vector<wirestream::v1::TopicScore> Classify(
      const TopicFeatures& features, const TopicOptions& options) const;

 private:
  TopicModel() = default;

  // Scores and PrimaryLogits from the lexicon logits `lexicon` of
  // `features`, which Classify computes once for both.
  std::vector<double> ScoresFrom(const TopicFeatures& features,
                                 const std::vector<double>& lexicon) const;
  std::vector<double> PrimaryLogitsFrom(
      const TopicFeatures& features, const std::vector<double>& lexicon) const;
  // Returns the index of the primary topic given the rolled-up `scores`:
  // the top-level topic with the best head logit plus 4 × one-vs-rest
  // logit, or without the head the best-scoring top-level topic.
  int PrimaryTopic(const TopicFeatures& features,
                   const std::vector<double>& lexicon,
                   const std::vector<double>& scores) const;

  struct Weight {
    int topic;
    float weight;
  };
  std::string language_;
  std::vector<Topic> topics_;
  absl::flat_hash_map<std::string, int> topic_by_code_;
  std::vector<double> bias_;
  // Full 64-bit phrase hash → lexicon weights.
  absl::flat_hash_map<uint64_t, std::vector<Weight>> lexicon_;
  // Feature bucket → model weights.
  absl::flat_hash_map<uint32_t, std::vector<Weight>> model_;
  // The primary-topic head: bias per topic and feature bucket → weights.
  bool has_primary_ = false;
  std::vector<double> primary_bias_;
  std::vector<double> primary_lexicon_scale_;
  absl::flat_hash_map<uint32_t, std::vector<Weight>> primary_model_;
};

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_TOPIC_MODEL_H_
