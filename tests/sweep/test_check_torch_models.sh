#!/usr/bin/env bash
# shellcheck disable=SC2016  # $(...) in single quotes is hostile text, not an expansion
# scripts/check-torch-models.sh on copies of two committed models that tilesim runs today
# (mlp_gemm; matmul_two_io with two graph inputs and two outputs, paired by the names read
# from the model) and on broken copies: an output off by a lot (fail, with tilesim's
# BEYOND TOLERANCE line), an op no machine has (unsupported, with tilesim's reason), an
# input_K.npy the graph has no input for and a missing output_K.npy (fail, saying so), a
# folder with a hostile name (run as data). Checks every line, the totals and the exit
# codes (1 with a failure, 0 with passes and unsupported only), and --list.
# Usage: test_check_torch_models.sh TILESIM SOURCE_DIR
set -euo pipefail

# shellcheck source=tests/sweep/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"
setup_test test_check_torch_models "$@"
command -v protoc >/dev/null || fail "protoc is missing (Debian package protobuf-compiler)"
mkdir -p "$tmp/cwd" "$tmp/m"
models=$src/tests/models/torch
check() { (cd "$tmp/cwd" && "$src/scripts/check-torch-models.sh" --tilesim "$tilesim" "$@"); }
m=$tmp/m

hostile='a b $(touch PWNED) '\''q'\'
cp -r "$models/mlp_gemm" "$m/ok"
cp -r "$models/matmul_two_io" "$m/$hostile"
cp -r "$models/mlp_gemm" "$m/wrong"
# the exponent byte of output element [1, 3] (after the 128-byte header): a value far off
printf '\x45' | dd of="$m/wrong/output_0.npy" bs=1 seek=$((128 + 4 * 13 + 3)) conv=notrunc status=none
cp -r "$models/mlp_gemm" "$m/unsup"
protoc --decode=onnx.ModelProto -I /usr/include onnx/onnx.proto <"$models/mlp_gemm/model.onnx" |
  sed 's/op_type: "Relu"/op_type: "NoSuchOp"/' |
  protoc --encode=onnx.ModelProto -I /usr/include onnx/onnx.proto >"$m/unsup/model.onnx"
cp -r "$models/mlp_gemm" "$m/extra"
cp "$m/extra/input_0.npy" "$m/extra/input_1.npy"
cp -r "$models/mlp_gemm" "$m/missing"
rm "$m/missing/output_0.npy"

rc=0
check --sram-kib 64 "$m/ok" "$m/$hostile" "$m/wrong" "$m/unsup" "$m/extra" "$m/missing" >"$tmp/out" 2>"$tmp/err" || rc=$?
((rc == 1)) || fail "exit $rc with a failing case, expected 1: $(cat "$tmp/out" "$tmp/err")"
[[ ! -s $tmp/err ]] || fail "stderr is not empty: $(cat "$tmp/err")"
mapfile -t lines <"$tmp/out"
((${#lines[@]} == 7)) || fail "${#lines[@]} lines, expected 6 cases and the totals: $(cat "$tmp/out")"
[[ ${lines[0]} == "pass         $m/ok  sram.size_kib=64" ]] || fail "ok: ${lines[0]}"
[[ ${lines[1]} == "pass         $m/$hostile  sram.size_kib=64" ]] || fail "hostile name: ${lines[1]}"
[[ ${lines[2]} == "fail         $m/wrong  sram.size_kib=64  expect y ($m/wrong/output_0.npy): max abs error "*"(BEYOND TOLERANCE: [1, 3]: got "* ]] ||
  fail "wrong output: ${lines[2]}"
# (tilesim's own wording of the refusal is its business: its first line, naming the op)
[[ ${lines[3]} == "unsupported  $m/unsup  sram.size_kib=64  $m/unsup/model.onnx: "*NoSuchOp* ]] ||
  fail "unsupported op: ${lines[3]}"
[[ ${lines[4]} == "fail         $m/extra  sram.size_kib=64  input_1.npy is there, but the model has no graph input 1" ]] ||
  fail "extra input: ${lines[4]}"
[[ ${lines[5]} == "fail         $m/missing  sram.size_kib=64  no output_0.npy for graph output 0 (y)" ]] ||
  fail "missing output: ${lines[5]}"
[[ ${lines[6]} == "2 passed, 3 failed, 1 unsupported" ]] || fail "totals: ${lines[6]}"
pass "pass, fail (beyond tolerance, extra input, missing output) and unsupported, one line each; exit 1"

rc=0
check "$m/ok" "$m/unsup" >"$tmp/out" 2>&1 || rc=$?
((rc == 0)) || fail "exit $rc with passes and unsupported only, expected 0: $(cat "$tmp/out")"
[[ $(tail -n 1 "$tmp/out") == "2 passed, 0 failed, 2 unsupported" ]] || fail "default sizes: $(cat "$tmp/out")"
grep -qx "pass         $m/ok  sram.size_kib=1024" "$tmp/out" || fail "no case at 1024 KiB: $(cat "$tmp/out")"
pass "default sizes 64 and 1024 KiB; passes and unsupported only: exit 0"

check --list --sram-kib 32,64 "$m/ok" >"$tmp/out"
[[ $(<"$tmp/out") == "$m/ok  sram.size_kib=32"$'\n'"$m/ok  sram.size_kib=64" ]] || fail "--list: $(cat "$tmp/out")"
check --list >"$tmp/out"
n=$(find "$models" -mindepth 2 -maxdepth 2 -name model.onnx | wc -l)
(($(wc -l <"$tmp/out") == 2 * n)) || fail "--list of the default folder: $(wc -l <"$tmp/out") lines for $n models"
grep -qx "mlp_gemm  sram.size_kib=1024" "$tmp/out" || fail "--list names the default folder's models by name"
pass "--list: each model at each size; the default folder's models by name"
no_pwned "$tmp" "$src"
