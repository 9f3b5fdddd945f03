#include "pipeline/stages/normalize/xml_text.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/unicode_text.h"

namespace wirestream::normalize {
namespace {

using ::wirestream::runtime::DeadLetterError;
using ::wirestream::v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD;

bool NameIs(const pugi::xml_node& node, absl::string_view local_name) {
  return node.type() == pugi::node_element && LocalName(node) == local_name;
}

bool IsOneOf(absl::string_view name,
             std::initializer_list<absl::string_view> names) {
  for (absl::string_view n : names) {
    if (absl::EqualsIgnoreCase(name, n)) return true;
  }
  return false;
}

// Elements whose text is not body text.
bool IsSkipped(absl::string_view name) {
  return IsOneOf(name, {"media",
                        "media-reference",
                        "media-caption",
                        "media-producer",
                        "table",
                        "note",
                        "fn",
                        "figure",
                        "figcaption",
                        "img",
                        "object",
                        "script",
                        "style",
                        "head",
                        "title",
                        "body.head",
                        "body.end",
                        "hl1",
                        "hl2",
                        "h1",
                        "h2",
                        "h3",
                        "h4",
                        "h5",
                        "h6",
                        "hr",
                        "nav",
                        "aside",
                        "iframe",
                        "video",
                        "audio",
                        "byline",
                        "dateline",
                        "abstract",
                        "tagline",
                        "bibliography"});
}

// Elements that are paragraphs of their own.
bool IsParagraph(absl::string_view name) {
  return IsOneOf(name, {"p", "li", "pre", "dd", "dt", "address"});
}

// Elements that hold blocks.
bool IsContainer(absl::string_view name) {
  return IsOneOf(
      name, {"div", "section", "article", "main", "body", "body.content",
             "block", "ul", "ol", "dl", "bq", "blockquote", "header", "footer",
             "html", "span", "nitf", "inlineXML", "content"});
}

bool HasParagraphChild(const pugi::xml_node& node) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element &&
        (IsParagraph(LocalName(child)) || IsContainer(LocalName(child)))) {
      return true;
    }
  }
  return false;
}

// Deeper markup than this is not walked (untrusted input must not exhaust
// the stack); no real story nests this deep.
constexpr int kMaxDepth = 200;

void AppendText(const pugi::xml_node& node, std::string* out, int depth = 0) {
  if (depth > kMaxDepth) return;
  for (pugi::xml_node child : node.children()) {
    switch (child.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata:
        out->append(child.value());
        break;
      case pugi::node_element: {
        absl::string_view name = LocalName(child);
        if (absl::EqualsIgnoreCase(name, "br")) {
          out->push_back(' ');
        } else if (IsParagraph(name) || IsContainer(name) || IsSkipped(name)) {
          out->push_back(' ');
          AppendText(child, out, depth + 1);
          out->push_back(' ');
        } else {
          AppendText(child, out, depth + 1);
        }
        break;
      }
      default:
        break;
    }
  }
}

void FlushRun(std::string* run, std::vector<std::string>* out) {
  if (!IsBlank(*run)) out->push_back(DecodeNamedEntities(*run));
  run->clear();
}

void CollectParagraphs(const pugi::xml_node& node,
                       std::vector<std::string>* out, int depth = 0) {
  if (depth > kMaxDepth) return;
  std::string run;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      run.append(child.value());
      continue;
    }
    if (child.type() != pugi::node_element) continue;
    absl::string_view name = LocalName(child);
    if (IsSkipped(name)) {
      FlushRun(&run, out);
      continue;
    }
    if (IsParagraph(name)) {
      FlushRun(&run, out);
      if (HasParagraphChild(child)) {
        CollectParagraphs(child, out, depth + 1);
      } else {
        std::string text;
        AppendText(child, &text, depth + 1);
        FlushRun(&text, out);
      }
      continue;
    }
    if (IsContainer(name)) {
      FlushRun(&run, out);
      CollectParagraphs(child, out, depth + 1);
      continue;
    }
    if (absl::EqualsIgnoreCase(name, "br")) {
      run.push_back(' ');
      continue;
    }
    // Inline markup (<em>, <a>, NITF <person>, <org>, <location>, ...).
    AppendText(child, &run, depth + 1);
  }
  FlushRun(&run, out);
}

struct Entity {
  absl::string_view name;
  char32_t code_point;
};

