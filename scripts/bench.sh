#!/usr/bin/env bash
# The speed of the whole pipeline on this machine, in one table: worker and
# broker CPU per story, backlog throughput (cold and warm) against a chain of
# four passthrough workers, latency at steady rates in both delivery modes,
# and the four stages in one process.
#
#   scripts/bench.sh                 # full run, plain table
#   scripts/bench.sh --markdown      # the BENCHMARKS.md section, in Markdown
#   scripts/bench.sh --smoke         # a few hundred stories: checks it works
#
# Options:
#   --stories N       backlog size (default 20000)
#   --rates R[,R...]  steady rates in stories/s (default 100,1000)
#   --rate_seconds S  how long each steady rate runs (default 20)
#   --worker_flag F   extra flag for every worker (repeatable), e.g.
#                     --worker_flag=--batch_ms=200
#   --broker HOST:PORT [--broker_pid PID]
#                     use this broker (default: WIRESTREAM_BOOTSTRAP, else a
#                     broker started for the run; its CPU is measured only
#                     when its process id is known)
#   --bin_dir DIR     where the binaries are (default bazel-bin)
#   --no_build        do not run bazel build first
#
# Output: the machine, the commit and the settings, then one row a measure.
# Each figure comes from the run named in its row; ratios are taken within
# one run. Nothing here asserts a time.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

markdown=0
smoke=0
stories=20000
rates="100,1000"
rate_seconds=20
broker="${WIRESTREAM_BOOTSTRAP:-}"
broker_pid=0
bin_dir="bazel-bin"
build=1
worker_flags=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --markdown) markdown=1 ;;
    --smoke) smoke=1 ;;
    --stories) stories="$2"; shift ;;
    --stories=*) stories="${1#*=}" ;;
    --rates) rates="$2"; shift ;;
    --rates=*) rates="${1#*=}" ;;
    --rate_seconds) rate_seconds="$2"; shift ;;
    --rate_seconds=*) rate_seconds="${1#*=}" ;;
    --worker_flag) worker_flags+=("$2"); shift ;;
    --worker_flag=*) worker_flags+=("${1#*=}") ;;
    --broker) broker="$2"; shift ;;
    --broker=*) broker="${1#*=}" ;;
    --broker_pid) broker_pid="$2"; shift ;;
    --broker_pid=*) broker_pid="${1#*=}" ;;
    --bin_dir) bin_dir="$2"; shift ;;
    --bin_dir=*) bin_dir="${1#*=}" ;;
    --no_build) build=0 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "bench.sh: unknown option $1 (--help lists them)" >&2
      exit 2
      ;;
  esac
  shift
done

warmup_s=10
in_process_seconds=3
if [[ $smoke -eq 1 ]]; then
  stories=300
  rates="50"
  rate_seconds=4
  warmup_s=5
  in_process_seconds=0.2
fi

if [[ $build -eq 1 ]]; then
  bazel build -c opt //tests/bench:pipeline_bench //pipeline/workers:all \
    //tools/loadgen //tools/enrich:language_bench >&2
fi

state=""
if [[ -z "$broker" ]]; then
  state="${BENCH_BROKER_STATE:-$root/.cache/kafka/bench}"
  broker="$(scripts/kafka-start.sh "$state" | tail -1)"
  broker_pid="$(cat "$state/pid")"
  trap 'scripts/kafka-stop.sh "$state" >/dev/null 2>&1 || true' EXIT
fi

work="$(mktemp -d)"
trap '[[ -n "$state" ]] && scripts/kafka-stop.sh "$state" >/dev/null 2>&1; rm -rf "$work"' EXIT

