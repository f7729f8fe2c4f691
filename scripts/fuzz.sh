#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang, ASan+UBSan) in build-fuzz/ and
# runs each on a copy of its seed corpus (fuzz/corpus/TARGET), so the
# committed corpus is never flooded.
#
#   scripts/fuzz.sh [--seconds N] [--runs N] [--keep] [TARGET...]
#   scripts/fuzz.sh --crashes [TARGET...]
#
#   --seconds N   time budget per target (default 30; 0: no time limit)
#   --runs N      stop a target after N executions (default: no limit);
#                 with both, whichever comes first
#   --keep        keep each target's working corpus (printed) instead of
#                 deleting it
#   --crashes     no fuzzing: replay every fuzz/crashes/KIND-* file with its
#                 target (KIND: hw model npy pb onnx schedule); exit 1 if any fails
#   TARGET        fuzz_hw_config fuzz_model fuzz_npy fuzz_tensor_proto
#                 fuzz_onnx fuzz_schedule (default: all six)
#
# Per target: executions, exec/s, coverage (cov/ft of libFuzzer's last line)
# and the outcome. A crash, leak, sanitizer report, timeout (-timeout=5) or
# out-of-memory (-rss_limit_mb=2048) is a failure: the input is copied to
# build-fuzz/findings/TARGET/ and the script exits 1.
# Reproduce one: build-fuzz/TARGET FILE. docs/reliability.md, "Fuzzing".
# Bad arguments: one line "fuzz.sh: error: ..." on stderr, exit 2, nothing built.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

all_targets=(fuzz_hw_config fuzz_model fuzz_npy fuzz_tensor_proto fuzz_onnx fuzz_schedule)
seconds=30
runs=""
keep=0
crashes=0
build=build-fuzz
targets=()
usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "fuzz.sh: error: $*" >&2; exit 2; }
need_value() { [[ $2 -ge 2 ]] || die "$1 needs a value"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) need_value "$1" $#; seconds=$2; shift 2 ;;
    --runs) need_value "$1" $#; runs=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --crashes) crashes=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *)
      [[ " ${all_targets[*]} " == *" $1 "* ]] || die "unknown target '$1' (expected one of: ${all_targets[*]})"
      targets+=("$1"); shift ;;
  esac
done
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")
[[ "$seconds" =~ ^[0-9]{1,9}$ ]] || die "--seconds '$seconds' is not a number of seconds"
[[ -z "$runs" || "$runs" =~ ^[0-9]{1,18}$ ]] || die "--runs '$runs' is not a number"

command -v clang++ >/dev/null || die "clang++ not found (apt-get install clang libclang-rt-14-dev)"
if [[ ! -f $build/build.ninja ]]; then
  cmake -S fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C "$build" "${targets[@]}" >/dev/null

dict_of() {
  case "$1" in
    fuzz_hw_config) echo fuzz/hw_config.dict ;;
    fuzz_model) echo fuzz/model.dict ;;
    fuzz_npy) echo fuzz/npy.dict ;;
    fuzz_tensor_proto) echo fuzz/tensor_proto.dict ;;
    fuzz_onnx) echo fuzz/onnx.dict ;;
    fuzz_schedule) echo fuzz/schedule.dict ;;
  esac
}

kind_of() {
  case "$1" in
    fuzz_hw_config) echo hw ;;
    fuzz_model) echo model ;;
    fuzz_npy) echo npy ;;
    fuzz_tensor_proto) echo pb ;;
    fuzz_onnx) echo onnx ;;
    fuzz_schedule) echo schedule ;;
  esac
}

failed=0
if [[ $crashes -eq 1 ]]; then
  for target in "${targets[@]}"; do
    for file in fuzz/crashes/"$(kind_of "$target")"-*; do
      [[ -f "$file" && "$file" != *.txtpb ]] || continue
      if "$build/$target" "$file" >"$build/replay.log" 2>&1; then
        echo "ok      $target $file"
      else
        failed=1
        echo "FAILED  $target $file: $(grep -m1 -E 'ERROR:|runtime error|tilesim fuzz finding' "$build/replay.log")"
      fi
    done
  done
  exit $failed
fi

printf '%-18s %12s %9s %7s %8s  %s\n' target executions exec/s cov ft outcome
work=''
trap '[[ -z $work || $keep -eq 1 ]] || rm -rf -- "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for target in "${targets[@]}"; do
  work=$(mktemp -d "${TMPDIR:-/tmp}/tilesim-fuzz-$target.XXXXXX")
  mkdir -p "$work/corpus" "$work/artifacts"
  cp fuzz/corpus/"$target"/* "$work/corpus/"
  args=(-max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1
        -dict="$(dict_of "$target")" -artifact_prefix="$work/artifacts/")
  [[ -n "$runs" ]] && args+=(-runs="$runs")
  status=0
  "$build/$target" "${args[@]}" "$work/corpus" >"$work/log" 2>&1 || status=$?

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$work/log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  if [[ $status -eq 0 ]]; then
    outcome="ok"
  else
    failed=1
    kind=$(grep -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-zA-Z-]+|runtime error|tilesim fuzz finding|deadly signal|timeout' "$work/log" | head -1 || true)
    mkdir -p "$build/findings/$target"
    cp "$work"/artifacts/* "$build/findings/$target/" 2>/dev/null || true
    cp "$work/log" "$build/findings/$target/last.log"
    outcome="FAILED (${kind:-exit $status}): $(ls "$work"/artifacts | head -3 | tr '\n' ' ')-> $build/findings/$target/ (log: last.log)"
  fi
  printf '%-18s %12s %9s %7s %8s  %s\n' "$target" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$outcome"
  if [[ $keep -eq 1 ]]; then
    echo "  kept: $work"
  else
    rm -rf -- "$work"
  fi
  work=''

done
exit $failed
