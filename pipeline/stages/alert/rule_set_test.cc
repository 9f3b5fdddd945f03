#include "pipeline/stages/alert/rule_set.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/alert/rules_file.h"

namespace wirestream::alert {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::wirestream::v1::EnrichedStory;

EnrichedStory Story(absl::string_view headline,
                    std::vector<std::string> paragraphs = {}) {
  EnrichedStory s;
  s.mutable_story()->set_id("s-1");
  s.mutable_story()->set_headline(std::string(headline));
  for (std::string& p : paragraphs) s.mutable_story()->add_paragraphs(p);
  return s;
}

AlertRule Rule(absl::string_view id, absl::string_view query,
               bool exact_case = false) {
  AlertRule r;
  r.id = std::string(id);
  r.name = r.id;
  r.query = std::string(query);
  r.exact_case = exact_case;
  return r;
}

std::shared_ptr<const RuleSet> Compile(std::vector<AlertRule> rules) {
  RulesConfig config;
  config.origin = "test";
  config.rules = std::move(rules);
  absl::StatusOr<std::shared_ptr<const RuleSet>> set =
      RuleSet::Create(std::move(config));
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : nullptr;
}

// Describes the hits of the single rule `query` on the story, as
// "field:offset+length term" joined by "; "; "no match" when it does not
// match.
std::string Hits(absl::string_view query, const EnrichedStory& story,
                 bool exact_case = false) {
  std::shared_ptr<const RuleSet> set = Compile({Rule("r", query, exact_case)});
  if (set == nullptr) return "bad rule";
  MatchScratch scratch;
  std::vector<RuleMatch> matches = set->Match(story, &scratch);
  if (matches.empty()) return "no match";
  std::vector<std::string> out;
  for (const TermHit& h : matches[0].hits) {
    out.push_back(absl::StrCat(FieldName(h.field), ":", h.offset, "+", h.length,
                               " ", set->query(0).terms[h.term].text));
  }
  return absl::StrJoin(out, "; ");
}

bool Matches(absl::string_view query, absl::string_view headline,
             bool exact_case = false) {
  return Hits(query, Story(headline), exact_case) != "no match";
}

struct Case {
  const char* query;
  const char* text;
  bool match;
};

void CheckCases(const std::vector<Case>& cases, bool exact_case = false) {
  for (const Case& c : cases) {
    EXPECT_EQ(Matches(c.query, c.text, exact_case), c.match)
        << "query: " << c.query << "\ntext: " << c.text;
  }
}

TEST(RuleSetOperatorsTest, Term) {
  CheckCases({
      {"balloon", "Balloon spotted over Montana", true},
      {"balloon", "A BALLOON", true},
      {"balloon", "balloons spotted", false},  // words, not substrings
      {"balloon", "hot-air-balloon festival", true},
      {"balloon", "balloonist", false},
      {"air", "hot-air balloon", true},
      {"hotline", "the Moscow–Washington hotline", true},
      {"hotline", "hot line", false},
      {"hotline", "hotlines", false},
      {"hotline", "HOTLINE", true},
  });
}

TEST(RuleSetOperatorsTest, Phrase) {
  CheckCases({
      {"\"spy balloon\"", "Chinese spy balloon shot down", true},
      {"\"spy balloon\"", "Chinese SPY  BALLOON", true},
      {"\"spy balloon\"", "spy-balloon", true},
      {"\"spy balloon\"", "balloon spy", false},  // order matters
      {"\"spy balloon\"", "spy weather balloon", false},
      {"\"spy balloon\"", "spy, balloon", true},  // punctuation is no word
      {"\"hot air balloon\"", "hot-air balloon", true},
      {"anti-government", "anti government protests", true},
      {"anti-government", "anti-government protests", true},
      {"anti-government", "antigovernment protests", false},
      {"\"U.S. military\"", "the U.S. military said", true},
      {"\"U.S. military\"", "the US military said", false},
  });
}

TEST(RuleSetOperatorsTest, Wildcard) {
  CheckCases({
      {"balloon*", "balloons spotted", true},  // plurals via wildcard
      {"balloon*", "a balloonist", true},
      {"balloon*", "balloon", true},
      {"balloon*", "ballon", false},
      {"balloon*", "weather-balloons", true},
      {"balloon*", "the hot-airballoon", false},  // only word starts
      {"\"spy ballo*\"", "spy balloons", true},
      {"\"spy ballo*\"", "spy ball", false},
      {"\"spy ballo*\"", "spy weather balloons", false},
      {"élys*", "L'ÉLYSÉE a dit", true},  // elision: "l" "elysee"
      {"élys*", "the ÉLYSÉE palace", true},
  });
}

TEST(RuleSetOperatorsTest, AndOrNot) {
  CheckCases({
      {"balloon AND military", "military balloon", true},
      {"balloon AND military", "balloon", false},
      {"balloon military", "military shoots balloon", true},
      {"balloon military", "military", false},
      {"balloon OR airship", "airship seen", true},
      {"balloon OR airship", "zeppelin seen", false},
      {"balloon NOT party", "spy balloon", true},
      {"balloon NOT party", "party balloon", false},
      {"balloon AND NOT (party OR birthday)", "birthday balloon", false},
      {"balloon AND NOT (party OR birthday)", "weather balloon", true},
      {"(balloon OR airship) AND (military OR army)", "army airship", true},
      {"(balloon OR airship) AND (military OR army)", "army tank", false},
      {"balloon OR airship AND army", "balloon", true},  // AND binds tighter
      {"balloon OR airship AND army", "airship", false},
  });
}

TEST(RuleSetOperatorsTest, Near) {
  CheckCases({
      {"spy NEAR/1 balloon", "spy balloon", true},
      {"spy NEAR/1 balloon", "balloon spy", true},  // either order
      {"spy NEAR/1 balloon", "spy big balloon", false},
      {"spy NEAR/2 balloon", "spy big balloon", true},
      {"spy NEAR/2 balloon", "balloon, big spy", true},
      {"spy NEAR/2 balloon", "spy very big balloon", false},
      {"spy NEAR/3 balloon", "spy high-altitude balloon", true},  // 2 words
      {"spy NEAR/2 balloon", "spy high-altitude balloon", false},
      {"spy NEAR/3 balloon", "spy, a very large balloon", false},
      {"(balloon* OR airship) NEAR/5 (military OR pentagon)",
       "Pentagon tracks large balloons", true},
      {"(balloon* OR airship) NEAR/5 (military OR pentagon)",
       "Pentagon tracks a very, very large balloon", false},
      {"(balloon* OR airship) NEAR/5 (military OR pentagon)",
       "an airship, said the military", true},
      {"balloon* NEAR/3 (military OR pentagon)",
       "Pentagon tracks large balloons", true},
      {"balloon* NEAR/3 (military OR pentagon)",
       "Pentagon tracks a very large balloon", false},
      {"\"spy balloon\" NEAR/2 Montana", "spy balloon over Montana", true},
      {"\"spy balloon\" NEAR/2 Montana", "Montana saw a spy balloon", false},
      {"\"spy balloon\" NEAR/3 Montana", "Montana saw a spy balloon", true},
      // Overlapping occurrences are not near each other.
      {"balloon NEAR/5 balloon*", "a balloon", false},
      {"balloon NEAR/5 balloon*", "a balloon and balloons", true},
  });
}

TEST(RuleSetOperatorsTest, NearStaysInOneFieldButCrossesParagraphs) {
  EXPECT_EQ(Hits("spy NEAR/5 balloon", Story("spy", {"balloon"})), "no match");
  EXPECT_EQ(Hits("spy NEAR/5 balloon", Story("", {"a spy.", "A balloon."})),
            "body:2+3 spy; body:10+7 balloon");
  // Phrases never span paragraphs or the headline and the body.
  EXPECT_EQ(Hits("\"spy balloon\"", Story("", {"a spy", "balloon"})),
            "no match");
  EXPECT_EQ(Hits("\"spy balloon\"", Story("spy", {"balloon"})), "no match");
}

TEST(RuleSetTokenizationTrapsTest, Possessives) {
  CheckCases({
      {"biden", "Biden's plan", true},
      {"biden", "Biden’s plan", true},
      {"\"biden plan\"", "Biden's plan", true},
      {"Biden's", "Biden plan", true},  // the query drops it too
      {"bidens", "Biden's plan", false},
      {"jones", "the Jones' house", true},
      {"o'brien", "O’Brien said", true},
      {"o'brien", "O Brien said", true},  // both are "o" "brien"
      {"don't", "I don’t know", true},
      {"don't", "I don t know", false},
  });
}

TEST(RuleSetTokenizationTrapsTest, UnicodeCase) {
  CheckCases({
      {"istanbul", "İSTANBUL", true},
      {"istanbul", "İstanbul'da patlama", false},  // Turkish suffix: one word
      {"istanbul*", "İstanbul'da patlama", true},
      {"İstanbul", "ISTANBUL", true},
      {"élysée", "ÉLYSÉE", true},
      {"elysee", "L’ÉLYSÉE", true},
      {"\"côte d'ivoire\"", "COTE D’IVOIRE", true},
      {"ivoire", "Côte d'Ivoire", true},
      {"elysee", "the ÉLYSÉE palace", true},
      {"ÉLYSÉE", "élysée", true},
      {"strasse", "Hauptstraße", false},
      {"straße", "STRASSE", true},
      {"москва", "МОСКВА", true},
      {"nato", "ＮＡＴＯ", true},
  });
}

TEST(RuleSetTokenizationTrapsTest, ExactCase) {
  CheckCases(
      {
          {"Apple", "Apple unveils", true},
          {"Apple", "an apple a day", false},
          {"Apple", "APPLE", false},
          {"Apple*", "Apples and Applebee's", true},
          {"Apple*", "apples", false},
          {"\"White House\"", "White House said", true},
          {"\"White House\"", "white house", false},
          {"Élysée", "Elysee", false},  // accents count too
          {"Élysée", "l'Élysée", true},
          {"Élysée", "the Élysée", true},
          {"Biden's", "Biden’s plan", true},
      },
      /*exact_case=*/true);
}

TEST(RuleSetTest, HitsCarryDisplayOffsets) {
  // "Élysée" is 8 bytes: offsets are bytes of the display text.
  EXPECT_EQ(Hits("élysée OR balloon",
                 Story("ÉLYSÉE: balloon", {"The Élysée said", "No balloon."})),
            "headline:0+8 élysée; headline:10+7 balloon; body:4+8 élysée; "
            "body:22+7 balloon");
  EXPECT_EQ(Hits("\"spy balloon\"", Story("A spy-balloon")),
            "headline:2+11 spy balloon");
  EXPECT_EQ(Hits("biden", Story("Biden's plan")), "headline:0+5 biden");
}

TEST(RuleSetTest, HitsLeaveOutNegatedTermsAndFarOccurrences) {
  EXPECT_EQ(Hits("balloon NOT party", Story("spy balloon")),
            "headline:4+7 balloon");
  EXPECT_EQ(
      Hits("spy NEAR/1 balloon", Story("spy balloon", {"a spy and a balloon"})),
      "headline:0+3 spy; headline:4+7 balloon");
}

TEST(RuleSetTest, FieldScope) {
  AlertRule headline_only = Rule("h", "balloon");
  headline_only.in_body = false;
  AlertRule body_only = Rule("b", "balloon");
  body_only.in_headline = false;
  auto set = Compile({headline_only, body_only});
  MatchScratch scratch;
  std::vector<RuleMatch> m = set->Match(Story("Balloon", {"x"}), &scratch);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].rule, 0);
  m = set->Match(Story("x", {"a balloon"}), &scratch);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].rule, 1);
}

