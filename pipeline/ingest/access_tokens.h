// File: pipeline/ingest/access_tokens.h
//
// Per-source bearer tokens for the push gateway, from a file the operator
// edits while the gateway runs. One token a line, "SOURCE TOKEN"; blank
// lines and lines starting with '#' are skipped; a source may have several
// tokens (to rotate one). The file is read again when its modification time
// changes (checked at most once a second); a file that does not parse
// keeps the tokens in use and is logged.
//
//   auto tokens = AccessTokens::Load("/etc/wirestream/push-tokens");
//   switch ((*tokens)->Check("ap", bearer)) { ... }
//
// Thread-safe.
#ifndef WIRESTREAM_PIPELINE_INGEST_ACCESS_TOKENS_H_
#define WIRESTREAM_PIPELINE_INGEST_ACCESS_TOKENS_H_

#include <ctime>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wirestream::ingest {

// Tokens by source.
using TokenTable =
    absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>>;

// Parses the file's text. INVALID_ARGUMENT names the first bad line.
absl::StatusOr<TokenTable> ParseTokens(absl::string_view text);

enum class TokenCheck { kValid, kMissing, kWrongSource };

class AccessTokens {
 public:
  // Reads `path`; NOT_FOUND or INVALID_ARGUMENT when it cannot be used.
  static absl::StatusOr<std::unique_ptr<AccessTokens>> Load(std::string path);

  // kMissing: no token given; kWrongSource: a token that is not one of
  // `source`'s; kValid otherwise. Reloads the file first if it changed.
  TokenCheck Check(absl::string_view source, absl::string_view token);

  // Reads the file again if its modification time changed. Returns true
  // when new tokens took effect.
  bool ReloadIfChanged();

 private:
  explicit AccessTokens(std::string path) : path_(std::move(path)) {}
  const std::string path_;
  absl::Mutex mu_;
  TokenTable tokens_ ABSL_GUARDED_BY(mu_);
  timespec modified_ ABSL_GUARDED_BY(mu_){};
  absl::Time last_check_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_ACCESS_TOKENS_H_
