#!/usr/bin/env bash
# End-to-end checks of the enrich command: output per story, dedup
# verdicts across files, topics and countries, alert rules emitted and
# suppressed, dead letters on stderr, exit codes.
set -euo pipefail

enrich="$1"
stories="$2"
demo_stories="$3"
followups="$4"
golden="$5"
rules="$6"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Every sample story: one JSON line each on stdout, nothing on stderr, 0.
count=$(ls "$stories" | wc -l)
"$enrich" --output=json --received_at=2023-11-28T12:00:00Z "$stories"/* >"$tmp/out" 2>"$tmp/err" ||
  fail "exit status $? for the samples: $(cat "$tmp/err")"
[[ $(wc -l <"$tmp/out") -eq $count ]] || fail "expected $count lines"
[[ ! -s "$tmp/err" ]] || fail "unexpected stderr: $(cat "$tmp/err")"
grep -q '^{"enrichedStory":{"story":{"id":"[0-9a-f]\{32\}"' "$tmp/out" || fail "no story id"
grep -q '"headline":"Emissions gap report warns world on track for 2.9C of warming"' "$tmp/out" ||
  fail "AFP headline missing"
# Every story went through all four stages: a verdict on each, alerts empty
# without rules.
[[ $(grep -c '"verdict":{"kind":"DEDUP_KIND_' "$tmp/out") -eq $count ]] || fail "a story without a verdict"
[[ $(grep -c '"alerts":\[\]}$' "$tmp/out") -eq $count ]] || fail "alerts without rules"
# The Reuters story's correction is an UPDATE of version 1, in its cluster.
grep -q '"headline":"CORRECTED-UK shoppers.*"verdict":{"kind":"DEDUP_KIND_UPDATE","clusterId":"12eeabea67a1e0239c7f7d06be6f0c16"' "$tmp/out" ||
  fail "the Reuters correction is not an UPDATE"

# The spy balloon story, a hotline story, a re-send of the first from
# another feed and another outlet's rewrite of it, with two rules given on
# the command line: the exact report (verdicts and cluster ids, topics and
# countries with their evidence, the alert emitted once for the cluster and
# suppressed for the re-send and the rewrite).
"$enrich" --received_at=2023-11-28T12:00:00Z --rule 'hotline=hotline' \
  --rule 'spy-balloon="spy balloon" OR (balloon* NEAR/5 (military OR pentagon))' \
  "$demo_stories/text-ap-spy-balloon.txt" "$demo_stories/text-reuters-hotline.txt" \
  "$followups/text-afp-spy-balloon-resend.txt" "$followups/text-upi-spy-balloon-rewrite.txt" \
  >"$tmp/out" 2>"$tmp/err" || fail "exit status $? for the balloon stories: $(cat "$tmp/err")"
diff -u "$golden" "$tmp/out" || fail "the report differs from $golden"

# The same as JSON: one line per story; the Alerts raised with the first.
"$enrich" --output=json --received_at=2023-11-28T12:00:00Z --rule 'spy-balloon=spy NEAR/1 balloon' \
  "$demo_stories/text-ap-spy-balloon.txt" "$followups/text-afp-spy-balloon-resend.txt" \
  >"$tmp/out" 2>"$tmp/err" || fail "json: $(cat "$tmp/err")"
[[ $(wc -l <"$tmp/out") -eq 2 ]] || fail "json: expected 2 lines"
head -1 "$tmp/out" | grep -q '"alerts":\[{"alertId":"al-[0-9a-f]\{16\}","ruleId":"spy-balloon","ruleName":"spy-balloon","storyId":"3acd2903e8243c468edd1a040cf623c2","clusterId":"3acd2903e8243c468edd1a040cf623c2"' ||
  fail "json: no Alert with the first story"
tail -1 "$tmp/out" | grep -q '"suppressed":true,"suppressedReason":"already alerted for cluster 3acd2903e8243c468edd1a040cf623c2' ||
  fail "json: the re-send's hit is not suppressed"
tail -1 "$tmp/out" | grep -q '"alerts":\[\]}$' || fail "json: the re-send raised an Alert"

# A rules file: the AP storm lead, killed before it arrived, matches
# storm-damage but may not alert; the writethru that revives its cluster
# does, and so does the quake.
"$enrich" --received_at=2023-11-28T12:00:00Z --rules="$rules" "$stories"/anpa-ap-storm-* \
  "$stories/ninjs-1x-ap-quake.json" >"$tmp/out" 2>"$tmp/err" || fail "rules file: $(cat "$tmp/err")"
grep '^  rule  ' "$tmp/out" >"$tmp/rules"
cat >"$tmp/want" <<'WANT'
  rule     none
  rule     storm-damage (warning) SUPPRESSED: the story is a kill (dedup verdict KILL)
  rule     storm-damage (warning) EMITTED al-cba1baa5399e696c
  rule     earthquake (critical) EMITTED al-e0776ab88b250f77
WANT
diff -u "$tmp/want" "$tmp/rules" || fail "rule matches with the rules file"

# Bad rules: one line naming the rule, exit 2, no story read.
printf 'rules:\n  - id: quake\n    query: quake*\n    severity: urgent\n' >"$tmp/bad.yaml"
status=0
"$enrich" --rules="$tmp/bad.yaml" "$demo_stories/text-ap-spy-balloon.txt" >"$tmp/out" 2>"$tmp/err" || status=$?
[[ $status -eq 2 ]] || fail "exit status $status for a bad rules file"
[[ "$(cat "$tmp/err")" == "enrich: $tmp/bad.yaml:4: rule \"quake\": 'severity' must be info, warning or critical, not 'urgent'" ]] ||
  fail "bad rules file message: $(cat "$tmp/err")"
[[ ! -s "$tmp/out" ]] || fail "stories printed despite a bad rules file"
status=0
"$enrich" --rules="$tmp/missing.yaml" "$demo_stories/text-ap-spy-balloon.txt" >/dev/null 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "exit status $status for a missing rules file"
status=0
"$enrich" --rule 'balloon=(spy balloon' "$demo_stories/text-ap-spy-balloon.txt" >"$tmp/out" 2>"$tmp/err" || status=$?
[[ $status -eq 2 ]] || fail "exit status $status for a bad query"
[[ "$(cat "$tmp/err")" == "enrich: --rule: rule \"balloon\": query: column 1: '(' is not closed with ')'" ]] ||
  fail "bad query message: $(cat "$tmp/err")"
[[ ! -s "$tmp/out" ]] || fail "stories printed despite a bad rule"
status=0
"$enrich" --rule 'spy balloon' "$demo_stories/text-ap-spy-balloon.txt" >/dev/null 2>"$tmp/err" || status=$?
[[ $status -eq 2 ]] || fail "exit status $status for a rule without ID="
grep -q "^enrich: --rule 'spy balloon': write it as ID=QUERY" "$tmp/err" || fail "no ID= message: $(cat "$tmp/err")"
status=0
"$enrich" --rule 'hotline=hotline' --rule 'hotline=crisis' "$demo_stories/text-ap-spy-balloon.txt" >/dev/null 2>"$tmp/err" || status=$?
[[ $status -eq 2 ]] || fail "exit status $status for a repeated rule id"
grep -q 'rule "hotline": the id is used by another rule' "$tmp/err" || fail "repeated id: $(cat "$tmp/err")"

# Standard input, a declared format, a fixed source.
printf 'Quake hits coast\n\nTOKYO (AP) - A quake hit the coast on Tuesday.\n' |
  "$enrich" --output=json --format=text --source=desk >"$tmp/out" 2>"$tmp/err" || fail "stdin"
grep -q '"source":"desk"' "$tmp/out" || fail "source flag"
grep -q '"feedItemId":"stdin"' "$tmp/out" || fail "stdin feed item id"
grep -q '"place":"TOKYO"' "$tmp/out" || fail "dateline"

# A bad story: a dead letter on stderr, the good one still printed, exit 1.
printf '' >"$tmp/empty.txt"
status=0
"$enrich" "$stories/text-bulletin-flash.txt" "$tmp/empty.txt" >"$tmp/out" 2>"$tmp/err" || status=$?
[[ $status -eq 1 ]] || fail "exit status $status for a bad story"
grep -q '^== text-bulletin-flash.txt: BULLETIN: Magnitude 7.1' "$tmp/out" || fail "the good story was not printed"
grep -q '"reason":"DEAD_LETTER_REASON_EMPTY_STORY"' "$tmp/err" || fail "no dead letter"
grep -q '"sourceTopic":".*empty.txt"' "$tmp/err" || fail "dead letter does not name the file"
grep -q '"stage":"normalize"' "$tmp/err" || fail "dead letter does not name the stage"

# Usage errors.
status=0
"$enrich" --output=xml "$stories/text-bulletin-flash.txt" >/dev/null 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "exit status $status for an unknown output"
status=0
"$enrich" --format=pdf "$stories/text-bulletin-flash.txt" >/dev/null 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "exit status $status for an unknown format"
status=0
"$enrich" "$tmp/does-not-exist" >/dev/null 2>"$tmp/err" || status=$?
[[ $status -eq 1 ]] || fail "exit status $status for a missing file"
grep -q "cannot read" "$tmp/err" || fail "missing file not reported"

echo PASS
