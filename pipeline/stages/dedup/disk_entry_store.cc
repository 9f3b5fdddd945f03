#include "pipeline/stages/dedup/disk_entry_store.h"

#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace wirestream::stages::dedup {
namespace {

constexpr size_t kPrefixSize = 10;
constexpr size_t kIndexKeySize = kPrefixSize + 4;
// Record keys are as long as the index prefix: RocksDB's fixed prefix
// extractor takes the prefix of every key.
constexpr size_t kRecordKeySize = kPrefixSize;

void PutBigEndian(char* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
}

uint32_t GetBigEndian32(const char* in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

std::string RecordKey(char type, uint32_t id) {
  std::string key(kRecordKeySize, '\0');
  key[0] = type;
  PutBigEndian(key.data() + kRecordKeySize - 4, id, 4);
  return key;
}

std::array<char, kPrefixSize> IndexPrefix(char type, uint8_t band,
                                          uint64_t key) {
  std::array<char, kPrefixSize> prefix;
  prefix[0] = type;
  prefix[1] = static_cast<char>(band);
  PutBigEndian(prefix.data() + 2, key, 8);
  return prefix;
}

std::string IndexKey(const std::array<char, kPrefixSize>& prefix,
                     uint32_t slot) {
  std::string key(prefix.data(), kPrefixSize);
  key.resize(kIndexKeySize);
  PutBigEndian(key.data() + kPrefixSize, slot, 4);
  return key;
}

rocksdb::Options DatabaseOptions(const DiskStoreOptions& o) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kNoCompression;
  options.write_buffer_size = static_cast<size_t>(o.cache_bytes / 4);
  options.max_write_buffer_number = 2;
  options.max_background_jobs = 2;
  options.keep_log_file_num = 1;
  options.info_log_level = rocksdb::WARN_LEVEL;
  options.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kPrefixSize));
  // Every entry read exists: no filters on the last level, where most keys
  // are (24% less CPU a story at 1M entries).
  options.optimize_filters_for_hits = true;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache =
      rocksdb::NewLRUCache(static_cast<size_t>(o.cache_bytes / 2));
  // Indexes and filters live in the cache, in 4 KB partitions: whole
  // per-file filters would be read from disk again and again once the
  // cache is smaller than they are.
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.pin_top_level_index_and_filter = true;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

rocksdb::WriteOptions NoLog() {
  rocksdb::WriteOptions w;
  // The changelog topic is the durable copy; a crash restores from it.
  w.disableWAL = true;
  return w;
}

// An E record: the header's and sketches' bytes as they are in memory (the
// database never outlives the process that wrote it), the signature, the
// own id.
std::string EncodeEntry(const EntryHeader& header,
                        absl::Span<const uint8_t> signature,
                        const EntitySketch& numbers, const EntitySketch& names,
                        const EntitySketch& lead, absl::string_view own_id) {
  std::string value(sizeof(EntryHeader), '\0');
  std::memcpy(value.data(), &header, sizeof(EntryHeader));
  value.append(reinterpret_cast<const char*>(signature.data()),
               signature.size());
  value.append(reinterpret_cast<const char*>(&numbers), sizeof(EntitySketch));
  value.append(reinterpret_cast<const char*>(&names), sizeof(EntitySketch));
  value.append(reinterpret_cast<const char*>(&lead), sizeof(EntitySketch));
  value.append(own_id.data(), own_id.size());
  return value;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DiskEntryStore>> DiskEntryStore::Open(
    const DiskStoreOptions& options) {
  if (options.dir.empty()) {
    return absl::InvalidArgumentError("the dedup state directory is empty");
  }
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create the dedup state "
                     "directory ",
                     options.dir, ": ", ec.message()));
  }
  const rocksdb::Options db_options = DatabaseOptions(options);
  rocksdb::DestroyDB(options.dir, db_options);
  rocksdb::DB* db = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(db_options, options.dir, &db);
  if (!s.ok()) {
    return absl::InternalError(absl::StrCat("cannot open the dedup state in ",
                                            options.dir, ": ", s.ToString()));
  }
  return std::unique_ptr<DiskEntryStore>(new DiskEntryStore(options, db));
}

