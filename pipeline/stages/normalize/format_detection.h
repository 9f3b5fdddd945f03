// File: pipeline/stages/normalize/format_detection.h
//
// Recognises the wire format of a payload when the feed did not declare it.
//
//   WireFormat format = DetectFormat(text, raw.content_type());
//   if (format == v1::WIRE_FORMAT_UNSPECIFIED) { /* unknown format */ }
//
// Detection looks at the first significant bytes: SOH (after optional SYN)
// opens a teletype story (a US separator in the first line means ANPA-1312,
// space-separated fields mean IPTC 7901); `{` opens ninjs; `<` opens XML or
// HTML, told apart by the root element, unless the payload reads as text
// with bracketed names (ReadsAsText); anything else that is text is plain
// text.
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_FORMAT_DETECTION_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_FORMAT_DETECTION_H_

#include <string>

#include "absl/strings/string_view.h"
#include "wirestream/v1/raw_story.pb.h"

namespace wirestream::normalize {

// Returns the format `text` (valid UTF-8) is in, or WIRE_FORMAT_UNSPECIFIED
// when it is none that normalize reads (e.g. a JSON array, an RSS feed).
// `content_type` breaks ties (e.g. markup declared as text/plain).
v1::WireFormat DetectFormat(absl::string_view text,
                            absl::string_view content_type);

// Returns the name of the root element of XML or HTML `text` without its
// namespace prefix ("newsItem", "nitf", "html"), or "" when `text` does not
// start with markup.
std::string RootElementName(absl::string_view text);

// Returns true when `text`, though it opens like markup, is prose with
// names in angle brackets, as wire copy writes companies and tickers
// ("<ACME CORP> SETS QUARTERLY PAYOUT", "DU PONT <DD> ..."): it has no
// end tag, empty-element tag, comment, declaration or attribute, and has
// words outside the brackets. DetectFormat asks it only when the root
// element is none of a known format's ("<ACME>"), or an HTML element's
// name followed by more words ("<MAIN STREET BANCORP>").
bool ReadsAsText(absl::string_view text);

// Returns the format's human name, e.g. "NewsML-G2".
absl::string_view FormatName(v1::WireFormat format);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_FORMAT_DETECTION_H_
