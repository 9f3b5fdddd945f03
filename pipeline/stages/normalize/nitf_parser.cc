#include "pipeline/stages/normalize/nitf_parser.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/story_text.h"
#include "pipeline/stages/normalize/unicode_text.h"
#include "pipeline/stages/normalize/wire_codes.h"
#include "pipeline/stages/normalize/wire_time.h"
#include "pipeline/stages/normalize/xml_text.h"

namespace wirestream::normalize {
namespace {

using ::wirestream::runtime::DeadLetterError;

std::string Text(const pugi::xml_node& node) {
  return node ? CleanDisplayText(TextOf(node)) : std::string();
}

void SetIfEmpty(std::string* field, absl::string_view value) {
  if (field->empty()) *field = std::string(value);
}

// Sets the time field `field` of `story` from `norm` unless it is set.
void SetTimeIfUnset(absl::string_view norm, v1::Story* story,
                    google::protobuf::Timestamp* (v1::Story::*field)(),
                    bool (v1::Story::*has)() const) {
  if ((story->*has)()) return;
  if (std::optional<absl::Time> time = ParseIsoTime(norm)) {
    ToTimestamp(*time, (story->*field)());
  }
}

void FillFromDocdata(const pugi::xml_node& docdata, v1::Story* story,
                     ParseHints* hints) {
  if (!docdata) return;
  pugi::xml_node doc_id = Child(docdata, "doc-id");
  SetIfEmpty(story->mutable_source_story_id(),
             absl::StripAsciiWhitespace(Attribute(doc_id, "id-string")));
  SetIfEmpty(story->mutable_provider(),
             absl::StripAsciiWhitespace(Attribute(doc_id, "regsrc")));

  int urgency = 0;
  if (story->urgency() == 0 &&
      absl::SimpleAtoi(Attribute(Child(docdata, "urgency"), "ed-urg"),
                       &urgency)) {
    story->set_urgency(ValidUrgency(urgency));
  }
  if (story->pub_status() == v1::PUB_STATUS_UNSPECIFIED) {
    std::string status(Attribute(docdata, "management-status"));
    if (status.empty()) status = TextOf(Child(docdata, "management-status"));
    story->set_pub_status(PubStatusFromCode(status));
  }

  pugi::xml_node du_key = Child(docdata, "du-key");
  int version = 0;
  if (story->version() == 0 &&
      absl::SimpleAtoi(Attribute(du_key, "version"), &version) && version > 0) {
    story->set_version(version);
  }
  SetIfEmpty(story->mutable_source_story_id(),
             absl::StripAsciiWhitespace(Attribute(du_key, "key")));

  absl::string_view issued = Attribute(Child(docdata, "date.issue"), "norm");
  SetTimeIfUnset(issued, story, &v1::Story::mutable_version_created,
                 &v1::Story::has_version_created);
  if (story->version() <= 1) {
    SetTimeIfUnset(issued, story, &v1::Story::mutable_first_created,
                   &v1::Story::has_first_created);
  }

  if (story->keywords().empty()) {
    for (const pugi::xml_node& keyword :
         Children(Child(docdata, "key-list"), "keyword")) {
      std::string key = CleanDisplayText(Attribute(keyword, "key"));
      if (!key.empty()) story->add_keywords(key);
    }
  }
  SetIfEmpty(
      story->mutable_provider(),
      CleanDisplayText(Attribute(Child(docdata, "doc.copyright"), "holder")));
  if (hints->located.empty()) {
    hints->located =
        CleanDisplayText(Attribute(Child(docdata, "evloc"), "city"));
  }
}

void FillSubjects(const pugi::xml_node& head, v1::Story* story) {
  if (!story->subjects().empty()) return;
  for (const pugi::xml_node& tobject : Children(head, "tobject")) {
    for (const pugi::xml_node& subject : Children(tobject, "tobject.subject")) {
      std::string code =
          SubjectCode("", Attribute(subject, "tobject.subject.refnum"));
      if (code.empty()) continue;
      // The most specific label the provider gave.
      absl::string_view name = Attribute(subject, "tobject.subject.detail");
      if (name.empty()) name = Attribute(subject, "tobject.subject.matter");
      if (name.empty()) name = Attribute(subject, "tobject.subject.type");
      v1::Subject* out = story->add_subjects();
      out->set_code(code);
      out->set_name(CleanDisplayText(name));
    }
  }
}

void FillFromBodyHead(const pugi::xml_node& body_head, v1::Story* story) {
  if (!body_head) return;
  pugi::xml_node hedline = Child(body_head, "hedline");
  SetIfEmpty(story->mutable_headline(), Text(Child(hedline, "hl1")));
  SetIfEmpty(story->mutable_subheadline(), Text(Child(hedline, "hl2")));
  SetIfEmpty(story->mutable_byline(), Text(Child(body_head, "byline")));
  SetIfEmpty(story->mutable_provider(), Text(Child(body_head, "distributor")));

  pugi::xml_node dateline = Child(body_head, "dateline");
  if (dateline && story->dateline().place().empty()) {
    v1::Dateline parsed;
    std::string city = Text(Descendant(dateline, "city"));
    std::string date = Text(Child(dateline, "story.date"));
    if (!city.empty()) {
      parsed.set_place(city);
      parsed.set_date_text(date);
    } else if (!ParseDateline(Text(dateline), &parsed)) {
      parsed.set_place(Text(dateline));
    }
    if (!parsed.place().empty()) *story->mutable_dateline() = parsed;
  }
}

}  // namespace

void FillFromNitf(const pugi::xml_node& nitf, v1::Story* story,
                  ParseHints* hints) {
  pugi::xml_node head = Child(nitf, "head");
  pugi::xml_node body = Child(nitf, "body");
  FillFromDocdata(Child(head, "docdata"), story, hints);
  FillSubjects(head, story);
  FillFromBodyHead(Child(body, "body.head"), story);
  SetIfEmpty(story->mutable_headline(), Text(Child(head, "title")));

  if (story->language().empty()) {
    absl::string_view lang = Attribute(nitf, "lang");
    if (lang.empty()) lang = Attribute(body, "lang");
    story->set_language(std::string(lang));
  }

  if (story->paragraphs().empty()) {
    for (std::string& paragraph : XmlParagraphs(Child(body, "body.content"))) {
      story->add_paragraphs(std::move(paragraph));
    }
  }
  for (const pugi::xml_node& tagline :
       Children(Child(body, "body.end"), "tagline")) {
    std::string text = Text(tagline);
    if (!text.empty()) story->add_attributions(text);
  }
}

absl::Status ParseNitf(absl::string_view text, v1::Story* story,
                       ParseHints* hints) {
  pugi::xml_document doc;
  absl::Status loaded = LoadXml(text, "NITF", &doc);
  if (!loaded.ok()) return loaded;
  pugi::xml_node root = doc.document_element();
  if (LocalName(root) != "nitf") {
    return DeadLetterError(v1::DEAD_LETTER_REASON_UNKNOWN_FORMAT,
                           absl::StrCat("NITF: the root element is <",
                                        root.name(), ">, not <nitf>"));
  }
  FillFromNitf(root, story, hints);
  return absl::OkStatus();
}

}  // namespace wirestream::normalize
