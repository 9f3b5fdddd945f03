#include "pipeline/stages/normalize/teletype_parser.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/normalize/test_support.h"

namespace wirestream::normalize {
namespace {

using ::testing::ElementsAre;

std::string Anpa(const std::string& second_line, const std::string& text) {
  return "\x16\x16\x01"
         "a0436\x1f"
         "apn\r\n" +
         second_line + "\r\n\x02" + text +
         "\x03"
         "AP-NY-11-28-23 0436EST<\r\n\x04";
}

TEST(ParseAnpa1312Test, ReadsTheHeaderCodes) {
  v1::Story story;
  ASSERT_TRUE(
      ParseAnpa1312(
          Anpa("b i\x13\x11 BC-Quake-Japan  11-28 0210",
               "^Quake shakes Tokyo<\r\n\t   TOKYO (AP) _ A quake.\r\n"),
          &story)
          .ok());
  EXPECT_EQ(story.urgency(), 2);  // bulletin
  EXPECT_EQ(story.source_story_id(), "Quake-Japan");
  EXPECT_THAT(story.keywords(), ElementsAre("Quake-Japan"));
  ASSERT_EQ(story.subjects_size(), 1);
  EXPECT_EQ(story.subjects(0).code(), "anpa-category:i");
  EXPECT_EQ(story.subjects(0).name(), "International news");
  EXPECT_EQ(story.headline(), "Quake shakes Tokyo");
  EXPECT_THAT(story.paragraphs(), ElementsAre("TOKYO (AP) — A quake."));
  EXPECT_EQ(story.version_created().seconds(), 1701164160);  // 09:36Z
}

TEST(ParseAnpa1312Test, ReadsVersionMarkers) {
  struct Case {
    std::string version;
    int expected_version;
    std::string expected_id;
    v1::PubStatus expected_status;
  };
  for (const Case& c : {
           Case{"1stLd-Writethru", 2, "Quake-Japan", v1::PUB_STATUS_USABLE},
           Case{"3rd Ld-Writethru", 4, "Quake-Japan", v1::PUB_STATUS_USABLE},
           Case{"Writethru", 2, "Quake-Japan", v1::PUB_STATUS_USABLE},
           Case{"Correction", 2, "Quake-Japan", v1::PUB_STATUS_USABLE},
           Case{"2ndAdd", 1, "Quake-Japan/add-2", v1::PUB_STATUS_USABLE},
           Case{"Kill", 1, "Quake-Japan", v1::PUB_STATUS_CANCELED},
           Case{"Withhold", 1, "Quake-Japan", v1::PUB_STATUS_WITHHELD},
       }) {
    v1::Story story;
    ASSERT_TRUE(ParseAnpa1312(Anpa("r i\x13\x11 BC-Quake-Japan " + c.version +
                                       " 11-28 0210",
                                   "^Quake shakes Tokyo<\r\n\t   Text.\r\n"),
                              &story)
                    .ok())
        << c.version;
    EXPECT_EQ(story.version(), c.expected_version) << c.version;
    EXPECT_EQ(story.source_story_id(), c.expected_id) << c.version;
    EXPECT_EQ(story.pub_status() == v1::PUB_STATUS_UNSPECIFIED
                  ? v1::PUB_STATUS_USABLE
                  : story.pub_status(),
              c.expected_status)
        << c.version;
  }
}

TEST(ParseAnpa1312Test, ReportsBrokenFraming) {
  v1::Story story;
  EXPECT_THAT(ParseAnpa1312("\x01"
                            "a0436 apn\r\nr i Quake\r\n\x02text\x03",
                            &story),
              IsDeadLetter(v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD,
                           "ANPA-1312 error at byte 11: expected US (0x1F) "
                           "after the story number in the first header line"));
  EXPECT_THAT(ParseAnpa1312("\x01"
                            "a0436\x1f"
                            "apn\r\nr i Quake",
                            &story),
              IsDeadLetter(v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD,
                           "ANPA-1312 error at byte 21: no STX (0x02) opens "
                           "the text (truncated?)"));
  EXPECT_THAT(ParseAnpa1312("\x01"
                            "a0436\x1f"
                            "apn\r\n12 Quake\r\n\x02t\x03",
                            &story),
              IsDeadLetter(v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD,
                           "ANPA-1312 error at byte 12: expected the priority "
                           "and category codes (e.g. \"r i\") to open the "
                           "second header line"));
}

TEST(ParseIptc7901Test, ReadsHeaderKeywordsAndText) {
  v1::Story story;
  ASSERT_TRUE(ParseIptc7901("\x01"
                            "bkn014 4 pl 171 KNA 231128-89-00065#3\r\n"
                            "Bundestag/Kinder (2. Zusammenfassung)\r\n"
                            "\x02Kommission tagt=\r\n"
                            "Berlin (KNA) Die Kommission\r\n"
                            "tagte am Dienstag.\r\n"
                            "   Sie entscheidet einstimmig.\r\n"
                            "\x03"
                            "281215 Nov 23\r\n\x04",
                            &story)
                  .ok());
  EXPECT_EQ(story.headline(), "Kommission tagt");
  EXPECT_EQ(story.provider(), "KNA");
  EXPECT_EQ(story.urgency(), 4);
  EXPECT_EQ(story.source_story_id(), "231128-89-00065");
  EXPECT_EQ(story.version(), 3);
  EXPECT_THAT(story.keywords(), ElementsAre("Bundestag/Kinder"));
  EXPECT_THAT(story.paragraphs(),
              ElementsAre("Berlin (KNA) Die Kommission tagte am Dienstag.",
                          "Sie entscheidet einstimmig."));
  EXPECT_EQ(story.subjects(0).code(), "iptc7901-category:pl");
  EXPECT_EQ(story.version_created().seconds(), 1701173700);  // 12:15Z
}

TEST(ParseIptc7901Test, ReadsKillMarkers) {
  v1::Story story;
  ASSERT_TRUE(ParseIptc7901("\x01"
                            "dpa0400 1 pl 20 dpa\r\n"
                            "Bundestag/Haushalt (Zurückziehung)\r\n"
                            "\x02"
                            "Achtung=\r\nDie Meldung wird zurückgezogen.\r\n"
                            "\x03",
                            &story)
                  .ok());
  EXPECT_EQ(story.pub_status(), v1::PUB_STATUS_CANCELED);
  EXPECT_EQ(story.source_story_id(), "Bundestag/Haushalt");
}

}  // namespace
}  // namespace wirestream::normalize
