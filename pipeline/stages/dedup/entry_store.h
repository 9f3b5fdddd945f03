// File: pipeline/stages/dedup/entry_store.h
//
// EntryStore is where a Deduplicator keeps its entries, their clusters and
// the indexes that find them: by source story key, by text key and by LSH
// band. Two stores implement it:
//   - MemoryEntryStore (memory_entry_store.h): everything in memory, about
//     370 bytes an entry; the fastest.
//   - DiskEntryStore (disk_entry_store.h): everything in a local RocksDB
//     database, with memory only for its cache and write buffers; a few
//     bytes of memory an entry, at ~19 times the CPU per story with 1M
//     entries.
// The Deduplicator decides; a store only keeps and finds.
//
// Entries and clusters are named by 32-bit slots that the store hands out
// and reuses after removal. A view returned by Get or ClusterId is valid
// until the next call on the store.
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_ENTRY_STORE_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_ENTRY_STORE_H_

#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "pipeline/stages/dedup/fingerprint.h"

namespace wirestream::stages::dedup {

enum EntryFlags : uint8_t {
  kEntryLive = 1,
  // The first story of its cluster: its id is the cluster's.
  kEntryRoot = 2,
  // Has a signature under the current fingerprint scheme.
  kEntryComparable = 4,
  // In the indexes, and counted in the store's accounted bytes.
  kEntryIndexed = 8,
};

// The fixed part of an entry.
struct EntryHeader {
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
  // Bit j set: the entry is in LSH band j (a full bucket may refuse it).
  uint32_t indexed_bands = 0;
  uint16_t shingle_count = 0;
  uint16_t word_count = 0;
  uint16_t domain = 0;
  // A wirestream.v1.DedupKind.
  uint8_t kind = 0;
  // EntryFlags.
  uint8_t flags = 0;
};

// The sketch of an entry that has none (a freed slot).
inline constexpr EntitySketch kNoEntities{};

// One entry as the store returns it.
struct EntryView {
  EntryHeader header;
  // num_hashes bytes when header.flags has kEntryComparable, else null.
  const uint8_t* signature = nullptr;
  // The sketches, where the store keeps them (valid until the next call on
  // the store): a candidate that fails on its signature never touches
  // them.
  const EntitySketch* numbers = &kNoEntities;
  const EntitySketch* names = &kNoEntities;
  // The lead's date, figures and names (StoryFingerprint::lead).
  const EntitySketch* lead = &kNoEntities;
  // The story's own id; empty for a cluster's first story.
  absl::string_view own_id;
};

// Sizes the store reports.
struct StoreBytes {
  // What the memory budget is held to: in memory, the entries' accounted
  // bytes; on disk, the bytes written for live entries.
  int64_t accounted = 0;
  // Memory in use, measured where the store can (tables, caches, write
  // buffers).
  int64_t memory = 0;
  // Bytes of live database files; 0 in memory.
  int64_t disk = 0;
};

class EntryStore {
 public:
  virtual ~EntryStore() = default;

  // Stores an entry (not yet indexed) and returns its slot. `signature` is
  // empty or num_hashes bytes; `own_id` is empty for a cluster's first
  // story.
  virtual uint32_t Add(const EntryHeader& header,
                       absl::Span<const uint8_t> signature,
                       const EntitySketch& numbers, const EntitySketch& names,
                       const EntitySketch& lead, absl::string_view own_id) = 0;
  // Puts the entry in the source, text and band indexes; a band whose
  // bucket already holds `max_bucket_entries` leaves it out.
  virtual void Index(uint32_t slot, int max_bucket_entries) = 0;
  // Indexes every entry added but not yet indexed (after a restore).
  virtual void IndexPending(int max_bucket_entries) = 0;
  // True when restored entries should be indexed as they are added (the
  // caller then calls Index with no bucket cap): stores where a second
  // pass over the entries costs more than growing the indexes.
  virtual bool IndexesWhileRestoring() const { return false; }
  // Hints that Get will be called for `slots` (sorted) next.
  virtual void Prefetch(absl::Span<const uint32_t> slots) {}
  // Takes the entry out of the indexes and frees its slot. Its cluster is
  // the caller's to release.
  virtual void Remove(uint32_t slot) = 0;
  virtual const EntryView& Get(uint32_t slot) = 0;

  // Calls f(slot) for each indexed entry under the key.
  virtual void ForEachBySource(uint64_t key,
                               absl::FunctionRef<void(uint32_t)> f) = 0;
  virtual void ForEachByText(uint64_t key,
                             absl::FunctionRef<void(uint32_t)> f) = 0;
  virtual void ForEachInBand(int band, uint64_t band_key,
                             absl::FunctionRef<void(uint32_t)> f) = 0;

  // Clusters: an id, a count of entries referring to it, a killed mark.
  // NewCluster returns one with one reference.
  virtual uint32_t NewCluster(absl::string_view id) = 0;
  virtual void RetainCluster(uint32_t cluster) = 0;
  // Drops a reference; the last one frees the cluster and returns true.
  virtual bool ReleaseCluster(uint32_t cluster) = 0;
  virtual absl::string_view ClusterId(uint32_t cluster) = 0;
  virtual bool ClusterKilled(uint32_t cluster) = 0;
  virtual void SetClusterKilled(uint32_t cluster, bool killed) = 0;

  // What the memory budget is held to (StoreBytes::accounted), cheaply.
  virtual int64_t accounted_bytes() const = 0;
  virtual StoreBytes bytes() = 0;
};

// Hands out 32-bit slots (of entries or clusters), freed ones first.
class SlotAllocator {
 public:
  uint32_t Take() {
    if (free_.empty()) return next_++;
    const uint32_t slot = free_.back();
    free_.pop_back();
    return slot;
  }
  void Give(uint32_t slot) { free_.push_back(slot); }
  // Slots handed out so far, freed or not: a new slot equals it.
  uint32_t size() const { return next_; }
  int64_t allocated_bytes() const {
    return static_cast<int64_t>(free_.capacity() * sizeof(uint32_t));
  }

 private:
  uint32_t next_ = 0;
  std::vector<uint32_t> free_;
};

// Returns `header` as a store keeps a newly added entry: not indexed yet,
// comparable when it comes with a signature.
inline EntryHeader AddedHeader(EntryHeader header, bool has_signature) {
  header.indexed_bands = 0;
  header.flags = static_cast<uint8_t>(
      (header.flags & ~(kEntryIndexed | kEntryComparable)) |
      (has_signature ? kEntryComparable : 0));
  return header;
}

// Returns the LSH key of band `band` of `signature`: its `rows` bytes.
inline uint64_t BandKeyOf(const uint8_t* signature, int band, int rows) {
  const uint8_t* r = signature + band * rows;
  uint64_t key = 0;
  for (int i = 0; i < rows; ++i) key = (key << 8) | r[i];
  return key;
}

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_ENTRY_STORE_H_
