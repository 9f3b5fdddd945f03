// File: tools/produce/story_files.h
//
// Story files on disk as the `produce` tool sends them: which files a
// command line names (directories recursively), the wire format each is in
// (its extension, or the root element for .xml), and a first check that
// the bytes are what the format promises, so a broken file is reported by
// name before anything is sent.
//
//   absl::StatusOr<std::vector<std::string>> files = ListStoryFiles(args);
//   v1::WireFormat format = FormatFromPath(path, payload);
//   absl::Status ok = CheckPayload(format, payload);
#ifndef WIRESTREAM_TOOLS_PRODUCE_STORY_FILES_H_
#define WIRESTREAM_TOOLS_PRODUCE_STORY_FILES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "wirestream/v1/raw_story.pb.h"

namespace wirestream::tools::produce {

// Returns the files `paths` name, in order, each directory replaced by the
// files below it (recursively, sorted, hidden ones skipped); "-" (standard
// input) is kept. NOT_FOUND names a path that does not exist.
absl::StatusOr<std::vector<std::string>> ListStoryFiles(
    const std::vector<std::string>& paths);

// Returns the format by extension: .json/.ninjs ninjs, .nitf NITF,
// .newsml/.g2 NewsML-G2, .xml by its root element (newsItem, nitf; else
// unspecified), .anpa ANPA-1312, .ipt/.iptc IPTC 7901, .html/.htm HTML,
// .txt/.text plain text; anything else unspecified (normalize detects it).
v1::WireFormat FormatFromPath(absl::string_view path,
                              absl::string_view payload);

// Parses a --format name: auto, ninjs, newsml-g2, nitf, anpa-1312,
// iptc-7901, html, text. INVALID_ARGUMENT otherwise.
absl::StatusOr<v1::WireFormat> ParseFormatName(absl::string_view name);

// Returns the --format name of `format` ("ninjs", "newsml-g2" ...), or
// "undeclared" for WIRE_FORMAT_UNSPECIFIED.
absl::string_view FormatLabel(v1::WireFormat format);

// OK when `payload` can be a story in `format`; INVALID_ARGUMENT saying
// what is wrong otherwise: empty, binary (NUL bytes), ninjs that is not a
// JSON object, XML that does not parse, teletype without its SOH.
absl::Status CheckPayload(v1::WireFormat format, absl::string_view payload);

}  // namespace wirestream::tools::produce

#endif  // WIRESTREAM_TOOLS_PRODUCE_STORY_FILES_H_
