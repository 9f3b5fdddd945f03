// File: pipeline/stages/alert/webhook_journal.h
//
// WebhookJournal keeps the webhook deliveries that are waiting (a first
// attempt, or a retry after a failure) in a directory, one small file each,
// so that they survive a restart or a crash of the alert worker:
//
//   auto journal = WebhookJournal::Open("/var/lib/wirestream/webhooks");
//   for (JournalEntry& e : (*journal)->Load()) { ...queue e again... }
//   JournalEntry entry{.target = target, .alert_id = id, .body = json};
//   (*journal)->Save(entry);      // before the first attempt; names it
//   entry.attempts = 1; ...; (*journal)->Save(entry);  // retry scheduled
//   (*journal)->Remove(entry.name);                    // delivered or given up
//
// A file is written to a temporary name, flushed to disk and renamed, so a
// crash leaves the old version or the new one, never half a file. Files
// are readable by their owner only: a target's headers may hold a secret.
// A delivery whose answer arrived but whose file was not yet removed is
// sent again after a restart; receivers drop the repeat by its
// Idempotency-Key. One directory belongs to one worker at a time.
//
// Thread-safety: Save and Remove may be called from several threads for
// different entries; Load before any of them.
#ifndef WIRESTREAM_PIPELINE_STAGES_ALERT_WEBHOOK_JOURNAL_H_
#define WIRESTREAM_PIPELINE_STAGES_ALERT_WEBHOOK_JOURNAL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pipeline/stages/alert/rule_spec.h"

namespace wirestream::alert {

// One waiting delivery.
struct JournalEntry {
  // Its file's name in the directory; Save assigns one when empty.
  std::string name;
  WebhookTarget target;
  std::string alert_id;
  // The request body (the alert as JSON).
  std::string body;
  // Attempts made so far.
  int attempts = 0;
  // When the next attempt is due.
  absl::Time due = absl::InfinitePast();
};

class WebhookJournal {
 public:
  // Opens `directory`, creating it (owner-only) when missing.
  // INVALID_ARGUMENT when it cannot be created or written to.
  static absl::StatusOr<std::unique_ptr<WebhookJournal>> Open(
      std::string directory);

  // Returns every entry in the directory, oldest name first. A file that
  // does not parse is renamed to NAME.bad, logged and left out.
  std::vector<JournalEntry> Load();

  // Writes `entry` (all of it) to its file, replacing an earlier version;
  // names it first when `entry.name` is empty.
  absl::Status Save(JournalEntry& entry);

  // Deletes the entry's file; a missing file is not an error.
  void Remove(const std::string& name);

  const std::string& directory() const { return directory_; }

 private:
  explicit WebhookJournal(std::string directory)
      : directory_(std::move(directory)) {}

  const std::string directory_;
  std::atomic<uint64_t> next_{0};
};

}  // namespace wirestream::alert

#endif  // WIRESTREAM_PIPELINE_STAGES_ALERT_WEBHOOK_JOURNAL_H_
