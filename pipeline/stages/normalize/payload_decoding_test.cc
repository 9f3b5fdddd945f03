#include "pipeline/stages/normalize/payload_decoding.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/normalize/test_support.h"

namespace wirestream::normalize {
namespace {

using ::testing::Optional;

TEST(DeclaredCharsetTest, FindsTheDeclaration) {
  EXPECT_EQ(DeclaredCharset("\xef\xbb\xbfText", ""), "utf-8");
  EXPECT_EQ(DeclaredCharset("\xff\xfeT\0", ""), "utf-16le");
  EXPECT_EQ(DeclaredCharset("x", "text/html; charset=ISO-8859-1"),
            "iso-8859-1");
  EXPECT_EQ(DeclaredCharset(
                "<?xml version=\"1.0\" encoding=\"windows-1251\"?><nitf/>", ""),
            "windows-1251");
  EXPECT_EQ(DeclaredCharset("<html><head><meta charset=\"Shift_JIS\">", ""),
            "shift_jis");
  EXPECT_EQ(DeclaredCharset("<p>no declaration</p>", "text/html"), "");
}

TEST(DecodePayloadTest, ConvertsDeclaredCharsets) {
  absl::StatusOr<DecodedPayload> decoded = DecodePayload(
      "<?xml version=\"1.0\" encoding=\"windows-1251\"?><p>\xcc\xee\xf1\xea"
      "\xe2\xe0</p>",
      "", DecodeOptions{});
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->text,
            "<?xml version=\"1.0\" encoding=\"windows-1251\"?><p>Москва</p>");
  EXPECT_EQ(decoded->converted_from, "windows-1251");
}

TEST(DecodePayloadTest, StripsTheUtf8ByteOrderMark) {
  EXPECT_EQ(DecodePayload("\xef\xbb\xbfHello", "", DecodeOptions{})->text,
            "Hello");
}

TEST(DecodePayloadTest, RepairsOrRefusesInvalidUtf8) {
  absl::StatusOr<DecodedPayload> repaired = DecodePayload(
      "A caf\xe9 in Paris, open every day of the week.", "", DecodeOptions{});
  ASSERT_TRUE(repaired.ok());
  EXPECT_EQ(repaired->text, "A café in Paris, open every day of the week.");
  EXPECT_EQ(repaired->repaired_bytes, 1u);

  EXPECT_THAT(
      DecodePayload("\xe9\xe9\xe9 mostly broken", "", DecodeOptions{}).status(),
      IsDeadLetter(v1::DEAD_LETTER_REASON_INVALID_UTF8,
                   "payload is not valid UTF-8: 3 invalid bytes in 17 "
                   "(first at byte 0); more than 5% cannot be "
                   "repaired"));
}

TEST(DescribeBinaryTest, TellsBinaryFromWireText) {
  EXPECT_THAT(DescribeBinary("%PDF-1.7\n..."),
              Optional(std::string("a PDF document")));
  EXPECT_THAT(DescribeBinary(std::string("ab\0cd", 5)),
              Optional(std::string("NUL byte at offset 2")));
  // Teletype framing is text.
  EXPECT_EQ(DescribeBinary("\x16\x16\x01"
                           "a0436\x1f"
                           "apn\r\n\x02text\x03\x04"),
            std::nullopt);
  EXPECT_EQ(DescribeBinary("An ordinary story.\n"), std::nullopt);
}

TEST(QuotePrefixTest, EscapesForMessages) {
  EXPECT_EQ(QuotePrefix("%PDF\n\x01\"x\"", 16), "\"%PDF\\n\\x01\\\"x\\\"\"");
  EXPECT_EQ(QuotePrefix("0123456789", 4), "\"0123\"…");
}

}  // namespace
}  // namespace wirestream::normalize
