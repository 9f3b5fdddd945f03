// File: pipeline/dashboard/story_window.h
//
// StoryWindow holds the last few hours of enriched stories and alerts in
// memory, bounded by time and by count, and answers the dashboard's
// questions about them as JSON: stories by filter, one story with its
// evidence and cluster, alerts, and counts by topic and region.
//
//   auto window = StoryWindow::Create({.span = absl::Hours(6)});
//   std::string event = (*window)->AddStory(story, arrived, absl::Now());
//   StoryFilter filter;
//   filter.topic = "medtop:04000000";
//   std::string json = (*window)->StoriesJson(filter, 50);
//
// A story's time in the window is when it arrived on wire.enriched (the
// record's timestamp). A KILL verdict marks every story of its cluster
// killed: they stay, struck through, until they leave the window.
//
// Thread-safe: the feed reader adds while HTTP threads query.
#ifndef WIRESTREAM_PIPELINE_DASHBOARD_STORY_WINDOW_H_
#define WIRESTREAM_PIPELINE_DASHBOARD_STORY_WINDOW_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "wirestream/v1/alert.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::dashboard {

struct WindowOptions {
  // How far back stories and alerts are kept.
  absl::Duration span = absl::Hours(6);
  // Hard caps, whatever the span: the oldest go first.
  size_t max_stories = 100000;
  size_t max_alerts = 25000;
};

// What a desk filters on. Empty fields match everything; every non-empty
// field must match.
struct StoryFilter {
  // An IPTC Media Topics code ("medtop:04000000") or its label, matching
  // any of the story's topics.
  std::string topic;
  // An ISO 3166-1 alpha-2 code, any of the story's countries.
  std::string country;
  // A UN M49 code ("030") or region name, any of the story's regions.
  std::string region;
  // The delivering feed or the provider named in the story.
  std::string source;
  // The story's BCP 47 language, e.g. "en".
  std::string language;
  // An alert rule id the story matched (alerted or suppressed).
  std::string rule;
  // Words that must all appear in the headline, case-folded.
  std::string text;
  // Arrival on wire.enriched, since inclusive, until exclusive.
  absl::Time since = absl::InfinitePast();
  absl::Time until = absl::InfiniteFuture();
};

// Returns the filter from an HTTP query string ("topic=...&since=..."), or
// INVALID_ARGUMENT naming a bad time (RFC 3339 or Unix seconds).
absl::StatusOr<StoryFilter> FilterFromQuery(absl::string_view query);

class StoryWindow {
 public:
  static absl::StatusOr<std::unique_ptr<StoryWindow>> Create(
      WindowOptions options);

  // Adds (or replaces, by story id) a story that arrived at `arrived`, first
  // dropping what `now` puts out of the window. Returns the story's summary
  // JSON for live clients, or nullopt when it is already out of the window
  // or has no id.
  std::optional<std::string> AddStory(v1::EnrichedStory story,
                                      absl::Time arrived, absl::Time now);
  // Likewise for an alert (by alert id).
  std::optional<std::string> AddAlert(v1::Alert alert, absl::Time arrived,
                                      absl::Time now);
  // Drops what `now` puts out of the window.
  void Expire(absl::Time now);

  // Returns {"stories":[summary...],"total":N}: matching stories, newest
  // first, at most `limit` of them; total counts every match.
  std::string StoriesJson(const StoryFilter& filter, size_t limit) const;
  // Returns one story in full (text, verdict, evidence, cluster, alerts
  // raised), or nullopt when it is not in the window.
  std::optional<std::string> StoryJson(absl::string_view id) const;
  // Returns {"alerts":[...]}: alerts newest first, filtered by rule and
  // time only, at most `limit`.
  std::string AlertsJson(const StoryFilter& filter, size_t limit) const;
  // Returns the number of matching stories by primary topic and by region
  // (continents), and of alerts by severity, between since and until.
  std::string CountsJson(const StoryFilter& filter) const;

  size_t story_count() const;
  size_t alert_count() const;
  absl::Duration span() const { return options_.span; }

 private:
  struct StoryEntry {
    v1::EnrichedStory story;
    absl::Time arrived;
    std::string folded_headline;
    uint64_t serial = 0;
  };
  struct AlertEntry {
    v1::Alert alert;
    absl::Time arrived;
  };
  // Stories of one dedup cluster, in arrival order.
  struct Cluster {
    std::vector<std::string> story_ids;
    bool killed = false;
  };
  // A slot in arrival order; stale when the id now maps to a newer serial.
  struct Slot {
    absl::Time arrived;
    std::string id;
    uint64_t serial;
  };

  explicit StoryWindow(WindowOptions options) : options_(options) {}

  void ExpireLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveStoryLocked(const Slot& slot) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool MatchesLocked(const StoryEntry& entry, const StoryFilter& filter,
                     const std::vector<std::string>& words) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void WriteSummaryLocked(const StoryEntry& entry, class JsonWriter& json) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void WriteAlert(const AlertEntry& entry, JsonWriter& json) const;

  const WindowOptions options_;
  mutable absl::Mutex mu_;
  uint64_t next_serial_ ABSL_GUARDED_BY(mu_) = 1;
  // Oldest first.
  std::deque<Slot> stories_by_arrival_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::shared_ptr<StoryEntry>> stories_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Cluster> clusters_ ABSL_GUARDED_BY(mu_);
  // Oldest first.
  std::deque<std::shared_ptr<AlertEntry>> alerts_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::shared_ptr<AlertEntry>> alerts_by_id_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace wirestream::dashboard

#endif  // WIRESTREAM_PIPELINE_DASHBOARD_STORY_WINDOW_H_
