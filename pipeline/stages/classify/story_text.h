// File: pipeline/stages/classify/story_text.h
//
// The parts of a Story that classify reads, in reading order: headline,
// subheadline and body paragraphs, with punctuation folded (curly quotes
// and apostrophes to ASCII, no-break spaces to spaces), the dateline found,
// and page boilerplate left out: credit lines ("Reporting by … in London"),
// "contributed to this report", copyright, share/subscribe and "Read more"
// blurbs never count as evidence.
//
//   StoryText text = ExtractStoryText(story);
//   for (const TextField& f : text.fields) Scan(f.text);
//   if (!text.dateline.empty()) ResolveDateline(text.dateline);
//
// Pure functions; thread-safe.
#ifndef WIRESTREAM_PIPELINE_STAGES_CLASSIFY_STORY_TEXT_H_
#define WIRESTREAM_PIPELINE_STAGES_CLASSIFY_STORY_TEXT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::classify {

enum class FieldKind { kHeadline, kSubheadline, kBody };

// One piece of story text to scan.
struct TextField {
  FieldKind kind = FieldKind::kBody;
  // 0-based paragraph number for body fields; 0 otherwise.
  int paragraph = 0;
  std::string text;
  // True when the field has no lower-case ASCII letter (wire headlines
  // sent in capitals): capitalisation then says nothing.
  bool all_caps = false;
};

struct StoryText {
  std::vector<TextField> fields;
  // The dateline place as written ("TOKYO", "KYIV, Ukraine"): the story's
  // Dateline.place, else one found at the start of the first paragraph.
  std::string dateline;
  // Paragraphs dropped as boilerplate, for explanations and tests.
  std::vector<std::string> boilerplate;
};

// A dateline found at the start of a paragraph.
struct LeadingDateline {
  // "KYIV, Ukraine" from "KYIV, Ukraine (AP) — Russia launched ...".
  std::string place;
  // The rest of the paragraph after the dateline's dash.
  std::string rest;
};

// Returns the parts of `story` to classify.
StoryText ExtractStoryText(const wirestream::v1::Story& story);

// Returns the text with curly quotes, apostrophes and dashes folded to
// ASCII and no-break spaces made plain spaces.
std::string FoldPunctuation(absl::string_view text);

// Returns true when `paragraph` is page or wire boilerplate rather than
// story text.
bool IsBoilerplate(absl::string_view paragraph);

// Returns the dateline that opens `paragraph`, if it opens with one:
// a place in capitals, optionally ", Qualifier" and/or a date, an optional
// "(Agency)", then a dash.
std::optional<LeadingDateline> SplitLeadingDateline(
    absl::string_view paragraph);

}  // namespace wirestream::classify

#endif  // WIRESTREAM_PIPELINE_STAGES_CLASSIFY_STORY_TEXT_H_
