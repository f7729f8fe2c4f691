#!/usr/bin/env bash
# shellcheck disable=SC2016  # $(...) and `...` in single quotes are hostile text
# scripts/onnx-conformance.sh with hostile names: a copy of the ONNX backend case test_relu
# whose input and output tensors are renamed (quotes, $(...), backticks, brackets, a
# newline, a backslash, UTF-8) in a folder named likewise must pass - each name reaching
# tilesim exactly, as one argument - and run nothing (no file PWNED appears).
# Usage: test_onnx_conformance_names.sh TILESIM SOURCE_DIR
set -euo pipefail

# shellcheck source=tests/sweep/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"
setup_test test_onnx_conformance_names "$@"
mkdir -p "$tmp/cwd"

relu=/usr/share/libonnx-testdata/data/node/test_relu
[[ -f $relu/model.onnx ]] || fail "$relu is missing (Debian package libonnx-testdata)"
command -v protoc >/dev/null || fail "protoc is missing (Debian package protobuf-compiler)"

case_dir=$tmp/$'case "q" $(touch PWNED) `touch PWNED` [a] {b} ;\nnl'
mkdir -p "$case_dir"
cp -r "$relu/test_data_set_0" "$case_dir/"
# protobuf text format escapes: \" \\ \n and octal bytes (here UTF-8 for é)
in_text='in put \"q\" $(touch PWNED) `touch PWNED` [c] \303\251 \n nl'
out_text='out\\put {1} $HOME'
protoc --decode=onnx.ModelProto -I /usr/include onnx/onnx.proto <"$relu/model.onnx" |
  IN=$in_text OUT=$out_text awk '
    function swap(s, from, to,   i) { i = index(s, from); return i ? substr(s, 1, i - 1) to substr(s, i + length(from)) : s }
    { print swap(swap($0, "\"x\"", "\"" ENVIRON["IN"] "\""), "\"y\"", "\"" ENVIRON["OUT"] "\"") }' |
  protoc --encode=onnx.ModelProto -I /usr/include onnx/onnx.proto >"$case_dir/model.onnx"
in_name=$'in put "q" $(touch PWNED) `touch PWNED` [c] \xc3\xa9 \n nl'
out_name='out\put {1} $HOME'
# (the premise: tilesim itself accepts these names given exactly)
"$tilesim" run --hw "$src/configs/hw/default.yaml" --model "$case_dir/model.onnx" \
  --input "$in_name=$case_dir/test_data_set_0/input_0.pb" \
  --expect "$out_name=$case_dir/test_data_set_0/output_0.pb" >/dev/null 2>"$tmp/err" ||
  fail "test premise: tilesim refuses the renamed case: $(cat "$tmp/err")"

rc=0
(cd "$tmp/cwd" && "$src/scripts/onnx-conformance.sh" --tilesim "$tilesim" "$case_dir") >"$tmp/out" 2>"$tmp/err" || rc=$?
((rc == 0)) || fail "onnx-conformance.sh: exit $rc: $(cat "$tmp/out" "$tmp/err")"
[[ $(tail -n 1 "$tmp/out") == "1 passed, 0 failed" && $(head -n 1 "$tmp/out") == "pass "* ]] ||
  fail "onnx-conformance.sh did not pass the renamed case: $(cat "$tmp/out")"
no_pwned "$tmp" "$src"
pass "onnx-conformance.sh: hostile tensor names and case folder reach tilesim intact; nothing run"
