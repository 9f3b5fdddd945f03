// Randomised inputs through the tokenizer, the query parser and the
// matcher: nothing crashes, every error is INVALID_ARGUMENT, every range
// stays inside its text, every snippet is valid UTF-8. (Deterministic
// seeds; a stand-in for a fuzz target, which needs a toolchain this build
// does not have.)
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "pipeline/stages/alert/query.h"
#include "pipeline/stages/alert/rule_set.h"
#include "pipeline/stages/alert/text.h"

namespace wirestream::alert {
namespace {

// Pieces that exercise the tokenizer's paths.
const std::vector<std::string>& Pieces() {
  static const auto* pieces = new std::vector<std::string>{
      "spy",      "Balloon", "balloons",  "İstanbul", "ı",
      "ß",        "ÉLYSÉE",  "e\xCC\x81", "\xCC\x81", "’s",
      "'s",       "'",       "’",         "-",        "—",
      " ",        "  ",      "\n\n",      ".",        "L'",
      "qu'",      "O’",      "北京",      "ＮＡＴＯ", "ﬁ",
      "½",        "\xff",    "\xc3",      "\xe2\x80", "\xf0\x9f\x98\x80",
      "US",       "3.5",     "a",         "S",        "\t",
      "\"",       "(",       ")",         "ガ",       "ｶﾞ",
      "中国",     "日本",    "ไก่",        "ـ",        "أ",
      "\xCC\x88", "ñ",       "Ё",         "한국",     std::string("\0", 1),
      "ü",        "İ",       "ı"};
  return *pieces;
}

std::string RandomText(std::mt19937& rng, int max_pieces) {
  std::string out;
  const int n = static_cast<int>(rng() % (max_pieces + 1));
  for (int i = 0; i < n; ++i) {
    if (rng() % 10 == 0) {
      out.push_back(static_cast<char>(rng() % 256));
    } else {
      out += Pieces()[rng() % Pieces().size()];
    }
  }
  return out;
}

bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    int len = c < 0x80           ? 1
              : (c >> 5) == 0x6  ? 2
              : (c >> 4) == 0xE  ? 3
              : (c >> 3) == 0x1E ? 4
                                 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

TEST(RobustnessTest, TokensStayInsideTheirText) {
  std::mt19937 rng(1);
  for (int round = 0; round < 20000; ++round) {
    const std::string text = RandomText(rng, 12);
    const std::vector<Token> tokens =
        Tokenize(text, static_cast<Folding>(round % kFoldingCount));
    int32_t last_end = 0;
    for (const Token& t : tokens) {
      ASSERT_LE(last_end, t.begin) << text;
      ASSERT_LT(t.begin, t.end) << text;
      ASSERT_LE(t.end, static_cast<int32_t>(text.size())) << text;
      ASSERT_FALSE(t.folded.empty()) << text;
      ASSERT_EQ(t.folded.find(' '), std::string::npos) << text;
      last_end = t.end;
    }
  }
}

TEST(RobustnessTest, QueriesParseOrFailWithInvalidArgument) {
  static const char* kAtoms[] = {"spy",  "balloon*", "ba*", "\"spy balloon\"",
                                 "AND",  "OR",       "NOT", "NEAR/3",
                                 "NEAR", "(",        ")",   "\"",
                                 "or",   "*",        "-x",  "İstanbul",
                                 "\xff", "NEAR/0",   "’",   "anti-war"};
  std::mt19937 rng(2);
  int parsed = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string q;
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) {
      absl::StrAppend(&q, kAtoms[rng() % (sizeof(kAtoms) / sizeof(kAtoms[0]))],
                      rng() % 4 == 0 ? "" : " ");
    }
    absl::StatusOr<Query> query = ParseQuery(q, rng() % 2 == 0);
    if (query.ok()) {
      ++parsed;
      ASSERT_FALSE(MatchesWithoutTerms(query->root)) << q;
      ASSERT_FALSE(DescribeQuery(*query).empty());
    } else {
      ASSERT_EQ(query.status().code(), absl::StatusCode::kInvalidArgument) << q;
      ASSERT_FALSE(query.status().message().empty()) << q;
    }
  }
  EXPECT_GT(parsed, 1000);  // the generator does reach valid queries
}

TEST(RobustnessTest, MatchesPointInsideTheirFieldsAndSnippetsAreUtf8) {
  RulesConfig config;
  const std::vector<std::string> queries = {"spy",
                                            "balloon*",
                                            "\"spy balloon\"",
                                            "İstanbul",
                                            "elysee NEAR/2 spy",
                                            "(spy OR us) NEAR/1 (nato OR ß)",
                                            "北 NOT spy",
                                            "3 AND 5",
                                            "s",
                                            "año",
                                            "Müller",
                                            "ガス OR 中国 NEAR/2 日本"};
  for (size_t i = 0; i < queries.size(); ++i) {
    AlertRule r;
    r.id = absl::StrCat("r", i);
    r.query = queries[i];
    r.exact_case = i % 3 == 2;
    config.rules.push_back(r);
  }
  absl::StatusOr<std::shared_ptr<const RuleSet>> set = RuleSet::Create(config);
  ASSERT_TRUE(set.ok()) << set.status();
  MatchScratch scratch;
  std::mt19937 rng(3);
  int matched = 0;
  for (int round = 0; round < 3000; ++round) {
    wirestream::v1::EnrichedStory story;
    static const char* kLanguages[] = {"", "en", "es", "de-CH", "tr", "ja"};
    story.mutable_story()->set_language(kLanguages[rng() % 6]);
    story.mutable_story()->set_headline(RandomText(rng, 10));
    const int paragraphs = static_cast<int>(rng() % 4);
    for (int p = 0; p < paragraphs; ++p) {
      story.mutable_story()->add_paragraphs(RandomText(rng, 40));
    }
    const std::string body = BodyText(story.story());
    for (const RuleMatch& m : (*set)->Match(story, &scratch)) {
      ++matched;
      ASSERT_FALSE(m.hits.empty());
      for (const TermHit& h : m.hits) {
        const std::string& text =
            h.field == Field::kHeadline ? story.story().headline() : body;
        ASSERT_GE(h.offset, 0);
        ASSERT_GT(h.length, 0);
        ASSERT_LE(h.offset + h.length, static_cast<int32_t>(text.size()));
      }
      const std::string& first =
          m.hits[0].field == Field::kHeadline ? story.story().headline() : body;
      if (IsValidUtf8(first)) {
        ASSERT_TRUE(IsValidUtf8(m.snippet)) << m.snippet;
      }
    }
  }
  EXPECT_GT(matched, 100);
}

}  // namespace
}  // namespace wirestream::alert
