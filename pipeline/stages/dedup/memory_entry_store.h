// File: pipeline/stages/dedup/memory_entry_store.h
//
// MemoryEntryStore keeps entries in slot-indexed arrays and finds them
// through SlotIndex tables of 4-byte cells: one for source story keys, one
// for text keys, one per LSH band. Accounted bytes per entry: the 48-byte
// header, the signature, two sketches, an 8-byte id pointer (and the id on
// the heap when the entry is not its cluster's first story), 4 bytes of the
// Deduplicator's time order, and 8 bytes per index cell (tables kept
// 35-70% full); each cluster 16 bytes and its id on the heap.
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_MEMORY_ENTRY_STORE_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_MEMORY_ENTRY_STORE_H_

#include <cstdint>
#include <vector>

#include "pipeline/stages/dedup/entry_store.h"
#include "pipeline/stages/dedup/packed_id.h"
#include "pipeline/stages/dedup/slot_index.h"

namespace wirestream::stages::dedup {

class MemoryEntryStore : public EntryStore {
 public:
  // Entries have `bands` * `rows` signature bytes.
  MemoryEntryStore(int bands, int rows);

  uint32_t Add(const EntryHeader& header, absl::Span<const uint8_t> signature,
               const EntitySketch& numbers, const EntitySketch& names,
               const EntitySketch& lead, absl::string_view own_id) override;
  void Index(uint32_t slot, int max_bucket_entries) override;
  void IndexPending(int max_bucket_entries) override;
  void Remove(uint32_t slot) override;
  const EntryView& Get(uint32_t slot) override;

  void ForEachBySource(uint64_t key,
                       absl::FunctionRef<void(uint32_t)> f) override;
  void ForEachByText(uint64_t key,
                     absl::FunctionRef<void(uint32_t)> f) override;
  void ForEachInBand(int band, uint64_t band_key,
                     absl::FunctionRef<void(uint32_t)> f) override;

  uint32_t NewCluster(absl::string_view id) override;
  void RetainCluster(uint32_t cluster) override;
  bool ReleaseCluster(uint32_t cluster) override;
  absl::string_view ClusterId(uint32_t cluster) override;
  bool ClusterKilled(uint32_t cluster) override;
  void SetClusterKilled(uint32_t cluster, bool killed) override;

  int64_t accounted_bytes() const override { return accounted_bytes_; }
  StoreBytes bytes() override;

 private:
  struct Cluster {
    PackedId id;
    uint32_t refs = 0;
    bool killed = false;
  };
  struct KeyOfSource {
    const MemoryEntryStore* s;
    uint64_t operator()(uint32_t slot) const {
      return s->headers_[slot].source_story_key;
    }
  };
  struct KeyOfText {
    const MemoryEntryStore* s;
    uint64_t operator()(uint32_t slot) const {
      return s->headers_[slot].text_key;
    }
  };
  struct KeyOfBand {
    const MemoryEntryStore* s;
    int band;
    uint64_t operator()(uint32_t slot) const {
      return BandKeyOf(s->Signature(slot), band, s->rows_);
    }
  };

  const uint8_t* Signature(uint32_t slot) const {
    return signatures_.data() + static_cast<size_t>(slot) * num_hashes_;
  }
  int64_t EntryBytes(uint32_t slot) const;

  int bands_;
  int rows_;
  int num_hashes_;
  std::vector<EntryHeader> headers_;
  std::vector<uint8_t> signatures_;
  std::vector<EntitySketch> numbers_;
  std::vector<EntitySketch> names_;
  std::vector<EntitySketch> leads_;
  // Own id of entries that are not their cluster's first story.
  std::vector<PackedId> ids_;
  SlotAllocator slots_;
  std::vector<Cluster> clusters_;
  SlotAllocator cluster_slots_;
  SlotIndex<KeyOfSource> source_index_;
  SlotIndex<KeyOfText> text_index_;
  std::vector<SlotIndex<KeyOfBand>> band_index_;
  int64_t accounted_bytes_ = 0;
  int64_t heap_bytes_ = 0;
  EntryView view_;
};

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_MEMORY_ENTRY_STORE_H_
