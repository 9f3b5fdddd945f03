#!/usr/bin/env bash
# Stops the broker started by scripts/kafka-start.sh (same STATE_DIR) and
# waits for it to exit; kills it after 30 s.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="${1:-$root/.cache/kafka/run}"
[[ -f "$state/pid" ]] || exit 0
pid="$(cat "$state/pid")"
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$state/pid" "$state/bootstrap" "$state/secure.env"
