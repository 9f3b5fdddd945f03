#include "tools/inspect/record_json.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "tools/common/cli.h"
#include "wirestream/v1/alert.pb.h"
#include "wirestream/v1/alert_state.pb.h"
#include "wirestream/v1/dead_letter.pb.h"
#include "wirestream/v1/dedup_state.pb.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/enriched_story.pb.h"
#include "wirestream/v1/raw_story.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::tools::inspect {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Naming each default instance also keeps its code in the binary.
const std::vector<const Message*>& RecordTypes() {
  static const auto* types = new std::vector<const Message*>{
      &v1::RawStory::default_instance(),
      &v1::Story::default_instance(),
      &v1::DedupedStory::default_instance(),
      &v1::EnrichedStory::default_instance(),
      &v1::Alert::default_instance(),
      &v1::DeadLetter::default_instance(),
      &v1::DedupStateEntry::default_instance(),
      &v1::AlertStateEntry::default_instance(),
  };
  return *types;
}

// Most specific first: "wire.dedup.state" before nothing else matches it.
const std::vector<std::pair<std::string, const Message*>>& TopicTypes() {
  static const auto* types =
      new std::vector<std::pair<std::string, const Message*>>{
          {"wire.dedup.state", &v1::DedupStateEntry::default_instance()},
          {"wire.duplicates", &v1::DedupedStory::default_instance()},
          {"wire.unique", &v1::DedupedStory::default_instance()},
          {"wire.classified", &v1::EnrichedStory::default_instance()},
          {"wire.enriched", &v1::EnrichedStory::default_instance()},
          {"wire.alerts", &v1::Alert::default_instance()},
          {"wire.dlq", &v1::DeadLetter::default_instance()},
          {"wire.stories", &v1::Story::default_instance()},
          {"wire.raw", &v1::RawStory::default_instance()},
      };
  return *types;
}

const FieldDescriptor* FindField(const google::protobuf::Descriptor& type,
                                 const std::string& name) {
  if (const FieldDescriptor* f = type.FindFieldByName(name)) return f;
  for (int i = 0; i < type.field_count(); ++i) {
    if (type.field(i)->json_name() == name) return type.field(i);
  }
  return nullptr;
}

std::string ScalarText(const Message& message, const FieldDescriptor& field,
                       int index) {
  const Reflection& r = *message.GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return repeated ? r.GetRepeatedString(message, &field, index)
                      : r.GetString(message, &field);
    case FieldDescriptor::CPPTYPE_ENUM:
      return repeated ? r.GetRepeatedEnum(message, &field, index)->name()
                      : r.GetEnum(message, &field)->name();
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r.GetRepeatedBool(message, &field, index)
                       : r.GetBool(message, &field))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(repeated ? r.GetRepeatedInt32(message, &field, index)
                                   : r.GetInt32(message, &field));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(repeated ? r.GetRepeatedInt64(message, &field, index)
                                   : r.GetInt64(message, &field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(repeated ? r.GetRepeatedUInt32(message, &field, index)
                                   : r.GetUInt32(message, &field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(repeated ? r.GetRepeatedUInt64(message, &field, index)
                                   : r.GetUInt64(message, &field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(repeated ? r.GetRepeatedFloat(message, &field, index)
                                   : r.GetFloat(message, &field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(repeated ? r.GetRepeatedDouble(message, &field, index)
                                   : r.GetDouble(message, &field));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return "";
  }
  return "";
}

bool ValueMatches(const FieldMatch& match, const std::string& text) {
  if (match.contains) {
    return absl::StrContains(absl::AsciiStrToLower(text),
                             absl::AsciiStrToLower(match.value));
  }
  return text == match.value;
}

bool MatchesFrom(const Message& message, const FieldMatch& match,
                 size_t depth) {
  const FieldDescriptor* field =
      FindField(*message.GetDescriptor(), match.path[depth]);
  if (field == nullptr) return false;
  const Reflection& r = *message.GetReflection();
  const bool last = depth + 1 == match.path.size();
  if (field->is_repeated()) {
    const int n = r.FieldSize(message, field);
    for (int i = 0; i < n; ++i) {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (!last && MatchesFrom(r.GetRepeatedMessage(message, field, i), match,
                                 depth + 1)) {
          return true;
        }
      } else if (last && ValueMatches(match, ScalarText(message, *field, i))) {
        return true;
      }
    }
    return false;
  }
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return !last && MatchesFrom(r.GetMessage(message, field), match, depth + 1);
  }
  return last && ValueMatches(match, ScalarText(message, *field, 0));
}

// Appends the UTF-8 sequence at text[i], or U+FFFD for a bad one; returns
// the bytes consumed.
size_t AppendUtf8(absl::string_view text, size_t i, std::string* out) {
  const unsigned char c = text[i];
  size_t length = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 0;
  bool valid = length > 0 && i + length <= text.size();
  for (size_t k = 1; valid && k < length; ++k) {
    valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
  }
  if (!valid) {
    out->append("\xEF\xBF\xBD");
    return 1;
  }
  out->append(text.data() + i, length);
  return length;
}

}  // namespace

absl::StatusOr<const Message*> TypeByName(absl::string_view name) {
  if (name == "bytes") return nullptr;
  std::vector<std::string> known = {"bytes"};
  for (const Message* type : RecordTypes()) {
    const google::protobuf::Descriptor& d = *type->GetDescriptor();
    if (name == d.name() || name == d.full_name()) return type;
    known.push_back(d.name());
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown record type \"", name,
                   "\"; known: ", absl::StrJoin(known, ", ")));
}

absl::StatusOr<const Message*> TypeForTopic(absl::string_view topic) {
  for (const auto& [name, type] : TopicTypes()) {
    if (absl::StrContains(topic, name)) return type;
  }
  return absl::NotFoundError(
      absl::StrCat("cannot tell what records ", topic,
                   " holds from its name: give --type (e.g. --type=Story)"));
}

absl::StatusOr<FieldMatch> ParseMatch(absl::string_view text) {
  const size_t op = text.find_first_of("=~");
  if (op == absl::string_view::npos || op == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--match wants FIELD=VALUE or FIELD~TEXT, e.g. story.language=de, "
        "got \"",
        text, "\""));
  }
  FieldMatch match;
  match.path = absl::StrSplit(text.substr(0, op), '.');
  match.contains = text[op] == '~';
  match.value = std::string(text.substr(op + 1));
  for (const std::string& name : match.path) {
    if (name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--match: empty field name in \"", text, "\""));
    }
  }
  return match;
}

