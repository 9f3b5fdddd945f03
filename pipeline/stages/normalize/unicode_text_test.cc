#include "pipeline/stages/normalize/unicode_text.h"

#include <string>

#include "gtest/gtest.h"

namespace wirestream::normalize {
namespace {

TEST(ScanUtf8Test, CountsInvalidBytes) {
  EXPECT_EQ(ScanUtf8("plain ASCII").invalid_bytes, 0u);
  EXPECT_EQ(ScanUtf8("caf\xc3\xa9").invalid_bytes, 0u);
  Utf8Scan scan = ScanUtf8("caf\xe9 and \xff");
  EXPECT_EQ(scan.invalid_bytes, 2u);
  EXPECT_EQ(scan.first_invalid_offset, 3u);
  // Overlong "/", a UTF-16 surrogate, and a truncated sequence.
  EXPECT_EQ(ScanUtf8("\xc0\xaf").invalid_bytes, 2u);
  EXPECT_EQ(ScanUtf8("\xed\xa0\x80").invalid_bytes, 3u);
  EXPECT_EQ(ScanUtf8("end\xe2\x82").invalid_bytes, 2u);
}

TEST(RepairUtf8Test, ReadsInvalidBytesAsWindows1252) {
  EXPECT_EQ(RepairUtf8("caf\xe9 \x93quoted\x94 \x80 5"), "café “quoted” € 5");
  EXPECT_EQ(RepairUtf8("undefined \x81"), "undefined \xef\xbf\xbd");
  EXPECT_EQ(RepairUtf8("valid caf\xc3\xa9 stays"), "valid café stays");
}

TEST(CleanDisplayTextTest, AsciiTextCleansLikeAnyOther) {
  // ASCII takes a shorter path; the result must be what the general one
  // gives for the same text (here forced by a trailing non-ASCII space).
  const std::string ascii = "\t  Markets\x7f fell\r\n\x01 3%\f in  Asia \v";
  EXPECT_EQ(CleanDisplayText(ascii), "Markets fell 3% in Asia");
  EXPECT_EQ(CleanDisplayText(ascii + "\xc2\xa0"), CleanDisplayText(ascii));
  EXPECT_EQ(CleanDisplayText(""), "");
  EXPECT_EQ(CleanDisplayText(" \t\n"), "");
}

TEST(CleanDisplayTextTest, ComposesAndCollapses) {
  EXPECT_EQ(CleanDisplayText("  Cafe\xcc\x81\n\t au\xc2\xa0lait  "),
            "Café au lait");
  EXPECT_EQ(CleanDisplayText("soft\xc2\xadhyphen zero\xe2\x80\x8bwidth"),
            "softhyphen zerowidth");
  EXPECT_EQ(CleanDisplayText("bell\x07 and\x01 controls"), "bell and controls");
  EXPECT_EQ(CleanDisplayText("“Keep” — quotes — as sent"),
            "“Keep” — quotes — as sent");
}

TEST(FoldForMatchingTest, FoldsCaseQuotesDashesAndSpace) {
  EXPECT_EQ(FoldForMatching("“Ça va”, she said — ‘fine’ – OK"),
            "\"ça va\", she said - 'fine' - ok");
  EXPECT_EQ(FoldForMatching("STRASSE Straße"), "strasse strasse");
  EXPECT_EQ(FoldForMatching("ﬁle №5 … «Bonjour»"), "file no5 ... \"bonjour\"");
  EXPECT_EQ(FoldForMatching("  two\u2003spaces\nand lines  "),
            "two spaces and lines");
  EXPECT_EQ(FoldForMatching("−5 degrees"), "-5 degrees");
}

TEST(IsBlankTest, SeesUnicodeSpace) {
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank(" \t\r\n\xc2\xa0\xe3\x80\x80"));
  EXPECT_FALSE(IsBlank(" x "));
  EXPECT_FALSE(IsBlank("\xff"));
}

}  // namespace
}  // namespace wirestream::normalize
