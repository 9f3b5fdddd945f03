#include "pipeline/stages/alert/rule_set.h"

#include <hs/hs.h>

#include <algorithm>
#include <atomic>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace wirestream::alert {
namespace {

using ::wirestream::v1::EnrichedStory;

std::atomic<uint64_t> next_generation{1};

// Written between paragraphs in the match lines, so that no phrase spans
// two of them (no pattern contains it).
constexpr absl::string_view kParagraphBreak = "| ";

// Bytes of context before and after the first hit in a snippet.
constexpr int kSnippetBefore = 60;
constexpr int kSnippetAfter = 100;

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

bool IsUtf8Continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

bool PassesFilters(const RuleFilters& f, const EnrichedStory& s) {
  if (!f.topics.empty()) {
    bool found = false;
    for (const auto& t : s.topics()) {
      for (const std::string& want : f.topics) {
        if (t.code() == want || t.parent_code() == want) found = true;
      }
    }
    if (!found) return false;
  }
  if (!f.countries.empty()) {
    bool found = false;
    for (const std::string& want : f.countries) {
      if (absl::EqualsIgnoreCase(s.focus_country(), want)) found = true;
      for (const auto& c : s.countries()) {
        if (absl::EqualsIgnoreCase(c.code(), want)) found = true;
      }
    }
    if (!found) return false;
  }
  if (!f.regions.empty()) {
    bool found = false;
    for (const auto& r : s.regions()) {
      for (const std::string& want : f.regions) {
        if (r.m49_code() == want || absl::EqualsIgnoreCase(r.name(), want)) {
          found = true;
        }
      }
    }
    if (!found) return false;
  }
  if (!f.sources.empty()) {
    bool found = false;
    for (const std::string& want : f.sources) {
      if (absl::EqualsIgnoreCase(s.story().source(), want) ||
          absl::EqualsIgnoreCase(s.story().provider(), want)) {
        found = true;
      }
    }
    if (!found) return false;
  }
  if (!f.languages.empty()) {
    const std::string& tag = s.story().language();
    const absl::string_view primary =
        absl::string_view(tag).substr(0, tag.find_first_of("-_"));
    bool found = false;
    for (const std::string& want : f.languages) {
      if (absl::EqualsIgnoreCase(primary, want) ||
          absl::EqualsIgnoreCase(tag, want)) {
        found = true;
      }
    }
    if (!found) return false;
  }
  if (f.max_urgency > 0) {
    const int u = s.story().urgency();
    if (u < 1 || u > f.max_urgency) return false;
  }
  return true;
}

struct ScanContext {
  std::vector<std::pair<uint32_t, uint32_t>>* hits;
};

int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* context) {
  static_cast<ScanContext*>(context)->hits->emplace_back(
      id, static_cast<uint32_t>(to));
  return 0;  // keep scanning
}

// Writes the tokens' `form` as one line, " w1 w2 | w3 ", recording where
// each token starts.
template <typename Form>
void BuildLine(const std::vector<Token>& tokens,
               const std::vector<bool>& break_before, Form form,
               std::string* line, std::vector<int32_t>* starts) {
  line->clear();
  starts->clear();
  line->push_back(' ');
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (break_before[i])
      line->append(kParagraphBreak.data(), kParagraphBreak.size());
    starts->push_back(static_cast<int32_t>(line->size()));
    const std::string& w = form(tokens[i]);
    line->append(w);
    line->push_back(' ');
  }
}

}  // namespace

absl::string_view FieldName(Field field) {
  return field == Field::kHeadline ? "headline" : "body";
}

std::string BodyText(const wirestream::v1::Story& story) {
  return absl::StrJoin(story.paragraphs(), "\n\n");
}

// ---------------------------------------------------------------------------
// MatchScratch

MatchScratch::MatchScratch() = default;

MatchScratch::~MatchScratch() {
  if (hs_ != nullptr) hs_free_scratch(hs_);
}

