// replay: copies a range of one topic to another, exactly once, resumable.
//
//   replay --source=wire.raw --target=backfill-wire.raw
//     --from_time=2026-10-01T00:00:00Z --to_time=2026-11-01T00:00:00Z
//     --checkpoint_group=backfill-2026-10
//   replay --source=wire.raw --target=wire.raw.copy --partitions=0,2
//     --from_offset=1000 --to_offset=2000 --checkpoint_group=ops.copy
//   replay ... --dry-run        (per-partition ranges and counts, no copying)
//   replay ... --cleanup        (deletes the checkpoint group once complete)
//   replay --checkpoint_group=backfill-2026-10 --cleanup   (just that)
//
// Each record keeps its key, value, headers and timestamp, and gains a
// `wirestream-replay` header "TOPIC/PARTITION/OFFSET" naming where it came
// from. Records are produced in transactions that also commit the source
// position to the --checkpoint_group consumer group, so a replay stopped
// for any reason and started again with the same group copies each record
// exactly once (readers of the target use read_committed).
//
// Exit status: 0 done, 1 the cluster refused or did not answer (run again
// to resume), 2 bad usage or range, or credentials a listener refuses, 130
// interrupted (SIGINT/SIGTERM; the
// open batch is committed first). --help prints usage and exits 0.
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pipeline/runtime/help.h"
#include "tools/common/cli.h"
#include "tools/common/kafka_clients.h"
#include "tools/common/progress.h"
#include "tools/replay/replay_plan.h"

ABSL_FLAG(std::string, bootstrap, "",
          "Kafka bootstrap servers HOST:PORT[,HOST:PORT]; default: the "
          "environment variable WIRESTREAM_BOOTSTRAP");
ABSL_FLAG(std::string, source, "", "topic to copy from");
ABSL_FLAG(std::string, target, "", "topic to copy to (must exist)");
ABSL_FLAG(int64_t, from_offset, -1,
          "first offset to copy, in every chosen partition (default: the "
          "oldest still kept)");
ABSL_FLAG(int64_t, to_offset, -1,
          "stop before this offset (default: the end of the partition when "
          "the replay starts)");
ABSL_FLAG(std::string, from_time, "",
          "copy records stamped at or after this RFC 3339 time, e.g. "
          "2026-10-01T00:00:00Z");
ABSL_FLAG(std::string, to_time, "",
          "copy records stamped before this RFC 3339 time");
ABSL_FLAG(std::string, partitions, "",
          "source partitions to copy, e.g. 0,2 (default: all)");
ABSL_FLAG(double, rate, 0,
          "at most this many records per second (default: as fast as "
          "possible)");
ABSL_FLAG(std::string, checkpoint_group, "",
          "consumer group that remembers how far the replay got; run again "
          "with the same group to resume. Its name also fixes the "
          "transactional id, so two replays with one group fence each other");
ABSL_FLAG(bool, dry_run, false,
          "print the offsets and counts each partition would copy, and stop");
ABSL_FLAG(bool, cleanup, false,
          "delete the checkpoint group once the whole range is copied (an "
          "interrupted or failed replay keeps it, to resume). Without "
          "--source: only delete the group of an earlier replay");
ABSL_FLAG(int, batch_records, 5000, "records per transaction, at most");
ABSL_FLAG(int, batch_ms, 500, "milliseconds per transaction, at most");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(5),
          "how long to wait for the cluster to answer");
ABSL_FLAG(absl::Duration, commit_timeout, absl::Seconds(60),
          "how long one transaction (its records, the checkpoint and the "
          "commit) may take");
ABSL_FLAG(absl::Duration, idle_timeout, absl::Seconds(60),
          "give up when no record arrives for this long before the range "
          "is complete");
ABSL_FLAG(bool, progress, true, "show records, rate and time left on stderr");
ABSL_FLAG(bool, client_logs, false, "show the Kafka client's own log lines");

