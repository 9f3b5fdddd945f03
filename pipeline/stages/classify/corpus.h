// File: pipeline/stages/classify/corpus.h
//
// Reads classify's labelled story files (corpus/train.txt, corpus/eval.txt;
// format in corpus/README.md): records of "key: value" header lines, then
// one body paragraph a line, ended by a line "---".
//
//   id: eval-017
//   topics: medtop:20000056 medtop:20000638
//   countries: UA RU
//   focus: UA
//   dateline: KYIV, Ukraine
//   set: heldout
//   headline: Russian drones strike Kyiv power plant
//   Russia launched dozens of drones ...
//   ---
//
// The first topic is the story's primary topic. `set:` (dev or heldout)
// says which half of a real-copy file a story is in: dev stories may be
// read and tuned on, held-out ones are scored only. `language:` sets the
// story's language tag. Pure functions.
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CORPUS_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CORPUS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::classify {

struct LabelledStory {
  std::string id;
  // IPTC codes, primary first.
  std::vector<std::string> topics;
  // ISO codes of every country the story refers to; set when the record
  // has a "countries:" line ("countries: -" for none).
  bool has_countries = false;
  std::vector<std::string> countries;
  std::string focus;
  // "dev", "heldout", or "" when the record has no "set:" line.
  std::string set;
  // Other "expect-…: value" header lines (golden test expectations), by
  // key without the "expect-" prefix.
  std::map<std::string, std::string> expectations;
  wirestream::v1::Story story;
};

// Returns the stories in `contents`, or INVALID_ARGUMENT naming
// `file_name` and the line of an unknown header, a "set:" other than dev
// or heldout, or a record without id, topics or headline.
absl::StatusOr<std::vector<LabelledStory>> ParseCorpus(
    absl::string_view contents, absl::string_view file_name);

// Returns the language a corpus file is written in by its name:
// "fr" for real_fr.txt, wire_fr.txt or train_fr.txt (any directory), ""
// for English files (train.txt, eval.txt).
std::string CorpusLanguage(absl::string_view file_name);

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_CORPUS_H_