TEST(RuleSetTest, Filters) {
  AlertRule r = Rule("r", "balloon");
  r.filters.topics = {"medtop:11000000"};
  r.filters.countries = {"US"};
  r.filters.regions = {"northern america"};
  r.filters.sources = {"ap"};
  r.filters.languages = {"en"};
  r.filters.max_urgency = 3;
  auto set = Compile({r});
  MatchScratch scratch;

  EnrichedStory s = Story("balloon");
  s.mutable_story()->set_source("AP");
  s.mutable_story()->set_language("en-US");
  s.mutable_story()->set_urgency(2);
  auto* topic = s.add_topics();
  topic->set_code("medtop:20000638");
  topic->set_parent_code("medtop:11000000");
  s.set_focus_country("US");
  auto* region = s.add_regions();
  region->set_m49_code("021");
  region->set_name("Northern America");
  EXPECT_EQ(set->Match(s, &scratch).size(), 1u);

  EnrichedStory t = s;
  t.mutable_story()->set_urgency(0);  // unknown urgency does not pass
  EXPECT_THAT(set->Match(t, &scratch), IsEmpty());
  t = s;
  t.mutable_story()->set_urgency(4);
  EXPECT_THAT(set->Match(t, &scratch), IsEmpty());
  t = s;
  t.mutable_story()->set_language("fr");
  EXPECT_THAT(set->Match(t, &scratch), IsEmpty());
  t = s;
  t.mutable_story()->set_source("reuters");
  EXPECT_THAT(set->Match(t, &scratch), IsEmpty());
  t.mutable_story()->set_provider("AP");  // the provider counts too
  EXPECT_EQ(set->Match(t, &scratch).size(), 1u);
  t = s;
  t.clear_topics();
  EXPECT_THAT(set->Match(t, &scratch), IsEmpty());
  t = s;
  t.clear_focus_country();
  EXPECT_THAT(set->Match(t, &scratch), IsEmpty());
  t.add_countries()->set_code("US");
  EXPECT_EQ(set->Match(t, &scratch).size(), 1u);
  t = s;
  t.clear_regions();
  EXPECT_THAT(set->Match(t, &scratch), IsEmpty());
}