// ---------------------------------------------------------------------------
// RuleSet: compilation

RuleSet::RuleSet(RulesConfig config)
    : config_(std::move(config)), generation_(next_generation.fetch_add(1)) {}

RuleSet::~RuleSet() {
  for (Database& db : databases_) {
    if (db.hs != nullptr) hs_free_database(db.hs);
  }
}

absl::StatusOr<std::shared_ptr<const RuleSet>> RuleSet::Create(
    RulesConfig config) {
  std::shared_ptr<RuleSet> set(new RuleSet(std::move(config)));
  absl::Status compiled = set->Compile();
  if (!compiled.ok()) return compiled;
  return std::shared_ptr<const RuleSet>(std::move(set));
}

absl::Status RuleSet::Compile() {
  auto rule_error = [&](const AlertRule& rule, int line,
                        absl::string_view what) {
    std::string where =
        line > 0
            ? absl::StrCat(config_.origin.empty() ? "rules" : config_.origin,
                           ":", line, ": ")
            : "";
    return absl::InvalidArgumentError(
        absl::StrFormat("%srule \"%s\": %s", where, rule.id, what));
  };

  if (absl::Status ready = TokenizerStatus(); !ready.ok()) return ready;

  // The databases being built: one per folding, then the exact one; in
  // each, literal text -> index.
  constexpr int kExact = kFoldingCount;
  std::vector<Database> built(kFoldingCount + 1);
  std::vector<absl::flat_hash_map<std::string, int>> literal_ids(kFoldingCount +
                                                                 1);
  // A pattern is a term's literals under every folding (or its exact
  // literal), and whether it is a whole word.
  absl::flat_hash_map<std::string, int> pattern_ids;
  absl::flat_hash_set<std::string> ids;
  std::vector<std::string> texts;
  for (size_t r = 0; r < config_.rules.size(); ++r) {
    const AlertRule& rule = config_.rules[r];
    if (rule.id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("rule #%d has no id", r + 1));
    }
    if (!ids.insert(rule.id).second) {
      return rule_error(rule, rule.line, "the id is used by another rule");
    }
    if (!rule.in_headline && !rule.in_body) {
      return rule_error(rule, rule.line, "the rule looks at no field");
    }
    absl::StatusOr<Query> query = ParseQuery(rule.query, rule.exact_case);
    if (!query.ok()) {
      return rule_error(rule, rule.query_line,
                        absl::StrCat("query: ", query.status().message()));
    }
    std::vector<int> terms;
    for (const QueryTerm& term : query->terms) {
      // " spy balloon" for "spy balloon" and for "spy balloon*"; whether
      // the last word must end there is checked after the scan. (A
      // trailing space on every literal would weaken the matcher's
      // buckets, which hash literals' last bytes.)
      texts.clear();
      texts.push_back(absl::StrCat(" ", absl::StrJoin(term.words, " ")));
      if (!rule.exact_case) {
        for (int f = 1; f < kFoldingCount; ++f) {
          std::string text;
          for (const std::string& w : term.written) {
            absl::StrAppend(&text, " ", FoldWord(w, static_cast<Folding>(f)));
          }
          texts.push_back(std::move(text));
        }
      }
      const std::string key =
          absl::StrCat(rule.exact_case ? "e" : "f", term.prefix ? "*" : "",
                       absl::StrJoin(texts, "\n"));
      auto [it, inserted] =
          pattern_ids.emplace(key, static_cast<int>(patterns_.size()));
      const int p = it->second;
      if (inserted) {
        patterns_.push_back(
            {static_cast<int>(term.words.size()), !term.prefix});
        pattern_rules_.emplace_back();
        for (size_t t = 0; t < texts.size(); ++t) {
          const int d = rule.exact_case ? kExact : static_cast<int>(t);
          auto [lit, new_literal] = literal_ids[d].emplace(
              texts[t], static_cast<int>(built[d].literals.size()));
          if (new_literal) built[d].literals.push_back({texts[t], {}});
          built[d].literals[lit->second].patterns.push_back(p);
        }
      }
      if (pattern_rules_[p].empty() ||
          pattern_rules_[p].back() != static_cast<int>(r)) {
        pattern_rules_[p].push_back(static_cast<int>(r));
      }
      terms.push_back(p);
    }
    term_patterns_.push_back(std::move(terms));
    queries_.push_back(*std::move(query));
  }

  // The generic folding's database serves every folding whose literals are
  // the same (all of them when no term has a letter they fold apart).
  for (int d = 0; d <= kExact; ++d) {
    if (built[d].literals.empty()) continue;
    if (d > 0 && d < kExact && folded_db_[0] >= 0 &&
        built[d].literals == databases_[folded_db_[0]].literals) {
      folded_db_[d] = folded_db_[0];
      continue;
    }
    absl::Status compiled = CompileDatabase(&built[d]);
    if (!compiled.ok()) return compiled;
    (d == kExact ? exact_db_ : folded_db_[d]) =
        static_cast<int>(databases_.size());
    databases_.push_back(std::move(built[d]));
    built[d].hs = nullptr;
  }
  return absl::OkStatus();
}

