#!/usr/bin/env bash
# scripts/bench.sh --smoke end to end: a few hundred stories through the four
# workers and the passthrough chain, steady-rate runs in both delivery modes,
# the table in both forms. Checks that every row is there and that every
# story came out (enriched, routed as a duplicate or dead-lettered); no
# timing is asserted. Uses WIRESTREAM_BOOTSTRAP, or starts a broker through
# WIRESTREAM_ROOT like the other broker tests.
set -euo pipefail

if [[ -z "${WIRESTREAM_ROOT:-}" ]]; then
  echo "WIRESTREAM_ROOT is not set (scripts/test.sh sets it)" >&2
  exit 1
fi
bins="$TEST_SRCDIR/$TEST_WORKSPACE"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

export BENCH_BROKER_STATE="$TEST_TMPDIR/broker"
cd "$bins"
for form in plain markdown; do
  flags=(--smoke --no_build --bin_dir="$bins")
  [[ $form == markdown ]] && flags+=(--markdown)
  if ! "$WIRESTREAM_ROOT/scripts/bench.sh" "${flags[@]}" \
    >"$TEST_TMPDIR/$form.out" 2>"$TEST_TMPDIR/$form.err"; then
    fail "$form: bench.sh failed: $(tail -20 "$TEST_TMPDIR/$form.err")"
    continue
  fi
  out="$TEST_TMPDIR/$form.out"
  for want in "machine:" "commit:" "settings: 300-story backlog" \
    "backlog, cold (first run after the broker started): throughput" \
    "backlog, warm (second run): throughput" \
    "worker CPU per story, all four (warm run)" \
    "worker start-up CPU" "broker CPU per story" \
    "50 stories/s, exactly-once: raw → enriched" \
    "50 stories/s, exactly-once: raw → alert" \
    "50 stories/s, at-least-once: raw → enriched" \
    "in-process chain"; do
    grep -qF -- "$want" "$out" || fail "$form: no \"$want\" in: $(cat "$out")"
  done
  if [[ $form == markdown ]]; then
    grep -qx "## The bench command" "$out" || fail "markdown: no heading"
    grep -qx "| measure | result | detail |" "$out" ||
      fail "markdown: no table header"
  fi
  # Every run counted each story it sent once on the way out.
  grep -q "stories out, each once.*yes" "$out" ||
    fail "$form: stories lost or repeated: $(grep "stories out" "$out")"
done

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "PASS"
