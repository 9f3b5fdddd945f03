// File: pipeline/stages/dedup/deduplicator.h
//
// Deduplicator judges each story against the stories it has seen in a
// window of event time, gives it a DedupVerdict and a stable cluster id, and
// remembers it. One Deduplicator holds the state of one input partition;
// every change to that state comes back as a StateChange for the compacted
// changelog, from which Restore rebuilds it.
//
//   auto dedup = Deduplicator::Create(DeduplicatorConfig{});
//   std::vector<StateChange> changes;
//   DedupVerdict verdict = (*dedup)->Judge(story, record_time, &changes);
//   // verdict.kind(): NEW, UPDATE, DUPLICATE, NEAR_DUPLICATE or KILL.
//   // changes: the new entry, plus tombstones for expired/evicted ones.
//
// How a story is judged, first rule that applies:
//   1. Same domain, source and source story id as a known story
//      ("source-id+..."): the same version is a DUPLICATE, a newer version
//      an UPDATE, an older one a DUPLICATE (superseded).
//   2. Same normalized text as a known story ("text-hash"): DUPLICATE.
//   3. MinHash-LSH candidates ("minhash"): a candidate whose estimated
//      shingle resemblance (or containment, for trimmed copies) passes the
//      threshold and whose numbers and names agree is a NEAR_DUPLICATE of
//      it; one with lower resemblance still is when all of many numbers
//      and names agree ("minhash+entities": a rewrite). From the same
//      source with a correction marker in the headline ("CORRECTED",
//      "REFILE", ...) it is an UPDATE ("minhash+correction"). Short items
//      (one-line urgents) must be near-identical, numbers and names equal.
//   4. Otherwise NEW, the first story of its own cluster.
// A canceled or withheld story is a KILL in the cluster it matched (or its
// own) and marks that cluster; later duplicates and near-duplicates of a
// killed cluster are KILLs too, until a newer version from its source
// (an UPDATE) revives it.
//
// Memory: entries expire when the watermark (the latest event time seen)
// passes their event time by more than the window, to the minute; when the
// accounted bytes exceed the budget the oldest entries are evicted. A
// DUPLICATE adds no entry.
//
// Not thread-safe: one thread at a time (the stage's processing thread).
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_DEDUPLICATOR_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_DEDUPLICATOR_H_

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pipeline/stages/dedup/entry_store.h"
#include "pipeline/stages/dedup/fingerprint.h"
#include "wirestream/v1/dedup_state.pb.h"
#include "wirestream/v1/dedup_verdict.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::stages::dedup {

// What stories are compared with: only stories of the same domain meet.
enum class DomainMode {
  // The story's primary language subtag ("en" for "en-GB"); "und" when
  // the story has none.
  kLanguage,
  // Every story in one domain, "all".
  kSingle,
};

struct DeduplicatorConfig {
  // Stories further apart in event time than this never match; entries
  // older than the watermark minus the window expire.
  absl::Duration window = absl::Hours(72);
  // Bytes the state may account for (see DedupStats::bytes); the oldest
  // entries are evicted beyond it.
  int64_t memory_budget_bytes = int64_t{512} << 20;
  DomainMode domain_mode = DomainMode::kLanguage;

