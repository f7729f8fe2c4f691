#!/usr/bin/env bash
# shellcheck disable=SC2016  # $(...) in single quotes is hostile text, not an expansion
# scripts/check-torch-models.sh on copies of two committed models that tilesim runs today
# (mlp_gemm; matmul_two_io with two graph inputs and two outputs, paired by the names read
# from the model) and on broken copies: an output off by a lot (fail, with tilesim's
# BEYOND TOLERANCE line), an op no machine has (unsupported, with tilesim's reason), an
# input_K.npy the graph has no input for and a missing output_K.npy (fail, saying so), a
# folder with a hostile name (run as data). Checks every line, the totals and the exit
# codes (1 with a failure, 0 with passes and unsupported only), and --list. `min`: each
# model's own minimum SRAM, tilesim's figure; the next size a banked machine allows; a
# tilesim that refuses the size it named (a stand-in script) fails the case.
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
# mlp_gemm: a Gemm with a bias needs 4 tiles, 16 KiB (tilesim's figure); the default
# machine's range starts at 12 KiB, where tilesim refuses it.
mapfile -t lines <"$tmp/out"
((${#lines[@]} == 7)) || fail "${#lines[@]} lines, expected 6 cases and the totals: $(cat "$tmp/out")"
[[ ${lines[0]} == "pass         $m/ok  sram.size_kib=16 (min)" ]] || fail "min: ${lines[0]}"
[[ ${lines[1]} == "pass         $m/ok  sram.size_kib=64" ]] || fail "64 KiB: ${lines[1]}"
[[ ${lines[2]} == "pass         $m/ok  sram.size_kib=1024" ]] || fail "1024 KiB: ${lines[2]}"
[[ ${lines[3]} == "unsupported  $m/unsup  sram.size_kib=min  $m/unsup/model.onnx: "*NoSuchOp* ]] ||
  fail "unsupported at min: ${lines[3]}"
[[ ${lines[6]} == "3 passed, 0 failed, 3 unsupported" ]] || fail "totals: ${lines[6]}"
pass "default sizes min, 64 and 1024 KiB (mlp_gemm's minimum: 16 KiB); passes and unsupported only: exit 0"

# matmul_two_io has no bias: 3 tiles, the machine's smallest size, 12 KiB.
check --sram-kib min "$m/$hostile" >"$tmp/out"
[[ $(head -n 1 "$tmp/out") == "pass         $m/$hostile  sram.size_kib=12 (min)" ]] || fail "min at 12 KiB: $(cat "$tmp/out")"
# A banked machine whose 512 banks x 64 B interleave must divide the size: 32 KiB.
sed 's/^sram: .*/sram: { size_kib: 256, banks: 512, interleave_bytes: 64 }/' "$src/configs/hw/default.yaml" >"$tmp/banked.yaml"
check --hw "$tmp/banked.yaml" --sram-kib min "$m/ok" >"$tmp/out"
[[ $(head -n 1 "$tmp/out") == "pass         $m/ok  sram.size_kib=32 (min)" ]] || fail "min on a banked machine: $(cat "$tmp/out")"
pass "min: 12 KiB without a bias; the next size a banked machine allows (32 KiB)"

# A stand-in tilesim whose compile refuses, as too small, the very size it names as the minimum.
printf '%s\n' '#!/usr/bin/env bash' \
  '[[ $1 == compile ]] && for a in "$@"; do' \
  '  if [[ $a == sram.size_kib=16 ]]; then' \
  "    echo \"tilesim: error: hw.yaml: sram.size_kib: 16 KiB holds 4 tiles, too few for model 'm' (expected at least 16 KiB: one EXEC of this model needs 4 tiles)\" >&2" \
  '    exit 2' \
  '  fi' \
  'done' \
  "exec '$tilesim' \"\$@\"" >"$tmp/liar"
chmod +x "$tmp/liar"
rc=0
(cd "$tmp/cwd" && "$src/scripts/check-torch-models.sh" --tilesim "$tmp/liar" --sram-kib min "$m/ok") >"$tmp/out" 2>&1 || rc=$?
((rc == 1)) || fail "exit $rc when tilesim refuses its own minimum, expected 1: $(cat "$tmp/out")"
[[ $(head -n 1 "$tmp/out") == "fail         $m/ok  sram.size_kib=16 (min)  refused at its own minimum: hw.yaml: sram.size_kib: 16 KiB holds 4 tiles"* ]] ||
  fail "refused at its own minimum: $(cat "$tmp/out")"
pass "min: a tilesim that refuses the minimum it named fails the case (not unsupported)"

check --list --sram-kib 32,min "$m/ok" >"$tmp/out"
[[ $(<"$tmp/out") == "$m/ok  sram.size_kib=32"$'\n'"$m/ok  sram.size_kib=min" ]] || fail "--list: $(cat "$tmp/out")"
check --list >"$tmp/out"
n=$(find "$models" -mindepth 2 -maxdepth 2 -name model.onnx | wc -l)
(($(wc -l <"$tmp/out") == 3 * n)) || fail "--list of the default folder: $(wc -l <"$tmp/out") lines for $n models"
grep -qx "mlp_gemm  sram.size_kib=min" "$tmp/out" || fail "--list names the default folder's models by name"
pass "--list: each model at each size; the default folder's models by name"
no_pwned "$tmp" "$src"
