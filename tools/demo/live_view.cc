#include "tools/demo/live_view.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace wirestream::demo {
namespace {

constexpr absl::string_view kIndent = "                         ";

std::string ShortId(const std::string& id) { return id.substr(0, 8); }

}  // namespace

std::string VerdictName(const v1::EnrichedStory& story) {
  absl::string_view kind = v1::DedupKind_Name(story.verdict().kind());
  absl::ConsumePrefix(&kind, "DEDUP_KIND_");
  return std::string(kind);
}

std::string StoryLines(const v1::EnrichedStory& e) {
  std::string out =
      absl::StrFormat("story  %-15s cluster %-8s  %s\n", VerdictName(e),
                      ShortId(e.verdict().cluster_id()), e.story().headline());
  std::vector<std::string> topics;
  for (const v1::TopicScore& t : e.topics()) {
    topics.push_back(absl::StrFormat("%s%s %.2f", t.primary() ? "*" : "",
                                     t.label(), t.score()));
  }
  std::vector<std::string> countries;
  for (const v1::CountryScore& c : e.countries()) countries.push_back(c.code());
  absl::StrAppend(&out, kIndent, "topics: ",
                  !topics.empty() ? absl::StrJoin(topics, ", ")
                  : e.topics_unavailable().empty()
                      ? std::string("none")
                      : absl::StrCat("none (", e.topics_unavailable(), ")"),
                  " | countries: ",
                  countries.empty() ? "none" : absl::StrJoin(countries, " "),
                  " | focus ",
                  e.focus_country().empty() ? "none" : e.focus_country(), "\n");
  for (const v1::AlertHit& hit : e.alert_hits()) {
    absl::StrAppend(&out, kIndent, "rule ", hit.rule_id(),
                    hit.suppressed()
                        ? absl::StrCat(" suppressed: ", hit.suppressed_reason())
                        : " alerted",
                    "\n");
  }
  return out;
}

std::string AlertLine(const v1::Alert& alert) {
  absl::string_view severity = v1::Severity_Name(alert.severity());
  absl::ConsumePrefix(&severity, "SEVERITY_");
  return absl::StrFormat("ALERT  %-8s %s  %s (%s)\n",
                         absl::AsciiStrToLower(severity), alert.rule_id(),
                         alert.headline(), alert.alert_id());
}

std::string DeadLetterLine(const v1::DeadLetter& letter) {
  return absl::StrCat("dead letter from ", letter.stage(), ": ",
                      v1::DeadLetterReason_Name(letter.reason()), ": ",
                      letter.message(), " (", letter.original_value().size(),
                      " original bytes kept, ", letter.source_topic(), "[",
                      letter.source_partition(), "] offset ",
                      letter.source_offset(), ")\n");
}

}  // namespace wirestream::demo
