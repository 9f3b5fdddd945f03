#include "pipeline/ingest/access_tokens.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "pipeline/ingest/source_name.h"
#include "pipeline/runtime/log.h"

namespace wirestream::ingest {

absl::StatusOr<TokenTable> ParseTokens(absl::string_view text) {
  TokenTable table;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.size() != 2 || !IsValidSourceName(fields[0]) ||
        fields[1].size() < 16) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", number,
          ": want \"SOURCE TOKEN\" (a token of at least 16 characters)"));
    }
    table[fields[0]].insert(std::string(fields[1]));
  }
  return table;
}

absl::StatusOr<std::unique_ptr<AccessTokens>> AccessTokens::Load(
    std::string path) {
  std::unique_ptr<AccessTokens> tokens(new AccessTokens(std::move(path)));
  std::ifstream in(tokens->path_);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read the tokens file ", tokens->path_));
  }
  std::stringstream text;
  text << in.rdbuf();
  auto table = ParseTokens(text.str());
  if (!table.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(tokens->path_, ": ", table.status().message()));
  }
  struct stat st {};
  stat(tokens->path_.c_str(), &st);
  absl::MutexLock lock(&tokens->mu_);
  tokens->tokens_ = *std::move(table);
  tokens->modified_ = st.st_mtim;
  tokens->last_check_ = absl::Now();
  return tokens;
}

bool AccessTokens::ReloadIfChanged() {
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0) return false;
  {
    absl::MutexLock lock(&mu_);
    last_check_ = absl::Now();
    if (st.st_mtim.tv_sec == modified_.tv_sec &&
        st.st_mtim.tv_nsec == modified_.tv_nsec) {
      return false;
    }
    modified_ = st.st_mtim;
  }
  std::ifstream in(path_);
  std::stringstream text;
  text << in.rdbuf();
  auto table = ParseTokens(text.str());
  if (!table.ok()) {
    runtime::LogError("push: tokens file %s not reloaded, old tokens kept: %s",
                      path_, table.status().message());
    return false;
  }
  absl::MutexLock lock(&mu_);
  tokens_ = *std::move(table);
  runtime::LogInfo("push: tokens reloaded from %s (%d sources)", path_,
                   tokens_.size());
  return true;
}

TokenCheck AccessTokens::Check(absl::string_view source,
                               absl::string_view token) {
  bool stale;
  {
    absl::MutexLock lock(&mu_);
    stale = absl::Now() - last_check_ > absl::Seconds(1);
  }
  if (stale) ReloadIfChanged();
  if (token.empty()) return TokenCheck::kMissing;
  absl::MutexLock lock(&mu_);
  auto it = tokens_.find(source);
  if (it == tokens_.end() || !it->second.contains(token)) {
    return TokenCheck::kWrongSource;
  }
  return TokenCheck::kValid;
}

}  // namespace wirestream::ingest
