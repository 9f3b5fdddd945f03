// File: pipeline/stages/normalize/nitf_parser.h
//
// Reads IPTC's News Industry Text Format (NITF 3.x, and 2.5 which has the
// same elements) into a Story.
//
//   v1::Story story;
//   absl::Status status = ParseNitf(text, &story);
//
// Fields: docdata's doc-id (source story id, regsrc as provider), urgency
// (ed-urg), management-status (pub status), date.issue (version created),
// du-key version, key-list keywords, tobject.subject codes; body.head's
// hl1/hl2 (headline, subheadline), byline, distributor and dateline; the
// paragraphs of body.content; body.end's tagline as an attribution.
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NITF_PARSER_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NITF_PARSER_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "pipeline/stages/normalize/parse_hints.h"
#include "pugixml.hpp"
#include "wirestream/v1/story.pb.h"

namespace wirestream::normalize {

// Parses NITF document `text` (valid UTF-8) into `story`. Returns a
// MALFORMED_PAYLOAD status for broken XML and UNKNOWN_FORMAT when the root
// element is not <nitf>.
absl::Status ParseNitf(absl::string_view text, v1::Story* story,
                       ParseHints* hints);

// Fills the fields of `story` that are still empty from the <nitf>
// element `nitf`, e.g. one carried inline in a NewsML-G2 item.
void FillFromNitf(const pugi::xml_node& nitf, v1::Story* story,
                  ParseHints* hints);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_NITF_PARSER_H_
