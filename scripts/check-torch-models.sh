#!/usr/bin/env bash
# Runs the PyTorch test models (tests/models/torch, made by scripts/export-torch-models.py)
# through `tilesim run` at each SRAM size and compares every output with PyTorch's.
#
#   scripts/check-torch-models.sh [--tilesim PATH] [--hw HW.yaml] [--sram-kib LIST]
#                                 [--list] [MODEL_DIR ...]
#
# MODEL_DIR: a folder with model.onnx, input_K.npy and output_K.npy (K = 0, 1, ... in the
# order of the model's graph inputs and outputs, whose names are read from the model);
# default: every such folder under tests/models/torch. --sram-kib: comma-separated SRAM
# sizes in KiB or `min` (default min,64,1024), each run as --set sram.size_kib=S on --hw
# (default configs/hw/default.yaml). `min` is each model's own minimum, the smallest size
# that compiles it, from tilesim's own figure: `tilesim compile` at the smallest size the
# hardware allows (the low end of the range `check-config` names); if it refuses the model
# as too small, its message names the minimum ("at least N KiB: one EXEC of this model needs
# T tiles", from sched::min_sram_tiles), and every smaller size is refused the same way.
# When the hardware does not allow a size (SRAM banks must divide it), the next larger one it
# allows is taken, tried KiB by KiB up to 1024 KiB further. The case line gives the size
# found: "sram.size_kib=16 (min)". A case is one model at one size; --list prints the cases.
# Each case runs `tilesim compile --validate` (the independent schedule validator), then
# `tilesim run --verify` (against the host reference) with `--expect` of every output.
# Prints one line per case - "pass", "fail" with tilesim's message, or "unsupported"
# with tilesim's one-line reason (its exit code 2) - then "N passed, N failed,
# N unsupported". Exits 1 when any case fails, else 0; 2 on bad arguments (one line
# "check-torch-models.sh: error: ..." on stderr, before any case runs).
#
# Tolerance against PyTorch: |got - expected| <= 1e-4 + 1e-3 * |expected| per element.
# Both sides compute in float32 but sum in different orders (PyTorch: its CPU conv and
# BLAS kernels; tilesim: 32-wide K tiles in ascending k), and tilesim folds BatchNorm into
# the weights where PyTorch applies it after the conv. A dot product of K terms then
# differs by about sqrt(K) * 2^-24 * sum|a*b| - for the largest K here (576: 3x3 over 64
# channels) about 1.5e-6 of the terms' magnitude - and such relative differences add up
# over the ~20 layers of resnet_mini to some 1e-5: rtol 1e-3 leaves a margin of 10x or
# more for that. atol covers elements that cancel to near 0, whose relative error is
# unbounded while their absolute error stays near the scale of the terms times 1e-6;
# the exporter keeps every output's standard deviation between 0.05 and 50, so 1e-4 is at
# most 0.2 % of the output's spread, while any wrong tap, pad, stride, group or BN
# parameter moves elements by a sizeable fraction of it. --verify adds tilesim's own
# tolerance against its double-precision reference (docs/formats.md).
set -euo pipefail

prog=check-torch-models.sh
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tilesim=${TILESIM:-$root/build/sim/tilesim}
hw=$root/configs/hw/default.yaml
models=$root/tests/models/torch
sram_list=min,64,1024
rtol=1e-3 atol=1e-4
list=0
dirs=()

die() { echo "$prog: error: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tilesim | --hw | --sram-kib)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      case $1 in --tilesim) tilesim=$2 ;; --hw) hw=$2 ;; --sram-kib) sram_list=$2 ;; esac
      shift ;;
    --list) list=1 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; dirs+=("$@"); break ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) dirs+=("$1") ;;
  esac
  shift
done

# The SRAM sizes: whole numbers, each once (tilesim itself checks the range below).
sizes=()
declare -A seen=()
[[ -n $sram_list ]] || die "--sram-kib is empty (expected sizes in KiB such as 64,1024)"
[[ $sram_list =~ ^[0-9a-z,]+$ ]] ||
  die "--sram-kib ${sram_list//[[:cntrl:]]/?}: expected comma-separated whole numbers of KiB such as 64,1024, or min"