TEST(RuleSetTest, ManyRulesShareTermsAndReportInRuleOrder) {
  auto set = Compile({Rule("a", "balloon AND spy"), Rule("b", "zeppelin"),
                      Rule("c", "balloon"), Rule("d", "spy NOT balloon"),
                      Rule("e", "Balloon", /*exact_case=*/true)});
  // balloon, spy, zeppelin; Balloon as written.
  EXPECT_EQ(set->pattern_count(), 4);
  MatchScratch scratch;
  std::vector<int> ids;
  for (const RuleMatch& m : set->Match(Story("Spy Balloon"), &scratch)) {
    ids.push_back(m.rule);
  }
  EXPECT_THAT(ids, ElementsAre(0, 2, 4));
  ids.clear();
  for (const RuleMatch& m : set->Match(Story("spy balloon"), &scratch)) {
    ids.push_back(m.rule);
  }
  EXPECT_THAT(ids, ElementsAre(0, 2));
  // The scratch moves between sets.
  auto other = Compile({Rule("x", "spy")});
  EXPECT_EQ(other->Match(Story("spy"), &scratch).size(), 1u);
  EXPECT_EQ(set->Match(Story("zeppelin"), &scratch).size(), 1u);
}

TEST(RuleSetTest, EmptyInputs) {
  auto set = Compile({Rule("r", "balloon")});
  MatchScratch scratch;
  EXPECT_THAT(set->Match(EnrichedStory(), &scratch), IsEmpty());
  auto none = Compile({});
  EXPECT_THAT(none->Match(Story("balloon"), &scratch), IsEmpty());
}

