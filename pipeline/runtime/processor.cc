#include "pipeline/runtime/processor.h"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/timestamp.pb.h"
#include "pipeline/runtime/log.h"

namespace wirestream::runtime {
namespace {

using ::wirestream::v1::DeadLetter;

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t nanos = absl::ToUnixNanos(t);
  out->set_seconds(nanos / 1000000000);
  out->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

int64_t RecordBytes(const InputRecord& record) {
  return static_cast<int64_t>(record.value.size()) +
         (record.key ? static_cast<int64_t>(record.key->size()) : 0);
}

// Returns `message` cut to kMaxDeadLetterMessageBytes, not inside a UTF-8
// sequence.
absl::string_view CutMessage(absl::string_view message) {
  if (message.size() <= kMaxDeadLetterMessageBytes) return message;
  size_t cut = kMaxDeadLetterMessageBytes;
  while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return message.substr(0, cut);
}

// Returns `text` with every byte that does not start a well-formed UTF-8
// character replaced by U+FFFD. DeadLetter.message is a proto3 string,
// which parsers reject unless it is valid UTF-8, and stages quote raw story
// bytes in their messages.
std::string ToValidUtf8(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = text[i];
    size_t len = 0;
    uint32_t min = 0;  // The smallest code point of that length.
    if (c < 0x80) {
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      min = 0x10000;
    }
    bool valid = len > 0 && i + len <= text.size();
    uint32_t code_point = valid ? c & (0xFF >> (len == 1 ? 1 : len + 1)) : 0;
    for (size_t k = 1; valid && k < len; ++k) {
      const unsigned char next = text[i + k];
      valid = (next & 0xC0) == 0x80;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    valid = valid && code_point >= min && code_point <= 0x10FFFF &&
            (code_point < 0xD800 || code_point > 0xDFFF);
    if (valid) {
      out.append(text.data() + i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

// Returns the user and system CPU time this process has used.
double ProcessCpuSeconds() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const struct timeval& tv) {
    return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Returns the CPU time the calling thread has used.
double ThreadCpuSeconds() {
  struct timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

std::string Describe(const TopicPartition& tp) {
  return absl::StrCat(tp.topic, "[", tp.partition, "]");
}

std::string Describe(const std::vector<TopicPartition>& partitions) {
  std::string out;
  for (const auto& tp : partitions) {
    if (!out.empty()) out += " ";
    out += Describe(tp);
  }
  return out.empty() ? "none" : out;
}

}  // namespace

DeadLetter MakeDeadLetter(const InputRecord& record, absl::string_view stage,
                          DeadLetterReason reason, absl::string_view message,
                          int64_t max_value_bytes) {
  DeadLetter letter;
  if (record.key) letter.set_original_key(*record.key);
  letter.set_original_size(static_cast<int64_t>(record.value.size()));
  for (const RecordHeader& h : record.headers) {
    auto* header = letter.add_original_headers();
    // Kafka header keys are text; a key that is not UTF-8 would make the
    // whole dead letter unreadable, so its bad bytes become U+FFFD. The
    // header's value is kept as sent.
    header->set_key(ToValidUtf8(h.key));
    if (h.value) {
      header->set_value(*h.value);
    } else {
      header->set_null_value(true);
    }
  }
  letter.set_source_topic(record.topic);
  letter.set_source_partition(record.partition);
  letter.set_source_offset(record.offset);
  SetTimestamp(record.timestamp, letter.mutable_original_timestamp());
  letter.set_stage(std::string(stage));
  letter.set_reason(reason);
  letter.set_message(ToValidUtf8(CutMessage(message)));
  SetTimestamp(absl::Now(), letter.mutable_dead_lettered_at());

  // The value goes in last: it is cut only if it would not fit in what the
  // limit leaves after the rest of the letter (measured, message and headers
  // included), the Kafka record around it (its key, the runner's headers,
  // framing) and the value's own field tag, length and value_truncated.
  constexpr int64_t kEnvelopeAllowance = 16 << 10;
  constexpr int64_t kValueFieldsOverhead = 16;
  const int64_t room = std::max<int64_t>(
      0, max_value_bytes - kEnvelopeAllowance -
             static_cast<int64_t>(letter.original_key().size()) -
             static_cast<int64_t>(letter.ByteSizeLong()) -
             kValueFieldsOverhead);
  if (static_cast<int64_t>(record.value.size()) > room) {
    letter.set_original_value(record.value.substr(0, room));
    letter.set_value_truncated(true);
  } else {
    letter.set_original_value(record.value);
  }
  return letter;
}

Processor::Processor(Stage* stage, RecordSource* source, RecordSink* sink,
                     StageMetrics* metrics, const RunnerConfig& config)
    : stage_(stage),
      source_(source),
      sink_(sink),
      metrics_(metrics),
      config_(config),
      stage_name_(stage->name()) {
  tally_.dead_lettered.assign(wirestream::v1::DeadLetterReason_ARRAYSIZE, 0);
  source_->SetListener(this);
}

Processor::~Processor() { source_->SetListener(nullptr); }

absl::Status Processor::Run(const std::atomic<bool>& stop) {
  // However Run ends, the worker no longer serves its partitions.
  absl::Cleanup not_ready = [this] {
    ready_ = false;
    metrics_->ready->Set(0);
  };
  const absl::Duration poll_timeout =
      std::min(absl::Milliseconds(100), config_.batch_max_time);
  while (!stop.load()) {
    // An open batch waits for input no longer than it may stay open.
    absl::Duration timeout = poll_timeout;
    if (batch_open_) {
      timeout = std::min(
          timeout,
          std::max(absl::ZeroDuration(),
                   batch_started_ + config_.batch_max_time - absl::Now()));
      if (config_.batch_idle_time > absl::ZeroDuration()) {
        timeout = std::min(timeout, config_.batch_idle_time);
      }
    }
    absl::StatusOr<std::optional<InputRecord>> next = source_->Next(timeout);
    if (!fatal_.ok()) return fatal_;
    if (!next.ok()) return next.status();
    if (rewind_needed_) {
      // A commit inside a rebalance failed: records read after it belong to
      // an aborted batch. Drop them and read again from the last commit.
      rewind_needed_ = false;
      absl::Status rewound = source_->RewindToCommitted();
      if (!rewound.ok()) return rewound;
      continue;
    }
    const bool got_record = next->has_value();
    if (got_record) {
      absl::Status handled = HandleRecord(**next, stop);
      if (absl::IsAborted(handled)) {
        absl::Status aborted = AbortBatch(handled, /*rewind_now=*/true);
        if (!aborted.ok()) return aborted;
        continue;
      }
      if (!handled.ok()) return handled;
    }
    if (!batch_open_) continue;
    const absl::Time now = absl::Now();
    // A poll that came back empty after the idle time: the input is quiet.
    const bool idle = !got_record &&
                      config_.batch_idle_time > absl::ZeroDuration() &&
                      now - last_record_at_ >= config_.batch_idle_time;
    if (batch_records_ >= config_.batch_max_records ||
        now - batch_started_ >= config_.batch_max_time || idle) {
      absl::Status committed = CommitBatch(/*rewind_now=*/true);
      if (!committed.ok()) return committed;
    }
  }
  LogInfo("%s: stopping: committing the open batch and leaving the group",
          stage_name_);
  absl::Status committed = CommitBatch(/*rewind_now=*/true);
  LogCpuUse();
  absl::Status closed = source_->Close();
  if (!committed.ok()) return committed;
  return closed;
}

void Processor::LogCpuUse() const {
  if (cpu_at_ready_ < 0) return;
  const double since_ready = ProcessCpuSeconds() - cpu_at_ready_;
  const double per_record =
      records_since_ready_ > 0 ? 1e6 / records_since_ready_ : 0.0;
  // What the stage's own code took, against what the worker spent in all
  // (the runtime's loop and the Kafka client's threads besides).
  LogInfo(
      "%s: %d records in %.2f s of CPU since ready: %.0f us a record, of "
      "which Stage::Process %.0f us",
      stage_name_, records_since_ready_, since_ready, since_ready * per_record,
      stage_cpu_seconds_ * per_record);
}

absl::Status Processor::EnsureBatchOpen() {
  if (batch_open_) return absl::OkStatus();
  absl::Status begun = sink_->Begin();
  if (!begun.ok()) return begun;
  batch_open_ = true;
  batch_started_ = absl::Now();
  batch_records_ = 0;
  return absl::OkStatus();
}

absl::Status Processor::HandleRecord(const InputRecord& record,
                                     const std::atomic<bool>& stop) {
  absl::Status open = EnsureBatchOpen();
  if (!open.ok()) return open;
  ++batch_records_;
  ++tally_.consumed;
  last_record_at_ = absl::Now();
  tally_.last_record_time = record.timestamp;
  batch_offsets_[TopicPartition{record.topic, record.partition}] =
      record.offset + 1;

  if (RecordBytes(record) > config_.max_record_bytes) {
    return SendDeadLetter(record,
                          wirestream::v1::DEAD_LETTER_REASON_OVERSIZED_RECORD,
                          absl::StrCat("record of ", RecordBytes(record),
                                       " bytes is over the limit of ",
                                       config_.max_record_bytes, " bytes"));
  }

  absl::StatusOr<std::vector<OutputRecord>> outputs =
      ProcessWithRetry(record, stop);
  if (!outputs.ok()) {
    if (IsBadInput(outputs.status())) {
      return SendDeadLetter(record, DeadLetterReasonOf(outputs.status()),
                            outputs.status().message());
    }
    return absl::AbortedError(absl::StrCat(
        "stage failed on ", Describe({record.topic, record.partition}),
        " offset ", record.offset, ": ", outputs.status().ToString()));
  }
  if (outputs->empty()) {
    ++tally_.dropped;
    return absl::OkStatus();
  }
  for (const OutputRecord& out : *outputs) {
    const int64_t size = static_cast<int64_t>(out.value.size()) +
                         (out.key ? static_cast<int64_t>(out.key->size()) : 0);
    if (size > config_.max_output_bytes) {
      return SendDeadLetter(
          record, wirestream::v1::DEAD_LETTER_REASON_UNDELIVERABLE_OUTPUT,
          absl::StrCat("the stage's output of ", size,
                       " bytes is over the output limit of ",
                       config_.max_output_bytes, " bytes"));
    }
  }
  for (OutputRecord& out : *outputs) {
    OutgoingRecord outgoing;
    outgoing.topic = out.topic.empty() ? config_.output_topic : out.topic;
    outgoing.partition = out.partition;
    outgoing.tombstone = out.tombstone;
    outgoing.key = std::move(out.key);
    outgoing.value = std::move(out.value);
    outgoing.headers = std::move(out.headers);
    absl::Status sent = sink_->Send(std::move(outgoing));
    if (!sent.ok()) return sent;
    ++tally_.produced;
    if (out.story_received_at != absl::InfinitePast()) {
      tally_.story_received_at.push_back(out.story_received_at);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<OutputRecord>> Processor::ProcessWithRetry(
    const InputRecord& record, const std::atomic<bool>& stop) {
  absl::Duration backoff = config_.retry_initial_backoff;
  const absl::Time give_up = absl::Now() + config_.retry_budget;
  while (true) {
    const absl::Time start = absl::Now();
    const double cpu_start = ThreadCpuSeconds();
    absl::StatusOr<std::vector<OutputRecord>> result = stage_->Process(record);
    stage_cpu_seconds_ += ThreadCpuSeconds() - cpu_start;
    tally_.process_seconds.push_back(
        absl::ToDoubleSeconds(absl::Now() - start));
    if (result.ok() || !IsRetriable(result.status())) return result;
    if (absl::Now() + backoff > give_up || stop.load()) {
      return absl::AbortedError(absl::StrCat(
          "gave up retrying after ", absl::FormatDuration(config_.retry_budget),
          ": ", result.status().message()));
    }
    ++tally_.retries;
    LogWarning("%s: %s; retrying %s offset %d in %s", stage_name_,
               result.status().message(),
               Describe({record.topic, record.partition}), record.offset,
               absl::FormatDuration(backoff));
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, config_.retry_max_backoff);
  }
}

absl::Status Processor::SendDeadLetter(const InputRecord& record,
                                       DeadLetterReason reason,
                                       absl::string_view message) {
  DeadLetter letter = MakeDeadLetter(record, stage_name_, reason, message,
                                     config_.max_dead_letter_bytes);
  OutgoingRecord outgoing;
  outgoing.topic = config_.dead_letter_topic;
  outgoing.key = record.key;
  outgoing.value = letter.SerializeAsString();
  outgoing.headers.push_back({"wirestream-stage", stage_name_});
  outgoing.headers.push_back({"wirestream-reason", ReasonLabel(reason)});
  absl::Status sent = sink_->Send(std::move(outgoing));
  if (!sent.ok()) return sent;
  ++tally_.dead_lettered[static_cast<int>(reason)];
  LogWarning("%s: dead-lettered %s offset %d (%s): %s", stage_name_,
             Describe({record.topic, record.partition}), record.offset,
             ReasonLabel(reason), letter.message());
  return absl::OkStatus();
}

absl::Status Processor::CommitBatch(bool rewind_now) {
  if (!batch_open_) return absl::OkStatus();
  absl::Status committed = sink_->Commit(batch_offsets_);
  if (absl::IsAborted(committed)) return AbortBatch(committed, rewind_now);
  if (!committed.ok()) return committed;
  stage_->OnBatchCommitted();

  const absl::Time now = absl::Now();
  metrics_->consumed->Increment(tally_.consumed);
  records_since_ready_ += tally_.consumed;
  metrics_->produced->Increment(tally_.produced);
  metrics_->dropped->Increment(tally_.dropped);
  metrics_->retries->Increment(tally_.retries);
  for (size_t r = 0; r < tally_.dead_lettered.size(); ++r) {
    if (tally_.dead_lettered[r] > 0) {
      metrics_->DeadLettered(static_cast<DeadLetterReason>(r))
          .Increment(tally_.dead_lettered[r]);
    }
  }
  for (double s : tally_.process_seconds) metrics_->process_seconds->Observe(s);
  for (absl::Time t : tally_.story_received_at) {
    metrics_->end_to_end_seconds->Observe(
        std::max(0.0, absl::ToDoubleSeconds(now - t)));
  }
  metrics_->batches_committed->Increment();
  if (tally_.consumed > 0) {
    metrics_->last_processed_timestamp->Set(absl::ToUnixMillis(now) / 1000.0);
  }
  if (metrics_->consumer_lag_records->Value() > 0 &&
      tally_.last_record_time != absl::InfinitePast()) {
    metrics_->consumer_lag_seconds->Set(
        std::max(0.0, absl::ToDoubleSeconds(now - tally_.last_record_time)));
  } else {
    metrics_->consumer_lag_seconds->Set(0);
  }

  ResetBatch();
  return absl::OkStatus();
}

void Processor::ResetBatch() {
  batch_open_ = false;
  batch_records_ = 0;
  batch_offsets_.clear();
  const std::vector<int64_t> zeros(tally_.dead_lettered.size(), 0);
  tally_ = BatchTally{};
  tally_.dead_lettered = zeros;
}

absl::Status Processor::AbortBatch(const absl::Status& why, bool rewind_now) {
  LogWarning(
      "%s: aborting the open batch of %d records and reading them "
      "again from the last commit: %s",
      stage_name_, batch_records_, why.message());
  absl::Status aborted = batch_open_ ? sink_->Abort() : absl::OkStatus();
  metrics_->batches_aborted->Increment();
  ResetBatch();
  if (!aborted.ok()) return aborted;
  absl::Status forgotten = stage_->OnBatchAborted(source_->Assignment());
  if (!forgotten.ok()) {
    return absl::InternalError(absl::StrCat(
        "could not roll state back to the last commit: ", forgotten.message()));
  }
  if (!rewind_now) {
    rewind_needed_ = true;
    return absl::OkStatus();
  }
  return source_->RewindToCommitted();
}

void Processor::OnAssigned(const std::vector<TopicPartition>& partitions) {
  metrics_->partitions_assigned_events->Increment();
  LogInfo("%s: assigned %s", stage_name_, Describe(partitions));
  absl::Status restored = stage_->OnPartitionsAssigned(partitions);
  if (!restored.ok()) {
    fatal_ = absl::InternalError(absl::StrCat("could not restore state for ",
                                              Describe(partitions), ": ",
                                              restored.message()));
    return;
  }
  metrics_->assigned_partitions->Set(source_->Assignment().size());
  if (cpu_at_ready_ < 0) {
    cpu_at_ready_ = ProcessCpuSeconds();
    LogInfo("%s: ready after %.2f s of CPU (start-up, group join, restore)",
            stage_name_, cpu_at_ready_);
  }
  ready_ = true;
  metrics_->ready->Set(1);
}

void Processor::OnRevoking(const std::vector<TopicPartition>& partitions) {
  metrics_->partitions_revoked_events->Increment();
  LogInfo("%s: giving up %s; committing the open batch first", stage_name_,
          Describe(partitions));
  // Rewinding inside the rebalance is not allowed; an aborted batch is
  // re-read once Next returns.
  absl::Status committed = CommitBatch(/*rewind_now=*/false);
  if (!committed.ok() && fatal_.ok()) fatal_ = committed;
  absl::Status flushed = stage_->OnPartitionsRevoked(partitions);
  if (!flushed.ok() && fatal_.ok()) {
    fatal_ = absl::InternalError(absl::StrCat("could not hand over state of ",
                                              Describe(partitions), ": ",
                                              flushed.message()));
  }
}

}  // namespace wirestream::runtime
