#include "pipeline/stages/dedup/deduplicator.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace wirestream::stages::dedup {
namespace {

using ::wirestream::v1::DedupKind;
using ::wirestream::v1::DedupStateEntry;
using ::wirestream::v1::DedupVerdict;
using ::wirestream::v1::Story;

constexpr int kMaxDomains = 4096;
// Index cells hold 24-bit slots.
constexpr int64_t kMaxEntries = (int64_t{1} << 24) - 2;
// An index cell is 4 bytes; tables stay between 35% and 70% full, so each
// cell accounts for 8 bytes.
constexpr int64_t kBytesPerIndexCell = 8;

enum EntryFlags : uint8_t {
  kLive = 1,
  kRoot = 2,        // the first story of its cluster: its id is the cluster's
  kComparable = 4,  // has a signature under the current fingerprint scheme
  kIndexed = 8,     // in the indexes, and counted in accounted_bytes_
};

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

}  // namespace

struct Deduplicator::Entry {
  // StableKey(domain, source, source story id); 0 when it has none.
  uint64_t source_story_key = 0;
  // StableKey(domain, normalized text); 0 when it has no text.
  uint64_t text_key = 0;
  // Event time, Unix seconds.
  int64_t event_time = 0;
  uint32_t cluster = 0;
  // Low 32 bits of StableKey(source).
  uint32_t source_key = 0;
  int32_t version = 0;
  // Bit j set: the entry is in band_index_[j].
  uint32_t indexed_bands = 0;
  uint16_t shingle_count = 0;
  uint16_t word_count = 0;
  uint16_t domain = 0;
  uint8_t kind = 0;
  uint8_t flags = 0;
};

struct Deduplicator::Cluster {
  PackedId id;
  uint32_t refs = 0;
  bool killed = false;
};

struct Deduplicator::Match {
  DedupKind kind = wirestream::v1::DEDUP_KIND_NEW;
  std::optional<uint32_t> slot;
  double similarity = 0;
  std::string method;
  // The story adds nothing to the state (an exact duplicate).
  bool exact = false;
};

uint64_t Deduplicator::KeyOfSource::operator()(uint32_t slot) const {
  return d->entries_[slot].source_story_key;
}
uint64_t Deduplicator::KeyOfText::operator()(uint32_t slot) const {
  return d->entries_[slot].text_key;
}
uint64_t Deduplicator::KeyOfBand::operator()(uint32_t slot) const {
  return d->BandKey(d->Signature(slot), band);
}