namespace wirestream::tools::replay {
namespace {

constexpr char kReplayHeader[] = "wirestream-replay";

std::atomic<bool> stop_requested{false};

void OnSignal(int) { stop_requested = true; }

int Fail(const std::string& message) {
  fprintf(stderr, "replay: %s\n", message.c_str());
  return kExitFailed;
}

int Usage(const std::string& message) {
  fprintf(stderr, "replay: %s (see replay --help)\n", message.c_str());
  return kExitUsage;
}

// Takes ownership of a librdkafka Error and returns its text, or "" for
// none.
std::string TakeError(RdKafka::Error* error) {
  if (error == nullptr) return "";
  std::string text = error->str();
  delete error;
  return text.empty() ? "unknown error" : text;
}

// Returns why the producer can no longer be used, if it cannot: "fenced"
// when a newer replay with the same checkpoint group took over.
std::optional<std::string> FatalReason(RdKafka::Producer& producer,
                                       const std::string& group) {
  std::string text;
  const RdKafka::ErrorCode fatal = producer.fatal_error(text);
  if (fatal == RdKafka::ERR_NO_ERROR) return std::nullopt;
  if (fatal == RdKafka::ERR__FENCED || fatal == RdKafka::ERR_PRODUCER_FENCED ||
      fatal == RdKafka::ERR_INVALID_PRODUCER_EPOCH) {
    return absl::StrCat("another replay with --checkpoint_group=", group,
                        " took over; this one stops (what it committed is "
                        "kept)");
  }
  return text;
}

class DeliveryErrors : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR && first_.empty()) {
      first_ = absl::StrCat("delivering to ", message.topic_name(), ": ",
                            message.errstr());
    }
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

struct Request {
  std::string source;
  std::string target;
  int64_t from_offset = kOpenEnd;
  int64_t to_offset = kOpenEnd;
  std::optional<absl::Time> from_time;
  std::optional<absl::Time> to_time;
  std::vector<int32_t> partitions;
};

// Returns, per partition, the first offset stamped at or after `time`
// (kOpenEnd where there is none).
absl::StatusOr<std::map<int32_t, int64_t>> OffsetsForTime(
    RdKafka::KafkaConsumer& consumer, const std::string& topic,
    const std::vector<int32_t>& partitions, absl::Time time,
    absl::Duration timeout) {
  std::vector<RdKafka::TopicPartition*> query;
  for (int32_t p : partitions) {
    query.push_back(
        RdKafka::TopicPartition::create(topic, p, absl::ToUnixMillis(time)));
  }
  RdKafka::ErrorCode err = consumer.offsetsForTimes(query, ToMillis(timeout));
  std::map<int32_t, int64_t> offsets;
  for (RdKafka::TopicPartition* tp : query) {
    if (err == RdKafka::ERR_NO_ERROR && tp->err() != RdKafka::ERR_NO_ERROR) {
      err = tp->err();
    }
    offsets[tp->partition()] = tp->offset() < 0 ? kOpenEnd : tp->offset();
  }
  RdKafka::TopicPartition::destroy(query);
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat(
        "looking up offsets by time in ", topic, ": ", RdKafka::err2str(err)));
  }
  return offsets;
}

