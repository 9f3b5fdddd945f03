#include "pipeline/dashboard/story_window.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "pipeline/dashboard/json_writer.h"
#include "pipeline/text/words.h"

namespace wirestream::dashboard {
namespace {

absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return absl::InfinitePast();
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// The time a desk reads on a story: when the provider made this version.
absl::Time DisplayTime(const v1::Story& story) {
  for (const auto* ts : {&story.version_created(), &story.first_created(),
                         &story.received_at()}) {
    const absl::Time t = TimeOf(*ts);
    if (t != absl::InfinitePast()) return t;
  }
  return absl::InfinitePast();
}

absl::string_view KindName(v1::DedupKind kind) {
  switch (kind) {
    case v1::DEDUP_KIND_NEW:
      return "NEW";
    case v1::DEDUP_KIND_UPDATE:
      return "UPDATE";
    case v1::DEDUP_KIND_DUPLICATE:
      return "DUPLICATE";
    case v1::DEDUP_KIND_NEAR_DUPLICATE:
      return "NEAR_DUPLICATE";
    case v1::DEDUP_KIND_KILL:
      return "KILL";
    default:
      return "UNSPECIFIED";
  }
}

absl::string_view SeverityName(v1::Severity severity) {
  switch (severity) {
    case v1::SEVERITY_CRITICAL:
      return "critical";
    case v1::SEVERITY_WARNING:
      return "warning";
    default:
      return "info";
  }
}

absl::string_view RoleName(v1::CountryRole role) {
  switch (role) {
    case v1::COUNTRY_ROLE_DATELINE:
      return "dateline";
    case v1::COUNTRY_ROLE_SUBJECT:
      return "subject";
    case v1::COUNTRY_ROLE_MENTION:
      return "mention";
    default:
      return "";
  }
}

bool IsKill(const v1::EnrichedStory& story) {
  return story.verdict().kind() == v1::DEDUP_KIND_KILL ||
         story.story().pub_status() == v1::PUB_STATUS_WITHHELD ||
         story.story().pub_status() == v1::PUB_STATUS_CANCELED;
}

std::string ClusterIdOf(const v1::EnrichedStory& story) {
  return story.verdict().cluster_id().empty() ? story.story().id()
                                              : story.verdict().cluster_id();
}

std::string PercentDecode(absl::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() &&
               absl::ascii_isxdigit(in[i + 1]) &&
               absl::ascii_isxdigit(in[i + 2])) {
      auto hex = [](char c) {
        return absl::ascii_isdigit(c) ? c - '0'
                                      : absl::ascii_tolower(c) - 'a' + 10;
      };
      out.push_back(static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

absl::StatusOr<absl::Time> ParseQueryTime(absl::string_view name,
                                          const std::string& value) {
  int64_t seconds;
  if (absl::SimpleAtoi(value, &seconds)) return absl::FromUnixSeconds(seconds);
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, value, &time, &error)) return time;
  return absl::InvalidArgumentError(absl::StrCat(
      name, "=", value, " is not a time (RFC 3339 or Unix seconds)"));
}

std::vector<std::string> SearchWords(absl::string_view text) {
  return absl::StrSplit(text::FoldCase(text), absl::ByAnyChar(" \t"),
                        absl::SkipEmpty());
}

}  // namespace

absl::StatusOr<StoryFilter> FilterFromQuery(absl::string_view query) {
  StoryFilter filter;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    const std::string key = PercentDecode(kv.first);
    std::string value = PercentDecode(kv.second);
    if (value.empty()) continue;
    if (key == "topic") {
      filter.topic = std::move(value);
    } else if (key == "country") {
      filter.country = absl::AsciiStrToUpper(value);
    } else if (key == "region") {
      filter.region = std::move(value);
    } else if (key == "source") {
      filter.source = std::move(value);
    } else if (key == "language") {
      filter.language = absl::AsciiStrToLower(value);
    } else if (key == "rule") {
      filter.rule = std::move(value);
    } else if (key == "q") {
      filter.text = std::move(value);
    } else if (key == "since" || key == "until") {
      absl::StatusOr<absl::Time> time = ParseQueryTime(key, value);
      if (!time.ok()) return time.status();
      (key == "since" ? filter.since : filter.until) = *time;
    }
  }
  return filter;
}

