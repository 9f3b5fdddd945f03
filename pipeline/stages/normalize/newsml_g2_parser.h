// File: pipeline/stages/normalize/newsml_g2_parser.h
//
// Reads an IPTC NewsML-G2 text newsItem (alone or the first in a
// newsMessage) into a Story.
//
//   v1::Story story;
//   absl::Status status = ParseNewsmlG2(text, &story);
//
// Fields: the item's guid and version; itemMeta's provider,
// versionCreated, firstCreated, pubStatus; contentMeta's urgency,
// contentCreated, language, subjects, keywords, slugline, headlines (a
// role other than main is the subheadline), dateline, by, creditline,
// located. The body comes from the first inlineXML (inline NITF or XHTML)
// or inlineData (text/plain) in the contentSet; inline NITF also fills
// what contentMeta left empty.
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NEWSML_G2_PARSER_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NEWSML_G2_PARSER_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "pipeline/stages/normalize/parse_hints.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::normalize {

// Parses NewsML-G2 document `text` (valid UTF-8) into `story`. Returns a
// MALFORMED_PAYLOAD status for broken XML, UNKNOWN_FORMAT when the root is
// neither newsItem nor newsMessage, and EMPTY_STORY for messages without a
// newsItem and for items that are not text (pictures, video) and carry
// none.
absl::Status ParseNewsmlG2(absl::string_view text, v1::Story* story,
                           ParseHints* hints);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NEWSML_G2_PARSER_H_
