#include "pipeline/stages/normalize/language.h"

#include <string>

#include "absl/strings/ascii.h"
#include "cld2/public/compact_lang_det.h"
#include "pipeline/text/language_tag.h"

namespace wirestream::normalize {
namespace {

constexpr size_t kMaxDetectionBytes = 16 * 1024;

// Cuts valid UTF-8 `text` to at most `max_bytes` without splitting a
// character.
absl::string_view CutAtCharacter(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

}  // namespace

std::string DetectLanguage(absl::string_view text) {
  absl::string_view sample = CutAtCharacter(text, kMaxDetectionBytes);
  if (sample.empty()) return "";
  bool is_reliable = false;
  CLD2::Language language =
      CLD2::DetectLanguage(sample.data(), static_cast<int>(sample.size()),
                           /*is_plain_text=*/true, &is_reliable);
  if (language == CLD2::UNKNOWN_LANGUAGE) return "";
  return text::PrimaryLanguage(CLD2::LanguageCode(language));
}

}  // namespace wirestream::normalize
