// File: pipeline/stages/dedup/slot_index.h
//
// SlotIndex is a compact hash multimap from 64-bit keys to entry slots: an
// open-addressing table (linear probing, backward-shift deletion) whose
// cells hold only the slot, 4 bytes each. The key of a stored slot is
// recomputed by the caller's KeyOf(slot), so an entry must keep what its key
// derives from until it is removed from the index.
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
  SlotIndex(KeyOf key_of, uint64_t salt)
      : key_of_(std::move(key_of)), salt_(salt) {
    cells_.assign(kInitialCapacity, 0);
    mask_ = kInitialCapacity - 1;
  }

  // Inserts `slot` under key_of(slot). When `max_per_key` > 0 and that many
  // slots already share the key, leaves the index unchanged and returns
  // false.
  bool Insert(uint32_t slot, int max_per_key = 0) {
    if ((size_ + 1) * 10 > cells_.size() * 7) Grow();
    const uint64_t key = key_of_(slot);
    size_t i = Home(key);
    int same = 0;
    while (cells_[i] != 0) {
      if (max_per_key > 0 && key_of_(cells_[i] - 1) == key &&
          ++same >= max_per_key) {
        return false;
      }
      i = (i + 1) & mask_;
    }
    cells_[i] = slot + 1;
    ++size_;
    return true;
  }

  // Removes `slot`, which must have been inserted (and key_of(slot) must
  // still return the key it was inserted under).
  void Remove(uint32_t slot) {
    size_t i = Home(key_of_(slot));
    while (cells_[i] != slot + 1) {
      assert(cells_[i] != 0 && "slot not in index");
      if (cells_[i] == 0) return;
      i = (i + 1) & mask_;
    }
    // Backward-shift: pull later cells of the run into the hole unless
    // their home lies cyclically after the hole.
    size_t hole = i;
    size_t j = i;
    while (true) {
      j = (j + 1) & mask_;
      if (cells_[j] == 0) break;
      const size_t home = Home(key_of_(cells_[j] - 1));
      const bool stays =
          hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (stays) continue;
      cells_[hole] = cells_[j];
      hole = j;
    }
    cells_[hole] = 0;
    --size_;
  }

  // Calls f(slot) for every slot stored under `key`.
  template <typename F>
  void ForEach(uint64_t key, F&& f) const {
    for (size_t i = Home(key); cells_[i] != 0; i = (i + 1) & mask_) {
      if (key_of_(cells_[i] - 1) == key) f(cells_[i] - 1);
    }
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

  size_t Home(uint64_t key) const {
    uint64_t x = key ^ salt_;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return static_cast<size_t>(x) & mask_;
  }

  void Grow() {
    std::vector<uint32_t> old;
    old.swap(cells_);
    cells_.assign(old.size() * 2, 0);
    mask_ = cells_.size() - 1;
    for (uint32_t cell : old) {
      if (cell == 0) continue;
      size_t i = Home(key_of_(cell - 1));
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
