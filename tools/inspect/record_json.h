// File: tools/inspect/record_json.h
//
// Turns pipeline records into JSON lines for people: which record type a
// topic holds, the value decoded with the proto3 JSON mapping, and filters
// on a decoded field.
//
//   absl::StatusOr<const google::protobuf::Message*> type =
//       TypeForTopic("backfill-wire.enriched");      // EnrichedStory
//   absl::StatusOr<FieldMatch> match = ParseMatch("story.headline~quake");
//   std::unique_ptr<google::protobuf::Message> story((*type)->New());
//   if (story->ParseFromString(value) && Matches(*story, *match)) ...
#ifndef WIRESTREAM_TOOLS_INSPECT_RECORD_JSON_H_
#define WIRESTREAM_TOOLS_INSPECT_RECORD_JSON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"

namespace wirestream::tools::inspect {

// Returns the prototype of the record type named `name`: "Story" or
// "wirestream.v1.Story"; nullptr for "bytes" (values printed as text).
// INVALID_ARGUMENT, listing the known names, for anything else.
absl::StatusOr<const google::protobuf::Message*> TypeByName(
    absl::string_view name);

// Returns the record type a pipeline topic holds by its default name, also
// inside a longer name ("backfill-wire.raw", "wire.enriched.backfill").
// NOT_FOUND when the name says nothing.
absl::StatusOr<const google::protobuf::Message*> TypeForTopic(
    absl::string_view topic);

// A filter on a decoded field: PATH=VALUE (equal) or PATH~VALUE (contains,
// ignoring case). PATH is dot-separated field names, JSON (storyId) or
// proto (story_id) spelling; repeated fields match if any element does;
// enums compare by name, numbers and booleans by their text.
struct FieldMatch {
  std::vector<std::string> path;
  bool contains = false;
  std::string value;
};

absl::StatusOr<FieldMatch> ParseMatch(absl::string_view text);

// INVALID_ARGUMENT when a name on the path is not a field of `type` or
// steps into a scalar.
absl::Status CheckMatch(const google::protobuf::Message& type,
                        const FieldMatch& match);

bool Matches(const google::protobuf::Message& message, const FieldMatch& match);

// A record as read, for printing.
struct RecordView {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  absl::Time timestamp;
  std::optional<std::string> key;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

// Returns one line of JSON (no newline): topic, partition, offset,
// timestamp (RFC 3339), key, headers, and `value_json` (already JSON) as
// "value"; `error`, if not empty, as "error".
std::string RecordLine(const RecordView& record, absl::string_view value_json,
                       absl::string_view error);

// Returns `text` as a JSON string literal; bytes that are not UTF-8 become
// U+FFFD.
std::string JsonString(absl::string_view text);

// Returns `message` in the proto3 JSON mapping on one line.
std::string MessageJson(const google::protobuf::Message& message);

}  // namespace wirestream::tools::inspect

#endif  // WIRESTREAM_TOOLS_INSPECT_RECORD_JSON_H_
