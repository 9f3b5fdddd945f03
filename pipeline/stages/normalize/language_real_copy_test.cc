// Language detection on real copy in every wire language: the stories of
// classify's real-copy sets (pipeline/stages/classify/corpus, real_<lang>
// and wire_<lang>; reuters_holdout for English), each as headline and body
// the way the normalizer hands them to DetectLanguage. A story put in the
// wrong language gets the wrong topic model and never meets its re-sends in
// dedup, so every story of these sets must be detected right.
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "pipeline/stages/classify/corpus.h"
#include "pipeline/stages/normalize/language.h"

namespace wirestream::normalize {
namespace {

constexpr char kCorpus[] = "pipeline/stages/classify/corpus/";

std::vector<classify::LabelledStory> Read(const std::string& file) {
  std::ifstream in(absl::StrCat(kCorpus, file), std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << file;
  std::string contents((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
  auto stories = classify::ParseCorpus(contents, file);
  EXPECT_TRUE(stories.ok()) << stories.status();
  return stories.ok() ? *stories : std::vector<classify::LabelledStory>{};
}

// Returns the share of the language's real stories detected as `language`,
// and logs the others.
double DetectedShare(const std::string& language) {
  std::vector<std::string> files = {"reuters_holdout.txt"};
  if (language != "en") {
    files = {absl::StrCat("real_", language, ".txt"),
             absl::StrCat("wire_", language, ".txt")};
  }
  int right = 0, all = 0;
  for (const std::string& file : files) {
    for (const classify::LabelledStory& labelled : Read(file)) {
      std::string text =
          absl::StrCat(labelled.story.headline(), "\n",
                       absl::StrJoin(labelled.story.paragraphs(), "\n"));
      std::string detected = DetectLanguage(text);
      ++all;
      if (detected == language) {
        ++right;
      } else {
        std::cout << language << " " << labelled.id << ": detected \""
                  << detected << "\": " << labelled.story.headline() << "\n";
      }
    }
  }
  std::cout << language << ": " << right << " of " << all
            << " detected right\n";
  return all == 0 ? 0 : static_cast<double>(right) / all;
}

TEST(LanguageRealCopyTest, EveryWireLanguageIsDetected) {
  // Every story of these sets: CLD2 alone put a French story in Malagasy
  // and a Spanish one in Catalan (IsWireLanguage in language.cc).
  for (const char* language :
       {"en", "fr", "de", "es", "it", "pt", "ru", "ar", "zh", "ja", "ko"}) {
    EXPECT_EQ(DetectedShare(language), 1.0) << language;
  }
}

}  // namespace
}  // namespace wirestream::normalize
