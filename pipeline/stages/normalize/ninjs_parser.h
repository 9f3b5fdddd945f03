// File: pipeline/stages/normalize/ninjs_parser.h
//
// Reads IPTC ninjs (News in JSON) items, with the field names of ninjs 1.x
// (headline, byline, body_text/body_html/body_xhtml, subject) and of 2.x
// (headlines[], by, bodies[], subjects[], infosources[]).
//
//   v1::Story story;
//   absl::Status status = ParseNinjs(text, &story);
//
// Fields: uri (source story id), version, firstcreated, versioncreated,
// pubstatus, urgency, language, headline(s) (a role other than main is the
// subheadline), byline/by, located, subject(s), keywords and slugline,
// infosources or copyrightholder (provider), altids with a URL role
// (canonical URL). HTML bodies are split into paragraphs with gumbo; the
// HTML body wins over the plain-text one.
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NINJS_PARSER_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NINJS_PARSER_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "pipeline/stages/normalize/parse_hints.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::normalize {

// Parses ninjs item `text` (valid UTF-8) into `story`. Returns a
// MALFORMED_PAYLOAD status for broken JSON or a document that is not an
// object, UNKNOWN_FORMAT for a JSON object with no ninjs field, and
// EMPTY_STORY for picture, video, audio and graphic items without text.
absl::Status ParseNinjs(absl::string_view text, v1::Story* story,
                        ParseHints* hints);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NINJS_PARSER_H_
