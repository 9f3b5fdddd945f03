// File: pipeline/stages/normalize/xml_text.h
//
// pugixml helpers shared by the NewsML-G2 and NITF parsers: loading with
// precise errors, namespace-blind element lookup, and text extraction.
//
//   pugi::xml_document doc;
//   absl::Status status = LoadXml(text, "NITF", &doc);
//   pugi::xml_node head = Child(doc.document_element(), "head");
//   std::vector<std::string> paragraphs = XmlParagraphs(body_content);
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_XML_TEXT_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_XML_TEXT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "pugixml.hpp"

namespace wirestream::normalize {

// Parses valid UTF-8 `text` into `doc`. On a syntax error returns a
// MALFORMED_PAYLOAD dead-letter status naming the byte offset, e.g.
// "XML error at byte 1042: Start-end tags mismatch (the document ends at
// byte 1043: truncated?)". `format` names the format in messages.
absl::Status LoadXml(absl::string_view text, absl::string_view format,
                     pugi::xml_document* doc);

// Returns the element's name without its namespace prefix.
absl::string_view LocalName(const pugi::xml_node& node);

// Returns the first child element called `local_name` (any prefix), or a
// null node.
pugi::xml_node Child(const pugi::xml_node& node, absl::string_view local_name);

// Returns every child element called `local_name`, in order.
std::vector<pugi::xml_node> Children(const pugi::xml_node& node,
                                     absl::string_view local_name);

// Returns the first element called `local_name` below `node` in document
// order, or a null node.
pugi::xml_node Descendant(const pugi::xml_node& node,
                          absl::string_view local_name);

// Returns the value of the attribute called `local_name` (any prefix), or
// "" when absent.
absl::string_view Attribute(const pugi::xml_node& node,
                            absl::string_view local_name);

// Returns all text below `node`, with common HTML named entities decoded
// and a space where block elements or <br/> meet. Not cleaned further.
std::string TextOf(const pugi::xml_node& node);

// Returns the body paragraphs below `node` (a NITF <body.content> or an
// XHTML <body>): the text of each <p>, <li>, <pre>, <blockquote> without
// paragraphs, and runs of text directly inside containers. Headings,
// tables, media, notes and figures are skipped.
std::vector<std::string> XmlParagraphs(const pugi::xml_node& node);

// Returns `text` with the HTML named entities that XHTML and NITF bodies
// use without declaring them ("&nbsp;", "&mdash;", "&eacute;", ...)
// replaced by their characters. Unknown entities are left as they are.
std::string DecodeNamedEntities(absl::string_view text);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_XML_TEXT_H_