TEST(RuleSetCreateTest, QueryErrorsNameRuleAndLine) {
  absl::StatusOr<RulesConfig> config = ParseRulesYaml(
      "rules:\n"
      "  - id: good\n"
      "    query: balloon\n"
      "  - id: spy-balloon\n"
      "    name: Spy balloons\n"
      "    query: '\"spy balloon\" OR'\n",
      "rules.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  absl::StatusOr<std::shared_ptr<const RuleSet>> set =
      RuleSet::Create(*std::move(config));
  EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(set.status().message(),
            "rules.yaml:6: rule \"spy-balloon\": query: column 15: OR needs "
            "a term after it");

  RulesConfig in_code;
  in_code.rules = {Rule("a", "(x"), Rule("b", "y")};
  EXPECT_EQ(RuleSet::Create(in_code).status().message(),
            "rule \"a\": query: column 1: '(' is not closed with ')'");
  in_code.rules = {Rule("a", "x"), Rule("a", "y")};
  EXPECT_EQ(RuleSet::Create(in_code).status().message(),
            "rule \"a\": the id is used by another rule");
}

// ---------------------------------------------------------------------------
// Languages and scripts (README.md, "Languages").

EnrichedStory StoryIn(absl::string_view language, absl::string_view headline) {
  EnrichedStory s = Story(headline);
  s.mutable_story()->set_language(std::string(language));
  return s;
}

TEST(RuleSetLanguagesTest, ChineseTermsAreDictionaryWords) {
  const EnrichedStory zh = StoryIn("zh-CN", "中国和日本举行会谈");
  EXPECT_EQ(Hits("日本", zh), "headline:9+6 日本");
  EXPECT_EQ(Hits("\"中国 和 日本\"", zh), "headline:0+15 中国 和 日本");
  // Written without spaces, a phrase is cut like the story.
  EXPECT_EQ(Hits("\"中国和日本\"", zh), "headline:0+15 中国和日本");
  // A character inside a word is no word.
  EXPECT_EQ(Hits("本", zh), "no match");
  EXPECT_EQ(Hits("会谈*", zh), "headline:21+6 会谈*");
}

TEST(RuleSetLanguagesTest, NearCountsChineseWordsNotCharacters) {
  // 中国 政府 和 日本: three words apart (seven characters).
  const EnrichedStory zh = StoryIn("zh", "中国政府和日本举行会谈");
  EXPECT_EQ(Hits("中国 NEAR/3 日本", zh),
            "headline:0+6 中国; headline:15+6 日本");
  EXPECT_EQ(Hits("中国 NEAR/2 日本", zh), "no match");
  EXPECT_EQ(Hits("日本 NEAR/1 举行", zh),
            "headline:15+6 日本; headline:21+6 举行");
}

TEST(RuleSetLanguagesTest, JapaneseVoicedKanaDoNotFold) {
  const EnrichedStory ja = StoryIn("ja", "東京都でガス漏れ");
  EXPECT_EQ(Hits("ガス", ja), "headline:12+6 ガス");
  EXPECT_EQ(Hits("カス", ja), "no match");
  EXPECT_EQ(Hits("東京 NEAR/3 漏れ", ja), "no match");
  EXPECT_EQ(Hits("東京 NEAR/4 漏れ", ja),
            "headline:0+6 東京; headline:18+6 漏れ");
  EXPECT_EQ(Hits("カス", StoryIn("ja", "カスが出た")), "headline:0+6 カス");
}

TEST(RuleSetLanguagesTest, KoreanWordsKeepTheirParticles) {
  const EnrichedStory ko = StoryIn("ko", "북한은 미사일을 발사했다");
  EXPECT_EQ(Hits("북한*", ko), "headline:0+9 북한*");
  EXPECT_EQ(Hits("북한은", ko), "headline:0+9 북한은");
  EXPECT_EQ(Hits("미사일* NEAR/1 발사*", ko),
            "headline:10+12 미사일*; headline:23+12 발사*");
  EXPECT_EQ(Hits("남한*", ko), "no match");
}

TEST(RuleSetLanguagesTest, ThaiIsCutIntoWords) {
  const EnrichedStory th = StoryIn("th", "นายกรัฐมนตรีไทยเดินทางไปญี่ปุ่น");
  EXPECT_EQ(Hits("รัฐมนตรี", th), "headline:12+24 รัฐมนตรี");
  EXPECT_EQ(Hits("มนตรี", th), "no match");
  EXPECT_EQ(Hits("นายก NEAR/1 ไทย", th), "no match");
  EXPECT_EQ(Hits("นายก NEAR/2 ไทย", th),
            "headline:0+12 นายก; headline:36+9 ไทย");
  // Tone marks are letters' parts: ไก่ (chicken) is not ไก.
  EXPECT_EQ(Hits("ไก", StoryIn("th", "ไก่ ราคา")), "no match");
}

TEST(RuleSetLanguagesTest, DevanagariVowelSignsStay) {
  EXPECT_EQ(Hits("समाचार", StoryIn("hi", "हिन्दी समाचार")),
            "headline:19+18 समाचार");
  const EnrichedStory hi = StoryIn("hi", "कमाल की खबर");
  EXPECT_EQ(Hits("कमल", hi), "no match");
  EXPECT_EQ(Hits("कमाल", hi), "headline:0+12 कमाल");
}

TEST(RuleSetLanguagesTest, ArabicHarakatTatweelAndAlefForms) {
  EXPECT_EQ(Hits("احمد", StoryIn("ar", "أَحْمَد قال")), "headline:0+14 احمد");
  EXPECT_EQ(Hits("أحمد", StoryIn("ar", "احمد قال")), "headline:0+8 أحمد");
  EXPECT_EQ(Hits("اسلام", StoryIn("ar", "إسلام")), "headline:0+10 اسلام");
  EXPECT_EQ(Hits("العربية", StoryIn("ar", "العربيـــة")),
            "headline:0+20 العربية");
  // Hamza on waw is a letter of its own.
  EXPECT_EQ(Hits("سوال", StoryIn("ar", "سؤال")), "no match");
}

TEST(RuleSetLanguagesTest, HebrewPointsFold) {
  EXPECT_EQ(Hits("שלום", StoryIn("he", "שָׁלוֹם עליכם")), "headline:0+14 שלום");
}

TEST(RuleSetLanguagesTest, RussianYoIsYeAndShortIStays) {
  EXPECT_EQ(Hits("елка", StoryIn("ru", "Ёлка в Кремле")), "headline:0+8 елка");
  EXPECT_EQ(Hits("ЁЛКА", StoryIn("ru", "елка в Кремле")), "headline:0+8 ЁЛКА");
  const EnrichedStory ru = StoryIn("ru", "Мой дом");
  EXPECT_EQ(Hits("мои", ru), "no match");
  EXPECT_EQ(Hits("МОЙ", ru), "headline:0+6 МОЙ");
}

TEST(RuleSetLanguagesTest, GreekAccentsFold) {
  EXPECT_EQ(Hits("Αθηνα", StoryIn("el", "ΑΘΉΝΑ σήμερα")),
            "headline:0+10 Αθηνα");
}

TEST(RuleSetLanguagesTest, SpanishKeepsEnye) {
  const EnrichedStory es = StoryIn("es-MX", "El año nuevo");
  EXPECT_EQ(Hits("ano", es), "no match");
  EXPECT_EQ(Hits("año", es), "headline:3+4 año");
  EXPECT_EQ(Hits("AÑO", es), "headline:3+4 AÑO");
  // Other accents fold either way round.
  EXPECT_EQ(Hits("Mexico", StoryIn("es", "Visita a México")),
            "headline:9+7 Mexico");
  EXPECT_EQ(Hits("México", StoryIn("es", "Visita a Mexico")),
            "headline:9+6 México");
  // In an English story "año" is folded the generic way.
  EXPECT_EQ(Hits("ano", StoryIn("en", "El año nuevo")), "headline:3+4 ano");
}

TEST(RuleSetLanguagesTest, GermanUmlautsMatchTheirESpellings) {
  EXPECT_EQ(Hits("Mueller", StoryIn("de", "Müller tritt zurück")),
            "headline:0+7 Mueller");
  EXPECT_EQ(Hits("Müller", StoryIn("de-AT", "MUELLER tritt zurück")),
            "headline:0+7 Müller");
  EXPECT_EQ(Hits("zuruck", StoryIn("de", "Müller tritt zurück")), "no match");
  EXPECT_EQ(Hits("strasse", StoryIn("de", "Die Straße")),
            "headline:4+7 strasse");
  EXPECT_EQ(Hits("Cafe", StoryIn("de", "Im Café")), "headline:3+5 Cafe");
  // In an English story ü folds to u.
  EXPECT_EQ(Hits("Muller", StoryIn("en", "Müller resigns")),
            "headline:0+7 Muller");
}

TEST(RuleSetLanguagesTest, TurkishDotsAndLetters) {
  EXPECT_EQ(Hits("Istanbul", StoryIn("tr", "İSTANBUL seçimi")),
            "headline:0+9 Istanbul");
  EXPECT_EQ(Hits("istanbul*", StoryIn("tr", "İstanbul'da seçim")),
            "headline:0+12 istanbul*");
  EXPECT_EQ(Hits("Diyarbakir", StoryIn("tr", "DİYARBAKIR")),
            "headline:0+11 Diyarbakir");
  const EnrichedStory tr = StoryIn("tr", "Erdoğan konuştu");
  EXPECT_EQ(Hits("ERDOĞAN", tr), "headline:0+8 ERDOĞAN");
  EXPECT_EQ(Hits("Erdogan", tr), "no match");
  EXPECT_EQ(Hits("konustu", tr), "no match");
  EXPECT_EQ(Hits("Erdogan", StoryIn("en", "Erdoğan spoke")),
            "headline:0+8 Erdogan");
}

TEST(RuleSetLanguagesTest, OneRuleSetFoldsTermsForEachLanguage) {
  auto set = Compile({Rule("plain", "ano"), Rule("enye", "año"),
                      Rule("mexico", "Mexico"), Rule("exact", "año", true)});
  MatchScratch scratch;
  auto rules = [&](const EnrichedStory& story) {
    std::vector<std::string> ids;
    for (const RuleMatch& m : set->Match(story, &scratch)) {
      ids.push_back(set->rules()[m.rule].id);
    }
    return ids;
  };
  EXPECT_THAT(rules(StoryIn("es", "El año en México")),
              ElementsAre("enye", "mexico", "exact"));
  EXPECT_THAT(rules(StoryIn("es", "El ano")), ElementsAre("plain"));
  EXPECT_THAT(rules(StoryIn("en", "El año en México")),
              ElementsAre("plain", "enye", "mexico", "exact"));
  EXPECT_THAT(rules(StoryIn("", "El AÑO")), ElementsAre("plain", "enye"));
}

TEST(RuleSetLanguagesTest, LanguageFilterAndFoldingTogether) {
  AlertRule r = Rule("r", "año");
  r.filters.languages = {"es"};
  auto set = Compile({r});
  MatchScratch scratch;
  EXPECT_EQ(set->Match(StoryIn("es", "Feliz año"), &scratch).size(), 1u);
  EXPECT_THAT(set->Match(StoryIn("es", "Feliz ano"), &scratch), IsEmpty());
  EXPECT_THAT(set->Match(StoryIn("pt", "Feliz año"), &scratch), IsEmpty());
}

TEST(MakeSnippetTest, ShortTextIsWholeWithMarks) {
  EXPECT_EQ(MakeSnippet("Spy balloon over Montana", {{4, 11}, {17, 24}}, 0),
            "Spy «balloon» over «Montana»");
  EXPECT_EQ(MakeSnippet("balloon", {{0, 7}}, 0), "«balloon»");
  EXPECT_EQ(MakeSnippet("a\n\nspy   balloon", {{3, 16}}, 0), "a «spy balloon»");
}

TEST(MakeSnippetTest, LongTextIsCutAtWords) {
  std::string text;
  for (int i = 0; i < 30; ++i) absl::StrAppend(&text, "word", i, " ");
  const int32_t at = static_cast<int32_t>(text.size());
  text += "balloon";
  for (int i = 30; i < 60; ++i) absl::StrAppend(&text, " word", i);
  EXPECT_EQ(MakeSnippet(text, {{at, at + 7}}, 0),
            "…word22 word23 word24 word25 word26 word27 word28 word29 "
            "«balloon» word30 word31 word32 word33 word34 word35 word36 "
            "word37 word38 word39 word40 word41 word42 word43…");
}

}  // namespace
}  // namespace wirestream::alert
