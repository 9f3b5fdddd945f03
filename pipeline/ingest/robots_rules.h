// File: pipeline/ingest/robots_rules.h
//
// What a site's robots.txt allows the feed gateway to fetch: the group for
// the gateway's product token if there is one, else the "*" group; Allow
// and Disallow path prefixes, the longest match deciding (RFC 9309; "*"
// and "$" patterns are matched as plain prefixes up to the first '*').
//
//   RobotsRules rules = RobotsRules::Parse(robots_txt, "wirestream");
//   if (!rules.Allows("/news/story-1.html")) { ... skip the page ... }
#ifndef WIRESTREAM_PIPELINE_INGEST_ROBOTS_RULES_H_
#define WIRESTREAM_PIPELINE_INGEST_ROBOTS_RULES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace wirestream::ingest {

class RobotsRules {
 public:
  // Rules that allow everything (no robots.txt, or a 404 for it).
  RobotsRules() = default;
  // Parses `text` for the product token `agent` (case-insensitive).
  static RobotsRules Parse(absl::string_view text, absl::string_view agent);
  // Rules that forbid everything (robots.txt answered 401 or 403).
  static RobotsRules DisallowAll();

  // True when `path` (with its query) may be fetched.
  bool Allows(absl::string_view path) const;

 private:
  // (prefix, allow)
  std::vector<std::pair<std::string, bool>> rules_;
};

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_ROBOTS_RULES_H_
