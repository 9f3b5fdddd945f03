#!/usr/bin/env bash
# Runs browser_test.js: the dashboard in headless chromium on a real broker.
# Needs Debian's chromium and the playwright-core that scripts/setup.sh
# installs under .cache/ (found through WIRESTREAM_ROOT), and a broker:
# WIRESTREAM_BOOTSTRAP, or one started through WIRESTREAM_ROOT like the
# other broker tests.
set -euo pipefail

here="$TEST_SRCDIR/$TEST_WORKSPACE/pipeline/dashboard"
root="${WIRESTREAM_ROOT:-}"
playwright="$root/.cache/dashboard-browser/node_modules/playwright-core"
if [[ -z "$root" || ! -d "$playwright" ]]; then
  echo "playwright-core not found under \$WIRESTREAM_ROOT/.cache/dashboard-browser;" \
    "run scripts/setup.sh (scripts/test.sh sets WIRESTREAM_ROOT)" >&2
  exit 1
fi
chromium="$(command -v chromium || true)"
if [[ -z "$chromium" ]]; then
  echo "Debian's chromium is not installed; run scripts/setup.sh" >&2
  exit 1
fi
if [[ -z "${WIRESTREAM_BOOTSTRAP:-}" ]]; then
  state="$TEST_TMPDIR/broker"
  WIRESTREAM_BOOTSTRAP="$("$root/scripts/kafka-start.sh" "$state" | tail -1)"
  trap '"$root/scripts/kafka-stop.sh" "$state"' EXIT
fi
# chromium wants a writable home for its profile and crash data.
export HOME="$TEST_TMPDIR/home"
mkdir -p "$HOME"
WIRESTREAM_BOOTSTRAP="$WIRESTREAM_BOOTSTRAP" \
  PLAYWRIGHT_CORE="$playwright" \
  CHROMIUM="$chromium" \
  DASHBOARD="$here/dashboard_worker" \
  FEEDER="$here/testing/story_feeder" \
  FIXTURES="$here/testdata" \
  node "$here/browser_test.js"
