#include "pipeline/stages/classify/classifier.h"

#include <random>

#include "gtest/gtest.h"

namespace wirestream::classify {
namespace {

TEST(ClassifierTest, EmbeddedDataBuilds) {
  auto c = Classifier::Create({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ((*c)->topic_model().topics().size(), 43u);
  EXPECT_EQ((*c)->gazetteer().country_count(), 250u);
}

TEST(ClassifierTest, MissingDataDirIsNotFound) {
  auto c = Classifier::Create({.data_dir = "/nonexistent/classify"});
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
}

TEST(ClassifierTest, BadThresholdIsInvalid) {
  auto c = Classifier::Create({.topic_threshold = 1.5f});
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  c = Classifier::Create({.topic_threshold = 0.0f});
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ClassifierTest, MalformedDataNamesFileAndLine) {
  ClassifierData data = EmbeddedClassifierData();
  data.gazetteer.places_tsv = "Atlantis\tXX\tcity\n";
  auto c = Classifier::Create({.data = data});
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(), "places.tsv:1: unknown country code XX");

  data = EmbeddedClassifierData();
  data.lexicon_tsv = "# comment\nmedtop:99999999\t1.0\tthing\n";
  c = Classifier::Create({.data = data});
  EXPECT_EQ(c.status().message(),
            "lexicon.tsv:2: unknown topic medtop:99999999");

  data = EmbeddedClassifierData();
  data.gazetteer.ambiguous_tsv = "Nice\tFR\tmaybe\t-\t-\t-\n";
  c = Classifier::Create({.data = data});
  EXPECT_EQ(c.status().message(),
            "ambiguous.tsv:1: default must be accept or reject, not maybe");
}

TEST(ClassifierTest, EmptyStoryGetsNoCountry) {
  auto c = Classifier::Create({});
  ASSERT_TRUE(c.ok());
  wirestream::v1::EnrichedStory out;
  (*c)->Classify(wirestream::v1::Story(), &out);
  EXPECT_EQ(out.countries_size(), 0);
  EXPECT_EQ(out.regions_size(), 0);
  EXPECT_EQ(out.focus_country(), "");
  // Every story gets its best top-level topic, however weak.
  ASSERT_EQ(out.topics_size(), 1);
  EXPECT_EQ(out.topics(0).parent_code(), "");
}

TEST(ClassifierTest, ReplacesPreviousResults) {
  auto c = Classifier::Create({});
  ASSERT_TRUE(c.ok());
  wirestream::v1::EnrichedStory out;
  out.add_countries()->set_code("ZZ");
  out.add_topics()->set_code("medtop:0");
  out.set_focus_country("ZZ");
  wirestream::v1::Story story;
  story.set_headline("Quiet day");
  (*c)->Classify(story, &out);
  for (const auto& x : out.countries()) EXPECT_NE(x.code(), "ZZ");
  for (const auto& t : out.topics()) EXPECT_NE(t.code(), "medtop:0");
  EXPECT_EQ(out.focus_country(), "");
}

// A story in a language the topic model was not trained for gets no
// topics and says why, instead of low-confidence noise ("sport 0.07" for a
// French fuel-price story); its countries are still tagged.
TEST(ClassifierTest, LanguageWithoutATopicModelSaysSo) {
  auto c = Classifier::Create({.topic_languages = {"en"}});
  ASSERT_TRUE(c.ok());
  wirestream::v1::Story story;
  story.set_language("fr-FR");
  story.set_headline("Le prix du gazole grimpe en France");
  story.add_paragraphs(
      "PARIS, 28 novembre - Le prix du gazole a atteint un record en France, "
      "selon les chiffres du ministère de la Transition énergétique.");
  wirestream::v1::EnrichedStory out;
  out.add_topics()->set_code("medtop:15000000");
  (*c)->Classify(story, &out);
  EXPECT_EQ(out.topics_size(), 0);
  EXPECT_EQ(out.topics_unavailable(), "no topic model for language fr");
  EXPECT_EQ(out.focus_country(), "FR");

  // English, and a story whose language is not known, are scored.
  for (const char* language : {"en", "en-GB", "und", ""}) {
    story.set_language(language);
    story.set_headline("Fuel prices hit record in France as diesel climbs");
    story.clear_paragraphs();
    story.add_paragraphs(
        "PARIS, Nov 28 - Diesel prices hit a record in France, energy "
        "ministry figures showed, as oil prices and taxes rose.");
    (*c)->Classify(story, &out);
    EXPECT_EQ(out.topics_unavailable(), "") << language;
    EXPECT_GT(out.topics_size(), 0) << language;
  }
}

// A language's own model (model_<lang>.tsv, lexicon_<lang>.tsv) scores its
// stories with its own tokens; English stories keep the English model.
TEST(ClassifierTest, EachLanguageHasItsOwnModel) {
  ClassifierData data = EmbeddedClassifierData();
  data.language_topics["gl"] = {.lexicon_tsv = "medtop:15000000\t4.0\tfútbol\n",
                                .model_tsv =
                                    "medtop:15000000\t__bias__\t-2.0\n"
                                    "medtop:15000000\tgoleó\t1.0\n"};
  auto c = Classifier::Create({.data = data, .topic_languages = {"en", "gl"}});
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_NE((*c)->TopicModelFor("gl"), nullptr);
  EXPECT_EQ((*c)->TopicModelFor("gl")->language(), "gl");
  EXPECT_EQ((*c)->TopicModelFor("en"), &(*c)->topic_model());
  EXPECT_EQ((*c)->TopicModelFor("fr"), nullptr);

  wirestream::v1::Story story;
  story.set_language("gl");
  story.set_headline("FÚTBOL: el equipo goleó");
  wirestream::v1::EnrichedStory out;
  (*c)->Classify(story, &out);
  EXPECT_EQ(out.topics_unavailable(), "");
  ASSERT_GE(out.topics_size(), 1);
  EXPECT_EQ(out.topics(0).code(), "medtop:15000000");
  EXPECT_TRUE(out.topics(0).primary());
  // z = -2 + 4 x 1.5 + 1 x 1.5 (both in the headline) = 5.5.
  EXPECT_FLOAT_EQ(out.topics(0).score(), 0.996f);
  ASSERT_EQ(out.topics(0).evidence_size(), 2);
  EXPECT_EQ(out.topics(0).evidence(0), "fútbol");
  EXPECT_EQ(out.topics(0).evidence(1), "goleó");

  // Listed languages only: without "gl" in topic_languages it says so.
  c = Classifier::Create({.data = data, .topic_languages = {"en"}});
  ASSERT_TRUE(c.ok()) << c.status();
  (*c)->Classify(story, &out);
  EXPECT_EQ(out.topics_size(), 0);
  EXPECT_EQ(out.topics_unavailable(), "no topic model for language gl");
}

TEST(ClassifierTest, TopicLanguageWithoutAModelIsInvalid) {
  auto c = Classifier::Create({.topic_languages = {"en", "qq"}});
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(),
            "topic_languages lists qq, which has no topic model "
            "(model_qq.tsv)");

  ClassifierData data = EmbeddedClassifierData();
  data.language_topics["gl"] = {.lexicon_tsv = "medtop:1\t1.0\tx y\n"};
  c = Classifier::Create({.data = data, .topic_languages = {"gl"}});
  EXPECT_EQ(c.status().message(), "lexicon_gl.tsv:1: unknown topic medtop:1");
}

// Untrusted text: arbitrary bytes, broken UTF-8, huge words, no spaces.
TEST(ClassifierTest, SurvivesArbitraryBytes) {
  auto c = Classifier::Create({});
  ASSERT_TRUE(c.ok());
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    wirestream::v1::Story story;
    std::string s(rng() % 600, '\0');
    for (char& ch : s) ch = static_cast<char>(rng() % 256);
    if (i % 3 == 0) s += " Paris - Kyiv U.S. Georgia Nice";
    // Every language's tokens: English's, and the others' (Korean
    // particles, Han and kana words, Cyrillic and Arabic letters).
    static constexpr const char* kLanguages[] = {"",   "ko", "zh", "ja",
                                                 "ru", "ar", "es"};
    story.set_language(kLanguages[i % 7]);
    if (i % 5 == 0) s += " 북한은 中国经济 日本の経済 Москва الحكومة";
    story.set_headline(s.substr(0, s.size() / 4));
    story.add_paragraphs(s);
    story.mutable_dateline()->set_place(s.substr(0, 12));
    wirestream::v1::EnrichedStory out;
    (*c)->Classify(story, &out);
    EXPECT_EQ(out.topics_unavailable(), "") << story.language();
    for (const auto& x : out.countries()) {
      EXPECT_GE(x.score(), 0.0f);
      EXPECT_LE(x.score(), 1.0f);
    }
    for (const auto& t : out.topics()) {
      EXPECT_GE(t.score(), 0.0f);
      EXPECT_LE(t.score(), 1.0f);
    }
  }
}

}  // namespace
}  // namespace wirestream::classify
