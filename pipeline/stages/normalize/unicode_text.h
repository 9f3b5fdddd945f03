// File: pipeline/stages/normalize/unicode_text.h
//
// Unicode helpers for story text: UTF-8 validation and repair, NFC display
// text, and the folded form used for fingerprints and matching.
//
//   Utf8Scan scan = ScanUtf8(payload);
//   if (scan.invalid_bytes > 0) payload = RepairUtf8(payload);
//   std::string display = CleanDisplayText(payload);   // NFC, one space
//   std::string folded = FoldForMatching(display);      // "it's a “test” —"
//                                                       //   → "it's a \"test\"
//                                                       -"
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_UNICODE_TEXT_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_UNICODE_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace wirestream::normalize {

// What ScanUtf8 found.
struct Utf8Scan {
  // Bytes that are not part of a well-formed UTF-8 sequence (overlong forms,
  // surrogates and code points above U+10FFFF count as invalid).
  size_t invalid_bytes = 0;
  // Offset of the first invalid byte; meaningless when invalid_bytes is 0.
  size_t first_invalid_offset = 0;
};

// Returns how many bytes of `text` are not valid UTF-8.
Utf8Scan ScanUtf8(absl::string_view text);

// Returns `text` as valid UTF-8: every byte that is not part of a valid
// sequence is read as Windows-1252 (the legacy encoding wire and web text
// most often arrives in undeclared), and the five bytes Windows-1252 leaves
// undefined become U+FFFD.
std::string RepairUtf8(absl::string_view text);

// Returns valid UTF-8 `text` in Unicode Normalization Form C.
std::string ToNfc(absl::string_view text);

// Returns display text: NFC, control characters, zero-width spaces, soft
// hyphens and byte order marks removed, every run of white space (including
// line breaks and no-break spaces) collapsed to one space, trimmed. `text`
// must be valid UTF-8.
std::string CleanDisplayText(absl::string_view text);

// Returns the form of `text` used for fingerprints and matching: NFKC with
// Unicode case folding, default-ignorable code points removed, typographic
// quotes mapped to ' and ", dashes and minus signs to -, white space
// collapsed to one space and trimmed. `text` must be valid UTF-8.
std::string FoldForMatching(absl::string_view text);

// Returns true when `text` holds nothing but white space (ASCII or Unicode).
bool IsBlank(absl::string_view text);

// Returns true when `haystack` contains `needle`, ignoring ASCII case.
bool ContainsIgnoreCase(absl::string_view haystack, absl::string_view needle);

// Appends the UTF-8 encoding of `code_point` to `out`.
void AppendUtf8(char32_t code_point, std::string* out);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_UNICODE_TEXT_H_
