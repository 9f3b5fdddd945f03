// Golden tests: the hard cases in testdata/hard_cases.txt, each with its
// expected topics, countries and roles, regions and focus country.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "pipeline/stages/classify/classifier.h"
#include "pipeline/stages/classify/corpus.h"

namespace wirestream::classify {
namespace {

std::string ReadTestFile(const std::string& path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  std::ifstream in(std::string(srcdir != nullptr ? srcdir : ".") +
                   "/wirestream/" + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string OrDash(const std::vector<std::string>& v) {
  return v.empty() ? "-" : absl::StrJoin(v, " ");
}

TEST(GoldenTest, HardCases) {
  auto classifier = Classifier::Create({});
  ASSERT_TRUE(classifier.ok()) << classifier.status();
  auto cases = ParseCorpus(
      ReadTestFile("pipeline/stages/classify/testdata/hard_cases.txt"),
      "hard_cases.txt");
  ASSERT_TRUE(cases.ok()) << cases.status();
  ASSERT_GE(cases->size(), 10u);
  for (const LabelledStory& c : *cases) {
    SCOPED_TRACE(c.id);
    wirestream::v1::EnrichedStory out;
    (*classifier)->Classify(c.story, &out);

    std::vector<std::string> topics, countries, regions;
    std::string top_topic;
    for (const auto& t : out.topics()) {
      topics.push_back(t.code());
      if (top_topic.empty() && t.parent_code().empty()) top_topic = t.code();
    }
    for (const auto& x : out.countries()) {
      countries.push_back(absl::StrCat(
          x.code(), ":",
          absl::StripPrefix(wirestream::v1::CountryRole_Name(x.role()),
                            "COUNTRY_ROLE_")));
    }
    for (const auto& r : out.regions()) regions.push_back(r.m49_code());

    const auto& e = c.expectations;
    ASSERT_TRUE(e.count("top-topic") && e.count("countries") &&
                e.count("regions") && e.count("focus"));
    EXPECT_EQ(top_topic, e.at("top-topic"));
    if (e.count("topics")) EXPECT_EQ(OrDash(topics), e.at("topics"));
    EXPECT_EQ(OrDash(countries), e.at("countries"));
    EXPECT_EQ(OrDash(regions), e.at("regions"));
    EXPECT_EQ(out.focus_country().empty() ? "-" : out.focus_country(),
              e.at("focus"));
    // Every topic and country explains itself.
    for (const auto& t : out.topics()) EXPECT_GT(t.evidence_size(), 0);
    for (const auto& x : out.countries()) EXPECT_GT(x.evidence_size(), 0);
  }
}

}  // namespace
}  // namespace wirestream::classify
