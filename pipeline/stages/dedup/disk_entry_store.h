// File: pipeline/stages/dedup/disk_entry_store.h
//
// DiskEntryStore keeps a Deduplicator's entries, clusters and indexes in a
// local RocksDB database, so that memory holds only the database's cache
// and write buffers (DiskStoreOptions::cache_bytes in all) plus a few bytes
// an entry. The database is a copy of what the changelog topic holds: it is
// wiped when opened and deleted when closed, and it writes no log of its
// own.
//
//   auto store = DiskEntryStore::Open({.dir = "/var/lib/wirestream/dedup/3"});
//
// Layout (integers big-endian; every key starts with a 10-byte prefix):
//   E 00000 slot          -> header, signature, sketches, own id
//   C 00000 cluster       -> references, killed, id
//   S 0 key slot          -> ""   (source story key index)
//   T 0 key slot          -> ""   (text key index)
//   B band key slot       -> ""   (LSH band index)
// An index key's prefix is its type, band and key, read with prefix seeks.
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_DISK_ENTRY_STORE_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_DISK_ENTRY_STORE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "pipeline/stages/dedup/entry_store.h"

namespace rocksdb {
class DB;
class Iterator;
class WriteBatch;
}  // namespace rocksdb

namespace wirestream::stages::dedup {

struct DiskStoreOptions {
  // The database's directory; created (with its parents) if missing.
  std::string dir;
  // Memory for the block cache (half) and the write buffers (half).
  int64_t cache_bytes = int64_t{32} << 20;
  int bands = 20;
  int rows = 3;
  // Band lookups return at most this many entries (0: all).
  int max_bucket_entries = 64;
};

class DiskEntryStore : public EntryStore {
 public:
  // Opens an empty database in options.dir, removing what was there.
  // Returns INTERNAL naming the directory when RocksDB cannot.
  static absl::StatusOr<std::unique_ptr<DiskEntryStore>> Open(
      const DiskStoreOptions& options);
  // Closes the database and deletes its files.
  ~DiskEntryStore() override;

  uint32_t Add(const EntryHeader& header, absl::Span<const uint8_t> signature,
               const EntitySketch& numbers, const EntitySketch& names,
               const EntitySketch& lead, absl::string_view own_id) override;
  void Index(uint32_t slot, int max_bucket_entries) override;
  void IndexPending(int max_bucket_entries) override;
  bool IndexesWhileRestoring() const override { return true; }
  void Prefetch(absl::Span<const uint32_t> slots) override;
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
  struct ClusterRecord {
    uint32_t refs = 0;
    bool killed = false;
    std::string id;
  };

  DiskEntryStore(const DiskStoreOptions& options, rocksdb::DB* db);

  // Calls f(slot) for the index keys under `prefix`, stopping after
  // `limit` (0: no limit); returns how many.
  int Scan(const std::array<char, 10>& prefix, int limit,
           absl::FunctionRef<void(uint32_t)> f);
  // Applies `batch`; `changes_index` when it adds or removes index keys.
  void Write(rocksdb::WriteBatch* batch, bool changes_index);
  // Makes `value` (an E record, or empty) the cached entry.
  void Decode(uint32_t slot, std::string value);
  const ClusterRecord& LoadCluster(uint32_t cluster);
  void StoreCluster(uint32_t cluster, const ClusterRecord& record);
  // The index keys of an entry: its exact keys and the bands in
  // header.indexed_bands.
  std::vector<std::string> IndexKeys(uint32_t slot, const EntryHeader& header,
                                     const uint8_t* signature) const;

  DiskStoreOptions options_;
  int num_hashes_;
  std::unique_ptr<rocksdb::DB> db_;
  // One iterator serves the lookups between two writes.
  std::unique_ptr<rocksdb::Iterator> iterator_;

  SlotAllocator slots_;
  SlotAllocator cluster_slots_;
  // Slots added but not indexed yet.
  std::vector<uint32_t> pending_;
  // Entries read ahead by Prefetch, until the next write.
  absl::flat_hash_map<uint32_t, std::string> prefetched_;
  // Bucket sizes seen by the last band lookups, reused by Index.
  std::vector<std::pair<uint64_t, int>> band_counts_;
  int64_t accounted_bytes_ = 0;

  // The last entry and cluster read.
  int64_t cached_slot_ = -1;
  std::string entry_value_;
  // Its number, name and lead sketches, which view_ points to.
  std::array<EntitySketch, 3> sketches_;
  EntryView view_;
  int64_t cached_cluster_ = -1;
  ClusterRecord cluster_;
};

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_DISK_ENTRY_STORE_H_
