// File: pipeline/text/language_tag.h
//
// Language tags as stories carry them (BCP 47): the primary subtag, which
// is what every stage keys its language rules on.
//
//   std::string lang = PrimaryLanguage("en-US");  // "en"
#ifndef WIRESTREAM_PIPELINE_TEXT_LANGUAGE_TAG_H_
#define WIRESTREAM_PIPELINE_TEXT_LANGUAGE_TAG_H_

#include <string>

#include "absl/strings/string_view.h"

namespace wirestream::text {

// Returns the primary language subtag of BCP 47 `tag`, lower-cased, with
// deprecated codes replaced ("en-US" → "en", "nb-NO" → "nb", "iw" → "he"),
// or "" when `tag` does not start with one (2 or 3 letters) or names no
// language ("und").
std::string PrimaryLanguage(absl::string_view tag);

}  // namespace wirestream::text

#endif  // WIRESTREAM_PIPELINE_TEXT_LANGUAGE_TAG_H_
