// File: pipeline/stages/normalize/story_text.h
//
// Finds the parts of a story that wire copy writes into the text: the
// dateline opening the first paragraph, a byline paragraph, attribution
// lines at the end, and end-of-story markers.
//
//   v1::Dateline dateline;
//   std::string lead = "LONDON, Nov 28 (Reuters) - Britain's economy ...";
//   TakeLeadingDateline(&lead, &dateline);
//   // dateline: place "LONDON", date_text "Nov 28", agency "Reuters";
//   // lead: "Britain's economy ..."
//
//   ExtractStoryParts(&story);  // all of the above on story.paragraphs
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_STORY_TEXT_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_STORY_TEXT_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::normalize {

// Parses a dateline written on its own, as NewsML-G2's <dateline> and
// NITF's <dateline> carry it ("TOKYO, Nov. 28 (Reuters)", "Berlin (dpa)",
// "WASHINGTON"). Returns false, leaving `dateline` alone, when `text` is
// not one.
bool ParseDateline(absl::string_view text, v1::Dateline* dateline);

// If `paragraph` opens with a dateline ("TOKYO —", "WASHINGTON (AP) —",
// "LONDON, Nov 28 (Reuters) -", "NEW YORK, Nov. 28, 2023 /PRNewswire/ --",
// "Berlin (dpa) -"), fills `dateline`, removes the dateline from
// `paragraph` and returns true. A paragraph that is nothing but a dateline
// is left alone.
bool TakeLeadingDateline(std::string* paragraph, v1::Dateline* dateline);

// Sets dateline->date from dateline->date_text ("Nov. 28", "28 November",
// "Nov. 28, 2023"): a date without a year is placed in the year that puts
// it closest before `reference` (plus two days of slack for time zones).
// Leaves `date` unset when the text is not a date.
void ResolveDatelineDate(absl::Time reference, v1::Dateline* dateline);

// Returns the byline when `paragraph` is one ("By Jane Doe", "BY JANE DOE,
// Associated Press Writer", "Von Christian Hollmann, dpa"), else nullopt.
// "By the end of the year, ..." is not one.
std::optional<std::string> AsByline(absl::string_view paragraph);

// Returns true when `paragraph` is an attribution line: "(Reporting by
// ...; Editing by ...)", "Source: AP", "(Reuters)", "Jane Doe contributed
// to this report.", "Copyright 2023 The Associated Press. All rights
// reserved.", "Mit Material von dpa".
bool IsAttribution(absl::string_view paragraph);

// Returns true when `paragraph` only marks the end or continuation of wire
// copy: "(END)", "-30-", "###", "(MORE)", "(Ende)".
bool IsEndMarker(absl::string_view paragraph);

// Returns true when `name` is a news agency's name or wire code ("AP",
// "Reuters", "dpa", "AFP", "Kyodo"), ignoring case.
bool IsNewsAgency(absl::string_view name);

// Moves the story's text parts into their fields: a byline paragraph near
// the top into `byline` (unless set), the leading dateline into `dateline`
// (fields the feed already set win), a repeated headline and end markers
// out, and trailing attribution lines (or a trailing "(Reporting by ...)"
// sentence) into `attributions`. Expects display text (CleanDisplayText).
void ExtractStoryParts(v1::Story* story);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_STORY_TEXT_H_
