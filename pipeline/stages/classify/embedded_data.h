// File: pipeline/stages/classify/embedded_data.h
//
// classify's data files (data/*.tsv, data/blockers.txt), compiled into the
// binary so a worker needs no data directory.
//
//   absl::string_view model = EmbeddedFileContents("model.tsv");
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_EMBEDDED_DATA_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_EMBEDDED_DATA_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace wirestream::classify {

struct EmbeddedFile {
  const char* name;
  const char* data;
  size_t size;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const int kEmbeddedFileCount;

// Returns the contents of the embedded file with base name `name`; an
// empty view, and `*found` false when given, when there is none.
inline absl::string_view EmbeddedFileContents(absl::string_view name,
                                              bool* found = nullptr) {
  for (int i = 0; i < kEmbeddedFileCount; ++i) {
    if (name == kEmbeddedFiles[i].name) {
      if (found != nullptr) *found = true;
      return absl::string_view(kEmbeddedFiles[i].data, kEmbeddedFiles[i].size);
    }
  }
  if (found != nullptr) *found = false;
  return {};
}

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_EMBEDDED_DATA_H_