DedupStats& DedupStats::operator+=(const DedupStats& o) {
  for (size_t i = 0; i < verdicts.size(); ++i) verdicts[i] += o.verdicts[i];
  entries += o.entries;
  bytes += o.bytes;
  allocated_bytes += o.allocated_bytes;
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
  if (c.max_future_skew < absl::ZeroDuration()) {
    return bad("max_future_skew must be >= 0");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Deduplicator>> Deduplicator::Create(
    const DeduplicatorConfig& config) {
  if (absl::Status s = ValidateDeduplicatorConfig(config); !s.ok()) return s;
  FingerprintOptions options;
  options.shingle_size = config.shingle_size;
  options.min_shingle_size = config.min_shingle_size;
  options.drop_stopwords = config.drop_stopwords;
  options.headline_weight = config.headline_weight;
  options.num_hashes = config.bands * config.rows;
  options.seed = config.seed;
  auto fingerprinter = Fingerprinter::Create(options);
  if (!fingerprinter.ok()) return fingerprinter.status();
  return std::unique_ptr<Deduplicator>(
      new Deduplicator(config, *std::move(fingerprinter)));
}

Deduplicator::Deduplicator(const DeduplicatorConfig& config,
                           std::unique_ptr<Fingerprinter> fingerprinter)
    : config_(config),
      fingerprinter_(std::move(fingerprinter)),
      num_hashes_(config.bands * config.rows),
      source_index_(KeyOfSource{this}, 0x50555243ULL),
      text_index_(KeyOfText{this}, 0x54455854ULL) {
  band_index_.reserve(config.bands);
  for (int band = 0; band < config.bands; ++band) {
    band_index_.emplace_back(KeyOfBand{this, band}, 0xB0000000ULL + band);
  }
}

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

uint64_t Deduplicator::BandKey(const uint8_t* signature, int band) const {
  const uint8_t* rows = signature + band * config_.rows;
  uint64_t key = 0;
  for (int r = 0; r < config_.rows; ++r) key = (key << 8) | rows[r];
  return key;
}

absl::string_view Deduplicator::StoryId(uint32_t slot) const {
  const Entry& e = entries_[slot];
  return (e.flags & kRoot) ? clusters_[e.cluster].id.view() : ids_[slot].view();
}

std::string Deduplicator::EntryKey(uint32_t slot) const {
  return absl::StrCat(domains_[entries_[slot].domain], "/", StoryId(slot));
}

std::string Deduplicator::Serialize(uint32_t slot) const {
  const Entry& e = entries_[slot];
  DedupStateEntry out;
  out.set_story_id(std::string(StoryId(slot)));
  if (!(e.flags & kRoot)) {
    out.set_cluster_id(std::string(clusters_[e.cluster].id.view()));
  }
  out.set_domain(domains_[e.domain]);
  out.set_kind(static_cast<DedupKind>(e.kind));
  out.mutable_event_time()->set_seconds(e.event_time);
  out.set_source_story_key(e.source_story_key);
  out.set_source_key(e.source_key);
  out.set_version(e.version);
  out.set_text_key(e.text_key);
  out.set_fingerprint_scheme(fingerprinter_->scheme());
  if (e.flags & kComparable) {
    out.set_minhash(reinterpret_cast<const char*>(Signature(slot)),
                    num_hashes_);
  }
  out.set_shingle_count(e.shingle_count);
  out.set_word_count(e.word_count);
  for (uint16_t h : numbers_[slot].view()) out.add_number_sketch(h);
  out.set_number_count(numbers_[slot].count);
  for (uint16_t h : names_[slot].view()) out.add_name_sketch(h);
  out.set_name_count(names_[slot].count);
  return out.SerializeAsString();
}

double Deduplicator::Resemblance(const StoryFingerprint& fp,
                                 uint32_t slot) const {
  if (!(entries_[slot].flags & kComparable) ||
      fp.minhash.size() != static_cast<size_t>(num_hashes_)) {
    return 0.0;
  }
  return EstimateResemblance(fp.minhash,
                             absl::MakeConstSpan(Signature(slot), num_hashes_));
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
  verdict.set_cluster_id(
      match.slot
          ? std::string(clusters_[entries_[*match.slot].cluster].id.view())
          : story.id());
  if (match.slot) {
    verdict.set_matched_story_id(std::string(StoryId(*match.slot)));
  }
  verdict.set_similarity(static_cast<float>(match.similarity));
  verdict.set_method(match.method);
  verdict.set_domain(domain_name);
  ++counters_.verdicts[match.kind];

  const int64_t window = absl::ToInt64Seconds(config_.window);
  if (match.exact || event_time < watermark_ - window) return verdict;

  // Remember the story.
  uint32_t cluster;
  if (match.slot) {
    cluster = entries_[*match.slot].cluster;
    ++clusters_[cluster].refs;
    if (entries_[*match.slot].domain == domain &&
        StoryId(*match.slot) == story.id()) {
      // The same story id again (a kill notice re-using the version): the
      // new entry replaces the old one under the same changelog key.
      RemoveFromTimeOrder(*match.slot);
      RemoveEntry(*match.slot);
    }
  } else {
    cluster = NewCluster(story.id());
  }
  const uint32_t slot = AllocateSlot();
  Entry& e = entries_[slot];
  e.source_story_key = source_story_key;
  e.text_key = fp.text_key;
  e.event_time = event_time;
  e.source_key = source_key;
  e.version = story.version();
  e.shingle_count = fp.shingle_count;
  e.word_count = fp.word_count;
  e.domain = domain;
  e.kind = static_cast<uint8_t>(match.kind);
  e.flags = kLive;
  if (fp.minhash.size() == static_cast<size_t>(num_hashes_)) {
    e.flags |= kComparable;
    std::copy(fp.minhash.begin(), fp.minhash.end(),
              signatures_.begin() + static_cast<size_t>(slot) * num_hashes_);
  }
  numbers_[slot] = fp.numbers;
  names_[slot] = fp.names;
  e.cluster = cluster;
  if (clusters_[cluster].id.view() == story.id()) {
    e.flags |= kRoot;
  } else {
    ids_[slot].Assign(story.id());
    heap_bytes_ += ids_[slot].heap_bytes();
  }
  if (match.kind == wirestream::v1::DEDUP_KIND_KILL) {
    clusters_[e.cluster].killed = true;
  } else if (match.kind == wirestream::v1::DEDUP_KIND_UPDATE) {
    clusters_[e.cluster].killed = false;
  }
  IndexEntry(slot);
  AddToTimeOrder(slot);
  ++live_entries_;
  changes->push_back({EntryKey(slot), Serialize(slot)});
  ExpireAndEvict(changes);
  return verdict;
}

Deduplicator::Match Deduplicator::FindMatch(const Story& story, uint16_t domain,
                                            uint64_t source_story_key,
                                            uint32_t source_key,
                                            const StoryFingerprint& fp,
                                            int64_t event_time, bool is_kill) {
  // A duplicate or near-duplicate of a killed cluster is flagged as a kill.
  auto flag_killed = [&](Match m) {
    if ((m.kind == wirestream::v1::DEDUP_KIND_DUPLICATE ||
         m.kind == wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE) &&
        clusters_[entries_[*m.slot].cluster].killed) {
      m.kind = wirestream::v1::DEDUP_KIND_KILL;
      absl::StrAppend(&m.method, "+killed-cluster");
    }
    return m;
  };

  if (source_story_key != 0) {
    std::optional<uint32_t> same_version;
    std::optional<uint32_t> latest;
    source_index_.ForEach(source_story_key, [&](uint32_t slot) {
      const Entry& e = entries_[slot];
      if (e.domain != domain) return;
      if (e.version == story.version()) same_version = slot;
      if (!latest || e.version > entries_[*latest].version) latest = slot;
    });
    if (same_version) {
      const bool known_kill =
          entries_[*same_version].kind == wirestream::v1::DEDUP_KIND_KILL;
      if (is_kill && !known_kill) {
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
      if (story.version() > entries_[*latest].version) {
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
    std::optional<uint32_t> found;
    text_index_.ForEach(fp.text_key, [&](uint32_t slot) {
      if (entries_[slot].domain != domain) return;
      if (!found || entries_[slot].event_time > entries_[*found].event_time) {
        found = slot;
      }
    });
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
    return {wirestream::v1::DEDUP_KIND_KILL, std::nullopt, 0.0, "pub-status",
            false};
  }
  return {wirestream::v1::DEDUP_KIND_NEW, std::nullopt, 0.0, "no-match", false};
}

std::optional<Deduplicator::Match> Deduplicator::NearMatch(
    const Story& story, uint16_t domain, uint32_t source_key,
    const StoryFingerprint& fp, int64_t event_time) {
  if (fp.minhash.size() != static_cast<size_t>(num_hashes_)) {
    return std::nullopt;
  }
  candidates_.clear();
  for (int band = 0; band < config_.bands; ++band) {
    band_index_[band].ForEach(
        BandKey(fp.minhash.data(), band),
        [&](uint32_t slot) { candidates_.push_back(slot); });
  }
  std::sort(candidates_.begin(), candidates_.end());
  candidates_.erase(std::unique(candidates_.begin(), candidates_.end()),
                    candidates_.end());
  counters_.candidates += static_cast<int64_t>(candidates_.size());

  const int64_t window = absl::ToInt64Seconds(config_.window);
  const bool correction = HeadlineMarksCorrection(story.headline());
  std::optional<Match> best;
  for (uint32_t slot : candidates_) {
    const Entry& e = entries_[slot];
    if (e.domain != domain || !(e.flags & kComparable)) continue;
    if (std::abs(e.event_time - event_time) > window) continue;
    const double resemblance = EstimateResemblance(
        fp.minhash, absl::MakeConstSpan(Signature(slot), num_hashes_));
    double similarity = 0;
    DedupKind kind = wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE;
    const char* method = "minhash";
    if (std::min<int>(fp.word_count, e.word_count) < config_.short_item_words) {
      // Short items: near-identical, with the same figures and names.
      if (resemblance < config_.short_item_resemblance ||
          !(fp.numbers == numbers_[slot]) || !(fp.names == names_[slot])) {
        continue;
      }
      similarity = resemblance;
    } else {
      const int smaller = std::min(fp.shingle_count, e.shingle_count);
      const int larger = std::max(fp.shingle_count, e.shingle_count);
      const bool comparable_sizes = smaller >= config_.min_size_ratio * larger;
      const double containment =
          comparable_sizes ? ContainmentFromResemblance(
                                 resemblance, fp.shingle_count, e.shingle_count)
                           : 0.0;
      const bool strong = resemblance >= config_.near_duplicate_resemblance ||
                          containment >= config_.near_duplicate_containment;
      if (!strong && resemblance < config_.rewrite_resemblance) continue;
      similarity = std::max(resemblance, containment);
      const std::optional<double> names = EntityOverlap(fp.names, names_[slot]);
      const std::optional<double> numbers =
          EntityOverlap(fp.numbers, numbers_[slot]);
      if (strong && correction && e.source_key == source_key) {
        // A correction may change the figures; its source vouches for it.
        if (names && *names < config_.name_agreement) continue;
        kind = wirestream::v1::DEDUP_KIND_UPDATE;
        method = "minhash+correction";
      } else if (strong) {
        if (names && *names < config_.name_agreement) continue;
        if (numbers && *numbers < config_.number_agreement) continue;
      } else {
        // A rewrite shares less text: every figure and name compared must
        // agree, and there must be enough of them.
        const int evidence = EntityEvidence(fp.names, names_[slot]) +
                             EntityEvidence(fp.numbers, numbers_[slot]);
        if (evidence < config_.rewrite_min_entities) continue;
        if (names && *names < config_.rewrite_entity_agreement) continue;
        if (numbers && *numbers < config_.rewrite_entity_agreement) continue;
        method = "minhash+entities";
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
    if (better) best = Match{kind, slot, similarity, method, false};
  }
  return best;
}

uint32_t Deduplicator::AllocateSlot() {
  if (!free_slots_.empty()) {
    uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    entries_[slot] = Entry{};
    return slot;
  }
  const uint32_t slot = static_cast<uint32_t>(entries_.size());
  entries_.emplace_back();
  signatures_.resize(signatures_.size() + num_hashes_);
  numbers_.emplace_back();
  names_.emplace_back();
  ids_.emplace_back();
  return slot;
}

uint32_t Deduplicator::NewCluster(absl::string_view id) {
  uint32_t cluster;
  if (!free_clusters_.empty()) {
    cluster = free_clusters_.back();
    free_clusters_.pop_back();
  } else {
    cluster = static_cast<uint32_t>(clusters_.size());
    clusters_.emplace_back();
  }
  Cluster& c = clusters_[cluster];
  c.id.Assign(id);
  c.refs = 1;
  c.killed = false;
  heap_bytes_ += c.id.heap_bytes();
  accounted_bytes_ += sizeof(Cluster) + c.id.heap_bytes();
  return cluster;
}

void Deduplicator::ReleaseCluster(uint32_t cluster) {
  Cluster& c = clusters_[cluster];
  if (--c.refs > 0) return;
  if (!restore_clusters_.empty()) {
    restore_clusters_.erase(c.id.view());
  }
  heap_bytes_ -= c.id.heap_bytes();
  accounted_bytes_ -= sizeof(Cluster) + c.id.heap_bytes();
  c.id.Clear();
  c.killed = false;
  free_clusters_.push_back(cluster);
}

void Deduplicator::IndexEntry(uint32_t slot) {
  Entry& e = entries_[slot];
  if (e.source_story_key != 0) source_index_.Insert(slot);
  if (e.text_key != 0) text_index_.Insert(slot);
  e.indexed_bands = 0;
  if (e.flags & kComparable) {
    for (int band = 0; band < config_.bands; ++band) {
      if (band_index_[band].Insert(slot, config_.max_bucket_entries)) {
        e.indexed_bands |= uint32_t{1} << band;
      }
    }
  }
  e.flags |= kIndexed;
  accounted_bytes_ += EntryBytes(slot);
}

void Deduplicator::RemoveEntry(uint32_t slot) {
  Entry& e = entries_[slot];
  if (e.flags & kIndexed) {
    accounted_bytes_ -= EntryBytes(slot);
    if (e.source_story_key != 0) source_index_.Remove(slot);
    if (e.text_key != 0) text_index_.Remove(slot);
    for (int band = 0; band < config_.bands; ++band) {
      if (e.indexed_bands & (uint32_t{1} << band)) {
        band_index_[band].Remove(slot);
      }
    }
  }
  heap_bytes_ -= ids_[slot].heap_bytes();
  ids_[slot].Clear();
  ReleaseCluster(e.cluster);
  e.flags = 0;
  free_slots_.push_back(slot);
  --live_entries_;
}

int64_t Deduplicator::EntryBytes(uint32_t slot) const {
  const Entry& e = entries_[slot];
  const int cells = (e.source_story_key != 0) + (e.text_key != 0) +
                    __builtin_popcount(e.indexed_bands);
  return static_cast<int64_t>(sizeof(Entry) + num_hashes_ +
                              2 * sizeof(EntitySketch) + sizeof(PackedId) +
                              sizeof(uint32_t)) +  // its place in by_minute_
         ids_[slot].heap_bytes() +
         cells * kBytesPerIndexCell;
}

void Deduplicator::AddToTimeOrder(uint32_t slot) {
  by_minute_[FloorDiv(entries_[slot].event_time, 60)].push_back(slot);
}

void Deduplicator::RemoveFromTimeOrder(uint32_t slot) {
  auto bucket = by_minute_.find(FloorDiv(entries_[slot].event_time, 60));
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
  while ((accounted_bytes_ > config_.memory_budget_bytes ||
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
  const uint32_t slot = AllocateSlot();
  Entry& e = entries_[slot];
  e.source_story_key = in.source_story_key();
  e.text_key = in.text_key();
  e.event_time = in.event_time().seconds();
  e.source_key = in.source_key();
  e.version = in.version();
  e.shingle_count = static_cast<uint16_t>(std::min<uint32_t>(
      in.shingle_count(), std::numeric_limits<uint16_t>::max()));
  e.word_count = static_cast<uint16_t>(std::min<uint32_t>(
      in.word_count(), std::numeric_limits<uint16_t>::max()));
  e.domain = DomainIndex(in.domain());
  e.kind = static_cast<uint8_t>(in.kind());
  e.flags = kLive;
  if (in.fingerprint_scheme() == fingerprinter_->scheme() &&
      in.minhash().size() == static_cast<size_t>(num_hashes_)) {
    e.flags |= kComparable;
    std::copy(in.minhash().begin(), in.minhash().end(),
              signatures_.begin() + static_cast<size_t>(slot) * num_hashes_);
  }
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
  numbers_[slot] = sketch(in.number_sketch(), in.number_count());
  names_[slot] = sketch(in.name_sketch(), in.name_count());

  const std::string& cluster_id =
      in.cluster_id().empty() ? in.story_id() : in.cluster_id();
  auto cluster = restore_clusters_.find(cluster_id);
  if (cluster != restore_clusters_.end()) {
    e.cluster = cluster->second;
    ++clusters_[e.cluster].refs;
  } else {
    e.cluster = NewCluster(cluster_id);
    restore_clusters_.emplace(cluster_id, e.cluster);
  }
  if (in.cluster_id().empty()) {
    e.flags |= kRoot;
  } else {
    ids_[slot].Assign(in.story_id());
    heap_bytes_ += ids_[slot].heap_bytes();
  }
  if (in.kind() == wirestream::v1::DEDUP_KIND_KILL) {
    clusters_[e.cluster].killed = true;
  } else if (in.kind() == wirestream::v1::DEDUP_KIND_UPDATE) {
    clusters_[e.cluster].killed = false;
  }
  // Indexed in FinishRestore, once the tables can be sized for all.
  ++live_entries_;
  watermark_ = std::max(watermark_, e.event_time);
  restore_slots_.emplace(std::string(key), slot);
}

void Deduplicator::FinishRestore(std::vector<StateChange>* changes) {
  restore_slots_ = {};
  restore_clusters_ = {};
  const size_t live = static_cast<size_t>(live_entries_);
  source_index_.Reserve(source_index_.size() + live);
  text_index_.Reserve(text_index_.size() + live);
  for (auto& band : band_index_) band.Reserve(band.size() + live);
  by_minute_.clear();
  for (uint32_t slot = 0; slot < entries_.size(); ++slot) {
    const uint8_t flags = entries_[slot].flags;
    if (!(flags & kLive)) continue;
    if (!(flags & kIndexed)) IndexEntry(slot);
    AddToTimeOrder(slot);
  }
  counters_.restored_entries += live_entries_;
  ExpireAndEvict(changes);
}

DedupStats Deduplicator::stats() const {
  DedupStats s = counters_;
  s.entries = live_entries_;
  s.bytes = accounted_bytes_;
  int64_t allocated =
      entries_.capacity() * sizeof(Entry) + signatures_.capacity() +
      (numbers_.capacity() + names_.capacity()) * sizeof(EntitySketch) +
      ids_.capacity() * sizeof(PackedId) +
      free_slots_.capacity() * sizeof(uint32_t) +
      clusters_.capacity() * sizeof(Cluster) +
      free_clusters_.capacity() * sizeof(uint32_t) + heap_bytes_ +
      source_index_.allocated_bytes() + text_index_.allocated_bytes() +
      candidates_.capacity() * sizeof(uint32_t);
  for (const auto& band : band_index_) allocated += band.allocated_bytes();
  for (const auto& [minute, slots] : by_minute_) {
    // A red-black tree node: three pointers, colour, key and the vector.
    allocated += 64 + slots.capacity() * sizeof(uint32_t);
  }
  s.allocated_bytes = allocated;
  return s;
}

}  // namespace wirestream::stages::dedup
