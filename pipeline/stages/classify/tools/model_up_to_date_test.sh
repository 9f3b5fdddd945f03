#!/usr/bin/env bash
# Fails when data/model.tsv is not what tools/train_topics makes from the
# committed corpus and lexicon: retrain after editing either.
#   bazel run //pipeline/stages/classify/tools:train_topics -- \
#     --data_dir=$PWD/pipeline/stages/classify/data \
#     --corpus=$PWD/pipeline/stages/classify/corpus/train.txt \
#     --out=$PWD/pipeline/stages/classify/data/model.tsv
set -euo pipefail
dir=pipeline/stages/classify
out="${TEST_TMPDIR:-$(mktemp -d)}/model.tsv"
"$dir/tools/train_topics" --data_dir="$dir/data" \
  --corpus="$dir/corpus/train.txt" --out="$out" 2>/dev/null
if ! cmp -s "$out" "$dir/data/model.tsv"; then
  echo "data/model.tsv is out of date; retrain with tools/train_topics" >&2
  diff "$out" "$dir/data/model.tsv" | head -20 >&2
  exit 1
fi
echo "model.tsv is up to date"
