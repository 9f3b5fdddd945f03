// File: pipeline/stages/normalize/language.h
//
// Story language: CLD2's guess from the text (a tag a feed declared is read
// with text::PrimaryLanguage, pipeline/text/language_tag.h).
//
//   std::string guess = DetectLanguage("Der Bundestag hat ...");  // "de"
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_LANGUAGE_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_LANGUAGE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace wirestream::normalize {

// Returns the primary language subtag of the language CLD2 detects in
// valid UTF-8 `text`, or "" when it cannot tell. Reads at most the first
// 16 KiB.
std::string DetectLanguage(absl::string_view text);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_LANGUAGE_H_