IFS=, read -r -a items <<<"$sram_list,"
for i in "${!items[@]}"; do
  s=${items[i]}
  [[ -n $s ]] || die "--sram-kib $sram_list: size $((i + 1)) is empty"
  [[ $s == min || $s =~ ^[1-9][0-9]*$ ]] ||
    die "--sram-kib $sram_list: $s is not a size in KiB (expected a whole number from 1, without leading zeros, or min)"
  [[ -z ${seen[$s]:-} ]] || die "--sram-kib $sram_list: $s is given twice"
  seen[$s]=1 sizes+=("$s")
done

if [[ ${#dirs[@]} -eq 0 ]]; then
  [[ -d $models ]] || die "no MODEL_DIR given and $models is missing"
  while IFS= read -r -d '' model; do dirs+=("${model%/model.onnx}"); done \
    < <(find "$models" -mindepth 2 -maxdepth 2 -name model.onnx -print0 | sort -z)
  [[ ${#dirs[@]} -gt 0 ]] || die "no model folders under $models (run scripts/export-torch-models.py)"
fi
for dir in "${dirs[@]}"; do
  [[ -f $dir/model.onnx ]] || die "$(printf '%q' "$dir") has no model.onnx"
done

label_of() { # label_of DIR: REPLY = the model's name if DIR is in the default folder, else DIR
  local abs
  REPLY=$1
  abs=$(cd -- "$1" && pwd -P) && [[ -n $models_abs && ${abs%/*} == "$models_abs" ]] && REPLY=${abs##*/}
  return 0
}
models_abs=$(cd -- "$models" 2>/dev/null && pwd -P) || models_abs=''
if ((list)); then
  for dir in "${dirs[@]}"; do
    label_of "$dir"
    for s in "${sizes[@]}"; do printf '%s  sram.size_kib=%s\n' "$REPLY" "$s"; done
  done
  exit 0
fi

[[ -f $tilesim && -x $tilesim ]] || die "no tilesim at $tilesim (build it, or pass --tilesim PATH)"
[[ -f $hw ]] || die "--hw $hw: no such file"
command -v protoc >/dev/null || die "protoc is missing (Debian package protobuf-compiler)"
[[ -f /usr/include/onnx/onnx.proto ]] || die "/usr/include/onnx/onnx.proto is missing (package libonnx-dev)"
for s in "${sizes[@]}"; do # (tilesim's message names the range the machine allows)
  [[ $s != min ]] || continue
  err=$("$tilesim" check-config "$hw" --set "sram.size_kib=$s" 2>&1 >/dev/null) ||
    die "--sram-kib $sram_list: ${err#tilesim: error: }"
done
if [[ -n ${seen[min]:-} ]]; then # the smallest size the hardware allows: its range's low end
  err=$("$tilesim" check-config "$hw" --set sram.size_kib=0 2>&1 >/dev/null) && err=''
  floor_kib=$(sed -n 's/.*sram\.size_kib: 0 is too small (expected an integer from \([0-9]*\) to .*/\1/p' <<<"$err")
  [[ -n $floor_kib ]] || die "--sram-kib min: cannot read the smallest SRAM size from tilesim check-config: ${err:-it accepts 0 KiB}"
fi
# shellcheck source=scripts/onnx-lib.sh
source "$root/scripts/onnx-lib.sh"

passed=0 failed=0 unsupported=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-torch-models.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# tensor_args DIR: TENSORS = --input/--expect NAME=DIR/KIND_K.npy for the model's graph
# inputs and outputs; returns 1 with verdict and detail set when it cannot: a name with '='
# (tilesim cannot take it: unsupported), files that do not match the graph (fail).
tensor_args() {
  local dir=$1 kind flag k name
  local -a names
  graph_io "$dir"
  for kind in input output; do
    if [[ $kind == input ]]; then names=("${INPUTS[@]}") flag=--input; else names=("${OUTPUTS[@]}") flag=--expect; fi
    for k in "${!names[@]}"; do
      name=${names[k]}
      # tilesim's --input/--expect NAME=FILE ends the name at the first '='.
      [[ $name != *=* ]] || { verdict=unsupported detail="graph $kind $(printf '%q' "$name") contains '='"; return 1; }
      [[ -f $dir/${kind}_$k.npy ]] || { verdict=fail detail="no ${kind}_$k.npy for graph $kind $k ($(printf '%q' "$name"))"; return 1; }
      TENSORS+=("$flag" "$name=$dir/${kind}_$k.npy")
    done
    k=${#names[@]}
    [[ ! -e $dir/${kind}_$k.npy ]] || { verdict=fail detail="${kind}_$k.npy is there, but the model has no graph $kind $k"; return 1; }
  done
}

# allowed_from KIB: REPLY = the smallest size from KIB up (at most 1024 KiB further) that --hw
# allows; returns 1 with verdict and detail set when there is none.
allowed_from() {
  local kib=$1 last=$(($1 + 1024)) err
  for ((; kib <= last; ++kib)); do
    if err=$("$tilesim" check-config "$hw" --set "sram.size_kib=$kib" 2>&1 >/dev/null); then REPLY=$kib; return 0; fi
  done
  verdict=fail detail="no SRAM size from $1 to $last KiB that $(basename -- "$hw") allows: ${err#tilesim: error: }"
  return 1
}

# min_kib DIR: REPLY = the smallest SRAM size in KiB that compiles the model (see the header);
# returns 1 with verdict and detail set when the model does not compile at any (unsupported)
# or tilesim's refusal names no minimum (fail).
min_kib() {
  local dir=$1 rc=0 need
  allowed_from "$floor_kib" || return 1
  "$tilesim" compile --hw "$hw" --model "$dir/model.onnx" --set "sram.size_kib=$REPLY" >/dev/null 2>"$tmp/err" || rc=$?
  ((rc != 0)) || return 0
  need=$(sed -n 's/.*sram\.size_kib: .* too few for model .*(expected at least \([0-9]*\) KiB: .*/\1/p' "$tmp/err")
  if ((rc == 2)) && [[ -n $need ]]; then
    allowed_from "$need"
  elif ((rc == 2)); then
    verdict=unsupported detail=$(sed 's/^tilesim: error: //' "$tmp/err" | head -n 1); return 1
  else
    verdict=fail detail="tilesim compile at $REPLY KiB: exit $rc: $(head -n 1 "$tmp/err")"; return 1
  fi
}

# run_case DIR KIB: sets verdict (pass, fail, unsupported) and detail. Needs tensor_args's
# verdict and TENSORS for DIR.
run_case() {
  local dir=$1 kib=$2 rc
  local -a base=(--hw "$hw" --model "$dir/model.onnx" --set "sram.size_kib=$kib")
  rc=0
  "$tilesim" compile "${base[@]}" --validate >/dev/null 2>"$tmp/err" || rc=$?
  if ((rc == 2)); then
    verdict=unsupported detail=$(sed 's/^tilesim: error: //' "$tmp/err" | head -n 1); return
  elif ((rc != 0)); then
    verdict=fail detail="invalid schedule: $(head -n 1 "$tmp/err")"; return
  fi
  rc=0
  "$tilesim" run "${base[@]}" "${TENSORS[@]}" --rtol "$rtol" --atol "$atol" --verify >"$tmp/out" 2>"$tmp/err" || rc=$?
  verdict=fail detail=""
  case $rc in
    0) verdict=pass ;;
    2) verdict=unsupported detail=$(sed 's/^tilesim: error: //' "$tmp/err" | head -n 1) ;;
    3) detail=$(grep 'BEYOND' "$tmp/out" | sed 's/^ *//' | awk 'NR > 1 { printf "; " } { printf "%s", $0 }')
       detail=${detail:-"exit 3: $(head -n 1 "$tmp/err")"} ;;
    *) detail="exit $rc: $(head -n 1 "$tmp/err")" ;;
  esac
}

for dir in "${dirs[@]}"; do
  label_of "$dir"
  label=$REPLY
  TENSORS=() verdict=pass detail=""
  tensor_args "$dir" || true # (a folder that does not match its model: every case says so)
  files_verdict=$verdict files_detail=$detail
  for s in "${sizes[@]}"; do
    size=$s
    if [[ $files_verdict != pass ]]; then
      verdict=$files_verdict detail=$files_detail
    elif [[ $s != min ]]; then
      run_case "$dir" "$s"
    elif min_kib "$dir"; then
      size="$REPLY (min)"
      run_case "$dir" "$REPLY"
      # (refused as too small at the minimum tilesim itself named: a defect, not a limit)
      [[ $verdict != unsupported || $detail != *"too few for model"* ]] ||
        verdict=fail detail="refused at its own minimum: $detail"
    fi
    case $verdict in
      pass) ((++passed)); echo "pass         $label  sram.size_kib=$size" ;;
      fail) ((++failed)); echo "fail         $label  sram.size_kib=$size  $detail" ;;
      unsupported) ((++unsupported)); echo "unsupported  $label  sram.size_kib=$size  $detail" ;;
    esac
  done
done
echo "$passed passed, $failed failed, $unsupported unsupported"
((failed == 0)) || exit 1