absl::Status RuleSet::CompileDatabase(Database* db) const {
  std::vector<const char*> texts;
  std::vector<size_t> lengths;
  std::vector<unsigned> flags(db->literals.size(), 0);
  std::vector<unsigned> ids;
  for (size_t l = 0; l < db->literals.size(); ++l) {
    texts.push_back(db->literals[l].text.data());
    lengths.push_back(db->literals[l].text.size());
    ids.push_back(static_cast<unsigned>(l));
  }
  hs_compile_error_t* error = nullptr;
  if (hs_compile_lit_multi(texts.data(), flags.data(), ids.data(),
                           lengths.data(), static_cast<unsigned>(texts.size()),
                           HS_MODE_BLOCK, nullptr, &db->hs,
                           &error) != HS_SUCCESS) {
    std::string message = error != nullptr && error->message != nullptr
                              ? error->message
                              : "unknown error";
    const int bad = error != nullptr ? error->expression : -1;
    if (error != nullptr) hs_free_compile_error(error);
    return absl::InternalError(absl::StrFormat(
        "%s: the term database could not be compiled: %s (term '%s')",
        config_.origin, message,
        bad >= 0 ? db->literals[bad].text : std::string("?")));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// RuleSet: matching

struct RuleSet::Witness {
  int term;
  int32_t first;
  int32_t last;
  bool operator<(const Witness& o) const {
    return std::tie(first, last, term) < std::tie(o.first, o.last, o.term);
  }
  bool operator==(const Witness& o) const {
    return term == o.term && first == o.first && last == o.last;
  }
};

struct RuleSet::EvalContext {
  const MatchScratch* scratch;
  const std::vector<int>* term_patterns;
  bool in_headline;
  bool in_body;

  bool InScope(int32_t token) const {
    return token < scratch->headline_tokens_ ? in_headline : in_body;
  }
  bool SameField(int32_t a, int32_t b) const {
    return (a < scratch->headline_tokens_) == (b < scratch->headline_tokens_);
  }
};

absl::Status RuleSet::PrepareScratch(MatchScratch* s) const {
  if (s->prepared_for_ == generation_) return absl::OkStatus();
  for (const Database& db : databases_) {
    if (hs_alloc_scratch(db.hs, &s->hs_) != HS_SUCCESS) {
      return absl::ResourceExhaustedError("could not allocate match scratch");
    }
  }
  if (s->occurrences_.size() < patterns_.size()) {
    s->occurrences_.resize(patterns_.size());
  }
  if (s->rule_stamp_.size() < config_.rules.size()) {
    s->rule_stamp_.resize(config_.rules.size(), 0);
  }
  s->prepared_for_ = generation_;
  return absl::OkStatus();
}

void RuleSet::Scan(Folding folding, MatchScratch* s) const {
  s->raw_hits_.clear();
  ScanContext ctx{&s->raw_hits_};
  struct Line {
    int db;
    const std::string* text;
    const std::vector<int32_t>* starts;
  };
  for (const Line& line :
       {Line{folded_db_[static_cast<int>(folding)], &s->folded_line_,
             &s->folded_starts_},
        Line{exact_db_, &s->exact_line_, &s->exact_starts_}}) {
    if (line.db < 0 || line.starts->empty()) continue;
    const Database& db = databases_[line.db];
    const size_t before = s->raw_hits_.size();
    hs_scan(db.hs, line.text->data(),
            static_cast<unsigned int>(line.text->size()), 0, s->hs_, OnMatch,
            &ctx);
    // Turn each match's end into the token range it covers.
    for (size_t i = before; i < s->raw_hits_.size(); ++i) {
      const auto [l, end] = s->raw_hits_[i];
      const Literal& literal = db.literals[l];
      // The literal starts with the space before its first word.
      const int32_t word_start =
          static_cast<int32_t>(end - literal.text.size()) + 1;
      auto it = std::lower_bound(line.starts->begin(), line.starts->end(),
                                 word_start);
      if (it == line.starts->end() || *it != word_start) continue;
      const int32_t first = static_cast<int32_t>(it - line.starts->begin());
      // Every line ends with a space, so end < size.
      const bool word_ends = (*line.text)[end] == ' ';
      for (int p : literal.patterns) {
        const Pattern& pattern = patterns_[p];
        if (pattern.whole_word && !word_ends) continue;
        std::vector<MatchScratch::Occurrence>& occ = s->occurrences_[p];
        if (occ.empty()) s->touched_patterns_.push_back(p);
        occ.push_back({first, first + pattern.words - 1});
      }
    }
  }
}

void RuleSet::CollectOperand(const QueryNode& node, const EvalContext& ctx,
                             std::vector<Witness>* out) const {
  if (node.op == QueryNode::Op::kTerm) {
    const int p = (*ctx.term_patterns)[node.term];
    for (const MatchScratch::Occurrence& o : ctx.scratch->occurrences_[p]) {
      if (ctx.InScope(o.first)) out->push_back({node.term, o.first, o.last});
    }
    return;
  }
  for (const QueryNode& c : node.children) CollectOperand(c, ctx, out);
}

bool RuleSet::Eval(const QueryNode& node, const EvalContext& ctx,
                   std::vector<Witness>* out) const {
  switch (node.op) {
    case QueryNode::Op::kTerm: {
      const int p = (*ctx.term_patterns)[node.term];
      bool found = false;
      for (const MatchScratch::Occurrence& o : ctx.scratch->occurrences_[p]) {
        if (!ctx.InScope(o.first)) continue;
        found = true;
        if (out == nullptr) break;
        out->push_back({node.term, o.first, o.last});
      }
      return found;
    }
    case QueryNode::Op::kAnd: {
      std::vector<Witness> local;
      for (const QueryNode& c : node.children) {
        if (!Eval(c, ctx, out != nullptr ? &local : nullptr)) return false;
      }
      if (out != nullptr) out->insert(out->end(), local.begin(), local.end());
      return true;
    }
    case QueryNode::Op::kOr: {
      bool any = false;
      for (const QueryNode& c : node.children) {
        if (Eval(c, ctx, out)) {
          any = true;
          if (out == nullptr) break;
        }
      }
      return any;
    }
    case QueryNode::Op::kNot:
      return !Eval(node.children[0], ctx, nullptr);
    case QueryNode::Op::kNear: {
      std::vector<Witness> left, right;
      CollectOperand(node.children[0], ctx, &left);
      if (left.empty()) return false;
      CollectOperand(node.children[1], ctx, &right);
      if (right.empty()) return false;
      std::sort(right.begin(), right.end());
      std::vector<bool> right_used(right.size(), false);
      bool any = false;
      for (const Witness& l : left) {
        bool l_used = false;
        for (size_t j = 0; j < right.size(); ++j) {
          const Witness& r = right[j];
          if (r.first > l.last + node.distance) break;  // sorted by first
          if (!ctx.SameField(l.first, r.first)) continue;
          int32_t gap;
          if (l.last < r.first) {
            gap = r.first - l.last;
          } else if (r.last < l.first) {
            gap = l.first - r.last;
          } else {
            continue;  // the same words
          }
          if (gap > node.distance) continue;
          any = l_used = true;
          if (out == nullptr) return true;
          right_used[j] = true;
        }
        if (l_used) out->push_back(l);
      }
      if (out != nullptr) {
        for (size_t j = 0; j < right.size(); ++j) {
          if (right_used[j]) out->push_back(right[j]);
        }
      }
      return any;
    }
  }
  return false;
}

std::vector<RuleMatch> RuleSet::Match(const EnrichedStory& story,
                                      MatchScratch* s) const {
  std::vector<RuleMatch> matches;
  if (patterns_.empty()) return matches;
  if (!PrepareScratch(s).ok()) return matches;

  // 1. Words of the headline, then of each paragraph.
  const wirestream::v1::Story& st = story.story();
  const bool with_exact = exact_db_ >= 0;
  const Folding folding = FoldingForLanguage(st.language());
  s->tokens_.clear();
  TokenizeAppend(st.headline(), 0, with_exact, folding, &s->tokens_);
  s->headline_tokens_ = static_cast<int32_t>(s->tokens_.size());
  std::vector<bool>& break_before = s->break_before_;
  break_before.assign(s->tokens_.size(), false);
  s->body_.clear();
  for (int i = 0; i < st.paragraphs_size(); ++i) {
    if (i > 0) s->body_.append("\n\n");
    const int32_t base = static_cast<int32_t>(s->body_.size());
    s->body_.append(st.paragraphs(i));
    const size_t first = s->tokens_.size();
    TokenizeAppend(st.paragraphs(i), base, with_exact, folding, &s->tokens_);
    // A break before each paragraph's first word keeps phrases inside
    // paragraphs and off the headline.
    break_before.resize(s->tokens_.size(), false);
    if (first < s->tokens_.size()) break_before[first] = true;
  }
  if (s->tokens_.empty()) return matches;

  // 2. One scan per line finds every term occurrence.
  BuildLine(
      s->tokens_, break_before,
      [](const Token& t) -> const std::string& { return t.folded; },
      &s->folded_line_, &s->folded_starts_);
  if (with_exact) {
    BuildLine(
        s->tokens_, break_before,
        [](const Token& t) -> const std::string& { return t.exact; },
        &s->exact_line_, &s->exact_starts_);
  }
  Scan(folding, s);

  // 3. Candidate rules: those with a term found.
  if (++s->stamp_ == 0) {
    std::fill(s->rule_stamp_.begin(), s->rule_stamp_.end(), 0);
    s->stamp_ = 1;
  }
  s->candidates_.clear();
  for (uint32_t p : s->touched_patterns_) {
    for (int r : pattern_rules_[p]) {
      if (s->rule_stamp_[r] == s->stamp_) continue;
      s->rule_stamp_[r] = s->stamp_;
      s->candidates_.push_back(r);
    }
  }
  std::sort(s->candidates_.begin(), s->candidates_.end());

  // 4. Filters, then the query, for candidates only.
  std::vector<Witness> witnesses;
  for (int r : s->candidates_) {
    const AlertRule& rule = config_.rules[r];
    if (!PassesFilters(rule.filters, story)) continue;
    EvalContext ctx{s, &term_patterns_[r], rule.in_headline, rule.in_body};
    witnesses.clear();
    if (!Eval(queries_[r].root, ctx, &witnesses)) continue;
    std::sort(witnesses.begin(), witnesses.end());
    witnesses.erase(std::unique(witnesses.begin(), witnesses.end()),
                    witnesses.end());
    RuleMatch m;
    m.rule = r;
    for (const Witness& w : witnesses) {
      TermHit hit;
      hit.term = w.term;
      hit.field =
          w.first < s->headline_tokens_ ? Field::kHeadline : Field::kBody;
      hit.offset = s->tokens_[w.first].begin;
      hit.length = s->tokens_[w.last].end - hit.offset;
      m.hits.push_back(hit);
    }
    if (!m.hits.empty()) {
      // Every hit in the first hit's field, merged where they overlap.
      const Field field = m.hits[0].field;
      std::vector<std::pair<int32_t, int32_t>> spans;
      for (const TermHit& h : m.hits) {
        if (h.field != field) continue;
        const int32_t end = h.offset + h.length;
        if (!spans.empty() && h.offset < spans.back().second) {
          spans.back().second = std::max(spans.back().second, end);
        } else {
          spans.emplace_back(h.offset, end);
        }
      }
      m.snippet = MakeSnippet(field == Field::kHeadline
                                  ? absl::string_view(st.headline())
                                  : absl::string_view(s->body_),
                              spans, 0);
    }
    matches.push_back(std::move(m));
  }

  for (uint32_t p : s->touched_patterns_) s->occurrences_[p].clear();
  s->touched_patterns_.clear();
  return matches;
}

// ---------------------------------------------------------------------------
// Snippets

std::string MakeSnippet(absl::string_view text,
                        const std::vector<std::pair<int32_t, int32_t>>& spans,
                        int anchor) {
  if (spans.empty()) return "";
  const int32_t size = static_cast<int32_t>(text.size());
  int32_t start = std::max<int32_t>(0, spans[anchor].first - kSnippetBefore);
  int32_t end = std::min<int32_t>(size, spans[anchor].second + kSnippetAfter);
  // Start at a word: after the first space in the window (unless that
  // would pass the hit); end after the last word that fits.
  if (start > 0) {
    int32_t i = start;
    while (i < spans[anchor].first && !IsAsciiSpace(text[i - 1])) ++i;
    start = i;
    while (start > 0 && start < size && IsUtf8Continuation(text[start]))
      --start;
  }
  if (end < size) {
    int32_t i = end;
    while (i > spans[anchor].second && !IsAsciiSpace(text[i])) --i;
    end = i;
    while (end < size && IsUtf8Continuation(text[end])) ++end;
  }
  // Never cut a hit in two.
  for (const auto& [b, e] : spans) {
    if (b < start && e > start) start = b;
    if (b < end && e > end) end = e;
  }

  std::string out;
  out.reserve(end - start + 8 * spans.size() + 8);
  if (start > 0) out.append("…");
  size_t next = 0;  // the first span not yet closed
  while (next < spans.size() && spans[next].first < start) ++next;
  bool pending_space = false;
  bool open = false;
  int32_t i = start;
  while (i < end) {
    if (open && spans[next].second == i) {
      out.append("»");
      open = false;
      ++next;
    }
    if (IsAsciiSpace(text[i])) {
      pending_space = true;
      ++i;
      continue;
    }
    if (pending_space && !out.empty() && !(start > 0 && out.size() == 3)) {
      out.push_back(' ');
    }
    pending_space = false;
    if (!open && next < spans.size() && spans[next].first == i) {
      out.append("«");
      open = true;
    }
    // Copy up to the next space or span edge in one go.
    int32_t limit = end;
    if (next < spans.size()) {
      limit = std::min(limit, open ? spans[next].second : spans[next].first);
    }
    int32_t j = i + 1;
    while (j < limit && !IsAsciiSpace(text[j])) ++j;
    out.append(text.data() + i, j - i);
    i = j;
  }
  if (open) out.append("»");
  if (end < size) out.append("…");
  return out;
}

}  // namespace wirestream::alert
