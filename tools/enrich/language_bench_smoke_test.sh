#!/usr/bin/env bash
# Runs language_bench for one pass on English and Chinese copy and checks
# the table's shape: a header and one row per set with its story count.
# Asserts no timings.
set -euo pipefail
bench="$1"
rules="$2"
corpus=pipeline/stages/classify/corpus
out="$TEST_TMPDIR/bench.out"
err="$TEST_TMPDIR/bench.err"
fail() { echo "FAIL: $*" >&2; cat "$out" "$err" >&2; exit 1; }

"$bench" --rules="$rules" --min_seconds=0 \
  en="$corpus/reuters_holdout.txt" zh="$corpus/wire_zh.txt" >"$out" 2>"$err" ||
  fail "exit status $?"
head -1 "$out" | grep -q $'^set\tstories\tchars/story\tstories/s\tµs/story\tp50 µs\tp99 µs\tnormalize µs\tdedup µs\tclassify µs\talert µs\tµs/1k chars$' ||
  fail "header"
en_stories=$(grep -c '^id:' "$corpus/reuters_holdout.txt")
zh_stories=$(grep -c '^id:' "$corpus/wire_zh.txt")
grep -q "^en	$en_stories	" "$out" || fail "no en row with $en_stories stories"
grep -q "^zh	$zh_stories	" "$out" || fail "no zh row with $zh_stories stories"
[[ $(wc -l <"$out") -eq 3 ]] || fail "want a header and 2 rows"
grep -q "^language_bench: zh: $zh_stories stories through the pipeline in .* s; $zh_stories judged new, 0 dead letters$" "$err" ||
  fail "no progress line for zh"

# A set that is not NAME=FILE is a usage error.
status=0
"$bench" "$corpus/wire_zh.txt" >/dev/null 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "exit status $status for a set without a name"
echo "language_bench: table for en ($en_stories) and zh ($zh_stories)"
