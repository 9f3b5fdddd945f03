// File: pipeline/dashboard/json_writer.h
//
// A small JSON text builder for the dashboard's API and live events. Every
// string is escaped, and so are '<', '>', '&' and U+2028/U+2029, so story
// text can never close a <script> element or break a line in an event
// stream even where a client mishandles it.
//
//   JsonWriter json;
//   json.BeginObject();
//   json.Key("headline").String(story.headline());
//   json.Key("version").Int(story.version());
//   json.EndObject();
//   std::string text = json.Take();
//
// Not thread-safe; one writer per document.
#ifndef WIRESTREAM_PIPELINE_DASHBOARD_JSON_WRITER_H_
#define WIRESTREAM_PIPELINE_DASHBOARD_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wirestream::dashboard {

// Appends `text` to `out` as a quoted, escaped JSON string.
void AppendJsonString(absl::string_view text, std::string& out);

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // Names the next value of the current object.
  JsonWriter& Key(absl::string_view key);
  JsonWriter& String(absl::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Writes `time` as an RFC 3339 UTC string, or null for an infinite time.
  JsonWriter& Time(absl::Time time);
  // Inserts `json`, already valid JSON text, as the next value.
  JsonWriter& Raw(absl::string_view json);

  // Returns the text written so far and leaves the writer empty.
  std::string Take();

 private:
  // Writes the comma between values when one is due.
  void Separate();

  std::string out_;
  // One entry per open object or array: true once it holds a value.
  std::vector<bool> has_value_;
  bool after_key_ = false;
};

}  // namespace wirestream::dashboard

#endif  // WIRESTREAM_PIPELINE_DASHBOARD_JSON_WRITER_H_