absl::StatusOr<std::unique_ptr<StoryWindow>> StoryWindow::Create(
    WindowOptions options) {
  if (options.span <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the window's span must be positive");
  }
  if (options.max_stories == 0 || options.max_alerts == 0) {
    return absl::InvalidArgumentError(
        "the window must hold at least one story and one alert");
  }
  return std::unique_ptr<StoryWindow>(new StoryWindow(options));
}

std::optional<std::string> StoryWindow::AddStory(v1::EnrichedStory story,
                                                 absl::Time arrived,
                                                 absl::Time now) {
  const std::string id = story.story().id();
  if (id.empty()) return std::nullopt;
  absl::MutexLock lock(&mu_);
  ExpireLocked(now);
  if (arrived < now - options_.span) return std::nullopt;

  auto entry = std::make_shared<StoryEntry>();
  entry->folded_headline = text::FoldCase(story.story().headline());
  entry->story = std::move(story);
  entry->arrived = arrived;
  entry->serial = next_serial_++;

  auto existing = stories_.find(id);
  if (existing != stories_.end()) {
    // A re-delivery or replay of the same story version: the newest copy
    // wins, in its cluster's place.
    Cluster& old = clusters_[ClusterIdOf(existing->second->story)];
    old.story_ids.erase(
        std::remove(old.story_ids.begin(), old.story_ids.end(), id),
        old.story_ids.end());
  }
  stories_[id] = entry;
  Cluster& cluster = clusters_[ClusterIdOf(entry->story)];
  cluster.story_ids.push_back(id);
  if (IsKill(entry->story)) cluster.killed = true;

  // Usually the newest; stories read from several partitions at start-up
  // arrive out of order and are put in their place.
  auto at = stories_by_arrival_.end();
  while (at != stories_by_arrival_.begin() &&
         std::prev(at)->arrived > arrived) {
    --at;
  }
  stories_by_arrival_.insert(at, Slot{arrived, id, entry->serial});
  while (stories_.size() > options_.max_stories &&
         !stories_by_arrival_.empty()) {
    Slot oldest = std::move(stories_by_arrival_.front());
    stories_by_arrival_.pop_front();
    RemoveStoryLocked(oldest);
  }
  if (stories_.find(id) == stories_.end()) return std::nullopt;
  JsonWriter json;
  WriteSummaryLocked(*entry, json);
  return json.Take();
}

std::optional<std::string> StoryWindow::AddAlert(v1::Alert alert,
                                                 absl::Time arrived,
                                                 absl::Time now) {
  if (alert.alert_id().empty()) return std::nullopt;
  absl::MutexLock lock(&mu_);
  ExpireLocked(now);
  if (arrived < now - options_.span) return std::nullopt;
  // Alert ids are idempotency keys: a re-delivered alert is the same alert.
  if (alerts_by_id_.contains(alert.alert_id())) return std::nullopt;
  auto entry = std::make_shared<AlertEntry>();
  entry->alert = std::move(alert);
  entry->arrived = arrived;
  auto at = alerts_.end();
  while (at != alerts_.begin() && (*std::prev(at))->arrived > arrived) --at;
  alerts_.insert(at, entry);
  alerts_by_id_[entry->alert.alert_id()] = entry;
  while (alerts_.size() > options_.max_alerts) {
    alerts_by_id_.erase(alerts_.front()->alert.alert_id());
    alerts_.pop_front();
  }
  if (!alerts_by_id_.contains(entry->alert.alert_id())) return std::nullopt;
  JsonWriter json;
  WriteAlert(*entry, json);
  return json.Take();
}

