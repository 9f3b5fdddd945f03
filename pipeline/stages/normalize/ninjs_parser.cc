#include "pipeline/stages/normalize/ninjs_parser.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/html_parser.h"
#include "pipeline/stages/normalize/plain_text_parser.h"
#include "pipeline/stages/normalize/story_text.h"
#include "pipeline/stages/normalize/unicode_text.h"
#include "pipeline/stages/normalize/wire_codes.h"
#include "pipeline/stages/normalize/wire_time.h"
#include "simdjson.h"

namespace wirestream::normalize {
namespace {

using ::simdjson::dom::array;
using ::simdjson::dom::element;
using ::simdjson::dom::element_type;
using ::simdjson::dom::object;
using ::wirestream::runtime::DeadLetterError;

absl::string_view View(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// Returns the member `key` of `item` as a string; numbers are written out
// (ninjs 1.x feeds send "version": 2 as often as "version": "2").
std::string GetString(const object& item, std::string_view key) {
  element value;
  if (item[key].get(value)) return "";
  std::string_view s;
  if (!value.get_string().get(s)) return std::string(View(s));
  int64_t i = 0;
  if (!value.get_int64().get(i)) return absl::StrCat(i);
  return "";
}

std::string GetText(const object& item, std::string_view key) {
  return CleanDisplayText(GetString(item, key));
}

int GetInt(const object& item, std::string_view key) {
  int value = 0;
  return absl::SimpleAtoi(GetString(item, key), &value) ? value : 0;
}

std::vector<object> GetObjects(const object& item, std::string_view key) {
  std::vector<object> out;
  array values;
  if (item[key].get_array().get(values)) return out;
  for (element value : values) {
    object member;
    if (!value.get_object().get(member)) out.push_back(member);
  }
  return out;
}

std::vector<std::string> GetStrings(const object& item, std::string_view key) {
  std::vector<std::string> out;
  array values;
  if (item[key].get_array().get(values)) {
    // A single string where a list was expected.
    std::string one = GetText(item, key);
    if (!one.empty()) out.push_back(one);
    return out;
  }
  for (element value : values) {
    std::string_view s;
    if (!value.get_string().get(s)) {
      std::string text = CleanDisplayText(View(s));
      if (!text.empty()) out.push_back(text);
    }
  }
  return out;
}

std::optional<absl::Time> GetTime(const object& item, std::string_view key) {
  return ParseIsoTime(GetString(item, key));
}

bool IsHtml(absl::string_view content_type, absl::string_view role) {
  return ContainsIgnoreCase(content_type, "html") ||
         absl::EqualsIgnoreCase(role, "html") ||
         absl::EqualsIgnoreCase(role, "xhtml");
}

void AddParagraphs(std::vector<std::string> paragraphs, v1::Story* story) {
  for (std::string& paragraph : paragraphs) {
    story->add_paragraphs(std::move(paragraph));
  }
}

absl::Status AddHtmlParagraphs(absl::string_view html, absl::string_view what,
                               v1::Story* story) {
  absl::StatusOr<std::vector<std::string>> paragraphs =
      HtmlFragmentParagraphs(html, what);
  if (!paragraphs.ok()) return paragraphs.status();
  AddParagraphs(*std::move(paragraphs), story);
  return absl::OkStatus();
}

void ReadHeadlines(const object& item, v1::Story* story) {
  story->set_headline(GetText(item, "headline"));
  for (const object& headline : GetObjects(item, "headlines")) {
    std::string text = GetText(headline, "value");
    if (text.empty()) continue;
    std::string role = absl::AsciiStrToLower(GetString(headline, "role"));
    bool main = role.empty() || role == "main" || role == "headline";
    if (main && story->headline().empty()) {
      story->set_headline(text);
    } else if (!main && story->subheadline().empty()) {
      story->set_subheadline(text);
    }
  }
  if (story->headline().empty()) story->set_headline(GetText(item, "title"));
}

absl::Status ReadBody(const object& item, v1::Story* story) {
  // ninjs 2.x: bodies[]; the HTML one wins.
  std::vector<object> bodies = GetObjects(item, "bodies");
  for (bool want_html : {true, false}) {
    for (const object& body : bodies) {
      std::string value = GetString(body, "value");
      bool html =
          IsHtml(GetString(body, "contenttype"), GetString(body, "role"));
      if (html != want_html || IsBlank(value)) continue;
      if (html) return AddHtmlParagraphs(value, "ninjs: bodies", story);
      AddParagraphs(SplitTextParagraphs(value), story);
      return absl::OkStatus();
    }
  }
  // ninjs 1.x: body_xhtml, body_html, body_text.
  for (std::string_view key : {"body_xhtml", "body_html"}) {
    std::string value = GetString(item, key);
    if (!IsBlank(value)) {
      return AddHtmlParagraphs(value, absl::StrCat("ninjs: ", View(key)),
                               story);
    }
  }
  AddParagraphs(SplitTextParagraphs(GetString(item, "body_text")), story);
  return absl::OkStatus();
}

void ReadSubjects(const object& item, v1::Story* story) {
  for (std::string_view key : {"subject", "subjects"}) {
    for (const object& subject : GetObjects(item, key)) {
      std::string code;
      std::string uri = GetString(subject, "uri");
      if (!uri.empty()) {
        code = QcodeFromUri(uri);
      } else {
        code = SubjectCode(GetString(subject, "scheme"),
                           GetString(subject, "code"));
      }
      if (code.empty()) code = GetText(subject, "literal");
      std::string name = GetText(subject, "name");
      if (code.empty() && name.empty()) continue;
      v1::Subject* out = story->add_subjects();
      out->set_code(code);
      out->set_name(name);
    }
  }
}

void ReadProvider(const object& item, v1::Story* story) {
  for (const object& source : GetObjects(item, "infosources")) {
    std::string name = GetText(source, "name");
    if (!name.empty()) {
      story->set_provider(name);
      return;
    }
  }
  story->set_provider(GetText(item, "copyrightholder"));
}

void ReadCanonicalUrl(const object& item, v1::Story* story) {
  for (const object& alt_id : GetObjects(item, "altids")) {
    std::string role = absl::AsciiStrToLower(GetString(alt_id, "role"));
    std::string value = GetText(alt_id, "value");
    if ((absl::StrContains(role, "url") || role == "canonical" ||
         role == "web") &&
        (absl::StartsWith(value, "http://") ||
         absl::StartsWith(value, "https://"))) {
      story->set_canonical_url(value);
      return;
    }
  }
}

bool HasNinjsField(const object& item) {
  for (std::string_view key :
       {"uri", "headline", "headlines", "body_text", "body_html", "body_xhtml",
        "bodies", "versioncreated", "firstcreated"}) {
    element value;
    if (!item[key].get(value)) return true;
  }
  return false;
}

}  // namespace

absl::Status ParseNinjs(absl::string_view text, v1::Story* story,
                        ParseHints* hints) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text.data(), text.size());
  element root;
  if (simdjson::error_code error = parser.parse(padded).get(root)) {
    std::string message =
        absl::StrCat("ninjs: JSON error: ", simdjson::error_message(error));
    absl::string_view trimmed = absl::StripTrailingAsciiWhitespace(text);
    if (!absl::EndsWith(trimmed, "}")) {
      absl::StrAppend(&message, " (the document ends at byte ", text.size(),
                      " without a closing '}': truncated?)");
    }
    return DeadLetterError(v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD, message);
  }
  object item;
  if (root.get_object().get(item)) {
    return DeadLetterError(
        v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD,
        "ninjs: the JSON document is not an object (a ninjs item is one)");
  }
  if (!HasNinjsField(item)) {
    return DeadLetterError(
        v1::DEAD_LETTER_REASON_UNKNOWN_FORMAT,
        "JSON object is not ninjs: it has none of uri, headline(s), "
        "body_text/body_html/body_xhtml, bodies, versioncreated");
  }

