// File: pipeline/stages/dedup/slot_index.h
//
// SlotIndex is a compact hash multimap from 64-bit keys to entry slots: an
// open-addressing table (linear probing, backward-shift deletion) whose
// cells are 4 bytes: a 24-bit slot and an 8-bit tag of the key's hash. The
// key of a stored slot is recomputed by the caller's KeyOf(slot) (only when
// the tag matches, on lookups), so an entry must keep what its key derives
// from until it is removed from the index.
//
//   auto key_of = [&](uint32_t slot) { return entries[slot].text_key; };
//   SlotIndex<decltype(key_of)> index(key_of, /*salt=*/1);
//   index.Insert(7);
//   index.ForEach(entries[7].text_key, [](uint32_t slot) { ... });
//   index.Remove(7);
//
// Several slots may share a key; Insert can cap how many. Not thread-safe.
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_SLOT_INDEX_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_SLOT_INDEX_H_

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace wirestream::stages::dedup {

template <typename KeyOf>
class SlotIndex {
 public:
  // Slots must be below this (24 bits; the cell's top byte is a tag).
  static constexpr uint32_t kMaxSlots = (uint32_t{1} << 24) - 1;

  SlotIndex(KeyOf key_of, uint64_t salt)
      : key_of_(std::move(key_of)), salt_(salt) {
    cells_.assign(kInitialCapacity, 0);
    mask_ = kInitialCapacity - 1;
  }

  // Inserts `slot` (< kMaxSlots) under key_of(slot). When `max_per_key` > 0
  // and that many slots already share the key, leaves the index unchanged
  // and returns false.
  bool Insert(uint32_t slot, int max_per_key = 0) {
    assert(slot < kMaxSlots);
    if ((size_ + 1) * 10 > cells_.size() * 7) Grow();
    const uint64_t key = key_of_(slot);
    const uint64_t h = Hash(key);
    const uint32_t tag = Tag(h);
    size_t i = h & mask_;
    int same = 0;
    while (cells_[i] != 0) {
      if (max_per_key > 0 && (cells_[i] & kTagMask) == tag &&
          key_of_(SlotOf(cells_[i])) == key && ++same >= max_per_key) {
        return false;
      }
      i = (i + 1) & mask_;
    }
    cells_[i] = tag | (slot + 1);
    ++size_;
    return true;
  }

  // Removes `slot`, which must have been inserted (and key_of(slot) must
  // still return the key it was inserted under).
  void Remove(uint32_t slot) {
    size_t i = Hash(key_of_(slot)) & mask_;
    while (true) {
      if (cells_[i] == 0) {
        assert(false && "slot not in index");
        return;
      }
      if (SlotOf(cells_[i]) == slot) break;
      i = (i + 1) & mask_;
    }
    // Backward-shift: pull later cells of the run into the hole unless
    // their home lies cyclically after the hole.
    size_t hole = i;
    size_t j = i;
    while (true) {
      j = (j + 1) & mask_;
      if (cells_[j] == 0) break;
      const size_t home = Hash(key_of_(SlotOf(cells_[j]))) & mask_;
      const bool stays =
          hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (stays) continue;
      cells_[hole] = cells_[j];
      hole = j;
    }
    cells_[hole] = 0;
    --size_;
  }

  // Calls f(slot) for every slot stored under `key`. Cells whose tag
  // differs are skipped without computing their key.
  template <typename F>
  void ForEach(uint64_t key, F&& f) const {
    const uint64_t h = Hash(key);
    const uint32_t tag = Tag(h);
    for (size_t i = h & mask_; cells_[i] != 0; i = (i + 1) & mask_) {
      if ((cells_[i] & kTagMask) == tag && key_of_(SlotOf(cells_[i])) == key) {
        f(SlotOf(cells_[i]));
      }
    }
  }

  // Makes room for `n` slots in all, so that inserting up to them does not
  // grow (and rehash) the table.
  void Reserve(size_t n) {
    while (n * 10 > cells_.size() * 7) Grow();
  }

  // Removes every slot and returns to the initial capacity.
  void Clear() {
    cells_.assign(kInitialCapacity, 0);
    cells_.shrink_to_fit();
    mask_ = kInitialCapacity - 1;
    size_ = 0;
  }

  size_t size() const { return size_; }
  size_t capacity() const { return cells_.size(); }
  // Bytes the table allocates.
  size_t allocated_bytes() const {
    return cells_.capacity() * sizeof(uint32_t);
  }

 private:
  static constexpr size_t kInitialCapacity = 16;
  static constexpr uint32_t kTagMask = 0xFF000000u;

  // A cell: the key's tag in the top byte, slot + 1 below (0: empty).
  static uint32_t SlotOf(uint32_t cell) { return (cell & ~kTagMask) - 1; }
  static uint32_t Tag(uint64_t h) {
    return static_cast<uint32_t>(h >> 32) & kTagMask;
  }
  uint64_t Hash(uint64_t key) const {
    uint64_t x = key ^ salt_;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
  }

  void Grow() {
    std::vector<uint32_t> old;
    old.swap(cells_);
    cells_.assign(old.size() * 2, 0);
    mask_ = cells_.size() - 1;
    for (uint32_t cell : old) {
      if (cell == 0) continue;
      size_t i = Hash(key_of_(SlotOf(cell))) & mask_;
      while (cells_[i] != 0) i = (i + 1) & mask_;
      cells_[i] = cell;
    }
  }

  KeyOf key_of_;
  uint64_t salt_;
  std::vector<uint32_t> cells_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_SLOT_INDEX_H_
