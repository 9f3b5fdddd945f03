#include "pipeline/ingest/multipart_body.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wirestream::ingest {
namespace {

// Returns the value of parameter `name` in a header value such as
// `form-data; name="story"; filename="a.xml"`, unquoted; empty if absent.
std::string HeaderParameter(absl::string_view value, absl::string_view name) {
  for (absl::string_view param : absl::StrSplit(value, ';')) {
    param = absl::StripAsciiWhitespace(param);
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(param, absl::MaxSplits('=', 1));
    if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(kv.first), name)) {
      continue;
    }
    absl::string_view v = absl::StripAsciiWhitespace(kv.second);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
      v = v.substr(1, v.size() - 2);
    }
    return std::string(v);
  }
  return "";
}

}  // namespace

absl::StatusOr<std::string> MultipartBoundary(absl::string_view content_type) {
  const std::string lower = absl::AsciiStrToLower(content_type);
  if (!absl::StartsWith(lower, "multipart/")) {
    return absl::NotFoundError("not multipart");
  }
  std::string boundary = HeaderParameter(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 70) {
    return absl::InvalidArgumentError(
        "multipart body without a usable boundary parameter");
  }
  return boundary;
}

absl::StatusOr<std::vector<MultipartPart>> SplitMultipart(
    absl::string_view body, absl::string_view boundary) {
  const std::string delimiter = absl::StrCat("--", boundary);
  const std::string next = absl::StrCat("\r\n", delimiter);
  size_t pos = body.find(delimiter);
  if (pos == absl::string_view::npos) {
    return absl::InvalidArgumentError("multipart body without its boundary");
  }
  pos += delimiter.size();
  std::vector<MultipartPart> parts;
  while (true) {
    if (body.substr(pos, 2) == "--") return parts;  // closing boundary
    if (body.substr(pos, 2) != "\r\n") {
      return absl::InvalidArgumentError("malformed multipart boundary line");
    }
    pos += 2;
    const size_t headers_end = body.find("\r\n\r\n", pos);
    const size_t part_end = body.find(next, pos);
    if (part_end == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          "multipart body cut off: no closing boundary");
    }
    MultipartPart part;
    size_t content_start;
    if (body.substr(pos, 2) == "\r\n") {
      content_start = pos + 2;  // no headers
    } else if (headers_end == absl::string_view::npos ||
               headers_end > part_end) {
      return absl::InvalidArgumentError("multipart part without headers' end");
    } else {
      for (absl::string_view line :
           absl::StrSplit(body.substr(pos, headers_end - pos), "\r\n")) {
        std::pair<absl::string_view, absl::string_view> kv =
            absl::StrSplit(line, absl::MaxSplits(':', 1));
        const absl::string_view value = absl::StripAsciiWhitespace(kv.second);
        if (absl::EqualsIgnoreCase(kv.first, "Content-Disposition")) {
          part.name = HeaderParameter(value, "filename");
          if (part.name.empty()) part.name = HeaderParameter(value, "name");
        } else if (absl::EqualsIgnoreCase(kv.first, "Content-Type")) {
          part.content_type = std::string(value);
        }
      }
      content_start = headers_end + 4;
    }
    part.bytes =
        std::string(body.substr(content_start, part_end - content_start));
    parts.push_back(std::move(part));
    pos = part_end + next.size();
  }
}

}  // namespace wirestream::ingest