void StoryWindow::Expire(absl::Time now) {
  absl::MutexLock lock(&mu_);
  ExpireLocked(now);
}

void StoryWindow::ExpireLocked(absl::Time now) {
  const absl::Time cutoff = now - options_.span;
  while (!stories_by_arrival_.empty() &&
         stories_by_arrival_.front().arrived < cutoff) {
    Slot oldest = std::move(stories_by_arrival_.front());
    stories_by_arrival_.pop_front();
    RemoveStoryLocked(oldest);
  }
  while (!alerts_.empty() && alerts_.front()->arrived < cutoff) {
    alerts_by_id_.erase(alerts_.front()->alert.alert_id());
    alerts_.pop_front();
  }
}

void StoryWindow::RemoveStoryLocked(const Slot& slot) {
  auto it = stories_.find(slot.id);
  if (it == stories_.end() || it->second->serial != slot.serial) return;
  const std::string cluster_id = ClusterIdOf(it->second->story);
  stories_.erase(it);
  auto cluster = clusters_.find(cluster_id);
  if (cluster == clusters_.end()) return;
  auto& ids = cluster->second.story_ids;
  ids.erase(std::remove(ids.begin(), ids.end(), slot.id), ids.end());
  if (ids.empty()) clusters_.erase(cluster);
}

bool StoryWindow::MatchesLocked(const StoryEntry& entry,
                                const StoryFilter& filter,
                                const std::vector<std::string>& words) const {
  if (entry.arrived < filter.since || entry.arrived >= filter.until) {
    return false;
  }
  const v1::EnrichedStory& e = entry.story;
  if (!filter.language.empty() &&
      absl::AsciiStrToLower(e.story().language()) != filter.language) {
    return false;
  }
  if (!filter.source.empty() && e.story().source() != filter.source &&
      e.story().provider() != filter.source) {
    return false;
  }
  if (!filter.topic.empty() &&
      std::none_of(
          e.topics().begin(), e.topics().end(), [&](const v1::TopicScore& t) {
            return t.code() == filter.topic || t.label() == filter.topic;
          })) {
    return false;
  }
  if (!filter.country.empty() &&
      std::none_of(e.countries().begin(), e.countries().end(),
                   [&](const v1::CountryScore& c) {
                     return c.code() == filter.country;
                   })) {
    return false;
  }
  if (!filter.region.empty() &&
      std::none_of(e.regions().begin(), e.regions().end(),
                   [&](const v1::RegionScore& r) {
                     return r.m49_code() == filter.region ||
                            r.name() == filter.region;
                   })) {
    return false;
  }
  if (!filter.rule.empty() &&
      std::none_of(
          e.alert_hits().begin(), e.alert_hits().end(),
          [&](const v1::AlertHit& h) { return h.rule_id() == filter.rule; })) {
    return false;
  }
  for (const std::string& word : words) {
    if (!absl::StrContains(entry.folded_headline, word)) return false;
  }
  return true;
}

