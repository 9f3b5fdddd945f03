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

#include <string>

#include "absl/status/statusor.h"
#include "pipeline/stages/classify/gazetteer.h"

namespace wirestream::classify {

struct ClassifierData {
  GazetteerSources gazetteer;
  std::string taxonomy_tsv;
  std::string lexicon_tsv;
  std::string model_tsv;
};

// Returns the data files read from `dir`, or NOT_FOUND naming the first
// file that cannot be read.
absl::StatusOr<ClassifierData> LoadClassifierData(const std::string& dir);

// Returns the data compiled into the binary.
ClassifierData EmbeddedClassifierData();

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CLASSIFIER_DATA_H_
