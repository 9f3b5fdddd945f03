// File: pipeline/stages/dedup/packed_id.h
//
// PackedId holds a story id in one heap block (a 4-byte length, then the
// bytes) behind a single pointer: 8 bytes when empty, against 32 for a
// std::string. The dedup state keeps one per remembered story and cluster,
// most of them empty (a cluster's first story shares the cluster's id).
//
//   PackedId id("urn:newsml:example.com:20250301:a1");
//   absl::string_view view = id.view();
//   int64_t heap = id.heap_bytes();  // what malloc holds for it
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_PACKED_ID_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_PACKED_ID_H_

#include <cstdint>
#include <cstring>
#include <memory>

#include "absl/strings/string_view.h"

namespace wirestream::stages::dedup {

class PackedId {
 public:
  PackedId() = default;
  explicit PackedId(absl::string_view id) { Assign(id); }

  // Replaces the id; an empty `id` frees the block.
  void Assign(absl::string_view id) {
    if (id.empty()) {
      data_.reset();
      return;
    }
    const uint32_t size = static_cast<uint32_t>(id.size());
    data_ = std::make_unique<char[]>(sizeof(size) + size);
    std::memcpy(data_.get(), &size, sizeof(size));
    std::memcpy(data_.get() + sizeof(size), id.data(), size);
  }
  void Clear() { data_.reset(); }

  bool empty() const { return data_ == nullptr; }
  absl::string_view view() const {
    if (!data_) return {};
    uint32_t size;
    std::memcpy(&size, data_.get(), sizeof(size));
    return absl::string_view(data_.get() + sizeof(size), size);
  }

  // Bytes malloc holds for the block: glibc adds an 8-byte header and
  // rounds to 16, with 32 at least.
  int64_t heap_bytes() const {
    if (!data_) return 0;
    const int64_t block = static_cast<int64_t>(sizeof(uint32_t)) +
                          static_cast<int64_t>(view().size()) + 8;
    return block <= 32 ? 32 : (block + 15) / 16 * 16;
  }

 private:
  std::unique_ptr<char[]> data_;
};

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_PACKED_ID_H_