void StoryWindow::WriteSummaryLocked(const StoryEntry& entry,
                                     JsonWriter& json) const {
  const v1::EnrichedStory& e = entry.story;
  const v1::Story& s = e.story();
  const std::string cluster_id = ClusterIdOf(e);
  bool killed = IsKill(e);
  bool updated = false;
  int cluster_stories = 1;
  std::vector<std::string> sources;
  auto cluster = clusters_.find(cluster_id);
  if (cluster != clusters_.end()) {
    killed = killed || cluster->second.killed;
    cluster_stories = static_cast<int>(cluster->second.story_ids.size());
    bool later = false;
    for (const std::string& id : cluster->second.story_ids) {
      auto other = stories_.find(id);
      if (other == stories_.end()) continue;
      const v1::Story& o = other->second->story.story();
      // Outlets, not feeds: one feed often carries several providers.
      const std::string& source =
          o.provider().empty() ? o.source() : o.provider();
      if (std::find(sources.begin(), sources.end(), source) == sources.end()) {
        sources.push_back(source);
      }
      if (later &&
          other->second->story.verdict().kind() == v1::DEDUP_KIND_UPDATE) {
        updated = true;
      }
      if (id == s.id()) later = true;
    }
  }
  json.BeginObject();
  json.Key("id").String(s.id());
  json.Key("cluster_id").String(cluster_id);
  json.Key("headline").String(s.headline());
  json.Key("source").String(s.source());
  json.Key("provider").String(s.provider());
  json.Key("language").String(s.language());
  json.Key("urgency").Int(s.urgency());
  json.Key("version").Int(s.version());
  json.Key("time").Time(DisplayTime(s));
  json.Key("arrived").Time(entry.arrived);
  json.Key("kind").String(KindName(e.verdict().kind()));
  json.Key("killed").Bool(killed);
  json.Key("updated").Bool(updated);
  json.Key("cluster_stories").Int(cluster_stories);
  json.Key("cluster_sources").Int(std::max<int>(1, sources.size()));
  json.Key("topics").BeginArray();
  for (const v1::TopicScore& t : e.topics()) {
    json.BeginObject();
    json.Key("code").String(t.code());
    json.Key("label").String(t.label());
    json.Key("primary").Bool(t.primary());
    json.EndObject();
  }
  json.EndArray();
  json.Key("countries").BeginArray();
  for (const v1::CountryScore& c : e.countries()) {
    json.BeginObject();
    json.Key("code").String(c.code());
    json.Key("name").String(c.name());
    json.EndObject();
  }
  json.EndArray();
  json.Key("regions").BeginArray();
  for (const v1::RegionScore& r : e.regions()) {
    json.BeginObject();
    json.Key("code").String(r.m49_code());
    json.Key("name").String(r.name());
    json.Key("level").String(
        r.level() == v1::REGION_LEVEL_CONTINENT ? "continent" : "subregion");
    json.EndObject();
  }
  json.EndArray();
  json.Key("focus_country").String(e.focus_country());
  json.Key("alerts").BeginArray();
  for (const v1::AlertHit& h : e.alert_hits()) {
    json.BeginObject();
    json.Key("rule_id").String(h.rule_id());
    json.Key("rule_name").String(h.rule_name());
    json.Key("severity").String(SeverityName(h.severity()));
    json.Key("suppressed").Bool(h.suppressed());
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void StoryWindow::WriteAlert(const AlertEntry& entry, JsonWriter& json) const {
  const v1::Alert& a = entry.alert;
  json.BeginObject();
  json.Key("alert_id").String(a.alert_id());
  json.Key("rule_id").String(a.rule_id());
  json.Key("rule_name").String(a.rule_name());
  json.Key("severity").String(SeverityName(a.severity()));
  json.Key("story_id").String(a.story_id());
  json.Key("cluster_id").String(a.cluster_id());
  json.Key("headline").String(a.headline());
  json.Key("snippet").String(a.snippet());
  json.Key("created_at").Time(TimeOf(a.created_at()));
  json.Key("arrived").Time(entry.arrived);
  json.Key("channels").BeginArray();
  for (const std::string& c : a.channels()) json.String(c);
  json.EndArray();
  json.EndObject();
}

std::string StoryWindow::StoriesJson(const StoryFilter& filter,
                                     size_t limit) const {
  const std::vector<std::string> words = SearchWords(filter.text);
  absl::ReaderMutexLock lock(&mu_);
  JsonWriter json;
  json.BeginObject();
  json.Key("stories").BeginArray();
  size_t total = 0;
  for (auto it = stories_by_arrival_.rbegin(); it != stories_by_arrival_.rend();
       ++it) {
    auto entry = stories_.find(it->id);
    if (entry == stories_.end() || entry->second->serial != it->serial) {
      continue;
    }
    if (!MatchesLocked(*entry->second, filter, words)) continue;
    if (total++ < limit) WriteSummaryLocked(*entry->second, json);
  }
  json.EndArray();
  json.Key("total").Int(static_cast<int64_t>(total));
  json.EndObject();
  return json.Take();
}

std::optional<std::string> StoryWindow::StoryJson(absl::string_view id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto found = stories_.find(id);
  if (found == stories_.end()) return std::nullopt;
  const StoryEntry& entry = *found->second;
  const v1::EnrichedStory& e = entry.story;
  const v1::Story& s = e.story();
  JsonWriter json;
  json.BeginObject();
  json.Key("summary");
  WriteSummaryLocked(entry, json);
  json.Key("subheadline").String(s.subheadline());
  json.Key("byline").String(s.byline());
  json.Key("dateline").String(s.dateline().place());
  json.Key("paragraphs").BeginArray();
  for (const std::string& p : s.paragraphs()) json.String(p);
  json.EndArray();
  json.Key("normalized_text").String(s.normalized_text());
  json.Key("canonical_url").String(s.canonical_url());
  json.Key("pub_status")
      .String(
          v1::PubStatus_Name(s.pub_status()).substr(sizeof("PUB_STATUS_") - 1));
  json.Key("verdict").BeginObject();
  json.Key("kind").String(KindName(e.verdict().kind()));
  json.Key("cluster_id").String(ClusterIdOf(e));
  json.Key("matched_story_id").String(e.verdict().matched_story_id());
  json.Key("similarity").Double(e.verdict().similarity());
  json.Key("method").String(e.verdict().method());
  json.Key("domain").String(e.verdict().domain());
  json.Key("evidence").String(e.verdict().evidence());
  json.EndObject();
  json.Key("topics_unavailable").String(e.topics_unavailable());
  json.Key("topics").BeginArray();
  for (const v1::TopicScore& t : e.topics()) {
    json.BeginObject();
    json.Key("code").String(t.code());
    json.Key("label").String(t.label());
    json.Key("primary").Bool(t.primary());
    json.Key("score").Double(t.score());
    json.Key("evidence").BeginArray();
    for (const std::string& w : t.evidence()) json.String(w);
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.Key("countries").BeginArray();
  for (const v1::CountryScore& c : e.countries()) {
    json.BeginObject();
    json.Key("code").String(c.code());
    json.Key("name").String(c.name());
    json.Key("score").Double(c.score());
    json.Key("mentions").Int(c.mentions());
    json.Key("role").String(RoleName(c.role()));
    json.Key("evidence").BeginArray();
    for (const std::string& w : c.evidence()) json.String(w);
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.Key("alert_hits").BeginArray();
  for (const v1::AlertHit& h : e.alert_hits()) {
    json.BeginObject();
    json.Key("rule_id").String(h.rule_id());
    json.Key("rule_name").String(h.rule_name());
    json.Key("severity").String(SeverityName(h.severity()));
    json.Key("suppressed").Bool(h.suppressed());
    json.Key("suppressed_reason").String(h.suppressed_reason());
    json.Key("snippet").String(h.snippet());
    json.Key("matches").BeginArray();
    for (const v1::TermMatch& m : h.matches()) {
      json.BeginObject();
      json.Key("term").String(m.term());
      json.Key("field").String(m.field());
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.Key("cluster").BeginArray();
  auto cluster = clusters_.find(ClusterIdOf(e));
  if (cluster != clusters_.end()) {
    for (const std::string& id : cluster->second.story_ids) {
      auto other = stories_.find(id);
      if (other == stories_.end()) continue;
      const v1::EnrichedStory& o = other->second->story;
      json.BeginObject();
      json.Key("id").String(id);
      json.Key("headline").String(o.story().headline());
      json.Key("source").String(o.story().source());
      json.Key("version").Int(o.story().version());
      json.Key("kind").String(KindName(o.verdict().kind()));
      json.Key("arrived").Time(other->second->arrived);
      json.Key("this").Bool(id == s.id());
      json.EndObject();
    }
  }
  json.EndArray();
  json.Key("alerts_raised").BeginArray();
  for (auto it = alerts_.rbegin(); it != alerts_.rend(); ++it) {
    if ((*it)->alert.story_id() == s.id() ||
        (*it)->alert.cluster_id() == ClusterIdOf(e)) {
      WriteAlert(**it, json);
    }
  }
  json.EndArray();
  json.EndObject();
  return json.Take();
}

std::string StoryWindow::AlertsJson(const StoryFilter& filter,
                                    size_t limit) const {
  absl::ReaderMutexLock lock(&mu_);
  JsonWriter json;
  json.BeginObject();
  json.Key("alerts").BeginArray();
  size_t written = 0;
  for (auto it = alerts_.rbegin(); it != alerts_.rend() && written < limit;
       ++it) {
    const AlertEntry& entry = **it;
    if (entry.arrived < filter.since || entry.arrived >= filter.until) {
      continue;
    }
    if (!filter.rule.empty() && entry.alert.rule_id() != filter.rule) continue;
    WriteAlert(entry, json);
    ++written;
  }
  json.EndArray();
  json.EndObject();
  return json.Take();
}

std::string StoryWindow::CountsJson(const StoryFilter& filter) const {
  const std::vector<std::string> words = SearchWords(filter.text);
  struct Count {
    std::string name;
    int64_t count = 0;
  };
  std::map<std::string, Count> topics;
  std::map<std::string, Count> regions;
  std::map<std::string, int64_t> severities = {
      {"critical", 0}, {"warning", 0}, {"info", 0}};
  int64_t stories = 0;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [id, entry] : stories_) {
      if (!MatchesLocked(*entry, filter, words)) continue;
      ++stories;
      const v1::EnrichedStory& e = entry->story;
      if (e.topics_size() > 0) {
        Count& c = topics[e.topics(0).code()];
        c.name = e.topics(0).label();
        ++c.count;
      }
      for (const v1::RegionScore& r : e.regions()) {
        if (r.level() != v1::REGION_LEVEL_CONTINENT) continue;
        Count& c = regions[r.m49_code()];
        c.name = r.name();
        ++c.count;
      }
    }
    for (const auto& entry : alerts_) {
      if (entry->arrived < filter.since || entry->arrived >= filter.until) {
        continue;
      }
      ++severities[std::string(SeverityName(entry->alert.severity()))];
    }
  }
  auto write_counts = [](const std::map<std::string, Count>& counts,
                         JsonWriter& json) {
    std::vector<std::pair<std::string, Count>> sorted(counts.begin(),
                                                      counts.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) {
                       return a.second.count > b.second.count;
                     });
    json.BeginArray();
    for (const auto& [code, c] : sorted) {
      json.BeginObject();
      json.Key("code").String(code);
      json.Key("name").String(c.name);
      json.Key("count").Int(c.count);
      json.EndObject();
    }
    json.EndArray();
  };
  JsonWriter json;
  json.BeginObject();
  json.Key("since").Time(filter.since);
  json.Key("until").Time(filter.until);
  json.Key("stories").Int(stories);
  json.Key("by_topic");
  write_counts(topics, json);
  json.Key("by_region");
  write_counts(regions, json);
  json.Key("alerts_by_severity").BeginObject();
  for (const auto& [name, count] : severities) json.Key(name).Int(count);
  json.EndObject();
  json.EndObject();
  return json.Take();
}

size_t StoryWindow::story_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return stories_.size();
}

size_t StoryWindow::alert_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return alerts_.size();
}

}  // namespace wirestream::dashboard
