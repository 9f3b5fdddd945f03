// File: pipeline/stages/normalize/language.h
//
// Story language: the tag a feed declared, or CLD2's guess from the text.
//
//   std::string lang = PrimaryLanguage("en-US");            // "en"
//   std::string guess = DetectLanguage("Der Bundestag hat ...");  // "de"
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_LANGUAGE_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_LANGUAGE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace wirestream::normalize {

// Returns the primary language subtag of BCP 47 `tag`, lower-cased, with
// deprecated codes replaced ("en-US" → "en", "nb-NO" → "nb", "iw" → "he"),
// or "" when `tag` does not start with one (2 or 3 letters).
std::string PrimaryLanguage(absl::string_view tag);

// Returns the primary language subtag of the language CLD2 detects in
// valid UTF-8 `text`, or "" when it cannot tell. Reads at most the first
// 16 KiB.
std::string DetectLanguage(absl::string_view text);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_LANGUAGE_H_
