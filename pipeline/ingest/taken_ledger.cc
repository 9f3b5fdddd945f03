#include "pipeline/ingest/taken_ledger.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace wirestream::ingest {

std::string EncodeReceipt(const Receipt& receipt) {
  return absl::StrCat("v1 ", receipt.topic, " ", receipt.partition, " ",
                      receipt.offset, " ",
                      absl::ToUnixMillis(receipt.taken_at));
}

absl::StatusOr<Receipt> DecodeReceipt(absl::string_view value) {
  std::vector<absl::string_view> fields = absl::StrSplit(value, ' ');
  Receipt receipt;
  int64_t millis = 0;
  if (fields.size() != 5 || fields[0] != "v1" || fields[1].empty() ||
      !absl::SimpleAtoi(fields[2], &receipt.partition) ||
      !absl::SimpleAtoi(fields[3], &receipt.offset) ||
      !absl::SimpleAtoi(fields[4], &millis)) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a ledger entry: \"", value.substr(0, 80), "\""));
  }
  receipt.topic = std::string(fields[1]);
  receipt.taken_at = absl::FromUnixMillis(millis);
  return receipt;
}

std::optional<Receipt> TakenLedger::Find(absl::string_view key) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void TakenLedger::Add(absl::string_view key, const Receipt& receipt) {
  absl::MutexLock lock(&mu_);
  entries_[key] = receipt;
}

void TakenLedger::Remove(absl::string_view key) {
  absl::MutexLock lock(&mu_);
  entries_.erase(key);
}

int TakenLedger::Prune(absl::Time now) {
  absl::MutexLock lock(&mu_);
  const absl::Time oldest = now - window_;
  int pruned = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.taken_at < oldest) {
      entries_.erase(it++);
      ++pruned;
    } else {
      ++it;
    }
  }
  return pruned;
}

size_t TakenLedger::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace wirestream::ingest
