// Every payload in testdata/bad is dead-lettered with the reason and the
// message that testdata/bad/EXPECTED.txt gives for it.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "pipeline/stages/normalize/test_support.h"

namespace wirestream::normalize {
namespace {

constexpr absl::string_view kBadDir = "pipeline/stages/normalize/testdata/bad";

struct BadCase {
  std::string file;
  v1::WireFormat declared = v1::WIRE_FORMAT_UNSPECIFIED;
  v1::DeadLetterReason reason = v1::DEAD_LETTER_REASON_UNSPECIFIED;
  std::string message;
};

v1::WireFormat FormatNamed(absl::string_view name) {
  if (name == "ninjs") return v1::WIRE_FORMAT_NINJS;
  if (name == "newsml-g2") return v1::WIRE_FORMAT_NEWSML_G2;
  if (name == "nitf") return v1::WIRE_FORMAT_NITF;
  if (name == "anpa-1312") return v1::WIRE_FORMAT_ANPA_1312;
  if (name == "iptc-7901") return v1::WIRE_FORMAT_IPTC_7901;
  if (name == "html") return v1::WIRE_FORMAT_HTML;
  if (name == "text") return v1::WIRE_FORMAT_PLAIN_TEXT;
  return v1::WIRE_FORMAT_UNSPECIFIED;
}

std::vector<BadCase> ReadCases() {
  std::vector<BadCase> cases;
  std::string manifest =
      ReadWorkspaceFile(absl::StrCat(kBadDir, "/EXPECTED.txt"));
  for (absl::string_view line : absl::StrSplit(manifest, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields = absl::StrSplit(line, " | ");
    if (fields.size() != 4) {
      ADD_FAILURE() << "bad manifest line: " << line;
      continue;
    }
    BadCase c;
    c.file = fields[0];
    c.declared = FormatNamed(fields[1]);
    if (!v1::DeadLetterReason_Parse(fields[2], &c.reason)) {
      ADD_FAILURE() << "unknown reason in: " << line;
    }
    c.message = fields[3];
    cases.push_back(std::move(c));
  }
  return cases;
}

class BadInputTest : public testing::TestWithParam<BadCase> {};

TEST_P(BadInputTest, IsDeadLetteredWithItsReason) {
  const BadCase& c = GetParam();
  std::unique_ptr<Normalizer> normalizer =
      *Normalizer::Create(NormalizerConfig{});
  v1::RawStory raw = SampleRawStory(
      c.file, ReadWorkspaceFile(absl::StrCat(kBadDir, "/", c.file)));
  raw.set_format(c.declared);
  EXPECT_THAT(normalizer->Normalize(raw).status(),
              IsDeadLetter(c.reason, c.message));
}

TEST(BadInputCorpusTest, EveryFileHasACase) {
  std::set<std::string> listed;
  for (const BadCase& c : ReadCases()) listed.insert(c.file);
  for (const std::string& file : ListWorkspaceDirectory(kBadDir)) {
    if (file == "EXPECTED.txt") continue;
    EXPECT_TRUE(listed.count(file)) << file << " has no line in EXPECTED.txt";
  }
}

INSTANTIATE_TEST_SUITE_P(Manifest, BadInputTest, testing::ValuesIn(ReadCases()),
                         [](const testing::TestParamInfo<BadCase>& info) {
                           std::string name = absl::StrCat(
                               info.param.file, "_",
                               static_cast<int>(info.param.declared));
                           for (char& c : name) {
                             if (!absl::ascii_isalnum(
                                     static_cast<unsigned char>(c)))
                               c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace wirestream::normalize