DiskEntryStore::DiskEntryStore(const DiskStoreOptions& options, rocksdb::DB* db)
    : options_(options),
      num_hashes_(options.bands * options.rows),
      db_(db),
      band_counts_(options.bands, {0, -1}) {}

DiskEntryStore::~DiskEntryStore() {
  iterator_.reset();
  db_.reset();
  rocksdb::DestroyDB(options_.dir, DatabaseOptions(options_));
}

void DiskEntryStore::Write(rocksdb::WriteBatch* batch, bool changes_index) {
  iterator_.reset();
  cached_slot_ = -1;
  cached_cluster_ = -1;
  prefetched_.clear();
  if (changes_index) {
    for (auto& count : band_counts_) count.second = -1;
  }
  db_->Write(NoLog(), batch);
}

uint32_t DiskEntryStore::Add(const EntryHeader& header,
                             absl::Span<const uint8_t> signature,
                             const EntitySketch& numbers,
                             const EntitySketch& names,
                             const EntitySketch& lead,
                             absl::string_view own_id) {
  const uint32_t slot = slots_.Take();
  const bool comparable = signature.size() == static_cast<size_t>(num_hashes_);
  const EntryHeader h = AddedHeader(header, comparable);
  std::string value =
      EncodeEntry(h, comparable ? signature : absl::Span<const uint8_t>(),
                  numbers, names, lead, own_id);
  rocksdb::WriteBatch batch;
  batch.Put(RecordKey('E', slot), value);
  Write(&batch, /*changes_index=*/false);
  pending_.push_back(slot);
  // Index reads it next.
  Decode(slot, std::move(value));
  return slot;
}

std::vector<std::string> DiskEntryStore::IndexKeys(
    uint32_t slot, const EntryHeader& h, const uint8_t* signature) const {
  std::vector<std::string> keys;
  if (h.source_story_key != 0) {
    keys.push_back(IndexKey(IndexPrefix('S', 0, h.source_story_key), slot));
  }
  if (h.text_key != 0) {
    keys.push_back(IndexKey(IndexPrefix('T', 0, h.text_key), slot));
  }
  if (signature != nullptr) {
    for (int band = 0; band < options_.bands; ++band) {
      if (!(h.indexed_bands & (uint32_t{1} << band))) continue;
      keys.push_back(
          IndexKey(IndexPrefix('B', static_cast<uint8_t>(band),
                               BandKeyOf(signature, band, options_.rows)),
                   slot));
    }
  }
  return keys;
}

void DiskEntryStore::Index(uint32_t slot, int max_bucket_entries) {
  if (!pending_.empty() && pending_.back() == slot) pending_.pop_back();
  const EntryView& e = Get(slot);
  if (e.header.flags & kEntryIndexed) return;
  EntryHeader h = e.header;
  h.indexed_bands = 0;
  if (e.signature != nullptr) {
    for (int band = 0; band < options_.bands; ++band) {
      if (max_bucket_entries > 0) {
        const uint64_t band_key = BandKeyOf(e.signature, band, options_.rows);
        const int count =
            band_counts_[band].second >= 0 &&
                    band_counts_[band].first == band_key
                ? band_counts_[band].second
                : Scan(IndexPrefix('B', static_cast<uint8_t>(band), band_key),
                       max_bucket_entries, [](uint32_t) {});
        if (count >= max_bucket_entries) continue;
      }
      h.indexed_bands |= uint32_t{1} << band;
    }
  }
  rocksdb::WriteBatch batch;
  int64_t bytes = kRecordKeySize + static_cast<int64_t>(entry_value_.size());
  for (const std::string& key : IndexKeys(slot, h, e.signature)) {
    batch.Put(key, "");
    bytes += kIndexKeySize;
  }
  h.flags |= kEntryIndexed;
  // Rewrite the record with its indexed bands.
  std::string value = entry_value_;
  std::memcpy(value.data(), &h, sizeof(EntryHeader));
  batch.Put(RecordKey('E', slot), value);
  accounted_bytes_ += bytes;
  Write(&batch, /*changes_index=*/true);
}

