#include "tools/produce/story_files.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::tools::produce {
namespace {

using ::testing::ElementsAre;

TEST(FormatFromPathTest, ByExtensionAndXmlRoot) {
  EXPECT_EQ(FormatFromPath("a/quake.json", "{}"), v1::WIRE_FORMAT_NINJS);
  EXPECT_EQ(FormatFromPath("storm.ANPA", ""), v1::WIRE_FORMAT_ANPA_1312);
  EXPECT_EQ(FormatFromPath("court.ipt", ""), v1::WIRE_FORMAT_IPTC_7901);
  EXPECT_EQ(FormatFromPath("page.htm", ""), v1::WIRE_FORMAT_HTML);
  EXPECT_EQ(FormatFromPath("flash.txt", ""), v1::WIRE_FORMAT_PLAIN_TEXT);
  EXPECT_EQ(FormatFromPath("item.xml",
                           "<?xml version=\"1.0\"?><newsItem xmlns=\"x\"/>"),
            v1::WIRE_FORMAT_NEWSML_G2);
  EXPECT_EQ(FormatFromPath("item.xml", "<?xml version=\"1.0\"?><nitf/>"),
            v1::WIRE_FORMAT_NITF);
  EXPECT_EQ(FormatFromPath("feed.xml", "<rss/>"), v1::WIRE_FORMAT_UNSPECIFIED);
  EXPECT_EQ(FormatFromPath("README", "x"), v1::WIRE_FORMAT_UNSPECIFIED);
}

TEST(ParseFormatNameTest, KnownNames) {
  EXPECT_EQ(*ParseFormatName("NewsML-G2"), v1::WIRE_FORMAT_NEWSML_G2);
  EXPECT_EQ(*ParseFormatName("auto"), v1::WIRE_FORMAT_UNSPECIFIED);
  EXPECT_EQ(ParseFormatName("pdf").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FormatLabelTest, FlagNames) {
  EXPECT_EQ(FormatLabel(v1::WIRE_FORMAT_NEWSML_G2), "newsml-g2");
  EXPECT_EQ(FormatLabel(v1::WIRE_FORMAT_PLAIN_TEXT), "text");
  EXPECT_EQ(FormatLabel(v1::WIRE_FORMAT_UNSPECIFIED), "undeclared");
}

TEST(CheckPayloadTest, SaysWhatIsWrong) {
  EXPECT_TRUE(CheckPayload(v1::WIRE_FORMAT_NINJS, "{\"headline\":\"x\"}").ok());
  EXPECT_EQ(CheckPayload(v1::WIRE_FORMAT_NINJS, "{\"headline\":").message(),
            "ninjs but not valid JSON");
  EXPECT_EQ(CheckPayload(v1::WIRE_FORMAT_NINJS, "[1,2]").message(),
            "ninjs but not a JSON object");
  EXPECT_EQ(CheckPayload(v1::WIRE_FORMAT_PLAIN_TEXT, " \n\t").message(),
            "empty");
  EXPECT_EQ(CheckPayload(v1::WIRE_FORMAT_UNSPECIFIED, std::string("PNG\0\1", 5))
                .message(),
            "binary data, not a story");
  EXPECT_TRUE(CheckPayload(v1::WIRE_FORMAT_NITF, "<nitf><head/></nitf>").ok());
  EXPECT_THAT(
      std::string(CheckPayload(v1::WIRE_FORMAT_NITF, "<nitf><head>").message()),
      ::testing::StartsWith("XML does not parse at byte "));
  EXPECT_TRUE(CheckPayload(v1::WIRE_FORMAT_ANPA_1312,
                           "\x16\x16\x01"
                           "a0436")
                  .ok());
  EXPECT_EQ(CheckPayload(v1::WIRE_FORMAT_IPTC_7901, "pan0411").message(),
            "teletype story without its SOH (start of header) byte");
  EXPECT_TRUE(CheckPayload(v1::WIRE_FORMAT_HTML, "<p>tag soup").ok());
}

TEST(ListStoryFilesTest, DirectoriesRecursivelySortedHiddenSkipped) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(std::getenv("TEST_TMPDIR")) / "stories";
  fs::create_directories(root / "b" / "c");
  fs::create_directories(root / ".cache");
  for (const char* name :
       {"b/c/3.txt", "b/2.xml", "a.json", ".hidden.txt", ".cache/x.txt"}) {
    std::ofstream(root / name) << "x";
  }
  absl::StatusOr<std::vector<std::string>> files =
      ListStoryFiles({"-", root.string()});
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_THAT(*files, ElementsAre("-", (root / "a.json").string(),
                                  (root / "b/2.xml").string(),
                                  (root / "b/c/3.txt").string()));
  absl::StatusOr<std::vector<std::string>> missing =
      ListStoryFiles({(root / "nope.xml").string()});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            (root / "nope.xml").string() + ": no such file");
}

}  // namespace
}  // namespace wirestream::tools::produce
