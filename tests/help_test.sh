#!/usr/bin/env bash
# Every worker and tool answers --help (and --helpfull) with exit code 0
# and a usage text naming its own flags, before any flag parsing, so no
# broker is needed. Arguments: the binaries.
set -uo pipefail

failures=0
check() {
  local binary="$1" flag="$2" want="$3"
  local name out code
  name="$(basename "$binary")"
  out="$("$binary" "$flag" 2>&1)"
  code=$?
  if ((code != 0)); then
    echo "FAIL $name $flag: exit code $code, want 0"
    failures=$((failures + 1))
  elif ! grep -q -- "$want" <<<"$out"; then
    echo "FAIL $name $flag: usage text lacks \"$want\":"
    head -5 <<<"$out"
    failures=$((failures + 1))
  else
    echo "ok   $name $flag"
  fi
}

for binary in "$@"; do
  name="$(basename "$binary")"
  # The usage line names the program; --help lists a flag every worker
  # (--bootstrap, from the runtime) or this tool defines.
  case "$name" in
    enrich) flag=--rules ;;
    demo) flag=--wait_s ;;
    *) flag=--bootstrap ;;
  esac
  check "$binary" --help "$name"
  check "$binary" --help "$flag"
  check "$binary" -h "$flag"
  check "$binary" --helpfull "--flagfile"
done
# A --help after other flags, even bad ones, still answers.
check "$1" "--help" "$(basename "$1")"
if ! out="$("$1" --no_such_flag=1 --help 2>&1)"; then
  echo "FAIL $(basename "$1") --no_such_flag=1 --help: nonzero exit"
  failures=$((failures + 1))
fi
echo "$# binaries, $failures failures"
((failures == 0))