// Works out what each partition copies: the requested range, clipped to the
// partition, from where the checkpoint group stopped.
absl::StatusOr<std::vector<PartitionRange>> Plan(
    RdKafka::KafkaConsumer& consumer, const Request& request,
    bool read_checkpoint, absl::Duration timeout) {
  std::map<int32_t, int64_t> from;
  std::map<int32_t, int64_t> to;
  if (request.from_time) {
    absl::StatusOr<std::map<int32_t, int64_t>> offsets =
        OffsetsForTime(consumer, request.source, request.partitions,
                       *request.from_time, timeout);
    if (!offsets.ok()) return offsets.status();
    from = *offsets;
  }
  if (request.to_time) {
    absl::StatusOr<std::map<int32_t, int64_t>> offsets =
        OffsetsForTime(consumer, request.source, request.partitions,
                       *request.to_time, timeout);
    if (!offsets.ok()) return offsets.status();
    to = *offsets;
  }
  std::map<int32_t, int64_t> committed;
  if (read_checkpoint) {
    std::vector<RdKafka::TopicPartition*> query;
    for (int32_t p : request.partitions) {
      query.push_back(RdKafka::TopicPartition::create(request.source, p));
    }
    RdKafka::ErrorCode err = consumer.committed(query, ToMillis(timeout));
    for (RdKafka::TopicPartition* tp : query) {
      committed[tp->partition()] = tp->offset();
    }
    RdKafka::TopicPartition::destroy(query);
    if (err == RdKafka::ERR__TIMED_OUT) {
      // A transaction holding the group's position is still open.
      return absl::UnavailableError(
          "the checkpoint group's position is not settled: a replay with "
          "this group is running, or stopped a moment ago and its last "
          "batch is being aborted (within a minute)");
    }
    if (err != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(absl::StrCat(
          "reading the checkpoint group's position: ", RdKafka::err2str(err)));
    }
  }
  std::vector<PartitionRange> ranges;
  for (int32_t p : request.partitions) {
    int64_t low = 0;
    int64_t high = 0;
    RdKafka::ErrorCode err = consumer.query_watermark_offsets(
        request.source, p, &low, &high, ToMillis(timeout));
    if (err != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(
          absl::StrCat("reading the offsets of ", request.source, " partition ",
                       p, ": ", RdKafka::err2str(err)));
    }
    int64_t begin = request.from_offset;
    int64_t end = request.to_offset;
    if (request.from_time) {
      // No record at or after from_time: nothing to copy.
      begin = from[p] == kOpenEnd ? high : from[p];
    }
    if (request.to_time) end = to[p];
    auto it = committed.find(p);
    ranges.push_back(PlanPartition(p, begin, end, low, high,
                                   it == committed.end() ? -1 : it->second));
  }
  return ranges;
}

