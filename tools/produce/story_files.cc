#include "tools/produce/story_files.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "pugixml.hpp"
#include "simdjson.h"

namespace wirestream::tools::produce {
namespace {

namespace fs = std::filesystem;

bool Hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ListStoryFiles(
    const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    if (path == "-") {
      files.push_back(path);
      continue;
    }
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    }
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> below;
    fs::recursive_directory_iterator it(path, error), end;
    if (error) {
      return absl::PermissionDeniedError(
          absl::StrCat(path, ": cannot list: ", error.message()));
    }
    for (; it != end; it.increment(error)) {
      if (error) {
        return absl::PermissionDeniedError(
            absl::StrCat(path, ": cannot list: ", error.message()));
      }
      if (Hidden(it->path())) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_directory()) below.push_back(it->path().string());
    }
    std::sort(below.begin(), below.end());
    files.insert(files.end(), below.begin(), below.end());
  }
  return files;
}

v1::WireFormat FormatFromPath(absl::string_view path,
                              absl::string_view payload) {
  const std::string extension =
      absl::AsciiStrToLower(fs::path(std::string(path)).extension().string());
  if (extension == ".json" || extension == ".ninjs") {
    return v1::WIRE_FORMAT_NINJS;
  }
  if (extension == ".nitf") return v1::WIRE_FORMAT_NITF;
  if (extension == ".newsml" || extension == ".g2") {
    return v1::WIRE_FORMAT_NEWSML_G2;
  }
  if (extension == ".xml") {
    const absl::string_view head = payload.substr(0, 4096);
    if (absl::StrContains(head, "newsItem")) return v1::WIRE_FORMAT_NEWSML_G2;
    if (absl::StrContains(head, "<nitf")) return v1::WIRE_FORMAT_NITF;
    return v1::WIRE_FORMAT_UNSPECIFIED;
  }
  if (extension == ".anpa") return v1::WIRE_FORMAT_ANPA_1312;
  if (extension == ".ipt" || extension == ".iptc") {
    return v1::WIRE_FORMAT_IPTC_7901;
  }
  if (extension == ".html" || extension == ".htm") return v1::WIRE_FORMAT_HTML;
  if (extension == ".txt" || extension == ".text") {
    return v1::WIRE_FORMAT_PLAIN_TEXT;
  }
  return v1::WIRE_FORMAT_UNSPECIFIED;
}

absl::StatusOr<v1::WireFormat> ParseFormatName(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower == "auto") return v1::WIRE_FORMAT_UNSPECIFIED;
  if (lower == "ninjs") return v1::WIRE_FORMAT_NINJS;
  if (lower == "newsml-g2") return v1::WIRE_FORMAT_NEWSML_G2;
  if (lower == "nitf") return v1::WIRE_FORMAT_NITF;
  if (lower == "anpa-1312") return v1::WIRE_FORMAT_ANPA_1312;
  if (lower == "iptc-7901") return v1::WIRE_FORMAT_IPTC_7901;
  if (lower == "html") return v1::WIRE_FORMAT_HTML;
  if (lower == "text") return v1::WIRE_FORMAT_PLAIN_TEXT;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown --format \"", name,
      "\"; use auto, ninjs, newsml-g2, nitf, anpa-1312, iptc-7901, html or "
      "text"));
}

absl::string_view FormatLabel(v1::WireFormat format) {
  switch (format) {
    case v1::WIRE_FORMAT_NINJS:
      return "ninjs";
    case v1::WIRE_FORMAT_NEWSML_G2:
      return "newsml-g2";
    case v1::WIRE_FORMAT_NITF:
      return "nitf";
    case v1::WIRE_FORMAT_ANPA_1312:
      return "anpa-1312";
    case v1::WIRE_FORMAT_IPTC_7901:
      return "iptc-7901";
    case v1::WIRE_FORMAT_HTML:
      return "html";
    case v1::WIRE_FORMAT_PLAIN_TEXT:
      return "text";
    default:
      return "undeclared";
  }
}

absl::Status CheckPayload(v1::WireFormat format, absl::string_view payload) {
  if (absl::StripAsciiWhitespace(payload).empty()) {
    return absl::InvalidArgumentError("empty");
  }
  if (payload.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("binary data, not a story");
  }
  switch (format) {
    case v1::WIRE_FORMAT_NINJS: {
      simdjson::dom::parser parser;
      simdjson::dom::element root;
      if (parser.parse(payload.data(), payload.size()).get(root) !=
          simdjson::SUCCESS) {
        return absl::InvalidArgumentError("ninjs but not valid JSON");
      }
      if (!root.is_object()) {
        return absl::InvalidArgumentError("ninjs but not a JSON object");
      }
      return absl::OkStatus();
    }
    case v1::WIRE_FORMAT_NEWSML_G2:
    case v1::WIRE_FORMAT_NITF: {
      pugi::xml_document document;
      pugi::xml_parse_result parsed =
          document.load_buffer(payload.data(), payload.size());
      if (!parsed) {
        return absl::InvalidArgumentError(
            absl::StrCat("XML does not parse at byte ", parsed.offset, ": ",
                         parsed.description()));
      }
      return absl::OkStatus();
    }
    case v1::WIRE_FORMAT_ANPA_1312:
    case v1::WIRE_FORMAT_IPTC_7901: {
      absl::string_view rest = payload;
      while (!rest.empty() && rest.front() == '\x16') rest.remove_prefix(1);
      if (rest.empty() || rest.front() != '\x01') {
        return absl::InvalidArgumentError(
            "teletype story without its SOH (start of header) byte");
      }
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();
  }
}

}  // namespace wirestream::tools::produce
