#include "pipeline/text/language_tag.h"

#include "absl/strings/ascii.h"

namespace wirestream::text {

std::string PrimaryLanguage(absl::string_view tag) {
  size_t end = 0;
  while (end < tag.size() &&
         absl::ascii_isalpha(static_cast<unsigned char>(tag[end]))) {
    ++end;
  }
  if (end < 2 || end > 3) return "";
  if (end < tag.size() && tag[end] != '-' && tag[end] != '_') return "";
  std::string primary = absl::AsciiStrToLower(tag.substr(0, end));
  if (primary == "iw") return "he";
  if (primary == "in") return "id";
  if (primary == "ji") return "yi";
  if (primary == "jw") return "jv";
  if (primary == "und" || primary == "un" || primary == "xx") return "";
  return primary;
}

}  // namespace wirestream::text