// Copies the planned ranges; returns the exit code.
int Copy(RdKafka::KafkaConsumer& consumer, RdKafka::Producer& producer,
         DeliveryErrors& delivery, const Request& request,
         const std::vector<PartitionRange>& ranges, bool same_partitions,
         const std::string& group_id) {
  // Transactions may wait on the coordinator and on every record's
  // delivery: they get longer than the first contact.
  const absl::Duration timeout = absl::GetFlag(FLAGS_commit_timeout);
  const double rate = absl::GetFlag(FLAGS_rate);
  const int batch_records = absl::GetFlag(FLAGS_batch_records);
  const absl::Duration batch_time =
      absl::Milliseconds(absl::GetFlag(FLAGS_batch_ms));
  const absl::Duration idle_timeout = absl::GetFlag(FLAGS_idle_timeout);

  std::map<int32_t, int64_t> end;   // partitions still being copied
  std::map<int32_t, int64_t> next;  // first offset not yet copied
  std::vector<RdKafka::TopicPartition*> assignment;
  int64_t to_copy = 0;
  for (const PartitionRange& r : ranges) {
    if (r.Left() <= 0) continue;
    end[r.partition] = r.end;
    next[r.partition] = r.resume;
    to_copy += r.Left();
    assignment.push_back(
        RdKafka::TopicPartition::create(request.source, r.partition, r.resume));
  }
  if (assignment.empty()) {
    printf("replay: nothing to copy from %s\n", request.source.c_str());
    return kExitOk;
  }
  RdKafka::ErrorCode err = consumer.assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (err != RdKafka::ERR_NO_ERROR) {
    return Fail(absl::StrCat("cannot read ", request.source, ": ",
                             RdKafka::err2str(err)));
  }
  std::string error;
  std::unique_ptr<RdKafka::ConsumerGroupMetadata> group(
      consumer.groupMetadata());

  ProgressLine progress("replay", to_copy, absl::GetFlag(FLAGS_progress));
  const absl::Time start = absl::Now();
  int64_t copied = 0;
  int64_t skipped = 0;  // in the offset range, stamped outside the times
  absl::Time last_progress = absl::Now();
  bool interrupted = false;

  while (!end.empty()) {
    // One transaction: records, then the source position, then commit.
    const absl::Time batch_deadline = absl::Now() + batch_time;
    int in_batch = 0;
    int64_t batch_copied = 0;
    bool open = false;
    std::map<int32_t, int64_t> moved;
    while (!end.empty() && in_batch < batch_records &&
           absl::Now() < batch_deadline) {
      if (stop_requested) {
        interrupted = true;
        break;
      }
      if (absl::Now() - last_progress > idle_timeout) {
        if (open) TakeError(producer.abort_transaction(ToMillis(timeout)));
        return Fail(absl::StrCat(
            "no records arrived from ", request.source, " for ",
            absl::FormatDuration(idle_timeout),
            " before the range was complete; run again to resume"));
      }
      if (rate > 0) {
        const absl::Time due = start + absl::Seconds((copied + skipped) / rate);
        if (due > absl::Now()) {
          // Waiting by choice is not waiting for the cluster.
          last_progress = absl::Now();
          absl::SleepFor(std::min(due - absl::Now(), absl::Milliseconds(50)));
          continue;
        }
      }
      std::unique_ptr<RdKafka::Message> message(consumer.consume(100));
      const int32_t p = message->partition();
      if (message->err() == RdKafka::ERR__TIMED_OUT) continue;
      if (message->err() == RdKafka::ERR__PARTITION_EOF) {
        // Read to the end: done with the partition if that passes the range
        // (the range's last offsets may be transaction markers).
        if (end.count(p) && message->offset() >= end[p]) {
          end.erase(p);
          last_progress = absl::Now();
        }
        continue;
      }
      if (message->err() != RdKafka::ERR_NO_ERROR) {
        if (open) TakeError(producer.abort_transaction(ToMillis(timeout)));
        return Fail(absl::StrCat("reading ", request.source, ": ",
                                 message->errstr(), "; run again to resume"));
      }
      if (!end.count(p)) continue;  // already complete
      last_progress = absl::Now();
      if (message->offset() >= end[p]) {
        end.erase(p);
        continue;
      }
      const int64_t offset = message->offset();
      const int64_t timestamp = message->timestamp().timestamp;
      const bool in_time =
          (!request.from_time ||
           timestamp >= absl::ToUnixMillis(*request.from_time)) &&
          (!request.to_time ||
           timestamp < absl::ToUnixMillis(*request.to_time));
      if (!open) {
        error = TakeError(producer.begin_transaction());
        if (!error.empty()) return Fail(absl::StrCat("begin: ", error));
        open = true;
      }
      if (in_time) {
        RdKafka::Headers* headers = RdKafka::Headers::create();
        if (RdKafka::Headers* original = message->headers()) {
          for (const RdKafka::Headers::Header& h : original->get_all()) {
            headers->add(h.key(), h.value(), h.value_size());
          }
        }
        headers->add(kReplayHeader,
                     absl::StrCat(request.source, "/", p, "/", offset));
        while (true) {
          err = producer.produce(
              request.target,
              same_partitions ? p : RdKafka::Topic::PARTITION_UA,
              RdKafka::Producer::RK_MSG_COPY, message->payload(),
              message->len(), message->key_pointer(), message->key_len(),
              std::max<int64_t>(timestamp, 0), headers, nullptr);
          if (err != RdKafka::ERR__QUEUE_FULL) break;
          producer.poll(50);
        }
        if (err != RdKafka::ERR_NO_ERROR) {
          delete headers;
          if (std::optional<std::string> fatal =
                  FatalReason(producer, group_id)) {
            return Fail(*fatal);
          }
          TakeError(producer.abort_transaction(ToMillis(timeout)));
          return Fail(absl::StrCat("writing to ", request.target, ": ",
                                   RdKafka::err2str(err),
                                   "; run again to resume"));
        }
        ++copied;
        ++batch_copied;
      } else {
        ++skipped;
      }
      ++in_batch;
      next[p] = offset + 1;
      moved[p] = offset + 1;
      if (next[p] >= end[p]) end.erase(p);
      producer.poll(0);
    }
    if (open) {
      std::vector<RdKafka::TopicPartition*> positions;
      for (const auto& [p, offset] : moved) {
        positions.push_back(
            RdKafka::TopicPartition::create(request.source, p, offset));
      }
      RdKafka::Error* failed = producer.send_offsets_to_transaction(
          positions, group.get(), ToMillis(timeout));
      RdKafka::TopicPartition::destroy(positions);
      if (failed == nullptr) {
        failed = producer.commit_transaction(ToMillis(timeout));
      }
      if (failed != nullptr || !delivery.first().empty()) {
        // Nothing of the batch is kept; its records are copied when the
        // replay runs again. Not retried in place: after the broker refuses
        // a record, librdkafka 2.0.2's transactional producer holds the rest
        // of a re-sent batch until the timeout.
        // The refused record's own report says more than the transaction's
        // state does.
        const std::string state = TakeError(failed);
        if (std::optional<std::string> fatal =
                FatalReason(producer, group_id)) {
          return Fail(*fatal);
        }
        producer.poll(100);
        error = delivery.first().empty() ? state : delivery.first();
        TakeError(producer.abort_transaction(ToMillis(timeout)));
        return Fail(
            absl::StrCat("committing a batch to ", request.target, ": ", error,
                         "; nothing of that batch was kept (",
                         WithThousands(copied - batch_copied),
                         " records before it were), run again to resume"));
      }
    }
    progress.Update(copied + skipped);
    if (interrupted) break;
  }
  progress.Finish(copied + skipped);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::string summary = absl::StrFormat(
      "copied %s records from %s to %s in %.1f s (%s records/s)",
      WithThousands(copied), request.source, request.target, seconds,
      WithThousands(static_cast<int64_t>(seconds > 0 ? copied / seconds : 0)));
  if (skipped > 0) {
    absl::StrAppend(&summary, "; ", WithThousands(skipped),
                    " stamped outside the time range left out");
  }
  if (interrupted) {
    fprintf(stderr,
            "replay: interrupted: %s; run the same command again to copy "
            "the rest\n",
            summary.c_str());
    return kExitInterrupted;
  }
  printf("replay: %s\n", summary.c_str());
  return kExitOk;
}

