#include "pipeline/stages/alert/query.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::alert {
namespace {

using ::testing::ElementsAre;

// The canonical form of `text`, or "error: <message>".
std::string Parse(absl::string_view text, bool exact_case = false) {
  absl::StatusOr<Query> q = ParseQuery(text, exact_case);
  if (!q.ok()) {
    EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
    return "error: " + std::string(q.status().message());
  }
  return DescribeQuery(*q);
}

TEST(ParseQueryTest, Terms) {
  EXPECT_EQ(Parse("balloon"), "balloon");
  EXPECT_EQ(Parse("  balloon  "), "balloon");
  EXPECT_EQ(Parse("balloon*"), "balloon*");
  EXPECT_EQ(Parse("\"spy balloon\""), "\"spy balloon\"");
  EXPECT_EQ(Parse("“spy balloon”"), "\"spy balloon\"");
}

TEST(ParseQueryTest, TermWordsAreFoldedUnlessExactCase) {
  absl::StatusOr<Query> q = ParseQuery("ÉLYSÉE \"Biden's anti-drone\"", false);
  ASSERT_TRUE(q.ok()) << q.status();
  ASSERT_EQ(q->terms.size(), 2u);
  EXPECT_THAT(q->terms[0].words, ElementsAre("elysee"));
  EXPECT_THAT(q->terms[1].words, ElementsAre("biden", "anti", "drone"));
  EXPECT_EQ(q->terms[1].text, "Biden's anti-drone");

  q = ParseQuery("ÉLYSÉE Apple*", true);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_THAT(q->terms[0].words, ElementsAre("ÉLYSÉE"));
  EXPECT_THAT(q->terms[1].words, ElementsAre("Apple"));
  EXPECT_TRUE(q->terms[1].prefix);
}

TEST(ParseQueryTest, ExactCaseTermsAreComposed) {
  // "É" typed as E + U+0301 matches story text in NFC.
  absl::StatusOr<Query> q = ParseQuery(
      "E\xCC\x81lyse\xCC\x81"
      "e",
      true);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_THAT(q->terms[0].words, ElementsAre("Élysée"));
}

TEST(ParseQueryTest, HyphenatedTermIsAPhrase) {
  absl::StatusOr<Query> q = ParseQuery("anti-government U.S.", false);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_THAT(q->terms[0].words, ElementsAre("anti", "government"));
  EXPECT_THAT(q->terms[1].words, ElementsAre("u", "s"));
  EXPECT_EQ(DescribeQuery(*q), "(AND anti-government U.S.)");
}

TEST(ParseQueryTest, ChineseAndJapaneseTermsAreCutIntoWords) {
  absl::StatusOr<Query> q =
      ParseQuery("中国和日本 ガス漏れ 北京* 북한*", false);
  ASSERT_TRUE(q.ok()) << q.status();
  ASSERT_EQ(q->terms.size(), 4u);
  EXPECT_THAT(q->terms[0].words, ElementsAre("中国", "和", "日本"));
  EXPECT_THAT(q->terms[1].words, ElementsAre("ガス", "漏れ"));
  EXPECT_THAT(q->terms[2].words, ElementsAre("北京"));
  EXPECT_TRUE(q->terms[2].prefix);
  EXPECT_THAT(q->terms[3].words, ElementsAre("북한"));
  // One character is too short a prefix.
  EXPECT_EQ(Parse("会*"),
            "error: column 1: '会*' is too short: a wildcard needs at least 2 "
            "characters before '*'");
}

TEST(ParseQueryTest, TermsKeepTheirWordsAsWritten) {
  absl::StatusOr<Query> q = ParseQuery("\"Año Müller’s\"", false);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_THAT(q->terms[0].words, ElementsAre("ano", "muller"));
  EXPECT_THAT(q->terms[0].written, ElementsAre("Año", "Müller"));
}

TEST(ParseQueryTest, PhraseWithWildcardOnLastWord) {
  absl::StatusOr<Query> q = ParseQuery("\"hot air ballo*\"", false);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_THAT(q->terms[0].words, ElementsAre("hot", "air", "ballo"));
  EXPECT_TRUE(q->terms[0].prefix);
}

TEST(ParseQueryTest, BooleanOperatorsAndPrecedence) {
  EXPECT_EQ(Parse("a AND b"), "(AND a b)");
  EXPECT_EQ(Parse("a b c"), "(AND a b c)");
  EXPECT_EQ(Parse("a OR b OR c"), "(OR a b c)");
  EXPECT_EQ(Parse("a OR b AND c"), "(OR a (AND b c))");
  EXPECT_EQ(Parse("(a OR b) AND c"), "(AND (OR a b) c)");
  EXPECT_EQ(Parse("a NOT b"), "(AND a (NOT b))");
  EXPECT_EQ(Parse("a AND NOT b"), "(AND a (NOT b))");
  EXPECT_EQ(Parse("a AND NOT (b OR c)"), "(AND a (NOT (OR b c)))");
  EXPECT_EQ(Parse("NOT b a"), "(AND (NOT b) a)");
  EXPECT_EQ(Parse("a NOT NOT b"), "(AND a (NOT (NOT b)))");
  EXPECT_EQ(Parse("((a))"), "a");
}

TEST(ParseQueryTest, Near) {
  EXPECT_EQ(Parse("balloon NEAR/5 military"), "(NEAR/5 balloon military)");
  EXPECT_EQ(Parse("a b NEAR/2 c"), "(AND a (NEAR/2 b c))");
  EXPECT_EQ(Parse("(balloon* OR airship) NEAR/10 (\"air force\" OR army)"),
            "(NEAR/10 (OR balloon* airship) (OR \"air force\" army))");
  EXPECT_EQ(Parse("((a OR b) OR c) NEAR/1 d"), "(NEAR/1 (OR a b c) d)");
  EXPECT_EQ(Parse("a NEAR/1000 b"), "(NEAR/1000 a b)");
}

TEST(ParseQueryTest, Errors) {
  EXPECT_EQ(Parse(""), "error: the query is empty");
  EXPECT_EQ(Parse("   "), "error: the query is empty");
  EXPECT_EQ(Parse("(balloon OR airship"),
            "error: column 1: '(' is not closed with ')'");
  EXPECT_EQ(Parse("balloon OR airship)"),
            "error: column 19: ')' has no matching '('");
  EXPECT_EQ(Parse("balloon OR"), "error: column 9: OR needs a term after it");
  EXPECT_EQ(Parse("OR balloon"), "error: column 1: OR has no term before it");
  EXPECT_EQ(Parse("balloon AND OR spy"),
            "error: column 13: OR cannot follow AND: a term is missing");
  EXPECT_EQ(Parse("balloon ()"), "error: column 9: '()' is empty");
  EXPECT_EQ(Parse("\"spy balloon"),
            "error: column 1: the phrase opened here is not closed with '\"'");
  EXPECT_EQ(Parse("a \"\""), "error: column 3: the phrase \"\" is empty");
  EXPECT_EQ(Parse("balloon & spy"),
            "error: column 9: '&' has no letters or digits to match");
}

TEST(ParseQueryTest, OperatorErrors) {
  EXPECT_EQ(Parse("balloon or airship"),
            "error: column 9: 'or' looks like an operator: operators are "
            "written in capitals (AND, OR, NOT, NEAR/n); to search for the "
            "word, quote it: \"or\"");
  EXPECT_EQ(Parse("\"war or peace\""), "\"war or peace\"");
  EXPECT_EQ(Parse("balloon NEAR spy"),
            "error: column 9: NEAR needs a distance in words, e.g. NEAR/5");
  EXPECT_EQ(Parse("balloon NEAR/x spy"),
            "error: column 9: 'NEAR/x': the distance after NEAR/ must be a "
            "whole number, e.g. NEAR/5");
  EXPECT_EQ(Parse("balloon NEAR/+5 spy"),
            "error: column 9: 'NEAR/+5': the distance after NEAR/ must be a "
            "whole number, e.g. NEAR/5");
  EXPECT_EQ(Parse("balloon NEAR/0 spy"),
            "error: column 9: 'NEAR/0': the distance must be between 1 and "
            "1000");
  EXPECT_EQ(Parse("balloon NEAR/1001 spy"),
            "error: column 9: 'NEAR/1001': the distance must be between 1 "
            "and 1000");
  EXPECT_EQ(Parse("balloon -sport"),
            "error: column 9: '-sport': to exclude a word write NOT sport");
}

TEST(ParseQueryTest, NearOperandErrors) {
  EXPECT_EQ(Parse("(a AND b) NEAR/3 c"),
            "error: column 1: the left side of NEAR/3 must be a term, a "
            "phrase or an OR of them in parentheses");
  EXPECT_EQ(Parse("a NEAR/3 NOT c"),
            "error: column 10: the right side of NEAR/3 must be a term, a "
            "phrase or an OR of them in parentheses");
  EXPECT_EQ(Parse("a NEAR/3 b NEAR/3 c"),
            "error: column 12: NEAR/3 cannot follow another NEAR: write "
            "(a NEAR/n b) AND (b NEAR/n c)");
}

TEST(ParseQueryTest, WildcardErrors) {
  EXPECT_EQ(Parse("ba*"),
            "error: column 1: 'ba*' is too short: a wildcard needs at least 3 "
            "letters before '*'");
  EXPECT_EQ(Parse("bal*oon"),
            "error: column 1: 'bal*oon': '*' is allowed only at the end of a "
            "word");
  EXPECT_EQ(Parse("balloon**"),
            "error: column 1: 'balloon**': '*' is allowed only at the end of "
            "a word");
  EXPECT_EQ(Parse("\"spy* balloon\""),
            "error: column 1: \"spy* balloon\": '*' is allowed only at the "
            "end of the phrase's last word");
  EXPECT_EQ(Parse("balloon-*"),
            "error: column 1: 'balloon-*': '*' must follow a letter or digit");
  EXPECT_EQ(Parse("*"),
            "error: column 1: '*' has no letters or digits to match");
  // Three characters, counted in code points.
  EXPECT_EQ(Parse("éta*"), "éta*");
}

TEST(ParseQueryTest, QueriesThatNeedNoTermAreRejected) {
  const std::string kError =
      "error: the query matches stories that contain none of its terms: it "
      "needs a term that must be present (e.g. balloon NOT sport, not just "
      "NOT sport)";
  EXPECT_EQ(Parse("NOT sport"), kError);
  EXPECT_EQ(Parse("balloon OR NOT sport"), kError);
  EXPECT_EQ(Parse("NOT (a AND b)"), kError);
  EXPECT_EQ(Parse("NOT NOT a"), "(NOT (NOT a))");
  EXPECT_EQ(Parse("NOT a NOT b c"), "(AND (NOT a) (NOT b) c)");
}

TEST(ParseQueryTest, ColumnsCountCharactersAndLines) {
  EXPECT_EQ(Parse("élysée OR)"),
            "error: column 10: ')' cannot follow OR: a term is missing");
  EXPECT_EQ(Parse("balloon OR\n  (spy AND"),
            "error: line 2, column 8: AND needs a term after it");
}

TEST(MatchesWithoutTermsTest, Cases) {
  QueryNode term;
  term.op = QueryNode::Op::kTerm;
  QueryNode no;
  no.op = QueryNode::Op::kNot;
  no.children = {term};
  EXPECT_FALSE(MatchesWithoutTerms(term));
  EXPECT_TRUE(MatchesWithoutTerms(no));
  QueryNode both;
  both.op = QueryNode::Op::kAnd;
  both.children = {term, no};
  EXPECT_FALSE(MatchesWithoutTerms(both));
}

}  // namespace
}  // namespace wirestream::alert
