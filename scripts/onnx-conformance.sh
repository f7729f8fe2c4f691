#!/usr/bin/env bash
# Runs ONNX backend test cases through `tilesim run` on the default hardware and
# compares every output with the expected one (rtol 1e-3, atol 1e-7, as the ONNX
# backend tests do).
#
#   scripts/onnx-conformance.sh [--tilesim PATH] [--hw HW.yaml] [CASE_DIR ...]
#
# With no CASE_DIR: every case under /usr/share/libonnx-testdata/data (Debian's
# libonnx-testdata) whose ops are all ones tilesim supports (the list below).
# A case is a folder with model.onnx and test_data_set_*/{input,output}_N.pb.
# Prints one line per case - "pass", "fail" with the max error, or
# "unsupported" with tilesim's reason - then "N unsupported" and finally
# "N passed, N failed". Exits 1 when any case fails; 2 on bad arguments (one line
# "onnx-conformance.sh: error: ..." on stderr, before any case runs).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tilesim=${TILESIM:-$root/build/sim/tilesim}
hw=$root/configs/hw/default.yaml
data=/usr/share/libonnx-testdata/data
supported='^(MatMul|Gemm|Relu|Add|Transpose|Sub|Mul|Max|Min|Clip|LeakyRelu|Sigmoid|Tanh|HardSigmoid|HardSwish|Identity|Dropout|Constant|Conv|BatchNormalization|Flatten|MaxPool|AveragePool|GlobalMaxPool|GlobalAveragePool|Pad|Reshape|Squeeze|Unsqueeze|Concat|Shape|Gather|Slice|Split|Expand|Cast|ConstantOfShape|Range|Where|Equal|Less|Greater|Div|Softmax|LayerNormalization|ReduceMean|ReduceSum|ReduceMax|Pow|Sqrt|Reciprocal|Exp|Neg|Erf|Gelu)$'
cases=()

die() { echo "onnx-conformance.sh: error: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tilesim | --hw)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      if [[ $1 == --hw ]]; then hw=$2; else tilesim=$2; fi
      shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; cases+=("$@"); break ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) cases+=("$1") ;;
  esac
  shift
done
[[ -f $tilesim && -x $tilesim ]] || die "no tilesim at $tilesim (build it, or pass --tilesim PATH)"
[[ -f $hw ]] || die "--hw $hw: no such file"
for dir in "${cases[@]}"; do
  [[ -f $dir/model.onnx ]] || die "$(printf '%q' "$dir") has no model.onnx"
done
command -v protoc >/dev/null || die "protoc is missing (Debian package protobuf-compiler)"
[[ -f /usr/include/onnx/onnx.proto ]] || die "/usr/include/onnx/onnx.proto is missing (package libonnx-dev)"

# shellcheck source=scripts/onnx-lib.sh
source "$root/scripts/onnx-lib.sh"

if [[ ${#cases[@]} -eq 0 ]]; then
  [[ -d $data ]] || die "no cases given and $data is missing (package libonnx-testdata)"
  while IFS= read -r -d '' model; do
    dir=${model%/model.onnx}
    ops=$(ops_of "$dir")
    [[ -n $ops ]] || continue
    if ! grep -qvE "$supported" <<<"$ops"; then cases+=("$dir"); fi
  done < <(find "$data" -name model.onnx -print0 | sort -z)
fi

passed=0 failed=0 unsupported=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/onnx-conformance.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_case DIR: sets verdict (pass, fail, unsupported) and detail.
run_case() {
  local dir=$1 set i rc name
  local -a inputs=() outputs=() args
  verdict=pass detail=""
  graph_io "$dir"
  inputs=("${INPUTS[@]}") outputs=("${OUTPUTS[@]}")
  for name in "${inputs[@]}" "${outputs[@]}"; do
    # tilesim's --input/--expect NAME=FILE ends the name at the first '='.
    if [[ $name == *=* ]]; then verdict=unsupported detail="tensor name $(printf '%q' "$name") contains '='"; return; fi
  done
  # Every schedule also goes through the independent validator.
  rc=0
  "$tilesim" compile --hw "$hw" --model "$dir/model.onnx" --validate >/dev/null 2>"$tmp/err" || rc=$?
  if ((rc == 2)); then
    verdict=unsupported detail=$(sed 's/^tilesim: error: //' "$tmp/err" | head -n 1); return
  elif ((rc != 0)); then
    verdict=fail detail="invalid schedule: $(head -n 1 "$tmp/err")"; return
  fi
  for set in "$dir"/test_data_set_*; do
    args=(run --hw "$hw" --model "$dir/model.onnx" --rtol 1e-3 --atol 1e-7)
    for i in "${!inputs[@]}"; do args+=(--input "${inputs[i]}=$set/input_$i.pb"); done
    for i in "${!outputs[@]}"; do args+=(--expect "${outputs[i]}=$set/output_$i.pb"); done
    rc=0
    "$tilesim" "${args[@]}" >"$tmp/out" 2>"$tmp/err" || rc=$?
    if ((rc == 2)); then
      verdict=unsupported detail=$(sed 's/^tilesim: error: //' "$tmp/err" | head -n 1); return
    elif ((rc == 3)); then
      verdict=fail detail="${set##*/}: $(grep -m1 'BEYOND' "$tmp/out" | sed 's/^ *//')"; return
    elif ((rc != 0)); then
      verdict=fail detail="${set##*/}: exit $rc: $(head -n 1 "$tmp/err")"; return
    fi
  done
}

for dir in "${cases[@]}"; do
  label=${dir#"$data"/}
  run_case "$dir"
  case $verdict in
    pass) ((++passed)); echo "pass         $label" ;;
    fail) ((++failed)); echo "fail         $label  $detail" ;;
    unsupported) ((++unsupported)); echo "unsupported  $label  $detail" ;;
  esac
done
echo "$unsupported unsupported"
echo "$passed passed, $failed failed"
((failed == 0)) || exit 1
