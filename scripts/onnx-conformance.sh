#!/usr/bin/env bash
# Runs ONNX backend test cases through `tilesim run` on the default hardware and
# compares every output with the expected one (rtol 1e-3, atol 1e-7, as the ONNX
# backend tests do).
#
#   scripts/onnx-conformance.sh [--tilesim PATH] [--hw HW.yaml] [CASE_DIR ...]
#
# With no CASE_DIR: every case under /usr/share/libonnx-testdata/data (Debian's
# libonnx-testdata) whose ops are all MatMul, Gemm, Relu, Add or Transpose.
# A case is a folder with model.onnx and test_data_set_*/{input,output}_N.pb.
# Prints one line per case - "pass", "fail" with the max error, or
# "unsupported" with tilesim's reason - then "N unsupported" and finally
# "N passed, N failed". Exits 1 when any case fails, 2 on bad arguments.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tilesim=${TILESIM:-$root/build/sim/tilesim}
hw=$root/configs/hw/default.yaml
data=/usr/share/libonnx-testdata/data
supported='^(MatMul|Gemm|Relu|Add|Transpose)$'
cases=()

die() { echo "onnx-conformance.sh: error: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tilesim) tilesim=${2:?--tilesim needs a path}; shift ;;
    --hw) hw=${2:?--hw needs a file}; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) cases+=("$1") ;;
  esac
  shift
done
[[ -x $tilesim ]] || die "no tilesim at $tilesim (build it, or pass --tilesim PATH)"
command -v protoc >/dev/null || die "protoc is missing (Debian package protobuf-compiler)"
[[ -f /usr/include/onnx/onnx.proto ]] || die "/usr/include/onnx/onnx.proto is missing (package libonnx-dev)"

# The model as protobuf text (protoc), for op types and graph input/output names.
decode() { protoc --decode=onnx.ModelProto -I /usr/include onnx/onnx.proto <"$1/model.onnx" 2>/dev/null; }
ops_of() { decode "$1" | sed -n 's/^ *op_type: "\(.*\)"$/\1/p' | sort -u; }
# Top-level graph fields are indented by two spaces: "  input {", "    name: ...".
names_of() {  # names_of CASE input|output|initializer
  decode "$1" | awk -v field="$2" '
    $0 == "  " field " {" { want = 1; next }
    want && /^    name: / { sub(/^    name: "/, ""); sub(/"$/, ""); print; want = 0 }'
}

if [[ ${#cases[@]} -eq 0 ]]; then
  [[ -d $data ]] || die "no cases given and $data is missing (package libonnx-testdata)"
  while IFS= read -r model; do
    dir=$(dirname "$model")
    ops=$(ops_of "$dir")
    [[ -n $ops ]] || continue
    if ! grep -qvE "$supported" <<<"$ops"; then cases+=("$dir"); fi
  done < <(find "$data" -name model.onnx | sort)
fi

passed=0 failed=0 unsupported=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dir in "${cases[@]}"; do
  label=${dir#"$data"/}
  [[ -f $dir/model.onnx ]] || die "$dir has no model.onnx"
  mapfile -t inits < <(names_of "$dir" initializer)
  mapfile -t inputs < <(names_of "$dir" input | grep -vxF -f <(printf '%s\n' "${inits[@]}" "") || true)
  mapfile -t outputs < <(names_of "$dir" output)
  verdict=pass detail=""
  # Every schedule also goes through the independent validator.
  rc=0
  "$tilesim" compile --hw "$hw" --model "$dir/model.onnx" --validate >/dev/null 2>"$tmp/err" || rc=$?
  if ((rc == 2)); then
    verdict=unsupported detail=$(sed 's/^tilesim: error: //' "$tmp/err" | head -n 1)
  elif ((rc != 0)); then
    verdict=fail detail="invalid schedule: $(head -n 1 "$tmp/err")"
  fi
  for set in "$dir"/test_data_set_*; do
    [[ $verdict == pass ]] || break
    args=(run --hw "$hw" --model "$dir/model.onnx" --rtol 1e-3 --atol 1e-7)
    for i in "${!inputs[@]}"; do args+=(--input "${inputs[$i]}=$set/input_$i.pb"); done
    for i in "${!outputs[@]}"; do args+=(--expect "${outputs[$i]}=$set/output_$i.pb"); done
    rc=0
    "$tilesim" "${args[@]}" >"$tmp/out" 2>"$tmp/err" || rc=$?
    if ((rc == 2)); then
      verdict=unsupported detail=$(sed 's/^tilesim: error: //' "$tmp/err" | head -n 1)
      break
    elif ((rc == 3)); then
      verdict=fail detail="$(basename "$set"): $(grep -m1 'BEYOND' "$tmp/out" | sed 's/^ *//')"
      break
    elif ((rc != 0)); then
      verdict=fail detail="$(basename "$set"): exit $rc: $(head -n 1 "$tmp/err")"
      break
    fi
  done
  case $verdict in
    pass) ((++passed)); echo "pass         $label" ;;
    fail) ((++failed)); echo "fail         $label  $detail" ;;
    unsupported) ((++unsupported)); echo "unsupported  $label  $detail" ;;
  esac
done
echo "$unsupported unsupported"
echo "$passed passed, $failed failed"
((failed == 0)) || exit 1
