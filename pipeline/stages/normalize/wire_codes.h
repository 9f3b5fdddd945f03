// File: pipeline/stages/normalize/wire_codes.h
//
// Codes the wire formats share: publication status words, IPTC NewsCodes
// QCodes and URIs, urgency values.
//
//   PubStatusFromCode("stat:canceled");   // PUB_STATUS_CANCELED
//   QcodeFromUri("http://cv.iptc.org/newscodes/mediatopic/04000000");
//                                         // "medtop:04000000"
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_WIRE_CODES_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_WIRE_CODES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::normalize {

// Returns the status a provider's word or QCode names, ignoring case and a
// scheme prefix: "usable", "stat:withheld", "canceled" or "cancelled".
// Anything else ("embargoed", "") is PUB_STATUS_UNSPECIFIED.
v1::PubStatus PubStatusFromCode(absl::string_view code);

// Returns the QCode for an IPTC NewsCodes URI
// ("http://cv.iptc.org/newscodes/mediatopic/04000000" → "medtop:04000000",
// ".../subjectcode/15000000" → "subj:15000000"); other URIs are returned
// as they are.
std::string QcodeFromUri(absl::string_view uri);

// Returns the code of a subject given as scheme and code, as ninjs 1.x
// sends it: a NewsCodes scheme URI becomes a QCode, a scheme alias is
// joined with ':' ("medtop", "04000000" → "medtop:04000000"), a bare
// eight-digit IPTC subject code gets "subj:".
std::string SubjectCode(absl::string_view scheme, absl::string_view code);

// Returns the part of a QCode after the scheme alias ("nprov:AP" → "AP").
absl::string_view QcodeValue(absl::string_view qcode);

// Returns `urgency` when it is a valid urgency (1..9), else 0.
int ValidUrgency(int urgency);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_WIRE_CODES_H_
