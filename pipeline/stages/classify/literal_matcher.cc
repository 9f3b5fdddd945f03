#include "pipeline/stages/classify/literal_matcher.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "hs/hs.h"

namespace wirestream::classify {
namespace {

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c >= 0x80;
}

struct ScanContext {
  absl::string_view text;
  const std::vector<uint32_t>* lengths;
  std::vector<LiteralMatcher::Hit>* hits;
};

int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* ctx) {
  auto* c = static_cast<ScanContext*>(ctx);
  const uint32_t len = (*c->lengths)[id];
  if (to < len) return 0;
  const size_t begin = to - len;
  const auto& t = c->text;
  // Word boundaries, judged on the pattern's own edges: a pattern that
  // starts or ends with punctuation ("U.S.") needs no boundary there.
  const unsigned char first = t[begin], last = t[to - 1];
  if (IsWordByte(first) && begin > 0 &&
      IsWordByte(static_cast<unsigned char>(t[begin - 1]))) {
    return 0;
  }
  if (IsWordByte(last) && to < t.size() &&
      IsWordByte(static_cast<unsigned char>(t[to]))) {
    return 0;
  }
  c->hits->push_back(
      {id, static_cast<uint32_t>(begin), static_cast<uint32_t>(to)});
  return 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LiteralMatcher>> LiteralMatcher::Create(
    const std::vector<Pattern>& patterns) {
  if (patterns.empty()) {
    return absl::InvalidArgumentError("no patterns to match");
  }
  std::vector<const char*> expressions;
  std::vector<unsigned> flags, ids;
  std::vector<size_t> lens;
  auto matcher = std::unique_ptr<LiteralMatcher>(new LiteralMatcher());
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (patterns[i].text.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("pattern ", i, " is empty"));
    }
    expressions.push_back(patterns[i].text.data());
    flags.push_back(patterns[i].caseless ? HS_FLAG_CASELESS : 0);
    ids.push_back(i);
    lens.push_back(patterns[i].text.size());
    matcher->lengths_.push_back(patterns[i].text.size());
  }
  hs_compile_error_t* error = nullptr;
  if (hs_compile_lit_multi(expressions.data(), flags.data(), ids.data(),
                           lens.data(), expressions.size(), HS_MODE_BLOCK,
                           nullptr, &matcher->database_,
                           &error) != HS_SUCCESS) {
    std::string message = error != nullptr ? error->message : "unknown error";
    int which = error != nullptr ? error->expression : -1;
    hs_free_compile_error(error);
    return absl::InvalidArgumentError(
        absl::StrCat("hyperscan rejected pattern ", which, ": ", message));
  }
  if (hs_alloc_scratch(matcher->database_, &matcher->prototype_) !=
      HS_SUCCESS) {
    return absl::ResourceExhaustedError("cannot allocate hyperscan scratch");
  }
  return matcher;
}

LiteralMatcher::~LiteralMatcher() {
  for (hs_scratch* s : free_) hs_free_scratch(s);
  hs_free_scratch(prototype_);
  hs_free_database(database_);
}

hs_scratch* LiteralMatcher::BorrowScratch() const {
  {
    absl::MutexLock lock(&mu_);
    if (!free_.empty()) {
      hs_scratch* s = free_.back();
      free_.pop_back();
      return s;
    }
  }
  hs_scratch* s = nullptr;
  if (hs_clone_scratch(prototype_, &s) != HS_SUCCESS) return nullptr;
  return s;
}

void LiteralMatcher::ReturnScratch(hs_scratch* scratch) const {
  absl::MutexLock lock(&mu_);
  free_.push_back(scratch);
}

void LiteralMatcher::Scan(absl::string_view text,
                          std::vector<Hit>* hits) const {
  if (text.empty()) return;
  hs_scratch* scratch = BorrowScratch();
  if (scratch == nullptr) return;  // Out of memory: no matches.
  const size_t first = hits->size();
  ScanContext ctx{text, &lengths_, hits};
  hs_scan(database_, text.data(), text.size(), 0, scratch, &OnMatch, &ctx);
  ReturnScratch(scratch);
  std::sort(hits->begin() + first, hits->end(), [](const Hit& a, const Hit& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.pattern < b.pattern;
  });
}

}  // namespace wirestream::classify
