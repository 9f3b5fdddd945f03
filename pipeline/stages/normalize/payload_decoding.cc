#include "pipeline/stages/normalize/payload_decoding.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/unicode_text.h"
#include "re2/re2.h"
#include "unicode/ucnv.h"

namespace wirestream::normalize {
namespace {

using ::wirestream::runtime::DeadLetterError;
using ::wirestream::v1::DEAD_LETTER_REASON_INVALID_UTF8;

re2::StringPiece Piece(absl::string_view s) {
  return re2::StringPiece(s.data(), s.size());
}

// How far into a document an in-document declaration is looked for.
constexpr size_t kDeclarationWindow = 4096;
// How much of a payload the binary sniffer reads.
constexpr size_t kSniffWindow = 64 * 1024;

struct Magic {
  absl::string_view prefix;
  absl::string_view description;
};

constexpr Magic kMagics[] = {
    {absl::string_view("\x1f\x8b", 2), "gzip data"},
    {"PK\x03\x04", "a ZIP archive"},
    {"%PDF-", "a PDF document"},
    {"\x89PNG", "a PNG image"},
    {"\xff\xd8\xff", "a JPEG image"},
    {"GIF87a", "a GIF image"},
    {"GIF89a", "a GIF image"},
    {"\x28\xb5\x2f\xfd", "zstd data"},
    {"BZh", "bzip2 data"},
    {"\x7f"
     "ELF",
     "an ELF executable"},
    {"\xd0\xcf\x11\xe0", "an OLE2 document"},
    {"OggS", "Ogg media"},
    {"ID3", "an MP3 file"},
};

// Returns true for control bytes that legitimately occur in text: white
// space and the teletype framing characters of ANPA-1312 and IPTC 7901.
bool IsTextControl(unsigned char c) {
  switch (c) {
    case 0x01:  // SOH
    case 0x02:  // STX
    case 0x03:  // ETX
    case 0x04:  // EOT
    case 0x07:  // BEL (bells mark bulletins on some wires)
    case 0x08:  // BS (ANPA tab line indicator)
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case 0x10:  // DLE (ANPA space band)
    case 0x11:  // DC1
    case 0x12:  // DC2
    case 0x13:  // DC3
    case 0x14:  // DC4
    case 0x16:  // SYN
    case 0x1B:  // ESC
    case 0x1C:  // FS
    case 0x1D:  // GS
    case 0x1E:  // RS
    case 0x1F:  // US
      return true;
    default:
      return false;
  }
}

// Maps a charset label to the name ICU should convert from, or "" for
// UTF-8. As browsers do, Latin-1 and ASCII labels mean Windows-1252.
std::string CanonicalCharset(absl::string_view label) {
  std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(label));
  if (name == "utf-8" || name == "utf8" || name == "unicode-1-1-utf-8") {
    return "";
  }
  if (name == "iso-8859-1" || name == "iso8859-1" || name == "latin1" ||
      name == "latin-1" || name == "l1" || name == "us-ascii" ||
      name == "ascii" || name == "cp1252" || name == "iso_8859-1") {
    return "windows-1252";
  }
  return name;
}

// Converts `bytes` from `charset` to UTF-8 with ICU; nullopt when ICU does
// not know the charset.
std::optional<std::string> ConvertWithIcu(absl::string_view bytes,
                                          const std::string& charset) {
  UErrorCode error = U_ZERO_ERROR;
  UConverter* probe = ucnv_open(charset.c_str(), &error);
  if (U_FAILURE(error) || probe == nullptr) return std::nullopt;
  ucnv_close(probe);
  if (bytes.empty()) return std::string();
  std::string out(bytes.size() * 3 + 4, '\0');
  error = U_ZERO_ERROR;
  int32_t n = ucnv_convert("UTF-8", charset.c_str(), out.data(),
                           static_cast<int32_t>(out.size()), bytes.data(),
                           static_cast<int32_t>(bytes.size()), &error);
  if (error == U_BUFFER_OVERFLOW_ERROR) {
    out.assign(static_cast<size_t>(n) + 1, '\0');
    error = U_ZERO_ERROR;
    n = ucnv_convert("UTF-8", charset.c_str(), out.data(),
                     static_cast<int32_t>(out.size()), bytes.data(),
                     static_cast<int32_t>(bytes.size()), &error);
  }
  if (U_FAILURE(error)) return std::nullopt;
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace

std::string DeclaredCharset(absl::string_view payload,
                            absl::string_view content_type) {
  if (absl::StartsWith(payload, "\xef\xbb\xbf")) return "utf-8";
  if (absl::StartsWith(payload, absl::string_view("\xff\xfe\0\0", 4))) {
    return "utf-32le";
  }
  if (absl::StartsWith(payload, "\xff\xfe")) return "utf-16le";
  if (absl::StartsWith(payload, "\xfe\xff")) return "utf-16be";

  static const re2::RE2* const kContentTypeCharset =
      new re2::RE2(R"((?i)charset\s*=\s*["']?([A-Za-z0-9_.:-]+))");
  std::string charset;
  if (re2::RE2::PartialMatch(Piece(content_type), *kContentTypeCharset,
                             &charset)) {
    return absl::AsciiStrToLower(charset);
  }

  absl::string_view head = payload.substr(0, kDeclarationWindow);
  static const re2::RE2* const kXmlDeclaration = new re2::RE2(
      R"(^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["'])");
  if (re2::RE2::PartialMatch(Piece(head), *kXmlDeclaration, &charset)) {
    return absl::AsciiStrToLower(charset);
  }
  static const re2::RE2* const kMetaCharset =
      new re2::RE2(R"((?i)<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+))");
  if (re2::RE2::PartialMatch(Piece(head), *kMetaCharset, &charset)) {
    return absl::AsciiStrToLower(charset);
  }
  return "";
}

absl::StatusOr<DecodedPayload> DecodePayload(absl::string_view payload,
                                             absl::string_view content_type,
                                             const DecodeOptions& options) {
  DecodedPayload decoded;
  std::string charset =
      CanonicalCharset(DeclaredCharset(payload, content_type));
  if (absl::StartsWith(payload, "\xef\xbb\xbf")) payload.remove_prefix(3);
  if (!charset.empty()) {
    absl::string_view bytes = payload;
    if (absl::StartsWith(charset, "utf-16") &&
        (absl::StartsWith(bytes, "\xff\xfe") ||
         absl::StartsWith(bytes, "\xfe\xff"))) {
      bytes.remove_prefix(2);
    } else if (absl::StartsWith(charset, "utf-32") &&
               absl::StartsWith(bytes, absl::string_view("\xff\xfe\0\0", 4))) {
      bytes.remove_prefix(4);
    }
    if (std::optional<std::string> converted = ConvertWithIcu(bytes, charset)) {
      decoded.text = *std::move(converted);
      decoded.converted_from = charset;
      return decoded;
    }
    // An unknown charset label: treat the bytes as UTF-8 below.
  }

  Utf8Scan scan = ScanUtf8(payload);
  if (scan.invalid_bytes == 0) {
    decoded.text = std::string(payload);
    return decoded;
  }
  double fraction = static_cast<double>(scan.invalid_bytes) /
                    static_cast<double>(payload.size());
  if (options.invalid_utf8 == InvalidUtf8Policy::kReject ||
      fraction > options.max_invalid_utf8_fraction) {
    return DeadLetterError(
        DEAD_LETTER_REASON_INVALID_UTF8,
        absl::StrFormat(
            "payload is not valid UTF-8: %d invalid bytes in %d "
            "(first at byte %d)%s",
            scan.invalid_bytes, payload.size(), scan.first_invalid_offset,
            options.invalid_utf8 == InvalidUtf8Policy::kReject
                ? "; repair is disabled"
                : absl::StrFormat("; more than %.0f%% cannot be "
                                  "repaired",
                                  100 * options.max_invalid_utf8_fraction)));
  }
  decoded.text = RepairUtf8(payload);
  decoded.repaired_bytes = scan.invalid_bytes;
  return decoded;
}

std::optional<std::string> DescribeBinary(absl::string_view payload) {
  for (const Magic& magic : kMagics) {
    if (absl::StartsWith(payload, magic.prefix)) {
      return std::string(magic.description);
    }
  }
  absl::string_view window = payload.substr(0, kSniffWindow);
  size_t controls = 0;
  size_t first_control = 0;
  for (size_t i = 0; i < window.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(window[i]);
    if (c == 0) return absl::StrCat("NUL byte at offset ", i);
    if ((c < 0x20 || c == 0x7F) && !IsTextControl(c)) {
      if (controls == 0) first_control = i;
      ++controls;
    }
  }
  if (controls >= 8 || (controls > 0 && controls * 100 >= window.size())) {
    return absl::StrFormat("%d control bytes in the first %d (first at %d)",
                           controls, window.size(), first_control);
  }
  return std::nullopt;
}

std::string QuotePrefix(absl::string_view payload, size_t max_bytes) {
  std::string out = "\"";
  for (size_t i = 0; i < payload.size() && i < max_bytes; ++i) {
    unsigned char c = static_cast<unsigned char>(payload[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      out += absl::StrFormat("\\x%02x", c);
    }
  }
  out += payload.size() > max_bytes ? "\"…" : "\"";
  return out;
}

}  // namespace wirestream::normalize
