#include "pipeline/stages/normalize/newsml_g2_parser.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/nitf_parser.h"
#include "pipeline/stages/normalize/plain_text_parser.h"
#include "pipeline/stages/normalize/story_text.h"
#include "pipeline/stages/normalize/unicode_text.h"
#include "pipeline/stages/normalize/wire_codes.h"
#include "pipeline/stages/normalize/wire_time.h"
#include "pipeline/stages/normalize/xml_text.h"
#include "pugixml.hpp"

namespace wirestream::normalize {
namespace {

using ::wirestream::runtime::DeadLetterError;

std::string Text(const pugi::xml_node& node) {
  return node ? CleanDisplayText(TextOf(node)) : std::string();
}

std::optional<absl::Time> TimeOf(const pugi::xml_node& node) {
  if (!node) return std::nullopt;
  return ParseIsoTime(TextOf(node));
}

// Returns the name of a party (provider, creator): its @literal, its
// <name>, or the value of its QCode.
std::string PartyName(const pugi::xml_node& party) {
  if (!party) return "";
  std::string name = CleanDisplayText(Attribute(party, "literal"));
  if (name.empty()) name = Text(Child(party, "name"));
  if (name.empty()) name = std::string(QcodeValue(Attribute(party, "qcode")));
  return name;
}

void ReadItemMeta(const pugi::xml_node& item_meta, v1::Story* story) {
  story->set_provider(PartyName(Child(item_meta, "provider")));
  SetTimeField(TimeOf(Child(item_meta, "versionCreated")), story,
               &v1::Story::mutable_version_created);
  SetTimeField(TimeOf(Child(item_meta, "firstCreated")), story,
               &v1::Story::mutable_first_created);
  story->set_pub_status(
      PubStatusFromCode(Attribute(Child(item_meta, "pubStatus"), "qcode")));
}

bool IsMainHeadline(const pugi::xml_node& headline) {
  absl::string_view role = QcodeValue(Attribute(headline, "role"));
  return role.empty() || absl::EqualsIgnoreCase(role, "main") ||
         absl::EqualsIgnoreCase(role, "headline");
}

void ReadContentMeta(const pugi::xml_node& content_meta, v1::Story* story,
                     ParseHints* hints) {
  int urgency = 0;
  if (absl::SimpleAtoi(TextOf(Child(content_meta, "urgency")), &urgency)) {
    story->set_urgency(ValidUrgency(urgency));
  }
  if (!story->has_first_created()) {
    SetTimeField(TimeOf(Child(content_meta, "contentCreated")), story,
                 &v1::Story::mutable_first_created);
  }
  std::string language(Attribute(Child(content_meta, "language"), "tag"));
  if (!language.empty()) story->set_language(language);

  for (const pugi::xml_node& subject : Children(content_meta, "subject")) {
    std::string code(Attribute(subject, "qcode"));
    if (code.empty()) code = QcodeFromUri(Attribute(subject, "uri"));
    if (code.empty()) continue;
    v1::Subject* out = story->add_subjects();
    out->set_code(code);
    out->set_name(Text(Child(subject, "name")));
  }
  std::string slugline = Text(Child(content_meta, "slugline"));
  if (!slugline.empty()) story->add_keywords(slugline);
  for (const pugi::xml_node& keyword : Children(content_meta, "keyword")) {
    std::string text = Text(keyword);
    if (!text.empty()) story->add_keywords(text);
  }

  for (const pugi::xml_node& headline : Children(content_meta, "headline")) {
    std::string text = Text(headline);
    if (text.empty()) continue;
    if (IsMainHeadline(headline)) {
      if (story->headline().empty()) story->set_headline(text);
    } else if (story->subheadline().empty()) {
      story->set_subheadline(text);
    }
  }

  std::string dateline = Text(Child(content_meta, "dateline"));
  if (!dateline.empty() &&
      !ParseDateline(dateline, story->mutable_dateline())) {
    story->mutable_dateline()->set_place(dateline);
  }
  hints->located = Text(Child(Child(content_meta, "located"), "name"));

  std::string by = Text(Child(content_meta, "by"));
  if (by.empty()) by = PartyName(Child(content_meta, "creator"));
  story->set_byline(by);

  std::string creditline = Text(Child(content_meta, "creditline"));
  if (!creditline.empty()) story->add_attributions(creditline);
}

// Reads the body from the first text alternative in the contentSet.
void ReadContentSet(const pugi::xml_node& content_set, v1::Story* story,
                    ParseHints* hints) {
  for (const pugi::xml_node& content : content_set.children()) {
    absl::string_view kind = LocalName(content);
    absl::string_view content_type = Attribute(content, "contenttype");
    if (kind == "inlineXML") {
      if (pugi::xml_node nitf = Descendant(content, "nitf")) {
        FillFromNitf(nitf, story, hints);
      } else {
        pugi::xml_node body = Descendant(content, "body");
        if (!body) body = content;
        if (story->headline().empty()) {
          story->set_headline(Text(Descendant(content, "h1")));
        }
        for (std::string& paragraph : XmlParagraphs(body)) {
          story->add_paragraphs(std::move(paragraph));
        }
      }
    } else if (kind == "inlineData" &&
               (content_type.empty() ||
                absl::StartsWith(content_type, "text/plain"))) {
      for (std::string& paragraph : SplitTextParagraphs(TextOf(content))) {
        story->add_paragraphs(std::move(paragraph));
      }
    }
    if (!story->paragraphs().empty()) return;
  }
}

}  // namespace

absl::Status ParseNewsmlG2(absl::string_view text, v1::Story* story,
                           ParseHints* hints) {
  pugi::xml_document doc;
  absl::Status loaded = LoadXml(text, "NewsML-G2", &doc);
  if (!loaded.ok()) return loaded;
  pugi::xml_node root = doc.document_element();
  pugi::xml_node item;
  if (LocalName(root) == "newsItem") {
    item = root;
  } else if (LocalName(root) == "newsMessage") {
    item = Descendant(root, "newsItem");
    if (!item) {
      return DeadLetterError(
          v1::DEAD_LETTER_REASON_EMPTY_STORY,
          "NewsML-G2: the newsMessage holds no newsItem (packages, concepts "
          "and planning items carry no story text)");
    }
  } else {
    return DeadLetterError(
        v1::DEAD_LETTER_REASON_UNKNOWN_FORMAT,
        absl::StrCat("NewsML-G2: the root element is <", root.name(),
                     ">, not <newsItem> or <newsMessage>"));
  }

  story->set_source_story_id(
      std::string(absl::StripAsciiWhitespace(Attribute(item, "guid"))));
  int version = 0;
  if (absl::SimpleAtoi(Attribute(item, "version"), &version) && version > 0) {
    story->set_version(version);
  }
  story->set_language(std::string(Attribute(item, "lang")));

  pugi::xml_node item_meta = Child(item, "itemMeta");
  ReadItemMeta(item_meta, story);
  ReadContentMeta(Child(item, "contentMeta"), story, hints);
  ReadContentSet(Child(item, "contentSet"), story, hints);
  if (story->headline().empty()) {
    story->set_headline(Text(Child(item_meta, "title")));
  }

  absl::string_view item_class =
      QcodeValue(Attribute(Child(item_meta, "itemClass"), "qcode"));
  if (story->paragraphs().empty() && !item_class.empty() &&
      item_class != "text" && item_class != "composite") {
    return DeadLetterError(
        v1::DEAD_LETTER_REASON_EMPTY_STORY,
        absl::StrCat("NewsML-G2: the newsItem is of class ninat:", item_class,
                     " and carries no story text"));
  }
  return absl::OkStatus();
}

}  // namespace wirestream::normalize