void DiskEntryStore::IndexPending(int max_bucket_entries) {
  std::vector<uint32_t> pending;
  pending.swap(pending_);
  for (uint32_t slot : pending) {
    const uint8_t flags = Get(slot).header.flags;
    if ((flags & kEntryLive) && !(flags & kEntryIndexed)) {
      Index(slot, max_bucket_entries);
    }
  }
}

void DiskEntryStore::Remove(uint32_t slot) {
  const EntryView& e = Get(slot);
  rocksdb::WriteBatch batch;
  if (e.header.flags & kEntryIndexed) {
    int64_t bytes = kRecordKeySize + static_cast<int64_t>(entry_value_.size());
    for (const std::string& key : IndexKeys(slot, e.header, e.signature)) {
      batch.SingleDelete(key);
      bytes += kIndexKeySize;
    }
    accounted_bytes_ -= bytes;
  }
  batch.Delete(RecordKey('E', slot));
  Write(&batch, /*changes_index=*/true);
  slots_.Give(slot);
}

const EntryView& DiskEntryStore::Get(uint32_t slot) {
  if (cached_slot_ == slot) return view_;
  std::string value;
  if (auto it = prefetched_.find(slot); it != prefetched_.end()) {
    value = std::move(it->second);
    prefetched_.erase(it);
  } else if (!db_->Get(rocksdb::ReadOptions(), RecordKey('E', slot), &value)
                  .ok()) {
    value.clear();
  }
  Decode(slot, std::move(value));
  return view_;
}

void DiskEntryStore::Decode(uint32_t slot, std::string value) {
  view_ = EntryView{};
  entry_value_ = std::move(value);
  cached_slot_ = -1;
  if (entry_value_.size() < sizeof(EntryHeader) + 3 * sizeof(EntitySketch)) {
    // A freed slot reads as an empty, dead entry.
    return;
  }
  const char* p = entry_value_.data();
  std::memcpy(&view_.header, p, sizeof(EntryHeader));
  p += sizeof(EntryHeader);
  if (view_.header.flags & kEntryComparable) {
    view_.signature = reinterpret_cast<const uint8_t*>(p);
    p += num_hashes_;
  }
  for (EntitySketch& sketch : sketches_) {
    std::memcpy(&sketch, p, sizeof(EntitySketch));
    p += sizeof(EntitySketch);
  }
  view_.numbers = &sketches_[0];
  view_.names = &sketches_[1];
  view_.lead = &sketches_[2];
  view_.own_id = absl::string_view(
      p, entry_value_.size() - static_cast<size_t>(p - entry_value_.data()));
  cached_slot_ = slot;
}

void DiskEntryStore::Prefetch(absl::Span<const uint32_t> slots) {
  prefetched_.clear();
  if (slots.empty()) return;
  std::vector<std::string> keys;
  keys.reserve(slots.size());
  for (uint32_t slot : slots) keys.push_back(RecordKey('E', slot));
  std::vector<rocksdb::Slice> key_slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(),
                key_slices.size(), key_slices.data(), values.data(),
                statuses.data(), /*sorted_input=*/true);
  for (size_t i = 0; i < slots.size(); ++i) {
    if (statuses[i].ok()) prefetched_[slots[i]] = values[i].ToString();
  }
}

int DiskEntryStore::Scan(const std::array<char, kPrefixSize>& prefix, int limit,
                         absl::FunctionRef<void(uint32_t)> f) {
  if (!iterator_) {
    rocksdb::ReadOptions read;
    read.prefix_same_as_start = true;
    iterator_.reset(db_->NewIterator(read));
  }
  const rocksdb::Slice start(prefix.data(), kPrefixSize);
  int n = 0;
  for (iterator_->Seek(start); iterator_->Valid(); iterator_->Next()) {
    const rocksdb::Slice key = iterator_->key();
    if (key.size() != kIndexKeySize || !key.starts_with(start)) break;
    f(GetBigEndian32(key.data() + kPrefixSize));
    if (++n == limit) break;
  }
  return n;
}

void DiskEntryStore::ForEachBySource(uint64_t key,
                                     absl::FunctionRef<void(uint32_t)> f) {
  Scan(IndexPrefix('S', 0, key), 0, f);
}

