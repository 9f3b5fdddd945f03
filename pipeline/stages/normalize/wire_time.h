// File: pipeline/stages/normalize/wire_time.h
//
// Parsing of the date and time notations wire formats use.
//
//   std::optional<absl::Time> t = ParseIsoTime("2023-11-28T09:30:00+01:00");
//   std::optional<absl::Time> t2 = ParseIsoTime("20231128T093000Z");  // NITF
//   std::optional<absl::Time> t3 = ParseAnpaTime("11-28-23 0930GMT");
//   std::optional<absl::Time> t4 = ParseIptc7901Time("280930 Nov 23");
//
// A time given without a UTC offset is taken as UTC.
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_WIRE_TIME_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_WIRE_TIME_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace wirestream::normalize {

// Returns the time written in ISO 8601 extended or basic form, with or
// without seconds, fraction and offset ("Z", "+01:00", "+0100"), or a bare
// date; nullopt when `text` is not one.
std::optional<absl::Time> ParseIsoTime(absl::string_view text);

// Returns the transmission time of an ANPA-1312 trailer, in AP's
// "MM-DD-YY HHMMzone" ("11-28-23 0930GMT") or CP's "HH:MMzone DD-MM-YY"
// ("16:35ET 28-11-23") order; US zone abbreviations are fixed offsets
// (ET is taken as EST).
std::optional<absl::Time> ParseAnpaTime(absl::string_view text);

// Returns the time of an IPTC 7901 end line, "DDHHMM Mon YY"
// ("280930 Nov 23").
std::optional<absl::Time> ParseIptc7901Time(absl::string_view text);

// Returns the month (1..12) an English, German, French, Spanish or Italian
// month name or abbreviation stands for ("Nov.", "November", "Dezember",
// "févr"), or 0.
int MonthFromName(absl::string_view name);

// Sets the Timestamp field of `message` that `mutable_field` returns to
// `time`, when there is one; leaves the field unset otherwise.
template <typename Message>
void SetTimeField(std::optional<absl::Time> time, Message* message,
                  google::protobuf::Timestamp* (Message::*mutable_field)());

// Stores `time` in `timestamp`.
void ToTimestamp(absl::Time time, google::protobuf::Timestamp* timestamp);

// Returns the time `timestamp` holds.
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

template <typename Message>
void SetTimeField(std::optional<absl::Time> time, Message* message,
                  google::protobuf::Timestamp* (Message::*mutable_field)()) {
  if (time) ToTimestamp(*time, (message->*mutable_field)());
}

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_WIRE_TIME_H_
