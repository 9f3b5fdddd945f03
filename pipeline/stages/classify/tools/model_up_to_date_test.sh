#!/usr/bin/env bash
# Fails when a topic model is not what tools/train_topics makes from the
# committed corpus and lexicon: data/model.tsv from corpus/train.txt, and
# each data/model_<lang>.tsv from corpus/train_<lang>.txt (with
# data/lexicon_<lang>.tsv). Retrain after editing either:
#   bazel run //pipeline/stages/classify/tools:train_topics -- \
#     --data_dir=$PWD/pipeline/stages/classify/data \
#     --corpus=$PWD/pipeline/stages/classify/corpus/train.txt \
#     --out=$PWD/pipeline/stages/classify/data/model.tsv
# (train_<lang>.txt and model_<lang>.tsv for another language).
set -euo pipefail
dir=pipeline/stages/classify
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failed=0
check() {  # check CORPUS MODEL
  local out="$tmp/$(basename "$2")"
  if [[ ! -f "$1" ]]; then
    echo "$2 has no training corpus $1" >&2
    failed=1
    return
  fi
  "$dir/tools/train_topics" --data_dir="$dir/data" --corpus="$1" \
    --out="$out" 2>/dev/null
  if ! cmp -s "$out" "$2"; then
    echo "$2 is out of date; retrain with tools/train_topics" >&2
    diff "$out" "$2" | head -20 >&2
    failed=1
  else
    echo "$(basename "$2") is up to date"
  fi
}
check "$dir/corpus/train.txt" "$dir/data/model.tsv"
for model in "$dir"/data/model_*.tsv; do
  [[ -e "$model" ]] || continue
  lang="${model##*/model_}"
  lang="${lang%.tsv}"
  check "$dir/corpus/train_$lang.txt" "$model"
done
exit "$failed"
