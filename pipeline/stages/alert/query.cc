#include "pipeline/stages/alert/query.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "pipeline/stages/alert/text.h"

namespace wirestream::alert {
namespace {

struct Lexeme {
  enum class Kind { kWord, kPhrase, kLParen, kRParen, kAnd, kOr, kNot, kNear };
  Kind kind;
  // kWord, kPhrase: the text (a phrase without its quotes).
  std::string text;
  // kNear: the distance.
  int distance = 0;
  // Byte offset in the query.
  int offset = 0;
};

// Returns "column C" or "line L, column C" for byte `offset` of `query`.
std::string Where(absl::string_view query, int offset) {
  const bool multiline = absl::StrContains(query, '\n');
  int line = 1;
  size_t line_start = 0;
  for (int i = 0; i < offset && i < static_cast<int>(query.size()); ++i) {
    if (query[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  const int column =
      CodePointCount(query.substr(line_start, offset - line_start)) + 1;
  if (multiline) return absl::StrFormat("line %d, column %d", line, column);
  return absl::StrFormat("column %d", column);
}

absl::Status ErrorAt(absl::string_view query, int offset,
                     absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(Where(query, offset), ": ", what));
}

// True when `word` starts with a Chinese or Japanese character or a Hangul
// syllable: a character that is a syllable or a morpheme, not a letter.
bool IsSyllabic(absl::string_view word) {
  utf8proc_int32_t cp = 0;
  if (utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(word.data()),
                       static_cast<utf8proc_ssize_t>(word.size()), &cp) <= 0) {
    return false;
  }
  return (cp >= 0x3040 && cp <= 0x30FF) ||  // Hiragana, Katakana
         (cp >= 0x3400 && cp <= 0x9FFF) ||  // CJK Unified Ideographs
         (cp >= 0xAC00 && cp <= 0xD7A3) ||  // Hangul syllables
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK Compatibility
         (cp >= 0x20000 && cp <= 0x2FA1F);  // CJK Extensions B..
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

// Curly double quotes, as pasted from word processors, open and close
// phrases too.
constexpr absl::string_view kOpenCurly = "\xE2\x80\x9C";   // U+201C
constexpr absl::string_view kCloseCurly = "\xE2\x80\x9D";  // U+201D

absl::StatusOr<std::vector<Lexeme>> Lex(absl::string_view q) {
  std::vector<Lexeme> out;
  size_t i = 0;
  while (i < q.size()) {
    const char c = q[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    const int at = static_cast<int>(i);
    if (c == '(' || c == ')') {
      out.push_back({c == '(' ? Lexeme::Kind::kLParen : Lexeme::Kind::kRParen,
                     "", 0, at});
      ++i;
      continue;
    }
    const bool straight = c == '"';
    if (straight || absl::StartsWith(q.substr(i), kOpenCurly) ||
        absl::StartsWith(q.substr(i), kCloseCurly)) {
      const size_t open_len = straight ? 1 : 3;
      const size_t start = i + open_len;
      size_t close = start;
      size_t close_len = 0;
      while (close < q.size()) {
        if (q[close] == '"') {
          close_len = 1;
          break;
        }
        if (absl::StartsWith(q.substr(close), kCloseCurly) ||
            absl::StartsWith(q.substr(close), kOpenCurly)) {
          close_len = 3;
          break;
        }
        ++close;
      }
      if (close_len == 0) {
        return ErrorAt(q, at, "the phrase opened here is not closed with '\"'");
      }
      out.push_back({Lexeme::Kind::kPhrase,
                     std::string(q.substr(start, close - start)), 0, at});
      i = close + close_len;
      continue;
    }
    size_t end = i;
    while (end < q.size() && !IsSpace(q[end]) && q[end] != '(' &&
           q[end] != ')' && q[end] != '"' &&
           !absl::StartsWith(q.substr(end), kOpenCurly) &&
           !absl::StartsWith(q.substr(end), kCloseCurly)) {
      ++end;
    }
    const absl::string_view word = q.substr(i, end - i);
    i = end;
    if (word == "AND") {
      out.push_back({Lexeme::Kind::kAnd, "", 0, at});
    } else if (word == "OR") {
      out.push_back({Lexeme::Kind::kOr, "", 0, at});
    } else if (word == "NOT") {
      out.push_back({Lexeme::Kind::kNot, "", 0, at});
    } else if (word == "NEAR") {
      return ErrorAt(q, at, "NEAR needs a distance in words, e.g. NEAR/5");
    } else if (absl::StartsWith(word, "NEAR/")) {
      const absl::string_view digits = word.substr(5);
      bool all_digits = !digits.empty() && digits.size() <= 6;
      for (char d : digits) all_digits = all_digits && absl::ascii_isdigit(d);
      int distance = 0;
      if (!all_digits || !absl::SimpleAtoi(digits, &distance)) {
        return ErrorAt(q, at,
                       absl::StrCat("'", word,
                                    "': the distance after NEAR/ must be a "
                                    "whole number, e.g. NEAR/5"));
      }
      if (distance < 1 || distance > kMaxNearDistance) {
        return ErrorAt(q, at,
                       absl::StrFormat("'%s': the distance must be between 1 "
                                       "and %d",
                                       word, kMaxNearDistance));
      }
      out.push_back({Lexeme::Kind::kNear, "", distance, at});
    } else {
      const std::string lower = absl::AsciiStrToLower(word);
      if (lower == "and" || lower == "or" || lower == "not" ||
          absl::StartsWith(lower, "near/")) {
        return ErrorAt(
            q, at,
            absl::StrFormat("'%s' looks like an operator: operators are "
                            "written in capitals (AND, OR, NOT, NEAR/n); "
                            "to search for the word, quote it: \"%s\"",
                            word, word));
      }
      if (word.size() > 1 && word[0] == '-') {
        return ErrorAt(q, at,
                       absl::StrFormat("'%s': to exclude a word write NOT %s",
                                       word, word.substr(1)));
      }
      out.push_back({Lexeme::Kind::kWord, std::string(word), 0, at});
    }
  }
  return out;
}

absl::string_view Describe(const Lexeme& l) {
  switch (l.kind) {
    case Lexeme::Kind::kAnd:
      return "AND";
    case Lexeme::Kind::kOr:
      return "OR";
    case Lexeme::Kind::kNot:
      return "NOT";
    case Lexeme::Kind::kNear:
      return "NEAR";
    case Lexeme::Kind::kLParen:
      return "'('";
    case Lexeme::Kind::kRParen:
      return "')'";
    default:
      return "a term";
  }
}

// Returns `s` in Unicode NFC, so a rule typed with decomposed accents
// matches story text (which normalize writes in NFC).
std::string Nfc(absl::string_view s) {
  std::string copy(s);
  utf8proc_uint8_t* nfc =
      utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(copy.c_str()));
  if (nfc == nullptr) return copy;
  std::string out(reinterpret_cast<char*>(nfc));
  std::free(nfc);
  return out;
}

bool IsProximityOperand(const QueryNode& n) {
  if (n.op == QueryNode::Op::kTerm) return true;
  if (n.op != QueryNode::Op::kOr) return false;
  for (const QueryNode& c : n.children) {
    if (!IsProximityOperand(c)) return false;
  }
  return true;
}

class Parser {
 public:
  Parser(absl::string_view query, std::vector<Lexeme> lexemes, bool exact_case)
      : q_(query), lx_(std::move(lexemes)), exact_case_(exact_case) {}

  absl::StatusOr<Query> Run() {
    if (lx_.empty()) return absl::InvalidArgumentError("the query is empty");
    absl::StatusOr<QueryNode> root = ParseOr();
    if (!root.ok()) return root.status();
    if (pos_ < lx_.size()) {
      // ParseOr stops only at a ')' it did not open.
      return ErrorAt(q_, lx_[pos_].offset, "')' has no matching '('");
    }
    if (MatchesWithoutTerms(*root)) {
      return absl::InvalidArgumentError(
          "the query matches stories that contain none of its terms: it "
          "needs a term that must be present (e.g. balloon NOT sport, not "
          "just NOT sport)");
    }
    query_.root = *std::move(root);
    return std::move(query_);
  }

 private:
  bool AtEnd() const { return pos_ >= lx_.size(); }
  const Lexeme& Peek() const { return lx_[pos_]; }
  bool PeekIs(Lexeme::Kind k) const { return !AtEnd() && Peek().kind == k; }
  bool PeekStartsOperand() const {
    return PeekIs(Lexeme::Kind::kWord) || PeekIs(Lexeme::Kind::kPhrase) ||
           PeekIs(Lexeme::Kind::kLParen) || PeekIs(Lexeme::Kind::kNot);
  }

  // An operator at `op` needs an operand after it.
  absl::Status NeedOperandAfter(const Lexeme& op) {
    if (AtEnd()) {
      return ErrorAt(q_, op.offset,
                     absl::StrCat(Describe(op), " needs a term after it"));
    }
    if (!PeekStartsOperand()) {
      return ErrorAt(q_, Peek().offset,
                     absl::StrCat(Describe(Peek()), " cannot follow ",
                                  Describe(op), ": a term is missing"));
    }
    return absl::OkStatus();
  }

  static QueryNode Join(QueryNode::Op op, QueryNode left, QueryNode right) {
    QueryNode n;
    n.op = op;
    for (QueryNode* side : {&left, &right}) {
      if (side->op == op) {
        for (QueryNode& c : side->children) n.children.push_back(std::move(c));
      } else {
        n.children.push_back(std::move(*side));
      }
    }
    return n;
  }

  absl::StatusOr<QueryNode> ParseOr() {
    absl::StatusOr<QueryNode> left = ParseAnd();
    if (!left.ok()) return left;
    while (PeekIs(Lexeme::Kind::kOr)) {
      const Lexeme& op = lx_[pos_++];
      if (absl::Status s = NeedOperandAfter(op); !s.ok()) return s;
      absl::StatusOr<QueryNode> right = ParseAnd();
      if (!right.ok()) return right;
      left = Join(QueryNode::Op::kOr, *std::move(left), *std::move(right));
    }
    return left;
  }

  absl::StatusOr<QueryNode> ParseAnd() {
    absl::StatusOr<QueryNode> left = ParseNear();
    if (!left.ok()) return left;
    while (true) {
      if (PeekIs(Lexeme::Kind::kAnd)) {
        const Lexeme& op = lx_[pos_++];
        if (absl::Status s = NeedOperandAfter(op); !s.ok()) return s;
      } else if (!PeekStartsOperand()) {
        break;
      }
      absl::StatusOr<QueryNode> right = ParseNear();
      if (!right.ok()) return right;
      left = Join(QueryNode::Op::kAnd, *std::move(left), *std::move(right));
    }
    return left;
  }

  absl::StatusOr<QueryNode> ParseNear() {
    const int left_at = AtEnd() ? 0 : Peek().offset;
    absl::StatusOr<QueryNode> left = ParseUnary();
    if (!left.ok()) return left;
    while (PeekIs(Lexeme::Kind::kNear)) {
      const Lexeme& op = lx_[pos_++];
      if (absl::Status s = NeedOperandAfter(op); !s.ok()) return s;
      const int right_at = Peek().offset;
      absl::StatusOr<QueryNode> right = ParseUnary();
      if (!right.ok()) return right;
      const std::string name = absl::StrCat("NEAR/", op.distance);
      if (left->op == QueryNode::Op::kNear) {
        return ErrorAt(q_, op.offset,
                       absl::StrCat(name,
                                    " cannot follow another NEAR: write "
                                    "(a NEAR/n b) AND (b NEAR/n c)"));
      }
      if (!IsProximityOperand(*left)) {
        return ErrorAt(q_, left_at,
                       absl::StrCat("the left side of ", name,
                                    " must be a term, a phrase or an OR of "
                                    "them in parentheses"));
      }
      if (!IsProximityOperand(*right)) {
        return ErrorAt(q_, right_at,
                       absl::StrCat("the right side of ", name,
                                    " must be a term, a phrase or an OR of "
                                    "them in parentheses"));
      }
      QueryNode n;
      n.op = QueryNode::Op::kNear;
      n.distance = op.distance;
      n.children.push_back(*std::move(left));
      n.children.push_back(*std::move(right));
      left = std::move(n);
    }
    return left;
  }

  absl::StatusOr<QueryNode> ParseUnary() {
    if (PeekIs(Lexeme::Kind::kNot)) {
      const Lexeme& op = lx_[pos_++];
      if (absl::Status s = NeedOperandAfter(op); !s.ok()) return s;
      absl::StatusOr<QueryNode> child = ParseUnary();
      if (!child.ok()) return child;
      QueryNode n;
      n.op = QueryNode::Op::kNot;
      n.children.push_back(*std::move(child));
      return n;
    }
    return ParsePrimary();
  }

  absl::StatusOr<QueryNode> ParsePrimary() {
    if (AtEnd()) {
      return ErrorAt(q_, static_cast<int>(q_.size()), "a term is missing");
    }
    const Lexeme& l = lx_[pos_];
    switch (l.kind) {
      case Lexeme::Kind::kLParen: {
        ++pos_;
        if (PeekIs(Lexeme::Kind::kRParen)) {
          return ErrorAt(q_, l.offset, "'()' is empty");
        }
        absl::StatusOr<QueryNode> inner = ParseOr();
        if (!inner.ok()) return inner;
        if (!PeekIs(Lexeme::Kind::kRParen)) {
          return ErrorAt(q_, l.offset, "'(' is not closed with ')'");
        }
        ++pos_;
        return inner;
      }
      case Lexeme::Kind::kWord:
      case Lexeme::Kind::kPhrase: {
        ++pos_;
        absl::StatusOr<QueryTerm> term = MakeTerm(l);
        if (!term.ok()) return term.status();
        QueryNode n;
        n.op = QueryNode::Op::kTerm;
        n.term = static_cast<int>(query_.terms.size());
        query_.terms.push_back(*std::move(term));
        return n;
      }
      case Lexeme::Kind::kRParen:
        return ErrorAt(q_, l.offset, "')' has no matching '('");
      default:
        return ErrorAt(q_, l.offset,
                       absl::StrCat(Describe(l), " has no term before it"));
    }
  }

  absl::StatusOr<QueryTerm> MakeTerm(const Lexeme& l) {
    const bool phrase = l.kind == Lexeme::Kind::kPhrase;
    QueryTerm term;
    term.quoted = phrase;
    term.text = std::string(absl::StripAsciiWhitespace(l.text));
    absl::string_view body = term.text;
    if (absl::EndsWith(body, "*")) {
      term.prefix = true;
      body.remove_suffix(1);
    }
    if (absl::StrContains(body, '*')) {
      return ErrorAt(q_, l.offset,
                     absl::StrFormat(phrase ? "\"%s\": '*' is allowed only at "
                                              "the end of the phrase's last "
                                              "word"
                                            : "'%s': '*' is allowed only at "
                                              "the end of a word",
                                     term.text));
    }
    const std::string text = exact_case_ ? Nfc(body) : std::string(body);
    std::vector<Token> tokens = Tokenize(text);
    if (tokens.empty()) {
      if (phrase && term.text.empty()) {
        return ErrorAt(q_, l.offset, "the phrase \"\" is empty");
      }
      return ErrorAt(
          q_, l.offset,
          absl::StrFormat("'%s' has no letters or digits to match", term.text));
    }
    if (term.prefix) {
      const Token& last = tokens.back();
      if (last.end != static_cast<int32_t>(text.size())) {
        return ErrorAt(q_, l.offset,
                       absl::StrFormat("'%s': '*' must follow a letter or "
                                       "digit",
                                       term.text));
      }
      const std::string& word = exact_case_ ? last.exact : last.folded;
      const int fewest =
          IsSyllabic(word) ? kMinPrefixSyllables : kMinPrefixChars;
      if (CodePointCount(word) < fewest) {
        return ErrorAt(
            q_, l.offset,
            absl::StrFormat(
                "'%s' is too short: a wildcard needs "
                "at least %d %s before '*'",
                term.text, fewest,
                fewest == kMinPrefixChars ? "letters" : "characters"));
      }
    }
    for (Token& t : tokens) {
      term.words.push_back(std::move(exact_case_ ? t.exact : t.folded));
      term.written.push_back(std::move(t.exact));
    }
    return term;
  }

  absl::string_view q_;
  std::vector<Lexeme> lx_;
  bool exact_case_;
  size_t pos_ = 0;
  Query query_;
};

void DescribeNode(const Query& q, const QueryNode& n, std::string* out) {
  switch (n.op) {
    case QueryNode::Op::kTerm: {
      const QueryTerm& t = q.terms[n.term];
      if (t.quoted) {
        absl::StrAppend(out, "\"", t.text, "\"");
      } else {
        absl::StrAppend(out, t.text);
      }
      return;
    }
    case QueryNode::Op::kAnd:
      absl::StrAppend(out, "(AND");
      break;
    case QueryNode::Op::kOr:
      absl::StrAppend(out, "(OR");
      break;
    case QueryNode::Op::kNot:
      absl::StrAppend(out, "(NOT");
      break;
    case QueryNode::Op::kNear:
      absl::StrAppend(out, "(NEAR/", n.distance);
      break;
  }
  for (const QueryNode& c : n.children) {
    out->push_back(' ');
    DescribeNode(q, c, out);
  }
  out->push_back(')');
}

}  // namespace

bool MatchesWithoutTerms(const QueryNode& node) {
  switch (node.op) {
    case QueryNode::Op::kTerm:
    case QueryNode::Op::kNear:
      return false;
    case QueryNode::Op::kNot:
      return !MatchesWithoutTerms(node.children[0]);
    case QueryNode::Op::kAnd:
      for (const QueryNode& c : node.children) {
        if (!MatchesWithoutTerms(c)) return false;
      }
      return true;
    case QueryNode::Op::kOr:
      for (const QueryNode& c : node.children) {
        if (MatchesWithoutTerms(c)) return true;
      }
      return false;
  }
  return false;
}

absl::StatusOr<Query> ParseQuery(absl::string_view text, bool exact_case) {
  absl::StatusOr<std::vector<Lexeme>> lexemes = Lex(text);
  if (!lexemes.ok()) return lexemes.status();
  return Parser(text, *std::move(lexemes), exact_case).Run();
}

std::string DescribeQuery(const Query& query) {
  std::string out;
  DescribeNode(query, query.root, &out);
  return out;
}

}  // namespace wirestream::alert
