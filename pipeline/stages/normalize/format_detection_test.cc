#include "pipeline/stages/normalize/format_detection.h"

#include "gtest/gtest.h"

namespace wirestream::normalize {
namespace {

TEST(DetectFormatTest, RecognisesEachFormat) {
  EXPECT_EQ(DetectFormat("  {\"uri\": \"x\"}", ""), v1::WIRE_FORMAT_NINJS);
  EXPECT_EQ(DetectFormat("<?xml version=\"1.0\"?>\n<!-- feed -->\n"
                         "<newsMessage xmlns=\"http://iptc.org/std/nar/"
                         "2006-10-01/\">",
                         ""),
            v1::WIRE_FORMAT_NEWSML_G2);
  EXPECT_EQ(DetectFormat("<nar:newsItem guid=\"x\">", ""),
            v1::WIRE_FORMAT_NEWSML_G2);
  EXPECT_EQ(DetectFormat("<?xml version=\"1.0\"?><!DOCTYPE nitf SYSTEM "
                         "\"nitf.dtd\"><nitf>",
                         ""),
            v1::WIRE_FORMAT_NITF);
  EXPECT_EQ(DetectFormat("<!DOCTYPE html><html lang=\"en\">", ""),
            v1::WIRE_FORMAT_HTML);
  EXPECT_EQ(DetectFormat("<div class=\"story\"><p>Text</p></div>", ""),
            v1::WIRE_FORMAT_HTML);
  EXPECT_EQ(DetectFormat("\x16\x16\x01"
                         "a0436\x1f"
                         "apn\r\nu a",
                         ""),
            v1::WIRE_FORMAT_ANPA_1312);
  EXPECT_EQ(DetectFormat("\x01"
                         "dpa0312 3 pl 214\r\nBundestag",
                         ""),
            v1::WIRE_FORMAT_IPTC_7901);
  EXPECT_EQ(DetectFormat("Quake hits Tokyo\n\nA quake hit.", ""),
            v1::WIRE_FORMAT_PLAIN_TEXT);
  EXPECT_EQ(DetectFormat("<<BREAKING>> Quake hits Tokyo", ""),
            v1::WIRE_FORMAT_PLAIN_TEXT);
}

TEST(DetectFormatTest, RefusesOtherVocabularies) {
  EXPECT_EQ(DetectFormat("<rss version=\"2.0\">", ""),
            v1::WIRE_FORMAT_UNSPECIFIED);
  EXPECT_EQ(DetectFormat("<NewsML Version=\"1.2\">", ""),
            v1::WIRE_FORMAT_UNSPECIFIED);
  EXPECT_EQ(DetectFormat("[1, 2, 3]", ""), v1::WIRE_FORMAT_UNSPECIFIED);
}

TEST(RootElementNameTest, SkipsPrologue) {
  EXPECT_EQ(RootElementName("<?xml version=\"1.0\"?><!-- c --><a:b x=\"1\">"),
            "b");
  EXPECT_EQ(RootElementName("no markup"), "");
}

}  // namespace
}  // namespace wirestream::normalize