constexpr Entity kEntities[] = {
    {"nbsp", 0x00A0},   {"mdash", 0x2014},  {"ndash", 0x2013},
    {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"sbquo", 0x201A},
    {"ldquo", 0x201C},  {"rdquo", 0x201D},  {"bdquo", 0x201E},
    {"laquo", 0x00AB},  {"raquo", 0x00BB},  {"lsaquo", 0x2039},
    {"rsaquo", 0x203A}, {"hellip", 0x2026}, {"bull", 0x2022},
    {"middot", 0x00B7}, {"copy", 0x00A9},   {"reg", 0x00AE},
    {"trade", 0x2122},  {"deg", 0x00B0},    {"euro", 0x20AC},
    {"pound", 0x00A3},  {"yen", 0x00A5},    {"cent", 0x00A2},
    {"sect", 0x00A7},   {"para", 0x00B6},   {"times", 0x00D7},
    {"divide", 0x00F7}, {"frac12", 0x00BD}, {"frac14", 0x00BC},
    {"frac34", 0x00BE}, {"shy", 0x00AD},    {"thinsp", 0x2009},
    {"ensp", 0x2002},   {"emsp", 0x2003},   {"minus", 0x2212},
    {"aacute", 0x00E1}, {"Aacute", 0x00C1}, {"agrave", 0x00E0},
    {"Agrave", 0x00C0}, {"acirc", 0x00E2},  {"auml", 0x00E4},
    {"Auml", 0x00C4},   {"atilde", 0x00E3}, {"aring", 0x00E5},
    {"aelig", 0x00E6},  {"ccedil", 0x00E7}, {"Ccedil", 0x00C7},
    {"eacute", 0x00E9}, {"Eacute", 0x00C9}, {"egrave", 0x00E8},
    {"Egrave", 0x00C8}, {"ecirc", 0x00EA},  {"euml", 0x00EB},
    {"iacute", 0x00ED}, {"igrave", 0x00EC}, {"icirc", 0x00EE},
    {"iuml", 0x00EF},   {"ntilde", 0x00F1}, {"Ntilde", 0x00D1},
    {"oacute", 0x00F3}, {"Oacute", 0x00D3}, {"ograve", 0x00F2},
    {"ocirc", 0x00F4},  {"ouml", 0x00F6},   {"Ouml", 0x00D6},
    {"otilde", 0x00F5}, {"oslash", 0x00F8}, {"Oslash", 0x00D8},
    {"uacute", 0x00FA}, {"ugrave", 0x00F9}, {"ucirc", 0x00FB},
    {"uuml", 0x00FC},   {"Uuml", 0x00DC},   {"szlig", 0x00DF},
    {"yacute", 0x00FD}, {"yuml", 0x00FF},   {"iexcl", 0x00A1},
    {"iquest", 0x00BF},
};

}  // namespace

absl::Status LoadXml(absl::string_view text, absl::string_view format,
                     pugi::xml_document* doc) {
  pugi::xml_parse_result result = doc->load_buffer(
      text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (result) return absl::OkStatus();
  std::string message = absl::StrFormat("%s: XML error at byte %d: %s", format,
                                        result.offset, result.description());
  if (result.offset + 2 >= static_cast<ptrdiff_t>(text.size())) {
    absl::StrAppendFormat(
        &message, " (the document ends at byte %d: truncated?)", text.size());
  }
  return DeadLetterError(DEAD_LETTER_REASON_MALFORMED_PAYLOAD, message);
}

absl::string_view LocalName(const pugi::xml_node& node) {
  absl::string_view name = node.name();
  size_t colon = name.rfind(':');
  return colon == absl::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(const pugi::xml_node& node, absl::string_view local_name) {
  for (pugi::xml_node child : node.children()) {
    if (NameIs(child, local_name)) return child;
  }
  return pugi::xml_node();
}

std::vector<pugi::xml_node> Children(const pugi::xml_node& node,
                                     absl::string_view local_name) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node child : node.children()) {
    if (NameIs(child, local_name)) out.push_back(child);
  }
  return out;
}

pugi::xml_node Descendant(const pugi::xml_node& node,
                          absl::string_view local_name) {
  // Iterative, so deeply nested input cannot exhaust the stack.
  pugi::xml_node current = node.first_child();
  while (current && current != node) {
    if (NameIs(current, local_name)) return current;
    if (current.first_child()) {
      current = current.first_child();
      continue;
    }
    while (current && current != node && !current.next_sibling()) {
      current = current.parent();
    }
    if (!current || current == node) break;
    current = current.next_sibling();
  }
  return pugi::xml_node();
}

absl::string_view Attribute(const pugi::xml_node& node,
                            absl::string_view local_name) {
  for (pugi::xml_attribute attribute : node.attributes()) {
    absl::string_view name = attribute.name();
    size_t colon = name.rfind(':');
    if (colon != absl::string_view::npos) name = name.substr(colon + 1);
    if (name == local_name) return attribute.value();
  }
  return "";
}

std::string TextOf(const pugi::xml_node& node) {
  std::string text;
  AppendText(node, &text);
  return DecodeNamedEntities(text);
}

std::vector<std::string> XmlParagraphs(const pugi::xml_node& node) {
  std::vector<std::string> out;
  CollectParagraphs(node, &out);
  return out;
}

std::string DecodeNamedEntities(absl::string_view text) {
  if (text.find('&') == absl::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {
      out.push_back(text[i++]);
      continue;
    }
    size_t semicolon = text.find(';', i + 1);
    bool decoded = false;
    if (semicolon != absl::string_view::npos && semicolon - i <= 8) {
      absl::string_view name = text.substr(i + 1, semicolon - i - 1);
      for (const Entity& entity : kEntities) {
        if (entity.name == name) {
          AppendUtf8(entity.code_point, &out);
          i = semicolon + 1;
          decoded = true;
          break;
        }
      }
    }
    if (!decoded) out.push_back(text[i++]);
  }
  return out;
}

}  // namespace wirestream::normalize
