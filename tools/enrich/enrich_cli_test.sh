#!/usr/bin/env bash
# End-to-end checks of the enrich command: output per story, dead letters
# on stderr, exit codes.
set -euo pipefail

enrich="$1"
stories="$2"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Every sample story: one JSON line each on stdout, nothing on stderr, 0.
count=$(ls "$stories" | wc -l)
"$enrich" --received_at=2023-11-28T12:00:00Z "$stories"/* >"$tmp/out" 2>"$tmp/err" ||
  fail "exit status $? for the samples: $(cat "$tmp/err")"
[[ $(wc -l <"$tmp/out") -eq $count ]] || fail "expected $count lines"
[[ ! -s "$tmp/err" ]] || fail "unexpected stderr: $(cat "$tmp/err")"
grep -q '"story":{"id":"[0-9a-f]\{32\}"' "$tmp/out" || fail "no story id"
grep -q '"headline":"Emissions gap report warns world on track for 2.9C of warming"' "$tmp/out" ||
  fail "AFP headline missing"

# Standard input, a declared format, a fixed source.
printf 'Quake hits coast\n\nTOKYO (AP) - A quake hit the coast on Tuesday.\n' |
  "$enrich" --format=text --source=desk >"$tmp/out" 2>"$tmp/err" || fail "stdin"
grep -q '"source":"desk"' "$tmp/out" || fail "source flag"
grep -q '"feedItemId":"stdin"' "$tmp/out" || fail "stdin feed item id"
grep -q '"place":"TOKYO"' "$tmp/out" || fail "dateline"

# A bad story: a dead letter on stderr, the good one still printed, exit 1.
printf '' >"$tmp/empty.txt"
status=0
"$enrich" "$stories/text-bulletin-flash.txt" "$tmp/empty.txt" >"$tmp/out" 2>"$tmp/err" || status=$?
[[ $status -eq 1 ]] || fail "exit status $status for a bad story"
[[ $(wc -l <"$tmp/out") -eq 1 ]] || fail "the good story was not printed"
grep -q '"reason":"DEAD_LETTER_REASON_EMPTY_STORY"' "$tmp/err" || fail "no dead letter"
grep -q '"sourceTopic":".*empty.txt"' "$tmp/err" || fail "dead letter does not name the file"
grep -q '"stage":"normalize"' "$tmp/err" || fail "dead letter does not name the stage"

# Usage errors.
status=0
"$enrich" --format=pdf "$stories/text-bulletin-flash.txt" >/dev/null 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "exit status $status for an unknown format"
status=0
"$enrich" "$tmp/does-not-exist" >/dev/null 2>"$tmp/err" || status=$?
[[ $status -eq 1 ]] || fail "exit status $status for a missing file"
grep -q "cannot read" "$tmp/err" || fail "missing file not reported"

echo PASS
