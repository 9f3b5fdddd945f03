// File: pipeline/ingest/feed_parser.h
//
// Reads the items of a polled feed: RSS 2.0 (pugixml), Atom 1.0 (pugixml)
// or JSON Feed 1.x (simdjson), whichever the bytes are.
//
//   absl::StatusOr<std::vector<FeedItem>> items = ParseFeed(body);
#ifndef WIRESTREAM_PIPELINE_INGEST_FEED_PARSER_H_
#define WIRESTREAM_PIPELINE_INGEST_FEED_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wirestream::ingest {

enum class FeedKind { kRss, kAtom, kJsonFeed };

struct FeedItem {
  // guid (RSS), id (Atom, JSON Feed); may be empty.
  std::string id;
  // The item's page.
  std::string link;
  std::string title;
  // The item's text or HTML (content:encoded, content, description,
  // summary, content_html, content_text), as the feed gave it.
  std::string content;
};

struct ParsedFeed {
  FeedKind kind;
  std::vector<FeedItem> items;
};

// Returns the items in feed order. INVALID_ARGUMENT when `bytes` are not
// one of the three formats, or do not parse.
absl::StatusOr<ParsedFeed> ParseFeed(absl::string_view bytes);

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_FEED_PARSER_H_