void DiskEntryStore::ForEachByText(uint64_t key,
                                   absl::FunctionRef<void(uint32_t)> f) {
  Scan(IndexPrefix('T', 0, key), 0, f);
}

void DiskEntryStore::ForEachInBand(int band, uint64_t band_key,
                                   absl::FunctionRef<void(uint32_t)> f) {
  // Restored entries are indexed without the cap, so a bucket may hold
  // more; lookups read at most the cap, the lowest slots first.
  band_counts_[band] = {
      band_key, Scan(IndexPrefix('B', static_cast<uint8_t>(band), band_key),
                     options_.max_bucket_entries, f)};
}

const DiskEntryStore::ClusterRecord& DiskEntryStore::LoadCluster(
    uint32_t cluster) {
  if (cached_cluster_ == cluster) return cluster_;
  cluster_ = ClusterRecord{};
  std::string value;
  if (db_->Get(rocksdb::ReadOptions(), RecordKey('C', cluster), &value).ok() &&
      value.size() >= 5) {
    cluster_.refs = GetBigEndian32(value.data());
    cluster_.killed = value[4] != 0;
    cluster_.id = value.substr(5);
  }
  cached_cluster_ = cluster;
  return cluster_;
}

void DiskEntryStore::StoreCluster(uint32_t cluster,
                                  const ClusterRecord& record) {
  std::string value(5, '\0');
  PutBigEndian(value.data(), record.refs, 4);
  value[4] = record.killed ? 1 : 0;
  value += record.id;
  rocksdb::WriteBatch batch;
  batch.Put(RecordKey('C', cluster), value);
  Write(&batch, /*changes_index=*/false);
}

uint32_t DiskEntryStore::NewCluster(absl::string_view id) {
  const uint32_t cluster = cluster_slots_.Take();
  StoreCluster(cluster, ClusterRecord{1, false, std::string(id)});
  accounted_bytes_ += kRecordKeySize + 5 + static_cast<int64_t>(id.size());
  return cluster;
}

void DiskEntryStore::RetainCluster(uint32_t cluster) {
  ClusterRecord record = LoadCluster(cluster);
  ++record.refs;
  StoreCluster(cluster, record);
}

bool DiskEntryStore::ReleaseCluster(uint32_t cluster) {
  ClusterRecord record = LoadCluster(cluster);
  if (record.refs > 1) {
    --record.refs;
    StoreCluster(cluster, record);
    return false;
  }
  accounted_bytes_ -=
      kRecordKeySize + 5 + static_cast<int64_t>(record.id.size());
  rocksdb::WriteBatch batch;
  batch.Delete(RecordKey('C', cluster));
  Write(&batch, /*changes_index=*/false);
  cluster_slots_.Give(cluster);
  return true;
}

absl::string_view DiskEntryStore::ClusterId(uint32_t cluster) {
  return LoadCluster(cluster).id;
}

bool DiskEntryStore::ClusterKilled(uint32_t cluster) {
  return LoadCluster(cluster).killed;
}

void DiskEntryStore::SetClusterKilled(uint32_t cluster, bool killed) {
  ClusterRecord record = LoadCluster(cluster);
  if (record.killed == killed) return;
  record.killed = killed;
  StoreCluster(cluster, record);
}

StoreBytes DiskEntryStore::bytes() {
  StoreBytes b;
  b.accounted = accounted_bytes_;
  uint64_t v = 0;
  int64_t memory = 0;
  for (const char* property :
       {"rocksdb.cur-size-all-mem-tables", "rocksdb.block-cache-usage",
        "rocksdb.estimate-table-readers-mem"}) {
    if (db_->GetIntProperty(property, &v)) memory += static_cast<int64_t>(v);
  }
  memory += slots_.allocated_bytes() + cluster_slots_.allocated_bytes() +
            static_cast<int64_t>(pending_.capacity() * sizeof(uint32_t));
  b.memory = memory;
  if (db_->GetIntProperty("rocksdb.total-sst-files-size", &v)) {
    b.disk = static_cast<int64_t>(v);
  }
  return b;
}

}  // namespace wirestream::stages::dedup
