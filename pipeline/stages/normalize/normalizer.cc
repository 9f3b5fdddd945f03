#include "pipeline/stages/normalize/normalizer.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/format_detection.h"
#include "pipeline/stages/normalize/html_parser.h"
#include "pipeline/stages/normalize/language.h"
#include "pipeline/stages/normalize/newsml_g2_parser.h"
#include "pipeline/stages/normalize/ninjs_parser.h"
#include "pipeline/stages/normalize/nitf_parser.h"
#include "pipeline/stages/normalize/parse_hints.h"
#include "pipeline/stages/normalize/plain_text_parser.h"
#include "pipeline/stages/normalize/story_text.h"
#include "pipeline/stages/normalize/teletype_parser.h"
#include "pipeline/stages/normalize/unicode_text.h"
#include "pipeline/stages/normalize/wire_time.h"
#include "pipeline/text/language_tag.h"
#include "xxhash.h"

namespace wirestream::normalize {
namespace {

using ::wirestream::runtime::DeadLetterError;

constexpr size_t kMaxConfigurablePayloadBytes = size_t{1} << 30;

std::string Hex128(XXH128_hash_t hash) {
  return absl::StrFormat("%016x%016x", hash.high64, hash.low64);
}

bool IsFeedDeclared(v1::WireFormat format) {
  return format != v1::WIRE_FORMAT_UNSPECIFIED;
}

absl::Status BinaryPayloadError(v1::WireFormat declared,
                                const std::string& what) {
  if (IsFeedDeclared(declared)) {
    return DeadLetterError(v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD,
                           absl::StrCat("declared ", FormatName(declared),
                                        ", but the payload is binary: ", what));
  }
  return DeadLetterError(
      v1::DEAD_LETTER_REASON_UNKNOWN_FORMAT,
      absl::StrCat("payload is binary (", what, "), not a story"));
}

absl::Status UnknownFormatError(absl::string_view text) {
  std::string root = RootElementName(text);
  if (!root.empty()) {
    return DeadLetterError(
        v1::DEAD_LETTER_REASON_UNKNOWN_FORMAT,
        absl::StrCat("payload format not recognised: XML root element <", root,
                     "> is not NewsML-G2, NITF or HTML"));
  }
  return DeadLetterError(
      v1::DEAD_LETTER_REASON_UNKNOWN_FORMAT,
      absl::StrCat("payload format not recognised: starts with ",
                   QuotePrefix(absl::StripLeadingAsciiWhitespace(text))));
}

absl::Status Parse(v1::WireFormat format, absl::string_view text,
                   absl::string_view url, v1::Story* story, ParseHints* hints) {
  switch (format) {
    case v1::WIRE_FORMAT_NINJS:
      return ParseNinjs(text, story, hints);
    case v1::WIRE_FORMAT_NEWSML_G2:
      return ParseNewsmlG2(text, story, hints);
    case v1::WIRE_FORMAT_NITF:
      return ParseNitf(text, story, hints);
    case v1::WIRE_FORMAT_ANPA_1312:
      return ParseAnpa1312(text, story);
    case v1::WIRE_FORMAT_IPTC_7901:
      return ParseIptc7901(text, story);
    case v1::WIRE_FORMAT_HTML:
      return ParseHtmlPage(text, url, story);
    case v1::WIRE_FORMAT_PLAIN_TEXT:
      return ParsePlainText(text, story);
    default:
      return DeadLetterError(
          v1::DEAD_LETTER_REASON_UNKNOWN_FORMAT,
          absl::StrCat("declared format ", static_cast<int>(format),
                       " is not one normalize reads"));
  }
}

void CleanField(std::string* field) { *field = CleanDisplayText(*field); }

// Makes every display field NFC with white space collapsed, and drops
// empty paragraphs, keywords and attributions.
void CleanDisplayFields(v1::Story* story) {
  CleanField(story->mutable_headline());
  CleanField(story->mutable_subheadline());
  CleanField(story->mutable_byline());
  CleanField(story->mutable_provider());
  CleanField(story->mutable_source_story_id());
  CleanField(story->mutable_dateline()->mutable_place());
  CleanField(story->mutable_dateline()->mutable_date_text());
  CleanField(story->mutable_dateline()->mutable_agency());
  auto clean_list = [](google::protobuf::RepeatedPtrField<std::string>* list) {
    int kept = 0;
    for (int i = 0; i < list->size(); ++i) {
      std::string cleaned = CleanDisplayText(list->Get(i));
      if (!cleaned.empty()) *list->Mutable(kept++) = std::move(cleaned);
    }
    while (list->size() > kept) list->RemoveLast();
  };
  clean_list(story->mutable_paragraphs());
  clean_list(story->mutable_keywords());
  clean_list(story->mutable_attributions());
  for (v1::Subject& subject : *story->mutable_subjects()) {
    CleanField(subject.mutable_code());
    CleanField(subject.mutable_name());
  }
}

std::string MatchingText(const v1::Story& story) {
  std::string text = story.headline();
  for (const std::string& paragraph : story.paragraphs()) {
    if (!text.empty()) text.push_back(' ');
    text += paragraph;
  }
  return text;
}

bool IsKill(const v1::Story& story) {
  return story.pub_status() == v1::PUB_STATUS_WITHHELD ||
         story.pub_status() == v1::PUB_STATUS_CANCELED;
}

absl::Time ReferenceTime(const v1::Story& story) {
  if (story.has_version_created())
    return FromTimestamp(story.version_created());
  if (story.has_first_created()) return FromTimestamp(story.first_created());
  if (story.has_received_at()) return FromTimestamp(story.received_at());
  return absl::Now();
}

bool IsLanguageCode(absl::string_view code) {
  if (code.size() < 2 || code.size() > 3) return false;
  for (char c : code) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string StoryId(absl::string_view source, absl::string_view source_story_id,
                    int version, absl::string_view normalized_text, bool kill) {
  std::string key;
  if (source_story_id.empty()) {
    XXH128_hash_t text_hash =
        XXH3_128bits(normalized_text.data(), normalized_text.size());
    key = absl::StrCat("wirestream.v1.Story\x1f", source, "\x1ftext\x1f",
                       Hex128(text_hash));
  } else {
    key = absl::StrCat("wirestream.v1.Story\x1f", source, "\x1fid\x1f",
                       source_story_id, "\x1f", version);
  }
  if (kill) key += "\x1fkill";
  return Hex128(XXH3_128bits(key.data(), key.size()));
}

absl::StatusOr<std::unique_ptr<Normalizer>> Normalizer::Create(
    NormalizerConfig config) {
  if (config.max_payload_bytes == 0 ||
      config.max_payload_bytes > kMaxConfigurablePayloadBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_payload_bytes must be in 1..", kMaxConfigurablePayloadBytes,
        ", got ", config.max_payload_bytes));
  }
  if (!(config.max_invalid_utf8_fraction >= 0.0 &&
        config.max_invalid_utf8_fraction <= 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_invalid_utf8_fraction must be in 0..1, got ",
                     config.max_invalid_utf8_fraction));
  }
  if (config.fallback_language != "und" &&
      !IsLanguageCode(config.fallback_language)) {
    return absl::InvalidArgumentError(
        absl::StrCat("fallback_language must be a 2-3 letter lower-case "
                     "language code or \"und\", got \"",
                     config.fallback_language, "\""));
  }
  return std::unique_ptr<Normalizer>(new Normalizer(std::move(config)));
}