  story->set_source_story_id(GetText(item, "uri"));
  int version = GetInt(item, "version");
  if (version > 0) story->set_version(version);
  SetTimeField(GetTime(item, "firstcreated"), story,
               &v1::Story::mutable_first_created);
  SetTimeField(GetTime(item, "versioncreated"), story,
               &v1::Story::mutable_version_created);
  story->set_pub_status(PubStatusFromCode(GetString(item, "pubstatus")));
  story->set_urgency(ValidUrgency(GetInt(item, "urgency")));
  story->set_language(GetString(item, "language"));

  ReadHeadlines(item, story);
  story->set_byline(GetText(item, "byline"));
  if (story->byline().empty()) story->set_byline(GetText(item, "by"));
  absl::Status body = ReadBody(item, story);
  if (!body.ok()) return body;
  ReadSubjects(item, story);
  std::string slugline = GetText(item, "slugline");
  if (!slugline.empty()) story->add_keywords(slugline);
  for (std::string& keyword : GetStrings(item, "keywords")) {
    story->add_keywords(std::move(keyword));
  }
  ReadProvider(item, story);
  ReadCanonicalUrl(item, story);

  hints->located = GetText(item, "located");

  std::string type = absl::AsciiStrToLower(GetString(item, "type"));
  if (story->paragraphs().empty() && (type == "picture" || type == "video" ||
                                      type == "audio" || type == "graphic")) {
    return DeadLetterError(v1::DEAD_LETTER_REASON_EMPTY_STORY,
                           absl::StrCat("ninjs: the item is of type ", type,
                                        " and carries no story text"));
  }
  return absl::OkStatus();
}

}  // namespace wirestream::normalize
