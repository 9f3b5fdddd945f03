// File: pipeline/stages/normalize/payload_decoding.h
//
// Turns a payload's bytes into valid UTF-8 text, or says why it cannot.
//
//   DecodeOptions options;  // repair up to 5% invalid bytes
//   absl::StatusOr<DecodedPayload> decoded =
//       DecodePayload(raw.payload(), raw.content_type(), options);
//
// The order is: a byte order mark, the content type's charset parameter,
// then an XML declaration's encoding or an HTML <meta charset>; a charset
// other than UTF-8 is converted with ICU. Undeclared bytes must be UTF-8:
// invalid bytes are repaired (read as Windows-1252) or dead-lettered with
// DEAD_LETTER_REASON_INVALID_UTF8, by policy.
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_PAYLOAD_DECODING_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_PAYLOAD_DECODING_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wirestream::normalize {

// What to do with payload bytes that are not valid UTF-8.
enum class InvalidUtf8Policy {
  // Repair them when they are at most `max_invalid_utf8_fraction` of the
  // payload's bytes; dead-letter the payload otherwise.
  kRepair,
  // Dead-letter any payload with an invalid byte.
  kReject,
};

struct DecodeOptions {
  InvalidUtf8Policy invalid_utf8 = InvalidUtf8Policy::kRepair;
  // Above this share of invalid bytes the payload is not text in a legacy
  // encoding but something else, and it is dead-lettered.
  double max_invalid_utf8_fraction = 0.05;
};

// A payload decoded to text.
struct DecodedPayload {
  // Valid UTF-8, without a byte order mark.
  std::string text;
  // The charset the payload was converted from; empty when it was UTF-8.
  std::string converted_from;
  // How many invalid bytes were repaired.
  size_t repaired_bytes = 0;
};

// Returns `payload` as valid UTF-8, or an INVALID_UTF8 dead-letter status.
absl::StatusOr<DecodedPayload> DecodePayload(absl::string_view payload,
                                             absl::string_view content_type,
                                             const DecodeOptions& options);

// Returns the charset `payload` declares (see the top of this file),
// lower-cased, or an empty string when it declares none.
std::string DeclaredCharset(absl::string_view payload,
                            absl::string_view content_type);

// Returns a description such as "gzip data" or "NUL byte at offset 3" when
// `payload` is binary data rather than text, else nullopt. The control
// characters of the teletype wire formats (SOH, STX, ETX, EOT, SYN, US, DC1
// to DC4) count as text.
std::optional<std::string> DescribeBinary(absl::string_view payload);

// Returns the first bytes of `payload` quoted for a message, with
// non-printable bytes escaped, e.g. "\"%PDF-1.7\\n%\\xe2\"".
std::string QuotePrefix(absl::string_view payload, size_t max_bytes = 16);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_PAYLOAD_DECODING_H_
