#!/usr/bin/env bash
# Runs the demo as scripts/demo.sh does and checks what comes out: one JSON
# line per sample story on stdout, the broken payload dead-lettered.
set -euo pipefail
out="$TEST_TMPDIR/demo.out"
err="$TEST_TMPDIR/demo.err"
tools/demo/demo --wait_s=90 >"$out" 2>"$err" || {
  echo "demo exited non-zero"; cat "$err"; exit 1; }
samples=$(ls pipeline/stages/normalize/testdata/stories | wc -l)
lines=$(wc -l <"$out")
if [[ "$lines" -ne "$samples" ]]; then
  echo "want $samples JSON lines, got $lines"; cat "$err"; exit 1
fi
grep -q '"headline":"TRUKKET: Datasenter i Skien"' "$out" || {
  echo "the NTB ninjs story is missing"; exit 1; }
grep -q "DEAD_LETTER_REASON_UNKNOWN_FORMAT: payload is binary" "$err" || {
  echo "the broken payload was not dead-lettered"; cat "$err"; exit 1; }
grep -q "demo: $((samples + 1)) raw stories in; $samples on" "$err" || {
  echo "summary line missing"; tail -3 "$err"; exit 1; }
echo "demo: $samples stories out, 1 dead letter"
