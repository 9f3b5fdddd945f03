// File: pipeline/stages/normalize/plain_text_parser.h
//
// Reads plain-text stories: the headline on the first line, then
// paragraphs separated by blank lines (or one a line when there are no
// blank lines). Text dumps of web pages are cleaned of boilerplate
// (navigation, "Read more" teasers, share and cookie lines) first.
//
//   v1::Story story;
//   absl::Status status = ParsePlainText(text, &story);
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_PLAIN_TEXT_PARSER_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_PLAIN_TEXT_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::normalize {

// Parses plain-text story `text` (valid UTF-8) into `story`.
absl::Status ParsePlainText(absl::string_view text, v1::Story* story);

// Returns the paragraphs of `text`: blocks separated by blank lines, with
// the lines of a block joined by spaces; when `text` has no blank line,
// every line is a paragraph. Blank paragraphs are dropped.
std::vector<std::string> SplitTextParagraphs(absl::string_view text);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_PLAIN_TEXT_PARSER_H_
