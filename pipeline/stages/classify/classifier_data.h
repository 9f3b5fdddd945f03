// File: pipeline/stages/classify/classifier_data.h
//
// ClassifierData is everything a Classifier is built from: the contents of
// the files in data/ (see data/README.md). It comes from a directory (to
// try edited lexicons or gazetteers without a rebuild) or from the copy
// compiled into the binary.
//
//   absl::StatusOr<ClassifierData> data = LoadClassifierData("/etc/classify");
//   ClassifierData built_in = EmbeddedClassifierData();
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFIER_DATA_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFIER_DATA_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "pipeline/stages/classify/gazetteer.h"

namespace wirestream::classify {

// The topic files of one language other than English.
struct LanguageTopicData {
  std::string lexicon_tsv;  // data/lexicon_<lang>.tsv; empty when absent
  std::string model_tsv;    // data/model_<lang>.tsv
};

struct ClassifierData {
  GazetteerSources gazetteer;
  std::string taxonomy_tsv;
  // English.
  std::string lexicon_tsv;
  std::string model_tsv;
  // Every other language with a topic model (a file model_<lang>.tsv), by
  // primary subtag.
  std::map<std::string, LanguageTopicData> language_topics;
};

// Returns the data files read from `dir`, or NOT_FOUND naming the first
// file that cannot be read. Languages other than English are the
// model_<lang>.tsv files found there, each with its lexicon_<lang>.tsv
// when there is one.
absl::StatusOr<ClassifierData> LoadClassifierData(const std::string& dir);

// Returns the data compiled into the binary.
ClassifierData EmbeddedClassifierData();

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFIER_DATA_H_
