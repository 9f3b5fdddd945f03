#include "pipeline/stages/dedup/memory_entry_store.h"

#include <algorithm>

namespace wirestream::stages::dedup {
namespace {

// An index cell is 4 bytes; tables stay between 35% and 70% full, so each
// cell accounts for 8 bytes.
constexpr int64_t kBytesPerIndexCell = 8;

}  // namespace

MemoryEntryStore::MemoryEntryStore(int bands, int rows)
    : bands_(bands),
      rows_(rows),
      num_hashes_(bands * rows),
      source_index_(KeyOfSource{this}, 0x50555243ULL),
      text_index_(KeyOfText{this}, 0x54455854ULL) {
  band_index_.reserve(bands);
  for (int band = 0; band < bands; ++band) {
    band_index_.emplace_back(KeyOfBand{this, band}, 0xB0000000ULL + band);
  }
}

uint32_t MemoryEntryStore::Add(const EntryHeader& header,
                               absl::Span<const uint8_t> signature,
                               const EntitySketch& numbers,
                               const EntitySketch& names,
                               const EntitySketch& lead,
                               absl::string_view own_id) {
  const uint32_t slot = slots_.Take();
  if (slot == headers_.size()) {
    headers_.emplace_back();
    signatures_.resize(signatures_.size() + num_hashes_);
    numbers_.emplace_back();
    names_.emplace_back();
    leads_.emplace_back();
    ids_.emplace_back();
  }
  const bool comparable = signature.size() == static_cast<size_t>(num_hashes_);
  headers_[slot] = AddedHeader(header, comparable);
  if (comparable) {
    std::copy(signature.begin(), signature.end(),
              signatures_.begin() + static_cast<size_t>(slot) * num_hashes_);
  }
  numbers_[slot] = numbers;
  names_[slot] = names;
  leads_[slot] = lead;
  ids_[slot].Assign(own_id);
  heap_bytes_ += ids_[slot].heap_bytes();
  return slot;
}

void MemoryEntryStore::Index(uint32_t slot, int max_bucket_entries) {
  EntryHeader& h = headers_[slot];
  if (h.source_story_key != 0) source_index_.Insert(slot);
  if (h.text_key != 0) text_index_.Insert(slot);
  h.indexed_bands = 0;
  if (h.flags & kEntryComparable) {
    for (int band = 0; band < bands_; ++band) {
      if (band_index_[band].Insert(slot, max_bucket_entries)) {
        h.indexed_bands |= uint32_t{1} << band;
      }
    }
  }
  h.flags |= kEntryIndexed;
  accounted_bytes_ += EntryBytes(slot);
}

void MemoryEntryStore::IndexPending(int max_bucket_entries) {
  size_t pending = 0;
  for (const EntryHeader& h : headers_) {
    pending += (h.flags & kEntryLive) && !(h.flags & kEntryIndexed);
  }
  if (pending == 0) return;
  source_index_.Reserve(source_index_.size() + pending);
  text_index_.Reserve(text_index_.size() + pending);
  for (auto& band : band_index_) band.Reserve(band.size() + pending);
  for (uint32_t slot = 0; slot < headers_.size(); ++slot) {
    const uint8_t flags = headers_[slot].flags;
    if ((flags & kEntryLive) && !(flags & kEntryIndexed)) {
      Index(slot, max_bucket_entries);
    }
  }
}

void MemoryEntryStore::Remove(uint32_t slot) {
  EntryHeader& h = headers_[slot];
  if (h.flags & kEntryIndexed) {
    accounted_bytes_ -= EntryBytes(slot);
    if (h.source_story_key != 0) source_index_.Remove(slot);
    if (h.text_key != 0) text_index_.Remove(slot);
    for (int band = 0; band < bands_; ++band) {
      if (h.indexed_bands & (uint32_t{1} << band)) {
        band_index_[band].Remove(slot);
      }
    }
  }
  heap_bytes_ -= ids_[slot].heap_bytes();
  ids_[slot].Clear();
  h.flags = 0;
  slots_.Give(slot);
}

const EntryView& MemoryEntryStore::Get(uint32_t slot) {
  view_.header = headers_[slot];
  view_.signature =
      (view_.header.flags & kEntryComparable) ? Signature(slot) : nullptr;
  view_.numbers = &numbers_[slot];
  view_.names = &names_[slot];
  view_.lead = &leads_[slot];
  view_.own_id = ids_[slot].view();
  return view_;
}

void MemoryEntryStore::ForEachBySource(uint64_t key,
                                       absl::FunctionRef<void(uint32_t)> f) {
  source_index_.ForEach(key, f);
}

void MemoryEntryStore::ForEachByText(uint64_t key,
                                     absl::FunctionRef<void(uint32_t)> f) {
  text_index_.ForEach(key, f);
}

void MemoryEntryStore::ForEachInBand(int band, uint64_t band_key,
                                     absl::FunctionRef<void(uint32_t)> f) {
  band_index_[band].ForEach(band_key, f);
}

uint32_t MemoryEntryStore::NewCluster(absl::string_view id) {
  const uint32_t cluster = cluster_slots_.Take();
  if (cluster == clusters_.size()) clusters_.emplace_back();
  Cluster& c = clusters_[cluster];
  c.id.Assign(id);
  c.refs = 1;
  c.killed = false;
  heap_bytes_ += c.id.heap_bytes();
  accounted_bytes_ += sizeof(Cluster) + c.id.heap_bytes();
  return cluster;
}

void MemoryEntryStore::RetainCluster(uint32_t cluster) {
  ++clusters_[cluster].refs;
}

bool MemoryEntryStore::ReleaseCluster(uint32_t cluster) {
  Cluster& c = clusters_[cluster];
  if (--c.refs > 0) return false;
  heap_bytes_ -= c.id.heap_bytes();
  accounted_bytes_ -= sizeof(Cluster) + c.id.heap_bytes();
  c.id.Clear();
  c.killed = false;
  cluster_slots_.Give(cluster);
  return true;
}

absl::string_view MemoryEntryStore::ClusterId(uint32_t cluster) {
  return clusters_[cluster].id.view();
}

bool MemoryEntryStore::ClusterKilled(uint32_t cluster) {
  return clusters_[cluster].killed;
}

void MemoryEntryStore::SetClusterKilled(uint32_t cluster, bool killed) {
  clusters_[cluster].killed = killed;
}

int64_t MemoryEntryStore::EntryBytes(uint32_t slot) const {
  const EntryHeader& h = headers_[slot];
  const int cells = (h.source_story_key != 0) + (h.text_key != 0) +
                    __builtin_popcount(h.indexed_bands);
  return static_cast<int64_t>(sizeof(EntryHeader) + num_hashes_ +
                              3 * sizeof(EntitySketch) + sizeof(PackedId) +
                              sizeof(uint32_t)) +  // the time order's
         ids_[slot].heap_bytes() +
         cells * kBytesPerIndexCell;
}

StoreBytes MemoryEntryStore::bytes() {
  StoreBytes b;
  b.accounted = accounted_bytes_;
  int64_t allocated =
      headers_.capacity() * sizeof(EntryHeader) + signatures_.capacity() +
      (numbers_.capacity() + names_.capacity() + leads_.capacity()) *
          sizeof(EntitySketch) +
      ids_.capacity() * sizeof(PackedId) + slots_.allocated_bytes() +
      clusters_.capacity() * sizeof(Cluster) +
      cluster_slots_.allocated_bytes() + heap_bytes_ +
      source_index_.allocated_bytes() + text_index_.allocated_bytes();
  for (const auto& band : band_index_) allocated += band.allocated_bytes();
  b.memory = allocated;
  return b;
}

}  // namespace wirestream::stages::dedup
