#include "pipeline/ingest/feed_parser.h"

#include <simdjson.h>

#include <pugixml.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace wirestream::ingest {
namespace {

std::string Text(const pugi::xml_node& node) {
  return std::string(absl::StripAsciiWhitespace(node.child_value()));
}

// The first non-empty child text among `names`.
std::string FirstText(const pugi::xml_node& node,
                      std::initializer_list<const char*> names) {
  for (const char* name : names) {
    std::string text = Text(node.child(name));
    if (!text.empty()) return text;
  }
  return "";
}

absl::StatusOr<ParsedFeed> ParseJsonFeed(absl::string_view bytes) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(bytes.data(), bytes.size());
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS ||
      !root.is_object()) {
    return absl::InvalidArgumentError("JSON that is not a JSON Feed object");
  }
  std::string_view version;
  if (root["version"].get(version) != simdjson::SUCCESS ||
      !absl::StartsWith(absl::string_view(version.data(), version.size()),
                        "https://jsonfeed.org/version/")) {
    return absl::InvalidArgumentError("JSON without a JSON Feed version");
  }
  ParsedFeed feed{FeedKind::kJsonFeed, {}};
  simdjson::dom::array items;
  if (root["items"].get(items) != simdjson::SUCCESS) return feed;
  for (simdjson::dom::element item : items) {
    auto field = [&](const char* name) -> std::string {
      std::string_view v;
      if (item[name].get(v) == simdjson::SUCCESS) return std::string(v);
      int64_t n;
      if (item[name].get(n) == simdjson::SUCCESS) return absl::StrCat(n);
      return "";
    };
    FeedItem out;
    out.id = field("id");
    out.link = field("url");
    out.title = field("title");
    out.content = field("content_html");
    if (out.content.empty()) out.content = field("content_text");
    if (out.content.empty()) out.content = field("summary");
    feed.items.push_back(std::move(out));
  }
  return feed;
}

}  // namespace

absl::StatusOr<ParsedFeed> ParseFeed(absl::string_view bytes) {
  const absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(bytes);
  if (absl::StartsWith(trimmed, "{")) return ParseJsonFeed(trimmed);
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(
      bytes.data(), bytes.size(), pugi::parse_default | pugi::parse_cdata);
  if (!parsed) {
    return absl::InvalidArgumentError(
        absl::StrCat("feed XML does not parse: ", parsed.description()));
  }
  const pugi::xml_node root = doc.document_element();
  const std::string root_name = root.name();
  if (root_name == "rss") {
    ParsedFeed feed{FeedKind::kRss, {}};
    for (pugi::xml_node item : root.child("channel").children("item")) {
      FeedItem out;
      out.id = Text(item.child("guid"));
      out.link = Text(item.child("link"));
      out.title = Text(item.child("title"));
      out.content = FirstText(item, {"content:encoded", "description"});
      feed.items.push_back(std::move(out));
    }
    return feed;
  }
  if (root_name == "feed") {
    ParsedFeed feed{FeedKind::kAtom, {}};
    for (pugi::xml_node entry : root.children("entry")) {
      FeedItem out;
      out.id = Text(entry.child("id"));
      for (pugi::xml_node link : entry.children("link")) {
        const std::string rel = link.attribute("rel").value();
        if (rel.empty() || rel == "alternate") {
          out.link = link.attribute("href").value();
          break;
        }
      }
      out.title = Text(entry.child("title"));
      out.content = FirstText(entry, {"content", "summary"});
      feed.items.push_back(std::move(out));
    }
    return feed;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "not RSS 2.0, Atom or JSON Feed (root element <", root_name, ">)"));
}

}  // namespace wirestream::ingest