joined_flags=""
if [[ ${#worker_flags[@]} -gt 0 ]]; then
  joined_flags="$(IFS=,; echo "${worker_flags[*]}")"
fi

# run NAME ARGS...: one pipeline_bench run; its "@ key value" lines go to
# $work/NAME.
run() {
  local name="$1"
  shift
  echo "bench.sh: $name" >&2
  local extra=()
  [[ -n "$joined_flags" ]] && extra+=("--worker_flag=$joined_flags")
  if ! "$bin_dir/tests/bench/pipeline_bench" --broker="$broker" \
    --broker_pid="$broker_pid" --bin_dir="$bin_dir" "${extra[@]}" "$@" \
    >"$work/$name.out" 2>"$work/$name.err"; then
    echo "bench.sh: $name failed:" >&2
    tail -20 "$work/$name.err" >&2
    exit 1
  fi
  grep '^@ ' "$work/$name.out" | cut -c3- >"$work/$name"
  run_names+=("$name")
}
run_names=()

# get NAME KEY: a figure of run NAME, or "n/a".
get() {
  local value
  value="$(awk -v k="$2" '$1 == k { print $2 }' "$work/$1" 2>/dev/null)"
  echo "${value:-n/a}"
}

# fmt VALUE: a whole number with thousands separators (or the value as is).
fmt() {
  if [[ "$1" =~ ^[0-9.e+-]+$ ]]; then
    printf "%.0f" "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'
  else
    echo "$1"
  fi
}

ratio() {
  if [[ "$1" =~ ^[0-9.e+-]+$ ]]; then printf "%.2f" "$1"; else echo "$1"; fi
}

run cold --stories="$stories" --passthrough_chain
run warm --stories="$stories" --passthrough_chain
IFS=, read -r -a rate_list <<<"$rates"
for r in "${rate_list[@]}"; do
  n=$((r * rate_seconds))
  run "eos_$r" --stories="$n" --rate="$r" --warmup_s="$warmup_s"
  run "alo_$r" --stories="$n" --rate="$r" --warmup_s="$warmup_s" \
    --mode=at-least-once
done

# The four stages in one process on one thread, on English wire copy.
in_process=""
if [[ -x "$bin_dir/tools/enrich/language_bench" ]]; then
  "$bin_dir/tools/enrich/language_bench" --rules=tools/demo/demo_rules.yaml \
    --min_seconds="$in_process_seconds" \
    en=pipeline/stages/classify/corpus/reuters_holdout.txt \
    >"$work/in_process.out" 2>"$work/in_process.err" || true
  in_process="$(awk -F'\t' '$1 == "en"' "$work/in_process.out")"
fi

# ---------------------------------------------------------------- the table
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git diff --quiet HEAD -- pipeline tools tests protos 2>/dev/null; then
  commit="$commit (with uncommitted changes)"
fi
cpu_model="$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
machine="$(nproc) cores, ${cpu_model:-unknown CPU}, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
settings="$stories-story backlog, 4 partitions, loadgen's default mix, rates $rates stories/s for ${rate_seconds} s each"
[[ -n "$joined_flags" ]] && settings="$settings, worker flags $joined_flags"

rows=()
row() { rows+=("$1"$'\t'"$2"$'\t'"$3"); }

for run_name in cold warm; do
  label="backlog, $run_name"
  [[ $run_name == cold ]] && label="backlog, cold (first run after the broker started)"
  [[ $run_name == warm ]] && label="backlog, warm (second run)"
  row "$label: throughput" "$(fmt "$(get $run_name throughput)") stories/s" \
    "passthrough chain $(fmt "$(get $run_name chain_throughput)") stories/s; ratio $(ratio "$(get $run_name chain_ratio)")"
done
row "worker CPU per story, all four (warm run)" \
  "$(fmt "$(get warm cpu_us.workers)") µs" \
  "normalize $(fmt "$(get warm cpu_us.normalize)"), dedup $(fmt "$(get warm cpu_us.dedup)"), classify $(fmt "$(get warm cpu_us.classify)"), alert $(fmt "$(get warm cpu_us.alert)") µs; passthrough chain $(fmt "$(get warm cpu_us.passthrough_chain)") µs"
row "— of which the stages' own code (Stage::Process, per record in)" \
  "$(awk '$1 ~ /^stage_us\./ && $2 >= 0 { s += $2 } END { printf "%.0f µs", s }' "$work/warm")" \
  "normalize $(fmt "$(get warm stage_us.normalize)"), dedup $(fmt "$(get warm stage_us.dedup)"), classify $(fmt "$(get warm stage_us.classify)"), alert $(fmt "$(get warm stage_us.alert)") µs; the rest is the runtime's loop and the Kafka client"
row "worker start-up CPU (not in the above)" \
  "$(awk '{ s += $2 } END { printf "%.2f s", s }' <(grep startup_cpu_s "$work/warm"))" \
  "normalize $(get warm startup_cpu_s.normalize), dedup $(get warm startup_cpu_s.dedup), classify $(get warm startup_cpu_s.classify), alert $(get warm startup_cpu_s.alert) s"
row "broker CPU per story (warm run)" "$(fmt "$(get warm cpu_us.broker)") µs" \
  "cold run: $(fmt "$(get cold cpu_us.broker)") µs"
for r in "${rate_list[@]}"; do
  for mode in eos alo; do
    name="${mode}_$r"
    mode_label="exactly-once"
    [[ $mode == alo ]] && mode_label="at-least-once"
    row "$r stories/s, $mode_label: raw → enriched" \
      "p99 $(fmt "$(get "$name" enriched_latency_p99_ms)") ms" \
      "p50 $(fmt "$(get "$name" enriched_latency_p50_ms)") ms, max $(fmt "$(get "$name" enriched_latency_max_ms)") ms; out at $(fmt "$(get "$name" throughput)") stories/s; every story, first seconds included: p99 $(fmt "$(get "$name" enriched_latency_all_p99_ms)") ms"
    row "$r stories/s, $mode_label: raw → alert" \
      "p99 $(fmt "$(get "$name" alert_latency_p99_ms)") ms" \
      "p50 $(fmt "$(get "$name" alert_latency_p50_ms)") ms, max $(fmt "$(get "$name" alert_latency_max_ms)") ms"
  done
done
# Every run: enriched + routed duplicates + dead letters = stories sent.
accounted="yes"
runs=0
for name in "${run_names[@]}"; do
  runs=$((runs + 1))
  sum="$(awk '$1 == "enriched" || $1 == "duplicates" || $1 == "dead_letters" { s += $2 } END { print s + 0 }' "$work/$name")"
  [[ "$sum" == "$(get "$name" stories)" ]] || accounted="no ($name: $sum of $(get "$name" stories))"
done
row "stories out, each once (enriched, duplicate or dead letter)" "$accounted" "$runs runs"
if [[ -n "$in_process" ]]; then
  IFS=$'\t' read -r -a c <<<"$in_process"
  row "in-process chain, one thread (English wire copy, ${c[2]} chars a story)" \
    "${c[4]} µs a story" \
    "normalize ${c[7]}, dedup ${c[8]}, classify ${c[9]}, alert ${c[10]} µs"
else
  row "in-process chain, one thread" "n/a" "language_bench not built"
fi

if [[ $markdown -eq 1 ]]; then
  echo "## The bench command"
  echo
  echo "\`scripts/bench.sh --markdown\` wrote this section."
  echo
  echo "- machine: $machine; load average at the end $load"
  echo "- commit: $commit"
  echo "- settings: $settings"
  echo
  echo "| measure | result | detail |"
  echo "|---|---:|---|"
  for line in "${rows[@]}"; do
    IFS=$'\t' read -r a b c <<<"$line"
    echo "| $a | $b | $c |"
  done
else
  echo "machine:  $machine (load average $load)"
  echo "commit:   $commit"
  echo "settings: $settings"
  echo
  for line in "${rows[@]}"; do
    IFS=$'\t' read -r a b c <<<"$line"
    printf "%-72s %-18s %s\n" "$a" "$b" "$c"
  done
fi