// Deletes the checkpoint group `group`; returns the exit code.
int DeleteCheckpoint(const std::string& group, const KafkaProperties& kafka) {
  absl::StatusOr<std::string> bootstrap =
      ResolveBootstrap(absl::GetFlag(FLAGS_bootstrap));
  if (!bootstrap.ok()) return Usage(std::string(bootstrap.status().message()));
  ClientOptions options;
  options.bootstrap = *bootstrap;
  options.properties = kafka;
  options.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  options.client_logs = absl::GetFlag(FLAGS_client_logs);
  options.client_id = "wirestream-replay";
  absl::StatusOr<std::unique_ptr<RdKafka::Producer>> client =
      MakeProducer(options, {}, nullptr);
  if (!client.ok()) return Usage(std::string(client.status().message()));
  absl::Status deleted =
      DeleteConsumerGroup(**client, group, options.connect_timeout);
  if (!deleted.ok()) return Fail(std::string(deleted.message()));
  printf("replay: deleted checkpoint group %s\n", group.c_str());
  return kExitOk;
}

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "copies a range of a topic to another topic, exactly once and "
      "resumable.\n"
      "  replay --source=TOPIC --target=TOPIC --checkpoint_group=GROUP\n"
      "         [--from_offset=N] [--to_offset=N] | [--from_time=RFC3339] "
      "[--to_time=RFC3339]\n"
      "         [--partitions=0,2] [--rate=N] [--dry-run] [--cleanup] "
      "[-X KEY=VALUE]...\n"
      "  replay --checkpoint_group=GROUP --cleanup   (deletes the group)\n"
      "Offsets and times are half-open: from is copied, to is not. Exit "
      "status: 0 done, 1 Kafka failed (run again to resume), 2 bad usage, "
      "130 interrupted.");
  if (wirestream::runtime::AnswerHelp(argc, argv, "tools/")) return 0;
  std::vector<std::string> args(argv, argv + argc);
  absl::StatusOr<KafkaProperties> kafka = ExtractKafkaProperties(args);
  if (!kafka.ok()) return Usage(std::string(kafka.status().message()));
  NormalizeFlagNames(args);
  std::vector<char*> arg_pointers;
  for (std::string& arg : args) arg_pointers.push_back(arg.data());
  std::vector<char*> positional = absl::ParseCommandLine(
      static_cast<int>(arg_pointers.size()), arg_pointers.data());
  if (positional.size() > 1) {
    return Usage(absl::StrCat("unexpected argument \"", positional[1], "\""));
  }

  Request request;
  request.source = absl::GetFlag(FLAGS_source);
  request.target = absl::GetFlag(FLAGS_target);
  request.from_offset = absl::GetFlag(FLAGS_from_offset);
  request.to_offset = absl::GetFlag(FLAGS_to_offset);
  const bool dry_run = absl::GetFlag(FLAGS_dry_run);
  const bool cleanup = absl::GetFlag(FLAGS_cleanup);
  const std::string group = absl::GetFlag(FLAGS_checkpoint_group);
  if (cleanup && (group.empty() || dry_run)) {
    return Usage("--cleanup needs --checkpoint_group and no --dry-run");
  }
  if (cleanup && request.source.empty()) {
    if (!request.target.empty()) return Usage("--target needs --source");
    return DeleteCheckpoint(group, *kafka);
  }
  if (request.source.empty()) return Usage("say what to copy: --source=TOPIC");
  if (!dry_run && request.target.empty()) {
    return Usage("say where to copy to: --target=TOPIC");
  }
  if (request.source == request.target) {
    return Usage("--source and --target are the same topic");
  }
  if (!dry_run && group.empty()) {
    return Usage(
        "give --checkpoint_group=NAME: the consumer group that remembers how "
        "far the replay got (use the same name to resume)");
  }
  if (request.from_offset < kOpenEnd || request.to_offset < kOpenEnd) {
    return Usage("offsets are 0 or more");
  }
  if (request.from_offset != kOpenEnd && request.to_offset != kOpenEnd &&
      request.from_offset >= request.to_offset) {
    return Usage(
        absl::StrCat("bad range: --from_offset=", request.from_offset,
                     " is not before --to_offset=", request.to_offset));
  }
  const bool by_offset =
      request.from_offset != kOpenEnd || request.to_offset != kOpenEnd;
  const std::string from_time = absl::GetFlag(FLAGS_from_time);
  const std::string to_time = absl::GetFlag(FLAGS_to_time);
  if (by_offset && (!from_time.empty() || !to_time.empty())) {
    return Usage("give a range by offsets or by times, not both");
  }
  if (!from_time.empty()) {
    absl::StatusOr<absl::Time> t = ParseRfc3339("--from_time", from_time);
    if (!t.ok()) return Usage(std::string(t.status().message()));
    request.from_time = *t;
  }
  if (!to_time.empty()) {
    absl::StatusOr<absl::Time> t = ParseRfc3339("--to_time", to_time);
    if (!t.ok()) return Usage(std::string(t.status().message()));
    request.to_time = *t;
  }
  if (request.from_time && request.to_time &&
      *request.from_time >= *request.to_time) {
    return Usage(absl::StrCat("bad range: --from_time=", from_time,
                              " is not before --to_time=", to_time));
  }
  absl::StatusOr<std::vector<int32_t>> partitions =
      ParsePartitionList(absl::GetFlag(FLAGS_partitions));
  if (!partitions.ok())
    return Usage(std::string(partitions.status().message()));
  if (absl::GetFlag(FLAGS_rate) < 0) return Usage("--rate must be 0 or more");
  if (absl::GetFlag(FLAGS_batch_records) < 1 ||
      absl::GetFlag(FLAGS_batch_ms) < 1) {
    return Usage("--batch_records and --batch_ms must be at least 1");
  }
  absl::StatusOr<std::string> bootstrap =
      ResolveBootstrap(absl::GetFlag(FLAGS_bootstrap));
  if (!bootstrap.ok()) return Usage(std::string(bootstrap.status().message()));

  ClientOptions options;
  options.bootstrap = *bootstrap;
  options.properties = *kafka;
  options.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  options.client_logs = absl::GetFlag(FLAGS_client_logs);
  options.client_id = "wirestream-replay";
  // A group id is needed for the checkpoint; a dry run without one reads no
  // checkpoint and commits nothing.
  absl::StatusOr<std::unique_ptr<RdKafka::KafkaConsumer>> consumer =
      MakeConsumer(
          options,
          {{"group.id", group.empty() ? "wirestream.replay.dry-run" : group},
           {"enable.auto.commit", "false"},
           {"enable.auto.offset.store", "false"},
           {"isolation.level", "read_committed"},
           {"enable.partition.eof", "true"},
           {"auto.offset.reset", "earliest"}});
  if (!consumer.ok()) return Usage(std::string(consumer.status().message()));

  absl::StatusOr<std::map<std::string, int32_t>> topics =
      ListTopics(**consumer, options.bootstrap, options.connect_timeout,
                 options.properties);
  if (absl::IsUnauthenticated(topics.status())) {
    // Credentials and certificates are configuration, like flags.
    fprintf(stderr, "replay: %s\n",
            std::string(topics.status().message()).c_str());
    return kExitUsage;
  }
  if (!topics.ok()) return Fail(std::string(topics.status().message()));
  absl::StatusOr<int32_t> source_partitions =
      PartitionCount(*topics, request.source);
  if (!source_partitions.ok()) {
    return Fail(std::string(source_partitions.status().message()));
  }
  int32_t target_partitions = 0;
  if (!request.target.empty()) {
    absl::StatusOr<int32_t> count = PartitionCount(*topics, request.target);
    if (!count.ok()) return Fail(std::string(count.status().message()));
    target_partitions = *count;
  }
  if (partitions->empty()) {
    for (int32_t p = 0; p < *source_partitions; ++p) partitions->push_back(p);
  }
  for (int32_t p : *partitions) {
    if (p >= *source_partitions) {
      return Usage(absl::StrCat(request.source, " has ", *source_partitions,
                                " partitions: there is no partition ", p));
    }
  }
  request.partitions = *partitions;

  // Before reading the checkpoint: starting transactions aborts whatever
  // an earlier run with this group left open, which settles its position.
  DeliveryErrors delivery;
  std::unique_ptr<RdKafka::Producer> producer;
  if (!dry_run) {
    absl::StatusOr<std::unique_ptr<RdKafka::Producer>> made = MakeProducer(
        options,
        {{"transactional.id", absl::StrCat("wirestream.replay.", group)},
         {"enable.idempotence", "true"},
         {"linger.ms", "20"},
         {"transaction.timeout.ms", "60000"}},
        &delivery);
    if (!made.ok()) return Usage(std::string(made.status().message()));
    producer = *std::move(made);
    std::string error = TakeError(producer->init_transactions(
        ToMillis(absl::GetFlag(FLAGS_commit_timeout))));
    if (!error.empty()) {
      return Fail(absl::StrCat("cannot start transactions on ", request.target,
                               ": ", error));
    }
  }
  absl::StatusOr<std::vector<PartitionRange>> ranges =
      Plan(**consumer, request, !group.empty(), options.connect_timeout);
  if (!ranges.ok()) return Fail(std::string(ranges.status().message()));
  if (dry_run) {
    printf("replay %s -> %s (dry run)\n%s", request.source.c_str(),
           request.target.empty() ? "(no target)" : request.target.c_str(),
           FormatPlan(*ranges).c_str());
    (*consumer)->close();
    return kExitOk;
  }

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const int code = Copy(**consumer, *producer, delivery, request, *ranges,
                        target_partitions == *source_partitions, group);
  (*consumer)->close();
  if (code == kExitOk && cleanup) {
    // The consumer has left; the group holds only the checkpoint.
    absl::Status deleted =
        DeleteConsumerGroup(*producer, group, options.connect_timeout);
    if (!deleted.ok()) return Fail(std::string(deleted.message()));
    printf("replay: deleted checkpoint group %s\n", group.c_str());
  }
  return code;
}

}  // namespace
}  // namespace wirestream::tools::replay

int main(int argc, char** argv) {
  return wirestream::tools::replay::Run(argc, argv);
}
