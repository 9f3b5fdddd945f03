#include "pipeline/stages/classify/corpus.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wirestream::classify {

absl::StatusOr<std::vector<LabelledStory>> ParseCorpus(
    absl::string_view contents, absl::string_view file_name) {
  std::vector<LabelledStory> out;
  LabelledStory current;
  bool in_body = false, started = false;
  int line_number = 0, record_line = 0;
  auto error = [&](int line, absl::string_view message) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ":", line, ": ", message));
  };
  auto finish = [&]() -> absl::Status {
    if (!started) return absl::OkStatus();
    if (current.id.empty() || current.topics.empty() ||
        current.story.headline().empty()) {
      return error(record_line, "record needs id, topics and headline");
    }
    current.story.set_id(current.id);
    out.push_back(std::move(current));
    current = LabelledStory();
    in_body = started = false;
    return absl::OkStatus();
  };
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    line = absl::StripTrailingAsciiWhitespace(line);
    if (line == "---") {
      absl::Status s = finish();
      if (!s.ok()) return s;
      continue;
    }
    if (line.empty() || (!in_body && line[0] == '#')) continue;
    if (!started) {
      started = true;
      record_line = line_number;
    }
    const size_t colon = line.find(": ");
    absl::string_view key =
        colon == absl::string_view::npos ? "" : line.substr(0, colon);
    absl::string_view value =
        colon == absl::string_view::npos ? "" : line.substr(colon + 2);
    if (!in_body && key == "id") {
      current.id = std::string(value);
    } else if (!in_body && key == "topics") {
      current.topics = absl::StrSplit(value, ' ', absl::SkipEmpty());
    } else if (!in_body && key == "countries") {
      current.has_countries = true;
      if (value != "-") {
        current.countries = absl::StrSplit(value, ' ', absl::SkipEmpty());
      }
    } else if (!in_body && key == "focus") {
      current.focus = value == "-" ? "" : std::string(value);
    } else if (!in_body && key == "set") {
      if (value != "dev" && value != "heldout") {
        return error(
            line_number,
            absl::StrCat("set must be dev or heldout, not \"", value, "\""));
      }
      current.set = std::string(value);
    } else if (!in_body && key == "language") {
      current.story.set_language(std::string(value));
    } else if (!in_body && key == "dateline") {
      current.story.mutable_dateline()->set_place(std::string(value));
    } else if (!in_body && absl::StartsWith(key, "expect-")) {
      current.expectations[std::string(key.substr(7))] = std::string(value);
    } else if (!in_body && key == "headline") {
      current.story.set_headline(std::string(value));
      in_body = true;
    } else if (in_body) {
      current.story.add_paragraphs(std::string(line));
    } else {
      return error(line_number, absl::StrCat("unknown header line: ", line));
    }
  }
  absl::Status s = finish();
  if (!s.ok()) return s;
  return out;
}

std::string CorpusLanguage(absl::string_view file_name) {
  const size_t slash = file_name.find_last_of('/');
  if (slash != absl::string_view::npos) file_name.remove_prefix(slash + 1);
  if (!absl::ConsumeSuffix(&file_name, ".txt")) return "";
  for (absl::string_view prefix : {"real_", "wire_", "train_"}) {
    if (absl::ConsumePrefix(&file_name, prefix)) {
      return std::string(file_name);
    }
  }
  return "";
}

}  // namespace wirestream::classify
