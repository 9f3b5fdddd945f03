#!/usr/bin/env bash
# Checks that every tracked C++ file (*.h, *.cc) is clang-format clean
# against .clang-format (Google style). Prints the files that are not and
# exits 1; fix them with `clang-format -i FILE...`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mapfile -t files < <(git ls-files -- '*.h' '*.cc')
bad=()
for f in "${files[@]}"; do
  [[ -f "$f" ]] || continue # deleted in the work tree, not yet committed
  if ! clang-format --style=file "$f" | cmp -s - "$f"; then
    bad+=("$f")
  fi
done
if ((${#bad[@]})); then
  echo "check-format: ${#bad[@]} file(s) not clang-format clean (fix: clang-format -i FILE...):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "check-format: ${#files[@]} C++ files clean"
