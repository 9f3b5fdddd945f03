// File: pipeline/runtime/processor.h
//
// Processor is the consume -> Process -> produce -> commit loop every stage
// runs, independent of Kafka: it drives a RecordSource and a RecordSink
// (io.h) and a Stage (stage.h).
//
//   Processor processor(&stage, &source, &sink, &metrics, config);
//   absl::Status status = processor.Run(stop);  // until `stop` is set
//
// Per input record it calls Stage::Process and, by the returned status,
// sends the outputs, drops the record, dead-letters it with its original
// bytes, retries it with backoff, or fails the batch. Batches close after
// `batch_max_records` records, `batch_max_time`, or once the input has been
// quiet for `batch_idle_time`; a failed batch is aborted
// and its records are read again from the last commit. Metrics move only
// when a batch commits, so they count each record once however often it
// was retried: consumed = produced-records + dropped + dead-lettered for a
// 1:1 stage.
//
// Lifecycle: construct, Run once on one thread; Run returns OK after a stop
// request (open batch committed, group left) or the fatal error that ended
// it. ready() may be read from any thread.
#ifndef WIRESTREAM_PIPELINE_RUNTIME_PROCESSOR_H_
#define WIRESTREAM_PIPELINE_RUNTIME_PROCESSOR_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "pipeline/runtime/io.h"
#include "pipeline/runtime/metrics.h"
#include "pipeline/runtime/runner_config.h"
#include "pipeline/runtime/stage.h"
#include "wirestream/v1/dead_letter.pb.h"

namespace wirestream::runtime {

// Dead-letter messages longer than this are cut: the message explains, the
// original record is what must survive.
inline constexpr size_t kMaxDeadLetterMessageBytes = 4 << 10;

// Returns the DeadLetter the runner writes for `record`. Its original value
// is cut (value_truncated) so the dead-letter record, with its key, headers
// and message, stays within `max_value_bytes`.
wirestream::v1::DeadLetter MakeDeadLetter(const InputRecord& record,
                                          absl::string_view stage,
                                          DeadLetterReason reason,
                                          absl::string_view message,
                                          int64_t max_value_bytes);

class Processor : public AssignmentListener {
 public:
  // None of the pointers are owned; all must outlive the Processor.
  Processor(Stage* stage, RecordSource* source, RecordSink* sink,
            StageMetrics* metrics, const RunnerConfig& config);
  ~Processor() override;

  // Runs until `stop` becomes true or a fatal error. See the file comment.
  absl::Status Run(const std::atomic<bool>& stop);

  // True once the first assignment was received and the stage restored it,
  // until Run returns.
  bool ready() const { return ready_.load(); }

  // AssignmentListener.
  void OnAssigned(const std::vector<TopicPartition>& partitions) override;
  void OnRevoking(const std::vector<TopicPartition>& partitions) override;

 private:
  // What an open batch did, applied to the metrics when it commits.
  struct BatchTally {
    int64_t consumed = 0;
    int64_t produced = 0;
    int64_t dropped = 0;
    int64_t retries = 0;
    std::vector<int64_t> dead_lettered;
    std::vector<absl::Time> story_received_at;
    std::vector<double> process_seconds;
    absl::Time last_record_time = absl::InfinitePast();
  };

  // Handles one input record inside the open batch. Returns ABORTED when
  // the batch must be aborted, other errors when fatal.
  absl::Status HandleRecord(const InputRecord& record,
                            const std::atomic<bool>& stop);
  // Calls Stage::Process, retrying unavailable dependencies.
  absl::StatusOr<std::vector<OutputRecord>> ProcessWithRetry(
      const InputRecord& record, const std::atomic<bool>& stop);
  absl::Status SendDeadLetter(const InputRecord& record,
                              DeadLetterReason reason,
                              absl::string_view message);
  absl::Status EnsureBatchOpen();
  // Commits the open batch (if any). On ABORTED it aborts, rewinds (now or,
  // inside a rebalance, after Next returns) and returns OK; other errors are
  // fatal.
  absl::Status CommitBatch(bool rewind_now);
  absl::Status AbortBatch(const absl::Status& why, bool rewind_now);
  void ResetBatch();
  // Logs the CPU time used since the worker became ready, per record.
  void LogCpuUse() const;

  Stage* stage_;
  RecordSource* source_;
  RecordSink* sink_;
  StageMetrics* metrics_;
  RunnerConfig config_;
  std::string stage_name_;

  bool batch_open_ = false;
  absl::Time batch_started_ = absl::InfinitePast();
  absl::Time last_record_at_ = absl::InfinitePast();
  int batch_records_ = 0;
  OffsetMap batch_offsets_;
  BatchTally tally_;

  // Set inside listener callbacks, acted on by Run.
  absl::Status fatal_;
  bool rewind_needed_ = false;
  std::atomic<bool> ready_{false};

  // Process CPU seconds when the first assignment was ready (-1: not yet),
  // and the records committed since.
  double cpu_at_ready_ = -1;
  int64_t records_since_ready_ = 0;
  // CPU time of this thread inside Stage::Process, retries and re-reads of
  // aborted batches included.
  double stage_cpu_seconds_ = 0;
};

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_PROCESSOR_H_
