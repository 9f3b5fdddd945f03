#!/usr/bin/env bash
# Runs the demo as scripts/demo.sh does (until Ctrl-C), waits until every
# story is through, reads a stage's metrics, interrupts it and checks what
# came out: the verdicts, the alerts (one per rule per cluster), the dead
# letter, the clean exit and the summary.
set -euo pipefail
out="$TEST_TMPDIR/demo.out"
err="$TEST_TMPDIR/demo.err"
fail() { echo "FAIL: $*" >&2; echo "--- stderr:" >&2; tail -40 "$err" >&2; exit 1; }

# Bad settings stop it before anything starts.
status=0
tools/demo/demo --wait_s=-1 >/dev/null 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "exit status $status for --wait_s=-1"
printf 'rules:\n  - id: broken\n    query: (hotline\n' >"$TEST_TMPDIR/bad.yaml"
status=0
tools/demo/demo --rules="$TEST_TMPDIR/bad.yaml" >/dev/null 2>"$err" || status=$?
[[ $status -eq 2 ]] || fail "exit status $status for a bad rules file"
grep -q "bad.yaml:3: rule \"broken\": query: column 1: '(' is not closed with ')'" "$err" ||
  fail "the bad rule is not named"

rules="$TEST_TMPDIR/rules.yaml"
cp tools/demo/demo_rules.yaml "$rules"
tools/demo/demo --metrics_port=0 --rules="$rules" >"$out" 2>"$err" &
pid=$!
for _ in $(seq 1 240); do
  grep -q "demo: all .* raw stories are through; Ctrl-C to stop" "$err" && break
  kill -0 "$pid" 2>/dev/null || fail "the demo exited before Ctrl-C"
  sleep 0.5
done
grep -q "Ctrl-C to stop" "$err" || { kill -INT "$pid"; fail "the stories did not come through in 120 s"; }

# Every stage serves its metrics on a port of its own.
ports=$(sed -n 's/.*: metrics and health on http:\/\/127.0.0.1:\([0-9]*\) .*/\1/p' "$err" | sort -u | wc -l)
[[ $ports -eq 4 ]] || fail "want 4 metrics ports, got $ports"
alert_port=$(sed -n 's/.*alert: metrics and health on http:\/\/127.0.0.1:\([0-9]*\) .*/\1/p' "$err")
curl -sf "http://127.0.0.1:$alert_port/metrics" >"$TEST_TMPDIR/alert.metrics" ||
  fail "no metrics from the alert stage on port $alert_port"
grep -q '^wirestream_alerts_total{.*rule="spy-balloon".*} 1$' "$TEST_TMPDIR/alert.metrics" ||
  fail "the alert stage's spy-balloon counter is not 1"
grep -q '^wirestream_alert_hits_suppressed_total{.*reason="cluster".*} 3$' "$TEST_TMPDIR/alert.metrics" ||
  fail "the alert stage did not count 3 hits suppressed by cluster"
grep -q '^wirestream_alert_hits_suppressed_total{.*reason="kill".*} 1$' "$TEST_TMPDIR/alert.metrics" ||
  fail "the alert stage did not count 1 hit suppressed by a kill"

# An edited rules file is picked up while the demo runs; a broken edit is
# refused and counted.
printf '  - id: ferry\n    query: ferry*\n' >>"$rules"
for _ in $(seq 1 20); do
  curl -sf "http://127.0.0.1:$alert_port/metrics" >"$TEST_TMPDIR/alert.metrics" || true
  grep -q '^wirestream_alert_rule_reloads_total{.*result="ok".*} 1$' "$TEST_TMPDIR/alert.metrics" && break
  sleep 0.5
done
grep -q '^wirestream_alert_rule_reloads_total{.*result="ok".*} 1$' "$TEST_TMPDIR/alert.metrics" ||
  fail "the edited rules file was not reloaded"
printf '  - id: broken\n    query: (ferry\n' >>"$rules"
for _ in $(seq 1 20); do
  curl -sf "http://127.0.0.1:$alert_port/metrics" >"$TEST_TMPDIR/alert.metrics" || true
  grep -q '^wirestream_alert_rule_reloads_total{.*result="failed".*} 1$' "$TEST_TMPDIR/alert.metrics" && break
  sleep 0.5
done
grep -q '^wirestream_alert_rule_reloads_total{.*result="failed".*} 1$' "$TEST_TMPDIR/alert.metrics" ||
  fail "the broken rules file was not refused"
grep -q "rule \"broken\": query: column 1: '(' is not closed with ')'" "$err" ||
  fail "the broken edit's error was not logged"