absl::Status CheckMatch(const Message& type, const FieldMatch& match) {
  const google::protobuf::Descriptor* d = type.GetDescriptor();
  for (size_t i = 0; i < match.path.size(); ++i) {
    const FieldDescriptor* field = FindField(*d, match.path[i]);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("--match: ", d->full_name(), " has no field \"",
                       match.path[i], "\""));
    }
    const bool last = i + 1 == match.path.size();
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (last) {
        return absl::InvalidArgumentError(
            absl::StrCat("--match: ", match.path[i],
                         " is a message; name one of its fields after a dot"));
      }
      d = field->message_type();
    } else if (!last) {
      return absl::InvalidArgumentError(
          absl::StrCat("--match: ", match.path[i], " has no fields"));
    }
  }
  return absl::OkStatus();
}

bool Matches(const Message& message, const FieldMatch& match) {
  return !match.path.empty() && MatchesFrom(message, match, 0);
}

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = text[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20) {
      absl::StrAppend(&out, "\\u00", absl::Hex(c, absl::kZeroPad2));
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      i += AppendUtf8(text, i, &out);
      continue;
    }
    ++i;
  }
  out += '"';
  return out;
}

std::string MessageJson(const Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options)
           .ok()) {
    return "null";
  }
  return json;
}

std::string RecordLine(const RecordView& record, absl::string_view value_json,
                       absl::string_view error) {
  std::string line = absl::StrCat(
      "{\"topic\":", JsonString(record.topic),
      ",\"partition\":", record.partition, ",\"offset\":", record.offset,
      ",\"timestamp\":", JsonString(FormatRfc3339(record.timestamp)),
      ",\"key\":", record.key ? JsonString(*record.key) : "null");
  if (!record.headers.empty()) {
    absl::StrAppend(&line, ",\"headers\":[");
    for (size_t i = 0; i < record.headers.size(); ++i) {
      const auto& [key, value] = record.headers[i];
      absl::StrAppend(&line, i ? "," : "", "{\"key\":", JsonString(key),
                      ",\"value\":", value ? JsonString(*value) : "null", "}");
    }
    absl::StrAppend(&line, "]");
  }
  absl::StrAppend(&line, ",\"value\":", value_json);
  if (!error.empty()) absl::StrAppend(&line, ",\"error\":", JsonString(error));
  absl::StrAppend(&line, "}");
  return line;
}

}  // namespace wirestream::tools::inspect
