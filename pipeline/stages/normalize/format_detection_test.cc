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

TEST(DetectFormatTest, BracketedNamesOpeningProseArePlainText) {
  EXPECT_EQ(DetectFormat("<ACME CORP> SETS QUARTERLY PAYOUT\n\nNEW YORK, "
                         "March 3 - <Acme Corp> said ...",
                         ""),
            v1::WIRE_FORMAT_PLAIN_TEXT);
  // A company whose first word is an HTML element's name is still a name.
  EXPECT_EQ(DetectFormat("<MAIN STREET BANCORP> YEAR NET\n\nShr 45 cts", ""),
            v1::WIRE_FORMAT_PLAIN_TEXT);
  // Tickers that are also element names, alone or inside the text.
  EXPECT_EQ(DetectFormat("<S> SEES HIGHER NET\n\nSears <S> said ...", ""),
            v1::WIRE_FORMAT_PLAIN_TEXT);
  EXPECT_EQ(DetectFormat("<ACME CORP> BUYS STAKE\n\nAcme said it bought "
                         "a stake in Du Pont <DD> and USAir <U>.",
                         ""),
            v1::WIRE_FORMAT_PLAIN_TEXT);
  EXPECT_EQ(DetectFormat("<p>Text", ""), v1::WIRE_FORMAT_HTML);
  EXPECT_EQ(DetectFormat("<P>Text<P>More text", ""), v1::WIRE_FORMAT_HTML);
  EXPECT_EQ(DetectFormat("<nitf>\n<head>", ""), v1::WIRE_FORMAT_NITF);
  EXPECT_EQ(DetectFormat("<rss version=\"2.0\">", ""),
            v1::WIRE_FORMAT_UNSPECIFIED);
}

TEST(ReadsAsTextTest, NamesInBracketsAreText) {
  EXPECT_TRUE(ReadsAsText("<NOVA> WINS GOVERNMENT OKAY FOR HUSKY <HYO> DEAL"));
  EXPECT_TRUE(ReadsAsText("<Union Faith Canada\nHolding Ltd> would buy"));
  EXPECT_TRUE(ReadsAsText("<NOVO INDUSTRI A/S> SAYS net rose <5 pct"));
  EXPECT_TRUE(ReadsAsText("<BODY SHOP INTERNATIONAL PLC> YEAR PROFIT"));
  EXPECT_TRUE(ReadsAsText("<HUDSON'S BAY CO> SELLS UNIT"));
  EXPECT_TRUE(ReadsAsText("<D'OR VAL MINES LTD> YEAR NET"));
}

TEST(ReadsAsTextTest, MarkupIsNot) {
  EXPECT_FALSE(ReadsAsText("<story>Text</story>"));
  EXPECT_FALSE(ReadsAsText("<story id=x>Text"));
  EXPECT_FALSE(ReadsAsText("<story><br/>Text"));
  EXPECT_FALSE(ReadsAsText("<story><!-- c -->Text"));
  EXPECT_FALSE(ReadsAsText("<?xml version=\"1.0\"?><story>Text"));
  EXPECT_FALSE(ReadsAsText("<ACME CORP>"));  // no words outside the brackets
}

TEST(RootElementNameTest, SkipsPrologue) {
  EXPECT_EQ(RootElementName("<?xml version=\"1.0\"?><!-- c --><a:b x=\"1\">"),
            "b");
  EXPECT_EQ(RootElementName("no markup"), "");
}

}  // namespace
}  // namespace wirestream::normalize
