#include "pipeline/stages/alert/suppression.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace wirestream::alert {
namespace {

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

std::string SuppressionKey(absl::string_view rule_id,
                           absl::string_view cluster_id) {
  return absl::StrCat(rule_id, "/", cluster_id);
}

const wirestream::v1::AlertStateEntry* SuppressionState::Find(
    int32_t partition, const std::string& key, absl::string_view topic,
    int64_t offset) const {
  auto p = partitions_.find(partition);
  if (p == partitions_.end()) return nullptr;
  auto e = p->second.entries.find(key);
  if (e == p->second.entries.end()) return nullptr;
  const wirestream::v1::AlertStateEntry& entry = e->second.value;
  if (entry.source_topic() == topic && entry.source_partition() == partition &&
      entry.source_offset() >= offset) {
    return nullptr;
  }
  return &entry;
}

void SuppressionState::Insert(Partition& p, const std::string& key,
                              wirestream::v1::AlertStateEntry value) {
  Entry entry;
  entry.event_time = ToTime(value.event_time());
  entry.value = std::move(value);
  entry.seq = p.next_seq++;
  p.order.push_back({entry.event_time, key, entry.seq});
  p.entries[key] = std::move(entry);
}

void SuppressionState::PopFront(Partition& p,
                                std::vector<std::string>* dropped) {
  Order front = std::move(p.order.front());
  p.order.pop_front();
  auto it = p.entries.find(front.key);
  if (it == p.entries.end() || it->second.seq != front.seq) return;  // stale
  p.entries.erase(it);
  if (dropped != nullptr) dropped->push_back(std::move(front.key));
}

void SuppressionState::Put(int32_t partition, const std::string& key,
                           wirestream::v1::AlertStateEntry entry,
                           std::vector<std::string>* dropped) {
  Partition& p = partitions_[partition];
  Insert(p, key, std::move(entry));
  while (p.entries.size() > options_.max_entries && !p.order.empty()) {
    PopFront(p, dropped);
  }
  // Stale order items pile up only when keys are replaced; trim them.
  while (!p.order.empty()) {
    auto it = p.entries.find(p.order.front().key);
    if (it != p.entries.end() && it->second.seq == p.order.front().seq) break;
    p.order.pop_front();
  }
}

void SuppressionState::Expire(int32_t partition, absl::Time now,
                              std::vector<std::string>* dropped) {
  Partition& p = partitions_[partition];
  if (now > p.clock) p.clock = now;
  const absl::Time cutoff = p.clock - options_.ttl;
  while (!p.order.empty() && p.order.front().event_time < cutoff) {
    PopFront(p, dropped);
  }
}

bool SuppressionState::Restore(int32_t partition, absl::string_view key,
                               std::optional<absl::string_view> value) {
  Partition& p = partitions_[partition];
  const std::string k(key);
  if (!value.has_value() || value->empty()) {
    p.entries.erase(k);
    return true;
  }
  wirestream::v1::AlertStateEntry entry;
  if (!entry.ParseFromArray(value->data(), static_cast<int>(value->size()))) {
    return false;
  }
  Insert(p, k, std::move(entry));
  return true;
}

void SuppressionState::Drop(int32_t partition) { partitions_.erase(partition); }

size_t SuppressionState::size(int32_t partition) const {
  auto p = partitions_.find(partition);
  return p == partitions_.end() ? 0 : p->second.entries.size();
}

size_t SuppressionState::total_size() const {
  size_t n = 0;
  for (const auto& [id, p] : partitions_) n += p.entries.size();
  return n;
}

}  // namespace wirestream::alert