# Ctrl-C: every stage stops cleanly, exit 0.
kill -INT "$pid"
status=0
wait "$pid" || status=$?
[[ $status -eq 0 ]] || fail "exit status $status after Ctrl-C"
grep -q "demo: interrupted; stopping the stages" "$err" || fail "no word of the interruption"
[[ $(grep -c ": stopped cleanly" "$err") -eq 4 ]] || fail "not every stage stopped cleanly"

# 24 samples, 9 demo stories (one in each of it, pt, ru, ar, zh, ja and
# ko) and a broken payload, then 3 follow-ups.
# Verdicts: the re-send is a DUPLICATE and the rewrite a NEAR_DUPLICATE of
# the spy balloon story, and the edited Xinhua re-send a NEAR_DUPLICATE of
# the Chinese hotline story; the AP storm writethru and the Reuters correction
# are UPDATEs; five kills (the AP storm kill and the lead it killed, the
# Reuters kill, the withheld and the canceled story).
samples=$(ls pipeline/stages/normalize/testdata/stories | wc -l)
[[ $samples -eq 24 ]] || fail "the counts below assume 24 samples, not $samples"
grep -q "^demo: verdicts: DUPLICATE 1, KILL 5, NEAR_DUPLICATE 2, NEW 26, UPDATE 2$" "$err" ||
  fail "verdicts: $(grep 'demo: verdicts' "$err")"
grep -q "^demo: 37 raw stories in; 36 enriched, 7 alerts, 1 dead-lettered$" "$err" ||
  fail "summary: $(grep 'raw stories in' "$err")"

# The live view: the balloon story's cluster, its alert once, the repeats
# suppressed; the kill's hit suppressed; the broken payload dead-lettered.
grep -q "^story  NEW  *cluster [0-9a-f]\{8\}  Pentagon tracks suspected Chinese spy balloon over Montana$" "$out" ||
  fail "the spy balloon story is missing"
cluster=$(sed -n 's/^story  NEW  *cluster \([0-9a-f]*\)  Pentagon tracks.*/\1/p' "$out")
grep -q "^story  DUPLICATE  *cluster $cluster  Pentagon tracks suspected Chinese spy balloon over Montana$" "$out" ||
  fail "the re-send is not a DUPLICATE in cluster $cluster"
grep -q "^story  NEAR_DUPLICATE  *cluster $cluster  U.S. military follows Chinese surveillance balloon across Montana$" "$out" ||
  fail "the rewrite is not a NEAR_DUPLICATE in cluster $cluster"
[[ $(grep -c "rule spy-balloon suppressed: already alerted for cluster $cluster" "$out") -eq 2 ]] ||
  fail "the repeats' spy-balloon hits are not suppressed"
grep -q "topics: \*politics 1.00, defence 0.86, international relations 0.82 | countries: US CN CA | focus US" "$out" ||
  fail "the balloon story's topics and countries"
[[ $(grep -c "^ALERT" "$out") -eq 7 ]] || fail "want 7 alerts"
[[ $(grep -c "^ALERT  critical spy-balloon  Pentagon tracks suspected Chinese spy balloon over Montana (al-[0-9a-f]\{16\})$" "$out") -eq 1 ]] ||
  fail "the spy balloon alert, once"
grep -q "^ALERT  warning  hotline  Moscow and Washington test crisis hotline after drone incident" "$out" ||
  fail "the hotline alert"
# Rules in other scripts: the Chinese hotline story alerts once, its edited
# re-send joins its cluster and is suppressed; the Japanese quake alerts.
zh_cluster=$(sed -n 's/^story  NEW  *cluster \([0-9a-f]*\)  中美两军启用热线就南海空中事件通话$/\1/p' "$out")
[[ -n "$zh_cluster" ]] || fail "the Chinese hotline story is missing"
grep -q "^story  NEAR_DUPLICATE  *cluster $zh_cluster  中美两军启用直通热线就南海空中事件通话$" "$out" ||
  fail "the edited Xinhua re-send is not a NEAR_DUPLICATE in cluster $zh_cluster"
[[ $(grep -c "^ALERT  warning  hotline  中美两军启用热线就南海空中事件通话 (al-[0-9a-f]\{16\})$" "$out") -eq 1 ]] ||
  fail "the Chinese hotline alert, once"
grep -q "^ALERT  critical earthquake  北海道東部で震度5強の地震 津波の心配なし (al-[0-9a-f]\{16\})$" "$out" ||
  fail "the Japanese earthquake alert"
grep -q "rule storm-damage suppressed: the story is a kill (dedup verdict KILL)" "$out" ||
  fail "the killed storm lead alerted"
grep -q "^dead letter from normalize: DEAD_LETTER_REASON_UNKNOWN_FORMAT: payload is binary" "$out" ||
  fail "the broken payload was not dead-lettered"
echo "demo: 36 stories enriched, 7 alerts, 1 dead letter, clean exit on Ctrl-C"
