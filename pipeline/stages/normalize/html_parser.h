// File: pipeline/stages/normalize/html_parser.h
//
// Reads scraped HTML article pages with gumbo (an HTML5 parser).
//
//   v1::Story story;
//   absl::Status status = ParseHtmlPage(html, raw.url(), &story);
//
// Metadata comes from the page head: Open Graph and article:* tags, a
// JSON-LD NewsArticle (read with simdjson), <link rel="canonical">,
// <html lang>, meta keywords; the byline and dek from the visible page.
// Body paragraphs are the page's blocks that SelectArticleBlocks keeps
// (boilerplate.h).
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_HTML_PARSER_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_HTML_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pipeline/stages/normalize/boilerplate.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::normalize {

// Parses HTML page `html` (valid UTF-8) fetched from `url` (may be empty)
// into `story`. Returns an EMPTY_STORY status when the page holds no
// article text.
absl::Status ParseHtmlPage(absl::string_view html, absl::string_view url,
                           v1::Story* story);

// Returns the paragraphs of clean HTML `html`, such as a ninjs body_html:
// every <p>, <li>, <pre> and text run, headings and figures skipped, no
// boilerplate removal. Markup nested too deep for gumbo is refused with a
// MALFORMED_PAYLOAD status; `what` names the source in its message.
absl::StatusOr<std::vector<std::string>> HtmlFragmentParagraphs(
    absl::string_view html, absl::string_view what);

// Returns the blocks of page `html` with the hints SelectArticleBlocks
// uses. Exposed for the boilerplate evaluation.
std::vector<PageBlock> HtmlPageBlocks(absl::string_view html);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_HTML_PARSER_H_
