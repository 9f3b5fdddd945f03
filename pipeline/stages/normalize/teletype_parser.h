// File: pipeline/stages/normalize/teletype_parser.h
//
// Reads the teletype wire formats: ANPA-1312 (North American agencies) and
// IPTC 7901 (the international one derived from it). Both frame a story
// with control characters:
//
//   ANPA-1312  [SYN SYN] SOH <level><story number> US <selector> CR LF
//              <priority> <category>[DC3|DC4 DC1|DC2] <keyword> <version>
//                  <reference> <MM-DD> <word count> CR LF
//              STX ^header lines< TAB paragraphs ... ETX <time> EOT
//   IPTC 7901  SOH <source><number> <priority> <category> <words> [...] LF
//              <keyword line(s)> STX <headline>= LF <text> ETX <DDHHMM Mon
//              YY> EOT
//
//   v1::Story story;
//   absl::Status status = ParseAnpa1312(text, &story);
//
// Version markers ("1stLd-Writethru", "2nd Ld", "Writethru", "Correction",
// "2. Zusammenfassung", "Berichtigung") set Story.version; kill and
// withhold markers ("Kill", "Mandatory Kill", "Elimination",
// "Zurückziehung", "Withhold") set the pub status; adds ("1stAdd") get
// their own source story id ("<slug>/add-1"). The priority code sets the
// urgency and the category code becomes a subject.
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_TELETYPE_PARSER_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_TELETYPE_PARSER_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::normalize {

// Parses ANPA-1312 story `text` (valid UTF-8) into `story`. Broken framing
// is a MALFORMED_PAYLOAD status naming the byte, e.g. "ANPA-1312 error at
// byte 412: no ETX (0x03) closes the text (truncated?)".
absl::Status ParseAnpa1312(absl::string_view text, v1::Story* story);

// Parses IPTC 7901 story `text` (valid UTF-8) into `story`, with errors
// as for ANPA-1312.
absl::Status ParseIptc7901(absl::string_view text, v1::Story* story);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_TELETYPE_PARSER_H_
