#include "pipeline/stages/classify/corpus.h"

#include "gtest/gtest.h"

namespace wirestream::classify {
namespace {

TEST(CorpusTest, ReadsSetAndLanguage) {
  auto stories = ParseCorpus(
      "# comment\n"
      "id: fr-01\n"
      "topics: medtop:04000000\n"
      "countries: FR\n"
      "focus: FR\n"
      "set: heldout\n"
      "language: fr\n"
      "headline: La Bourse de Paris recule\n"
      "Le CAC 40 a perdu 1 %.\n"
      "---\n"
      "id: fr-02\n"
      "topics: medtop:15000000\n"
      "set: dev\n"
      "headline: Le PSG gagne\n"
      "---\n"
      "id: fr-03\n"
      "topics: medtop:15000000\n"
      "headline: Sans set\n"
      "---\n",
      "real_fr.txt");
  ASSERT_TRUE(stories.ok()) << stories.status();
  ASSERT_EQ(stories->size(), 3u);
  EXPECT_EQ((*stories)[0].set, "heldout");
  EXPECT_EQ((*stories)[0].story.language(), "fr");
  EXPECT_EQ((*stories)[0].story.paragraphs(0), "Le CAC 40 a perdu 1 %.");
  EXPECT_EQ((*stories)[1].set, "dev");
  EXPECT_EQ((*stories)[1].story.language(), "");
  EXPECT_EQ((*stories)[2].set, "");
}

TEST(CorpusTest, UnknownSetNamesFileAndLine) {
  auto stories = ParseCorpus(
      "id: x\ntopics: medtop:15000000\nset: test\nheadline: h\n---\n",
      "real_de.txt");
  EXPECT_EQ(stories.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(stories.status().message(),
            "real_de.txt:3: set must be dev or heldout, not \"test\"");
}

TEST(CorpusTest, LanguageFromFileName) {
  EXPECT_EQ(CorpusLanguage("corpus/real_fr.txt"), "fr");
  EXPECT_EQ(CorpusLanguage("/a/b/train_zh.txt"), "zh");
  EXPECT_EQ(CorpusLanguage("wire_ko.txt"), "ko");
  EXPECT_EQ(CorpusLanguage("corpus/train.txt"), "");
  EXPECT_EQ(CorpusLanguage("eval.txt"), "");
  EXPECT_EQ(CorpusLanguage("real_fr.tsv"), "");
}

}  // namespace
}  // namespace wirestream::classify
