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

// The languages the big agencies file in. When CLD2 picks another language
// for a story while one of these holds more of its text, or CLD2 is unsure
// and one of these holds a fair share, the story is in that one: CLD2
// reads "Madagascar-France: Tête-à-tête en vue Andry Rajoelina avec
// Emmanuel Macron" as Malagasy (French 59% of the text, Malagasy 40%), and
// a Madrid police story as Catalan (Spanish 74%, Catalan 25%).
bool IsWireLanguage(CLD2::Language language) {
  switch (language) {
    case CLD2::ENGLISH:
    case CLD2::FRENCH:
    case CLD2::GERMAN:
    case CLD2::SPANISH:
    case CLD2::ITALIAN:
    case CLD2::PORTUGUESE:
    case CLD2::RUSSIAN:
    case CLD2::ARABIC:
    case CLD2::CHINESE:
    case CLD2::CHINESE_T:
    case CLD2::JAPANESE:
    case CLD2::KOREAN:
      return true;
    default:
      return false;
  }
}

// An unsure pick gives way to a wire language holding at least this share
// of the text.
constexpr int kMinRunnerUpPercent = 20;

}  // namespace

std::string DetectLanguage(absl::string_view text) {
  absl::string_view sample = CutAtCharacter(text, kMaxDetectionBytes);
  if (sample.empty()) return "";
  CLD2::Language top3[3];
  int percent3[3];
  int text_bytes = 0;
  bool is_reliable = false;
  CLD2::Language language = CLD2::DetectLanguageSummary(
      sample.data(), static_cast<int>(sample.size()), /*is_plain_text=*/true,
      top3, percent3, &text_bytes, &is_reliable);
  if (!IsWireLanguage(language)) {
    int picked_percent = 0;
    for (int i = 0; i < 3; ++i) {
      if (top3[i] == language) picked_percent = percent3[i];
    }
    // top3 is ordered by share of the text.
    for (int i = 0; i < 3; ++i) {
      if (!IsWireLanguage(top3[i])) continue;
      if (percent3[i] > picked_percent ||
          (!is_reliable && percent3[i] >= kMinRunnerUpPercent)) {
        language = top3[i];
      }
      break;
    }
  }
  if (language == CLD2::UNKNOWN_LANGUAGE) return "";
  return text::PrimaryLanguage(CLD2::LanguageCode(language));
}

}  // namespace wirestream::normalize
