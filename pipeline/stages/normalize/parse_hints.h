// File: pipeline/stages/normalize/parse_hints.h
//
// What a format parser learned that has no Story field of its own; the
// Normalizer uses it after the text's own parts have been read.
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_PARSE_HINTS_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_PARSE_HINTS_H_

#include <string>

namespace wirestream::normalize {

struct ParseHints {
  // Where the story was filed from according to metadata (ninjs
  // "located", NewsML-G2 <located>, NITF <evloc>): the dateline place when
  // the text opens with no dateline.
  std::string located;
};

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_PARSE_HINTS_H_
