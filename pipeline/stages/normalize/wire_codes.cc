#include "pipeline/stages/normalize/wire_codes.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace wirestream::normalize {
namespace {

struct Scheme {
  absl::string_view uri;
  absl::string_view alias;
};

// IPTC NewsCodes vocabularies a story's subjects come from.
constexpr Scheme kSchemes[] = {
    {"http://cv.iptc.org/newscodes/mediatopic/", "medtop"},
    {"http://cv.iptc.org/newscodes/subjectcode/", "subj"},
    {"http://cv.iptc.org/newscodes/genre/", "genre"},
    {"http://cv.iptc.org/newscodes/product/", "prod"},
    {"http://cv.iptc.org/newscodes/scene/", "scene"},
    {"http://cv.iptc.org/newscodes/newsitemtype/", "ninat"},
};

bool IsEightDigits(absl::string_view code) {
  if (code.size() != 8) return false;
  for (char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

v1::PubStatus PubStatusFromCode(absl::string_view code) {
  std::string value =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(QcodeValue(code)));
  if (value == "usable") return v1::PUB_STATUS_USABLE;
  if (value == "withheld") return v1::PUB_STATUS_WITHHELD;
  if (value == "canceled" || value == "cancelled") {
    return v1::PUB_STATUS_CANCELED;
  }
  return v1::PUB_STATUS_UNSPECIFIED;
}

std::string QcodeFromUri(absl::string_view uri) {
  std::string normalized(absl::StripAsciiWhitespace(uri));
  if (absl::StartsWith(normalized, "https://")) {
    normalized = absl::StrCat("http://", normalized.substr(8));
  }
  for (const Scheme& scheme : kSchemes) {
    if (absl::StartsWith(normalized, scheme.uri) &&
        normalized.size() > scheme.uri.size()) {
      absl::string_view code =
          absl::string_view(normalized).substr(scheme.uri.size());
      absl::ConsumeSuffix(&code, "/");
      return absl::StrCat(scheme.alias, ":", code);
    }
  }
  return std::string(absl::StripAsciiWhitespace(uri));
}

std::string SubjectCode(absl::string_view scheme, absl::string_view code) {
  scheme = absl::StripAsciiWhitespace(scheme);
  code = absl::StripAsciiWhitespace(code);
  if (code.empty()) return "";
  if (absl::StrContains(code, ':')) return std::string(code);
  if (absl::StartsWith(scheme, "http://") ||
      absl::StartsWith(scheme, "https://")) {
    return QcodeFromUri(absl::StrCat(scheme, code));
  }
  if (!scheme.empty()) return absl::StrCat(scheme, ":", code);
  if (IsEightDigits(code)) return absl::StrCat("subj:", code);
  return std::string(code);
}

absl::string_view QcodeValue(absl::string_view qcode) {
  size_t colon = qcode.find(':');
  if (colon == absl::string_view::npos || absl::StartsWith(qcode, "http")) {
    return qcode;
  }
  return qcode.substr(colon + 1);
}

int ValidUrgency(int urgency) {
  return urgency >= 1 && urgency <= 9 ? urgency : 0;
}

}  // namespace wirestream::normalize