  // Words per shingle: every run of min_shingle_size to shingle_size
  // words (after stopwords are dropped) is a shingle. Single content words
  // keep rewrites similar; the number and name checks below supply the
  // precision that longer shingles would (see README.md).
  int shingle_size = 1;
  int min_shingle_size = 1;
  // Leave English function words out of shingles.
  bool drop_stopwords = true;
  // Extra copies of each headline shingle.
  int headline_weight = 1;
  // LSH banding of the MinHash signature: bands * rows hash functions;
  // two stories become candidates when all rows of one band agree.
  int bands = 20;
  int rows = 3;
  // A candidate is a near-duplicate when its estimated shingle
  // resemblance reaches this ...
  double near_duplicate_resemblance = 0.55;
  // ... or the smaller story's shingles are contained in the larger's to
  // this degree and the smaller has at least min_size_ratio of the larger's
  // shingles (trimmed copies) ...
  double near_duplicate_containment = 0.8;
  double min_size_ratio = 0.25;
  // ... and the overlap coefficients of their numbers and of their names
  // reach these (when both have some): template stories with other figures
  // or subjects are not duplicates.
  double number_agreement = 0.6;
  double name_agreement = 0.7;
  // A rewrite shares less text: a candidate whose resemblance only reaches
  // rewrite_resemblance is a near-duplicate when at least
  // rewrite_min_entities numbers and names were compared and both
  // overlaps reach rewrite_entity_agreement.
  double rewrite_resemblance = 0.35;
  double rewrite_entity_agreement = 0.9;
  int rewrite_min_entities = 4;
  // ... and the two are at most this far apart in event time.
  absl::Duration rewrite_window = absl::Hours(24);
  // Stories with fewer words than this are short items: they only match
  // another story as a NEAR_DUPLICATE when the resemblance reaches
  // short_item_resemblance and their numbers and names are equal.
  int short_item_words = 25;
  double short_item_resemblance = 0.7;
  // Stories shorter than this (in words) are kept apart when their leads
  // name different names, even with every figure the same (a fund's
  // sibling paying the same dividend); see CompareLeads.
  int lead_name_conflict_words = 60;
  // An LSH bucket holds at most this many entries (boilerplate-heavy
  // stories would otherwise make every lookup slow).
  int max_bucket_entries = 64;
  // Event times later than the story's received_at (or the record time) by
  // more than this are clamped to it, so a bad date cannot empty the window.
  absl::Duration max_future_skew = absl::Hours(1);
  // Where the state lives. Empty: in memory (MemoryEntryStore, fastest,
  // ~370 bytes an entry). A directory: in a RocksDB database there
  // (DiskEntryStore), which is wiped on Create because the changelog
  // restores it; memory then holds only disk_cache_bytes of cache and
  // write buffers plus a few bytes an entry, and memory_budget_bytes
  // bounds the bytes written to disk for live entries.
  std::string state_dir;
  int64_t disk_cache_bytes = int64_t{32} << 20;
  // Seed of the MinHash hash functions. Changing it (or the shingle size,
  // headline weight, or number of hash functions) makes restored entries
  // incomparable for near-duplicates until they expire.
  uint64_t seed = 0x5eed0fd3d0b5eedULL;
};

// Returns OK, or INVALID_ARGUMENT naming the first setting out of range.
absl::Status ValidateDeduplicatorConfig(const DeduplicatorConfig& config);

// Returns the fingerprint options a Deduplicator made from `config` uses.
FingerprintOptions FingerprintOptionsOf(const DeduplicatorConfig& config);

// One change to the state, for the changelog topic.
struct StateChange {
  // "<domain>/<story id>".
  std::string key;
  // A serialized wirestream.v1.DedupStateEntry; nullopt removes the key (a
  // tombstone).
  std::optional<std::string> value;

  bool operator==(const StateChange& o) const {
    return key == o.key && value == o.value;
  }
};

// Counters and gauges of one Deduplicator.
struct DedupStats {
  // Verdicts given, indexed by DedupKind.
  std::array<int64_t, wirestream::v1::DedupKind_ARRAYSIZE> verdicts{};
  // Entries in the state.
  int64_t entries = 0;
  // Bytes the entries account for; the budget applies to this. In memory:
  // their records, signatures, sketches and ids, their clusters, and 8
  // bytes per index cell (4-byte cells at the tables' nominal half load).
  // On disk: the keys and values written for them.
  int64_t bytes = 0;
  // Bytes of memory the state holds: allocated tables and vectors with
  // their slack, or, on disk, the database's cache and write buffers.
  int64_t allocated_bytes = 0;
  // Bytes of the state's database files (0 in memory).
  int64_t disk_bytes = 0;
  // Entries evicted for the memory budget.
  int64_t evictions = 0;
  // Entries that expired from the window.
  int64_t expirations = 0;
  // Entries restored from the changelog.
  int64_t restored_entries = 0;
  // Changelog records that could not be parsed, or found the state full
  // (16.7M entries a partition), and were skipped.
  int64_t restore_errors = 0;
  // LSH candidates compared (summed over stories).
  int64_t candidates = 0;

  // Returns bytes / entries, 0 when empty.
  double bytes_per_entry() const {
    return entries == 0 ? 0.0 : static_cast<double>(bytes) / entries;
  }
  DedupStats& operator+=(const DedupStats& o);
};

