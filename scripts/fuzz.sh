#!/usr/bin/env bash
# Builds the normalize stage's libFuzzer targets with clang (outside Bazel:
# the default toolchain is gcc) and runs each for a bounded time on a copy
# of its seed corpus: the sample stories, the bad inputs and the labelled
# pages from pipeline/stages/normalize/testdata.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   scripts/fuzz.sh 20                      # every target, 20 s each
#   scripts/fuzz.sh 300 html_parser         # one target, five minutes
#
# Targets: ninjs_parser newsml_g2_parser nitf_parser anpa_1312_parser
# iptc_7901_parser html_parser plain_text_parser normalizer. Builds go to
# .cache/fuzz (FUZZ_OUT to change); crashing inputs land in
# .cache/fuzz/artifacts/TARGET/. The exit status is non-zero when a target
# crashed, leaked, or failed to build.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${FUZZ_OUT:-$root/.cache/fuzz}"
seconds="${1:-20}"
shift || true
all_targets=(ninjs_parser newsml_g2_parser nitf_parser anpa_1312_parser
  iptc_7901_parser html_parser plain_text_parser normalizer)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")

cxx="${CXX_FUZZ:-clang++}"
sanitizers="address,undefined"
cxxflags=(-std=c++17 -O1 -g -fno-omit-frame-pointer
  "-fsanitize=fuzzer-no-link,$sanitizers" -fno-sanitize-recover=undefined
  -I"$root" -I"$out/gen" -w)
libs=(-lsimdjson -lpugixml -lgumbo -lutf8proc -licuuc -licudata -lcld2 -lre2
  -lxxhash -lprotobuf -lpthread)
# shellcheck disable=SC2207
libs+=($(pkg-config --libs absl_strings absl_status absl_statusor \
  absl_str_format absl_time absl_flat_hash_map absl_cord absl_hash))

mkdir -p "$out/gen" "$out/obj" "$out/bin" "$out/artifacts" "$out/corpus"

echo "fuzz: generating protos"
protoc -I"$root/protos" -I/usr/include --cpp_out="$out/gen" \
  "$root"/protos/wirestream/v1/*.proto

# The stage's sources without tests, tools and benchmarks, plus what they
# need from elsewhere in the tree.
sources=()
for f in "$root"/pipeline/stages/normalize/*.cc; do
  case "$(basename "$f")" in
    *_test.cc | test_support.cc | update_goldens.cc | boilerplate_eval*.cc | \
      normalize_benchmark.cc) ;;
    *) sources+=("$f") ;;
  esac
done
sources+=("$root/pipeline/runtime/stage.cc" "$root/pipeline/text/language_tag.cc"
  "$out"/gen/wirestream/v1/*.pb.cc)

echo "fuzz: compiling ${#sources[@]} sources with $cxx"
objects=()
stale=()
for src in "${sources[@]}"; do
  obj="$out/obj/$(echo "${src#"$root"/}" | tr '/' '_').o"
  objects+=("$obj")
  if [[ ! -f "$obj" || "$src" -nt "$obj" ]]; then
    stale+=("$src" "$obj")
  fi
done
if ((${#stale[@]})); then
  printf '%s\n' "${stale[@]}" | xargs -r -n 2 -P "$(nproc)" sh -c \
    "$cxx ${cxxflags[*]} -c \"\$0\" -o \"\$1\"" || {
    echo "fuzz: compilation failed" >&2
    exit 1
  }
fi
rm -f "$out/libnormalize.a"
ar rcs "$out/libnormalize.a" "${objects[@]}"

failed=()
for target in "${targets[@]}"; do
  src="$root/pipeline/stages/normalize/fuzz/${target}_fuzzer.cc"
  bin="$out/bin/${target}_fuzzer"
  if [[ ! -f "$src" ]]; then
    echo "fuzz: no target $target" >&2
    failed+=("$target")
    continue
  fi
  echo "fuzz: building $target"
  if ! "$cxx" "${cxxflags[@]}" "-fsanitize=fuzzer,$sanitizers" "$src" \
    "$out/libnormalize.a" "${libs[@]}" -o "$bin"; then
    failed+=("$target")
    continue
  fi

  corpus="$out/corpus/$target"
  mkdir -p "$corpus" "$out/artifacts/$target"
  cp -n "$root"/pipeline/stages/normalize/testdata/stories/* \
    "$root"/pipeline/stages/normalize/testdata/bad/* \
    "$root"/pipeline/stages/normalize/testdata/boilerplate/* "$corpus/" \
    2>/dev/null || true

  echo "fuzz: running $target for ${seconds}s"
  if ! "$bin" "$corpus" -max_total_time="$seconds" -max_len=131072 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$target/" \
    >"$out/$target.log" 2>&1; then
    echo "fuzz: $target FAILED; see $out/$target.log and $out/artifacts/$target/" >&2
    failed+=("$target")
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE" \
    "$out/$target.log" | sed "s/^/  $target: /" || true
done

if ((${#failed[@]})); then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without a crash"
