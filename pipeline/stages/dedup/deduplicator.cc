#include "pipeline/stages/dedup/deduplicator.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "pipeline/stages/dedup/disk_entry_store.h"
#include "pipeline/stages/dedup/memory_entry_store.h"

namespace wirestream::stages::dedup {
namespace {

using ::wirestream::v1::DedupKind;
using ::wirestream::v1::DedupStateEntry;
using ::wirestream::v1::DedupVerdict;
using ::wirestream::v1::Story;

constexpr int kMaxDomains = 4096;
// Index cells of the memory store hold 24-bit slots.
constexpr int64_t kMaxEntries = (int64_t{1} << 24) - 2;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

bool IsKill(const Story& story) {
  return story.pub_status() == wirestream::v1::PUB_STATUS_CANCELED ||
         story.pub_status() == wirestream::v1::PUB_STATUS_WITHHELD;
}

// True when the first words of the headline mark a correction or refile,
// e.g. "CORRECTED-UPDATE 1-Acme ..." or "Correction: Acme ...".
bool HeadlineMarksCorrection(absl::string_view headline) {
  const std::string folded = FoldText(headline.substr(0, 64));
  int words = 0;
  size_t i = 0;
  while (i < folded.size() && words < 4) {
    while (i < folded.size() && !absl::ascii_isalpha(folded[i])) ++i;
    size_t start = i;
    while (i < folded.size() && absl::ascii_isalpha(folded[i])) ++i;
    if (start == i) break;
    absl::string_view word(folded.data() + start, i - start);
    if (word == "corrected" || word == "correction" || word == "correcting" ||
        word == "refile" || word == "refiled" || word == "refiling" ||
        word == "writethru" || word == "clarification") {
      return true;
    }
    ++words;
  }
  return false;
}

// Returns, in words, the lead conflict `lead` that kept the candidate `c`
// apart from the story with fingerprint `fp`.
std::string LeadConflictReason(const StoryFingerprint& fp,
                               const LeadEvidence& lead, const EntryView& c) {
  auto figures_or_names = [](int count) {
    return absl::StrCat(count,
                        count == 1 ? " figure or name" : " figures or names");
  };
  // The words of this story's lead that the candidate does not mention,
  // quoted, at most three.
  std::vector<std::string> terms;
  for (const auto& [value, term] : fp.lead_terms) {
    if (terms.size() >= 3) break;
    std::string quoted = absl::StrCat("\"", term, "\"");
    if (LeadMemberMissing(value, *c.numbers, *c.names, *c.lead) &&
        std::find(terms.begin(), terms.end(), quoted) == terms.end()) {
      terms.push_back(std::move(quoted));
    }
  }
  std::string why;
  if (lead.missing_from_a_count > 0) {
    why =
        absl::StrCat("this story's lead names ",
                     terms.empty() ? figures_or_names(lead.missing_from_a_count)
                                   : absl::StrJoin(terms, ", "),
                     " that it does not mention");
  }
  if (lead.missing_from_b_count > 0) {
    absl::StrAppend(&why, why.empty() ? "" : "; ", "its lead names ",
                    figures_or_names(lead.missing_from_b_count),
                    " this story does not mention");
  }
  return why;
}

}  // namespace

struct Deduplicator::Match {
  DedupKind kind = wirestream::v1::DEDUP_KIND_NEW;
  std::optional<uint32_t> slot;
  double similarity = 0;
  std::string method;
  // The story adds nothing to the state (an exact duplicate).
  bool exact = false;
  // What decided, in words (DedupVerdict::evidence).
  std::string evidence;
};

DedupStats& DedupStats::operator+=(const DedupStats& o) {
  for (size_t i = 0; i < verdicts.size(); ++i) verdicts[i] += o.verdicts[i];
  entries += o.entries;
  bytes += o.bytes;
  allocated_bytes += o.allocated_bytes;
  disk_bytes += o.disk_bytes;
  evictions += o.evictions;
  expirations += o.expirations;
  restored_entries += o.restored_entries;
  restore_errors += o.restore_errors;
  candidates += o.candidates;
  return *this;
}

absl::Status ValidateDeduplicatorConfig(const DeduplicatorConfig& c) {
  auto bad = [](auto&&... parts) {
    return absl::InvalidArgumentError(absl::StrCat(parts...));
  };
  if (c.window <= absl::ZeroDuration()) return bad("window must be positive");
  if (c.memory_budget_bytes <= 0) {
    return bad("memory_budget_bytes must be positive");
  }
  if (c.shingle_size < 1 || c.shingle_size > 8) {
    return bad("shingle_size must be 1..8, got ", c.shingle_size);
  }
  if (c.min_shingle_size < 1 || c.min_shingle_size > c.shingle_size) {
    return bad("min_shingle_size must be 1..shingle_size, got ",
               c.min_shingle_size);
  }
  if (c.headline_weight < 0 || c.headline_weight > 8) {
    return bad("headline_weight must be 0..8, got ", c.headline_weight);
  }
  if (c.bands < 1 || c.bands > 32) {
    return bad("bands must be 1..32, got ", c.bands);
  }
  if (c.rows < 1 || c.rows > 8) return bad("rows must be 1..8, got ", c.rows);
  for (auto [name, value] :
       {std::pair<const char*, double>{"near_duplicate_resemblance",
                                       c.near_duplicate_resemblance},
        {"near_duplicate_containment", c.near_duplicate_containment},
        {"min_size_ratio", c.min_size_ratio},
        {"number_agreement", c.number_agreement},
        {"name_agreement", c.name_agreement},
        {"short_item_resemblance", c.short_item_resemblance},
        {"rewrite_resemblance", c.rewrite_resemblance},
        {"rewrite_entity_agreement", c.rewrite_entity_agreement}}) {
    if (!(value >= 0.0 && value <= 1.0)) {
      return bad(name, " must be 0..1, got ", value);
    }
  }
  if (c.short_item_words < 0) return bad("short_item_words must be >= 0");
  if (c.rewrite_min_entities < 0) {
    return bad("rewrite_min_entities must be >= 0");
  }
  if (c.max_bucket_entries < 1) return bad("max_bucket_entries must be >= 1");
  if (c.lead_name_conflict_words < 0) {
    return bad("lead_name_conflict_words must be >= 0");
  }
  if (c.rewrite_window < absl::ZeroDuration()) {
    return bad("rewrite_window must be >= 0");
  }
  if (c.max_future_skew < absl::ZeroDuration()) {
    return bad("max_future_skew must be >= 0");
  }
  return absl::OkStatus();
}

FingerprintOptions FingerprintOptionsOf(const DeduplicatorConfig& config) {
  FingerprintOptions options;
  options.shingle_size = config.shingle_size;
  options.min_shingle_size = config.min_shingle_size;
  options.drop_stopwords = config.drop_stopwords;
  options.headline_weight = config.headline_weight;
  options.num_hashes = config.bands * config.rows;
  options.seed = config.seed;
  return options;
}

absl::StatusOr<std::unique_ptr<Deduplicator>> Deduplicator::Create(
    const DeduplicatorConfig& config) {
  if (absl::Status s = ValidateDeduplicatorConfig(config); !s.ok()) return s;
  auto fingerprinter = Fingerprinter::Create(FingerprintOptionsOf(config));
  if (!fingerprinter.ok()) return fingerprinter.status();
  std::unique_ptr<EntryStore> store;
  if (config.state_dir.empty()) {
    store = std::make_unique<MemoryEntryStore>(config.bands, config.rows);
  } else {
    auto disk = DiskEntryStore::Open(
        DiskStoreOptions{.dir = config.state_dir,
                         .cache_bytes = config.disk_cache_bytes,
                         .bands = config.bands,
                         .rows = config.rows,
                         .max_bucket_entries = config.max_bucket_entries});
    if (!disk.ok()) return disk.status();
    store = *std::move(disk);
  }
  return std::unique_ptr<Deduplicator>(
      new Deduplicator(config, *std::move(fingerprinter), std::move(store)));
}

Deduplicator::Deduplicator(const DeduplicatorConfig& config,
                           std::unique_ptr<Fingerprinter> fingerprinter,
                           std::unique_ptr<EntryStore> store)
    : config_(config),
      fingerprinter_(std::move(fingerprinter)),
      num_hashes_(config.bands * config.rows),
      store_(std::move(store)) {}

Deduplicator::~Deduplicator() = default;

std::string Deduplicator::DomainOf(const Story& story, DomainMode mode) {
  if (mode == DomainMode::kSingle) return "all";
  absl::string_view language = story.language();
  language = language.substr(0, language.find_first_of("-_"));
  if (language.empty() || language.size() > 8) return "und";
  std::string domain;
  for (char c : language) {
    if (!absl::ascii_isalpha(c)) return "und";
    domain.push_back(absl::ascii_tolower(c));
  }
  return domain;
}

absl::Time Deduplicator::EventTimeOf(const Story& story, absl::Time record_time,
                                     absl::Duration max_future_skew) {
  absl::Time received = story.has_received_at()
                            ? FromTimestamp(story.received_at())
                            : record_time;
  absl::Time event = received;
  if (story.has_version_created()) {
    event = FromTimestamp(story.version_created());
  } else if (story.has_first_created()) {
    event = FromTimestamp(story.first_created());
  }
  if (received > absl::UnixEpoch() && event > received + max_future_skew) {
    event = received + max_future_skew;
  }
  return event;
}

uint16_t Deduplicator::DomainIndex(absl::string_view domain) {
  auto it = domain_index_.find(domain);
  if (it != domain_index_.end()) return it->second;
  if (domains_.size() >= kMaxDomains) return DomainIndex("und");
  const uint16_t index = static_cast<uint16_t>(domains_.size());
  domains_.emplace_back(domain);
  domain_index_.emplace(std::string(domain), index);
  return index;
}

std::string Deduplicator::StoryId(uint32_t slot) {
  const EntryView& e = store_->Get(slot);
  if (e.header.flags & kEntryRoot) {
    return std::string(store_->ClusterId(e.header.cluster));
  }
  return std::string(e.own_id);
}

std::string Deduplicator::EntryKey(uint32_t slot) {
  const uint16_t domain = store_->Get(slot).header.domain;
  return absl::StrCat(domains_[domain], "/", StoryId(slot));
}

std::string Deduplicator::Serialize(const EntryHeader& h,
                                    absl::Span<const uint8_t> signature,
                                    const EntitySketch& numbers,
                                    const EntitySketch& names,
                                    const EntitySketch& lead,
                                    absl::string_view story_id,
                                    absl::string_view cluster_id) const {
  DedupStateEntry out;
  out.set_domain(domains_[h.domain]);
  out.set_kind(static_cast<DedupKind>(h.kind));
  out.mutable_event_time()->set_seconds(h.event_time);
  out.set_source_story_key(h.source_story_key);
  out.set_source_key(h.source_key);
  out.set_version(h.version);
  out.set_text_key(h.text_key);
  out.set_fingerprint_scheme(fingerprinter_->scheme());
  if (!signature.empty()) {
    out.set_minhash(reinterpret_cast<const char*>(signature.data()),
                    signature.size());
  }
  out.set_shingle_count(h.shingle_count);
  out.set_word_count(h.word_count);
  for (uint16_t x : numbers.view()) out.add_number_sketch(x);
  out.set_number_count(numbers.count);
  for (uint16_t x : names.view()) out.add_name_sketch(x);
  out.set_name_count(names.count);
  for (uint16_t x : lead.view()) out.add_lead_sketch(x);
  out.set_lead_count(lead.count);
  out.set_story_id(std::string(story_id));
  if (story_id != cluster_id) out.set_cluster_id(std::string(cluster_id));
  return out.SerializeAsString();
}

double Deduplicator::Resemblance(const StoryFingerprint& fp, uint32_t slot) {
  const EntryView& e = store_->Get(slot);
  if (!(e.header.flags & kEntryComparable) ||
      fp.minhash.size() != static_cast<size_t>(num_hashes_)) {
    return 0.0;
  }
  return EstimateResemblance(fp.minhash,
                             absl::MakeConstSpan(e.signature, num_hashes_));
}

DedupVerdict Deduplicator::Judge(const Story& story, absl::Time record_time,
                                 std::vector<StateChange>* changes) {
  const std::string domain_name = DomainOf(story, config_.domain_mode);
  const uint16_t domain = DomainIndex(domain_name);
  const int64_t event_time = absl::ToUnixSeconds(
      EventTimeOf(story, record_time, config_.max_future_skew));
  watermark_ = std::max(watermark_, event_time);
  ExpireAndEvict(changes);

  const StoryFingerprint fp = fingerprinter_->Compute(story, domain_name);
  const uint64_t source_story_key =
      story.source_story_id().empty()
          ? 0
          : StableKey({domain_name, story.source(), story.source_story_id()});
  const uint32_t source_key =
      static_cast<uint32_t>(StableKey({story.source()}));
  const bool is_kill = IsKill(story);
  const Match match = FindMatch(story, domain, source_story_key, source_key, fp,
                                event_time, is_kill);

  DedupVerdict verdict;
  verdict.set_kind(match.kind);
  if (match.slot) {
    const uint32_t matched_cluster = store_->Get(*match.slot).header.cluster;
    verdict.set_cluster_id(std::string(store_->ClusterId(matched_cluster)));
    verdict.set_matched_story_id(StoryId(*match.slot));
  } else {
    verdict.set_cluster_id(story.id());
  }
  verdict.set_similarity(static_cast<float>(match.similarity));
  verdict.set_method(match.method);
  verdict.set_domain(domain_name);
  verdict.set_evidence(match.evidence);
  ++counters_.verdicts[match.kind];

  const int64_t window = absl::ToInt64Seconds(config_.window);
  if (match.exact || event_time < watermark_ - window) return verdict;

  // Remember the story.
  uint32_t cluster;
  if (match.slot) {
    const EntryHeader matched = store_->Get(*match.slot).header;
    cluster = matched.cluster;
    store_->RetainCluster(cluster);
    if (matched.domain == domain && verdict.matched_story_id() == story.id()) {
      // The same story id again (a kill notice re-using the version): the
      // new entry replaces the old one under the same changelog key.
      RemoveFromTimeOrder(*match.slot);
      RemoveEntry(*match.slot);
    }
  } else {
    cluster = store_->NewCluster(story.id());
  }
  EntryHeader h;
  h.source_story_key = source_story_key;
  h.text_key = fp.text_key;
  h.event_time = event_time;
  h.cluster = cluster;
  h.source_key = source_key;
  h.version = story.version();
  h.shingle_count = fp.shingle_count;
  h.word_count = fp.word_count;
  h.domain = domain;
  h.kind = static_cast<uint8_t>(match.kind);
  h.flags = kEntryLive;
  const std::string cluster_id(store_->ClusterId(cluster));
  const bool root = cluster_id == story.id();
  if (root) h.flags |= kEntryRoot;
  const absl::Span<const uint8_t> signature =
      fp.minhash.size() == static_cast<size_t>(num_hashes_)
          ? absl::MakeConstSpan(fp.minhash)
          : absl::Span<const uint8_t>();
  const uint32_t slot = store_->Add(h, signature, fp.numbers, fp.names, fp.lead,
                                    root ? "" : story.id());
  if (match.kind == wirestream::v1::DEDUP_KIND_KILL) {
    store_->SetClusterKilled(cluster, true);
  } else if (match.kind == wirestream::v1::DEDUP_KIND_UPDATE) {
    store_->SetClusterKilled(cluster, false);
  }
  store_->Index(slot, config_.max_bucket_entries);
  AddToTimeOrder(slot, event_time);
  ++live_entries_;
  changes->push_back({absl::StrCat(domains_[domain], "/", story.id()),
                      Serialize(h, signature, fp.numbers, fp.names, fp.lead,
                                story.id(), cluster_id)});
  ExpireAndEvict(changes);
  return verdict;
}

Deduplicator::Match Deduplicator::FindMatch(const Story& story, uint16_t domain,
                                            uint64_t source_story_key,
                                            uint32_t source_key,
                                            const StoryFingerprint& fp,
                                            int64_t event_time, bool is_kill) {
  rejected_evidence_.clear();
  // A duplicate or near-duplicate of a killed cluster is flagged as a kill.
  auto flag_killed = [&](Match m) {
    if ((m.kind == wirestream::v1::DEDUP_KIND_DUPLICATE ||
         m.kind == wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE) &&
        store_->ClusterKilled(store_->Get(*m.slot).header.cluster)) {
      m.kind = wirestream::v1::DEDUP_KIND_KILL;
      absl::StrAppend(&m.method, "+killed-cluster");
    }
    return m;
  };

  if (source_story_key != 0) {
    found_.clear();
    store_->ForEachBySource(source_story_key,
                            [&](uint32_t slot) { found_.push_back(slot); });
    std::optional<uint32_t> same_version;
    std::optional<uint32_t> latest;
    int32_t latest_version = 0;
    bool same_version_is_kill = false;
    for (uint32_t slot : found_) {
      const EntryHeader& e = store_->Get(slot).header;
      if (e.domain != domain) continue;
      if (e.version == story.version()) {
        same_version = slot;
        same_version_is_kill = e.kind == wirestream::v1::DEDUP_KIND_KILL;
      }
      if (!latest || e.version > latest_version) {
        latest = slot;
        latest_version = e.version;
      }
    }
    if (same_version) {
      if (is_kill && !same_version_is_kill) {
        return {wirestream::v1::DEDUP_KIND_KILL, same_version, 1.0,
                "source-id+version", false};
      }
      if (is_kill) {  // the kill notice re-sent
        return {wirestream::v1::DEDUP_KIND_DUPLICATE, same_version, 1.0,
                "source-id+version", true};
      }
      return flag_killed({wirestream::v1::DEDUP_KIND_DUPLICATE, same_version,
                          1.0, "source-id+version", true});
    }
    if (latest) {
      const double similarity = Resemblance(fp, *latest);
      if (story.version() > latest_version) {
        return {is_kill ? wirestream::v1::DEDUP_KIND_KILL
                        : wirestream::v1::DEDUP_KIND_UPDATE,
                latest, similarity, "source-id+newer-version", false};
      }
      if (is_kill) {
        return {wirestream::v1::DEDUP_KIND_KILL, latest, similarity,
                "source-id+older-version", false};
      }
      return flag_killed({wirestream::v1::DEDUP_KIND_DUPLICATE, latest,
                          similarity, "source-id+older-version", true});
    }
  }

  if (fp.text_key != 0) {
    found_.clear();
    store_->ForEachByText(fp.text_key,
                          [&](uint32_t slot) { found_.push_back(slot); });
    std::optional<uint32_t> found;
    int64_t found_time = 0;
    for (uint32_t slot : found_) {
      const EntryHeader& e = store_->Get(slot).header;
      if (e.domain != domain) continue;
      if (!found || e.event_time > found_time) {
        found = slot;
        found_time = e.event_time;
      }
    }
    if (found) {
      if (is_kill) {
        return {wirestream::v1::DEDUP_KIND_KILL, found, 1.0, "text-hash",
                false};
      }
      return flag_killed({wirestream::v1::DEDUP_KIND_DUPLICATE, found, 1.0,
                          "text-hash", true});
    }
  }

  if (std::optional<Match> near =
          NearMatch(story, domain, source_key, fp, event_time)) {
    if (is_kill) {
      near->kind = wirestream::v1::DEDUP_KIND_KILL;
      return *near;
    }
    return flag_killed(*std::move(near));
  }

  if (is_kill) {
    return {wirestream::v1::DEDUP_KIND_KILL,
            std::nullopt,
            0.0,
            "pub-status",
            false,
            rejected_evidence_};
  }
  return {wirestream::v1::DEDUP_KIND_NEW,
          std::nullopt,
          0.0,
          "no-match",
          false,
          rejected_evidence_};
}

std::optional<Deduplicator::Match> Deduplicator::NearMatch(
    const Story& story, uint16_t domain, uint32_t source_key,
    const StoryFingerprint& fp, int64_t event_time) {
  if (fp.minhash.size() != static_cast<size_t>(num_hashes_)) {
    return std::nullopt;
  }
  candidates_.clear();
  for (int band = 0; band < config_.bands; ++band) {
    store_->ForEachInBand(band,
                          BandKeyOf(fp.minhash.data(), band, config_.rows),
                          [&](uint32_t slot) { candidates_.push_back(slot); });
  }
  std::sort(candidates_.begin(), candidates_.end());
  candidates_.erase(std::unique(candidates_.begin(), candidates_.end()),
                    candidates_.end());
  counters_.candidates += static_cast<int64_t>(candidates_.size());
  store_->Prefetch(candidates_);

  const int64_t window = absl::ToInt64Seconds(config_.window);
  const bool correction = HeadlineMarksCorrection(story.headline());
  const uint16_t day_here = LeadDate(fp.lead).value_or(0);
  std::optional<Match> best;
  // What decided for `best`, in words.
  const char* best_agreed = nullptr;
  // The most similar candidate the lead kept apart, described after the
  // loop when nothing matched.
  struct Rejected {
    uint32_t slot = 0;
    double similarity = -1;
    LeadEvidence lead;
    // Kept apart by the lead conflict, else as another day's report.
    bool lead_conflict = false;
  } rejected;
  for (uint32_t slot : candidates_) {
    const EntryView& c = store_->Get(slot);
    const EntryHeader& e = c.header;
    if (e.domain != domain || !(e.flags & kEntryComparable)) continue;
    if (std::abs(e.event_time - event_time) > window) continue;
    const double resemblance = EstimateResemblance(
        fp.minhash, absl::MakeConstSpan(c.signature, num_hashes_));
    const bool short_item =
        std::min<int>(fp.word_count, e.word_count) < config_.short_item_words;
    // Shares most of its text (not just the words of a rewrite).
    bool strong = true;
    double containment = 0;
    if (short_item) {
      if (resemblance < config_.short_item_resemblance) continue;
    } else {
      const int smaller = std::min(fp.shingle_count, e.shingle_count);
      const int larger = std::max(fp.shingle_count, e.shingle_count);
      if (smaller >= config_.min_size_ratio * larger) {
        containment = ContainmentFromResemblance(resemblance, fp.shingle_count,
                                                 e.shingle_count);
      }
      strong = resemblance >= config_.near_duplicate_resemblance ||
               containment >= config_.near_duplicate_containment;
      if (!strong && resemblance < config_.rewrite_resemblance) continue;
    }
    // Only candidates that share enough text get here: now their figures,
    // names and leads.
    double similarity = 0;
    DedupKind kind = wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE;
    const char* method = "minhash";
    const std::optional<double> numbers = EntityOverlap(fp.numbers, *c.numbers);
    const std::optional<double> names = EntityOverlap(fp.names, *c.names);
    // The figures apart from the dateline's days: a re-send on another day
    // is judged on its text, and another day's report by its lead below.
    const uint16_t day_there = LeadDate(*c.lead).value_or(0);
    const EntitySketch figures_here =
        WithoutDays(fp.numbers, day_here, day_there);
    const EntitySketch figures_there =
        WithoutDays(*c.numbers, day_here, day_there);
    if (short_item) {
      // Short items: near-identical; every figure of one in the other, and
      // the names agreeing (the lead check below tells siblings apart).
      if (fp.numbers.count != c.numbers->count || (numbers && *numbers < 1.0) ||
          (names && *names < config_.name_agreement)) {
        continue;
      }
      similarity = resemblance;
    } else {
      similarity = std::max(resemblance, containment);
      if (strong && correction && e.source_key == source_key) {
        // A correction may change the figures; its source vouches for it.
        if (names && *names < config_.name_agreement) continue;
        kind = wirestream::v1::DEDUP_KIND_UPDATE;
        method = "minhash+correction";
      } else if (strong) {
        if (names && *names < config_.name_agreement) continue;
        const std::optional<double> figures =
            EntityOverlap(figures_here, figures_there);
        if (figures && *figures < config_.number_agreement) continue;
      } else {
        // A rewrite shares less text: every figure and name compared must
        // agree, there must be enough of them, and it comes out within
        // rewrite_window (a follow-up days later repeats names and figures
        // too).
        if (std::abs(e.event_time - event_time) >
            absl::ToInt64Seconds(config_.rewrite_window)) {
          continue;
        }
        const int evidence = EntityEvidence(fp.names, *c.names) +
                             EntityEvidence(fp.numbers, *c.numbers);
        if (evidence < config_.rewrite_min_entities) continue;
        if (names && *names < config_.rewrite_entity_agreement) continue;
        if (numbers && *numbers < config_.rewrite_entity_agreement) continue;
        method = "minhash+entities";
      }
    }
    // Word overlap alone does not make two stories one: a figure or name
    // in one lead that the other does not mention at all, or another day
    // with other figures, is a different story (a fund's sibling, the same
    // report for another day). A correction from the same source may
    // change them.
    const char* agreed = "same figures and names in the lead";
    if (kind == wirestream::v1::DEDUP_KIND_UPDATE) {
      agreed = "a correction from the same source";
    } else {
      const LeadEvidence lead = CompareLeads(*c.numbers, *c.names, *c.lead,
                                             fp.numbers, fp.names, fp.lead);
      // A lead figure or name put in place of another is decisive when
      // the figures disagree, or in a short item when the names do (a
      // fund's or company's sibling); in a longer story whose figures all
      // agree it is an edit (a retitle, a fixed typo, a ticker).
      const bool figures_differ = numbers && *numbers < 1.0;
      const bool short_item_names_differ =
          std::min<int>(fp.word_count, e.word_count) <
              config_.lead_name_conflict_words &&
          names && *names < 1.0;
      // A re-send on another day repeats the text and its figures; the
      // same report for another day has figures of its own, and a
      // follow-up shares less text.
      const bool other_day_report =
          lead.other_date && (!strong || !(figures_here == figures_there));
      const bool lead_conflict =
          lead.conflict() && (figures_differ || short_item_names_differ);
      if (lead_conflict || other_day_report) {
        if (similarity > rejected.similarity) {
          rejected = {slot, similarity, lead, lead_conflict};
        }
        continue;
      }
      if (lead.other_date) {
        agreed = "same figures and names; another dateline day (a re-send)";
      }
    }
    // A correction from the story's own source outranks copies by others;
    // otherwise the most similar candidate wins.
    bool better = !best;
    if (best) {
      const bool update = kind == wirestream::v1::DEDUP_KIND_UPDATE;
      const bool best_update = best->kind == wirestream::v1::DEDUP_KIND_UPDATE;
      better = update != best_update ? update : similarity > best->similarity;
    }
    if (better) {
      best = Match{kind, slot, similarity, method, false, ""};
      best_agreed = agreed;
    }
  }
  if (best) {
    best->evidence =
        absl::StrFormat("similarity %.2f; %s", best->similarity, best_agreed);
  } else if (rejected.similarity >= 0) {
    rejected_evidence_ = absl::StrFormat(
        "kept apart from %s (similarity %.2f): %s", StoryId(rejected.slot),
        rejected.similarity,
        rejected.lead_conflict
            ? LeadConflictReason(fp, rejected.lead, store_->Get(rejected.slot))
            : "another day's report (dateline date differs) with other "
              "figures");
  }
  return best;
}

void Deduplicator::RemoveEntry(uint32_t slot) {
  const uint32_t cluster = store_->Get(slot).header.cluster;
  store_->Remove(slot);
  if (restore_clusters_.empty()) {
    store_->ReleaseCluster(cluster);
  } else {
    // While restoring, a cluster's id names it until its last entry goes.
    const std::string id(store_->ClusterId(cluster));
    if (store_->ReleaseCluster(cluster)) restore_clusters_.erase(id);
  }
  --live_entries_;
}

void Deduplicator::AddToTimeOrder(uint32_t slot, int64_t event_time) {
  by_minute_[FloorDiv(event_time, 60)].push_back(slot);
}

void Deduplicator::RemoveFromTimeOrder(uint32_t slot) {
  const int64_t event_time = store_->Get(slot).header.event_time;
  auto bucket = by_minute_.find(FloorDiv(event_time, 60));
  if (bucket == by_minute_.end()) return;
  auto& slots = bucket->second;
  slots.erase(std::remove(slots.begin(), slots.end(), slot), slots.end());
  if (slots.empty()) by_minute_.erase(bucket);
}

void Deduplicator::ExpireAndEvict(std::vector<StateChange>* changes) {
  auto drop = [&](uint32_t slot) {
    changes->push_back({EntryKey(slot), std::nullopt});
    RemoveEntry(slot);
  };
  if (watermark_ != std::numeric_limits<int64_t>::min()) {
    const int64_t cutoff = watermark_ - absl::ToInt64Seconds(config_.window);
    while (!by_minute_.empty()) {
      auto oldest = by_minute_.begin();
      // Expire a whole minute once its end is past the cutoff.
      if ((oldest->first + 1) * 60 > cutoff) break;
      for (uint32_t slot : oldest->second) {
        drop(slot);
        ++counters_.expirations;
      }
      by_minute_.erase(oldest);
    }
  }
  while ((store_->accounted_bytes() > config_.memory_budget_bytes ||
          live_entries_ >= kMaxEntries) &&
         !by_minute_.empty()) {
    auto oldest = by_minute_.begin();
    const uint32_t slot = oldest->second.back();
    oldest->second.pop_back();
    if (oldest->second.empty()) by_minute_.erase(oldest);
    drop(slot);
    ++counters_.evictions;
  }
}

void Deduplicator::Restore(absl::string_view key,
                           std::optional<absl::string_view> value) {
  auto known = restore_slots_.find(key);
  if (known != restore_slots_.end()) {
    RemoveFromTimeOrder(known->second);
    RemoveEntry(known->second);
    restore_slots_.erase(known);
  }
  if (!value) return;
  DedupStateEntry in;
  if (!in.ParseFromArray(value->data(), static_cast<int>(value->size())) ||
      in.story_id().empty() || live_entries_ >= kMaxEntries) {
    ++counters_.restore_errors;
    return;
  }
  EntryHeader h;
  h.source_story_key = in.source_story_key();
  h.text_key = in.text_key();
  h.event_time = in.event_time().seconds();
  h.source_key = in.source_key();
  h.version = in.version();
  h.shingle_count = static_cast<uint16_t>(std::min<uint32_t>(
      in.shingle_count(), std::numeric_limits<uint16_t>::max()));
  h.word_count = static_cast<uint16_t>(std::min<uint32_t>(
      in.word_count(), std::numeric_limits<uint16_t>::max()));
  h.domain = DomainIndex(in.domain());
  h.kind = static_cast<uint8_t>(in.kind());
  h.flags = kEntryLive;
  const bool comparable =
      in.fingerprint_scheme() == fingerprinter_->scheme() &&
      in.minhash().size() == static_cast<size_t>(num_hashes_);
  auto sketch = [](const auto& hashes, uint32_t count) {
    EntitySketch s;
    s.size =
        static_cast<uint8_t>(std::min<int>(hashes.size(), kEntitySketchSize));
    for (int i = 0; i < s.size; ++i) {
      s.hashes[i] = static_cast<uint16_t>(hashes[i]);
    }
    s.count = static_cast<uint8_t>(std::min<uint32_t>(count, 255));
    return s;
  };

  const std::string& cluster_id =
      in.cluster_id().empty() ? in.story_id() : in.cluster_id();
  auto cluster = restore_clusters_.find(cluster_id);
  if (cluster != restore_clusters_.end()) {
    h.cluster = cluster->second;
    store_->RetainCluster(h.cluster);
  } else {
    h.cluster = store_->NewCluster(cluster_id);
    restore_clusters_.emplace(cluster_id, h.cluster);
  }
  const bool root = in.cluster_id().empty();
  if (root) h.flags |= kEntryRoot;
  const uint32_t slot = store_->Add(
      h,
      comparable ? absl::MakeConstSpan(
                       reinterpret_cast<const uint8_t*>(in.minhash().data()),
                       in.minhash().size())
                 : absl::Span<const uint8_t>(),
      sketch(in.number_sketch(), in.number_count()),
      sketch(in.name_sketch(), in.name_count()),
      sketch(in.lead_sketch(), in.lead_count()),
      root ? absl::string_view() : absl::string_view(in.story_id()));
  if (in.kind() == wirestream::v1::DEDUP_KIND_KILL) {
    store_->SetClusterKilled(h.cluster, true);
  } else if (in.kind() == wirestream::v1::DEDUP_KIND_UPDATE) {
    store_->SetClusterKilled(h.cluster, false);
  }
  if (store_->IndexesWhileRestoring()) {
    store_->Index(slot, /*max_bucket_entries=*/0);
  }
  // Otherwise indexed in FinishRestore, once the tables can be sized for
  // all.
  AddToTimeOrder(slot, h.event_time);
  ++live_entries_;
  watermark_ = std::max(watermark_, h.event_time);
  restore_slots_.emplace(std::string(key), slot);
}

void Deduplicator::FinishRestore(std::vector<StateChange>* changes) {
  restore_slots_ = {};
  restore_clusters_ = {};
  store_->IndexPending(config_.max_bucket_entries);
  counters_.restored_entries += live_entries_;
  ExpireAndEvict(changes);
}

DedupStats Deduplicator::stats() const {
  DedupStats s = counters_;
  s.entries = live_entries_;
  const StoreBytes b = store_->bytes();
  s.bytes = b.accounted;
  s.disk_bytes = b.disk;
  int64_t allocated = b.memory + candidates_.capacity() * sizeof(uint32_t) +
                      found_.capacity() * sizeof(uint32_t);
  for (const auto& [minute, slots] : by_minute_) {
    // A red-black tree node: three pointers, colour, key and the vector.
    allocated += 64 + slots.capacity() * sizeof(uint32_t);
  }
  s.allocated_bytes = allocated;
  return s;
}

}  // namespace wirestream::stages::dedup