class Deduplicator {
 public:
  // Returns a Deduplicator with empty state, or INVALID_ARGUMENT when the
  // config does not validate.
  static absl::StatusOr<std::unique_ptr<Deduplicator>> Create(
      const DeduplicatorConfig& config);

  ~Deduplicator();
  Deduplicator(const Deduplicator&) = delete;
  Deduplicator& operator=(const Deduplicator&) = delete;

  // Judges `story`, records it in the state unless it is an exact
  // duplicate, and appends every state change to `changes` (the new entry;
  // tombstones for entries that expired or were evicted). `record_time`
  // stands in for the event time when the story has no timestamps.
  wirestream::v1::DedupVerdict Judge(const wirestream::v1::Story& story,
                                     absl::Time record_time,
                                     std::vector<StateChange>* changes);

  // Applies one changelog record, in offset order: a value adds (or
  // replaces) the entry under `key`, nullopt removes it. Records that do not
  // parse are skipped and counted (DedupStats::restore_errors).
  void Restore(absl::string_view key, std::optional<absl::string_view> value);
  // Ends a restore: applies the window and the budget to what was restored
  // and appends tombstones for what they dropped to `changes`.
  void FinishRestore(std::vector<StateChange>* changes);

  // Sets the memory budget; a lower one takes effect at the next Judge.
  void set_memory_budget(int64_t bytes) { config_.memory_budget_bytes = bytes; }

  // Returns the counters and the state's size.
  DedupStats stats() const;

  // Returns the dedup domain of `story` under `mode`.
  static std::string DomainOf(const wirestream::v1::Story& story,
                              DomainMode mode);
  // Returns the event time of `story`: when its version was created, else
  // when it was first created, else received; else `record_time`. Clamped
  // to at most received_at (or `record_time`) plus `max_future_skew`.
  static absl::Time EventTimeOf(const wirestream::v1::Story& story,
                                absl::Time record_time,
                                absl::Duration max_future_skew);

 private:
  struct Match;

  Deduplicator(const DeduplicatorConfig& config,
               std::unique_ptr<Fingerprinter> fingerprinter,
               std::unique_ptr<EntryStore> store);

  uint16_t DomainIndex(absl::string_view domain);
  std::string StoryId(uint32_t slot);
  std::string EntryKey(uint32_t slot);
  // Returns the changelog value of an entry (a DedupStateEntry).
  std::string Serialize(const EntryHeader& header,
                        absl::Span<const uint8_t> signature,
                        const EntitySketch& numbers, const EntitySketch& names,
                        const EntitySketch& lead, absl::string_view story_id,
                        absl::string_view cluster_id) const;

  Match FindMatch(const wirestream::v1::Story& story, uint16_t domain,
                  uint64_t source_story_key, uint32_t source_key,
                  const StoryFingerprint& fp, int64_t event_time, bool is_kill);
  std::optional<Match> NearMatch(const wirestream::v1::Story& story,
                                 uint16_t domain, uint32_t source_key,
                                 const StoryFingerprint& fp,
                                 int64_t event_time);
  double Resemblance(const StoryFingerprint& fp, uint32_t slot);

  // Removes the entry and releases its cluster (not its time order).
  void RemoveEntry(uint32_t slot);
  void ExpireAndEvict(std::vector<StateChange>* changes);
  void AddToTimeOrder(uint32_t slot, int64_t event_time);
  void RemoveFromTimeOrder(uint32_t slot);

  DeduplicatorConfig config_;
  std::unique_ptr<Fingerprinter> fingerprinter_;
  int num_hashes_;
  std::unique_ptr<EntryStore> store_;
  std::vector<std::string> domains_;
  absl::flat_hash_map<std::string, uint16_t> domain_index_;

  // Slots by the minute of their event time: the oldest go first.
  std::map<int64_t, std::vector<uint32_t>> by_minute_;
  int64_t watermark_ = std::numeric_limits<int64_t>::min();

  // Only while restoring: entry key -> slot, cluster id -> cluster.
  absl::flat_hash_map<std::string, uint32_t> restore_slots_;
  absl::flat_hash_map<std::string, uint32_t> restore_clusters_;

  int64_t live_entries_ = 0;
  DedupStats counters_;
  std::vector<uint32_t> candidates_;
  // Why the most similar candidate of the last NearMatch was kept apart.
  std::string rejected_evidence_;
  std::vector<uint32_t> found_;
};

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_DEDUPLICATOR_H_