absl::StatusOr<v1::Story> Normalizer::Normalize(const v1::RawStory& raw) const {
  const std::string& payload = raw.payload();
  if (payload.size() > config_.max_payload_bytes) {
    return DeadLetterError(
        v1::DEAD_LETTER_REASON_OVERSIZED_RECORD,
        absl::StrCat("payload is ", payload.size(), " bytes; the limit is ",
                     config_.max_payload_bytes));
  }
  if (payload.empty()) {
    return DeadLetterError(v1::DEAD_LETTER_REASON_EMPTY_STORY,
                           "payload is empty");
  }
  if (IsBlank(payload)) {
    return DeadLetterError(v1::DEAD_LETTER_REASON_EMPTY_STORY,
                           absl::StrCat("payload holds only white space (",
                                        payload.size(), " bytes)"));
  }

  // Binary data is told apart before decoding, except for UTF-16 and
  // UTF-32 text, whose NUL bytes are legitimate.
  std::string declared_charset = DeclaredCharset(payload, raw.content_type());
  bool wide_text = absl::StartsWith(declared_charset, "utf-16") ||
                   absl::StartsWith(declared_charset, "utf-32");
  if (!wide_text) {
    if (std::optional<std::string> binary = DescribeBinary(payload)) {
      return BinaryPayloadError(raw.format(), *binary);
    }
  }
  DecodeOptions decode_options;
  decode_options.invalid_utf8 = config_.invalid_utf8;
  decode_options.max_invalid_utf8_fraction = config_.max_invalid_utf8_fraction;
  absl::StatusOr<DecodedPayload> decoded =
      DecodePayload(payload, raw.content_type(), decode_options);
  if (!decoded.ok()) return decoded.status();
  const std::string& text = decoded->text;
  if (wide_text) {
    if (std::optional<std::string> binary = DescribeBinary(text)) {
      return BinaryPayloadError(raw.format(), *binary);
    }
  }
  if (IsBlank(text)) {
    return DeadLetterError(v1::DEAD_LETTER_REASON_EMPTY_STORY,
                           "payload holds only white space");
  }

  v1::WireFormat format = raw.format();
  // Set when the payload opens like markup but reads as text.
  std::string fallback_root;
  if (!IsFeedDeclared(format)) {
    format = DetectFormat(text, raw.content_type());
    if (!IsFeedDeclared(format)) return UnknownFormatError(text);
    if (format == v1::WIRE_FORMAT_PLAIN_TEXT)
      fallback_root = RootElementName(text);
  }

  v1::Story story;
  ParseHints hints;
  absl::Status parsed = Parse(format, text, raw.url(), &story, &hints);
  if (!parsed.ok()) return parsed;
  if (!fallback_root.empty()) {
    (*story.mutable_attributes())[kFormatFallbackAttribute] = "plain_text";
    (*story.mutable_attributes())[kFormatFallbackReasonAttribute] =
        absl::StrCat("opens with <", fallback_root,
                     "…>, which reads as a name in angle brackets, not as "
                     "markup of a known format");
  }

  story.set_format(format);
  story.set_source(raw.source());
  story.set_feed_item_id(raw.feed_item_id());
  if (raw.has_received_at()) *story.mutable_received_at() = raw.received_at();

  CleanDisplayFields(&story);
  ExtractStoryParts(&story);
  if (story.dateline().place().empty()) {
    story.mutable_dateline()->set_place(CleanDisplayText(hints.located));
  }
  if (!story.dateline().date_text().empty()) {
    ResolveDatelineDate(ReferenceTime(story), story.mutable_dateline());
  }
  if (story.dateline().ByteSizeLong() == 0) story.clear_dateline();
  if (story.provider().empty()) story.set_provider(story.dateline().agency());
  if (story.canonical_url().empty() &&
      (absl::StartsWith(raw.url(), "http://") ||
       absl::StartsWith(raw.url(), "https://"))) {
    story.set_canonical_url(raw.url());
  }
  if (story.version() <= 0) story.set_version(1);

  if (story.headline().empty() && story.paragraphs().empty() &&
      !IsKill(story)) {
    return DeadLetterError(
        v1::DEAD_LETTER_REASON_EMPTY_STORY,
        absl::StrCat(FormatName(format),
                     ": the story has no headline and no body text"));
  }

  std::string language = text::PrimaryLanguage(story.language());
  if (language.empty()) language = DetectLanguage(MatchingText(story));
  if (language.empty()) language = config_.fallback_language;
  story.set_language(language);

  story.set_normalized_text(FoldForMatching(MatchingText(story)));
  story.set_id(StoryId(story.source(), story.source_story_id(), story.version(),
                       story.normalized_text(), IsKill(story)));
  return story;
}

}  // namespace wirestream::normalize
