#!/usr/bin/env bash
# shellcheck disable=SC2016  # $(...) in single quotes is hostile text, not an expansion
# Bad arguments of every script under scripts/: exit 2, exactly one line
# "SCRIPT: error: ..." on stderr (the exact text is checked), nothing on stdout, nothing
# written. Covers sweep.sh's duplicate, empty and unusable --values, a key given twice, an
# --out that is a file, a tampered sweep.json for --collect, hostile text in messages
# (escaped onto one line), and the argument errors of sweep-sram.sh, sweep-point.sh,
# sweep-slurm.sbatch, wave-snapshot.sh, onnx-conformance.sh, check-torch-models.sh, fuzz.sh
# and setup.sh.
# Usage: test_script_args.sh TILESIM SOURCE_DIR
set -euo pipefail

# shellcheck source=tests/sweep/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"
setup_test test_script_args "$@"
mkdir -p "$tmp/cwd" "$tmp/data"
s=$src/scripts
hw=$src/configs/hw/default.yaml model=$src/configs/models/mlp.yaml
out=$tmp/data/new
base=(--tilesim "$tilesim" --hw "$hw" --model "$model")
sweep() { "$s/sweep.sh" "${base[@]}" "$@"; }
e='sweep.sh: error:'

# ---------------------------------------------------------------- sweep.sh: values and keys
expect_refusal "duplicate value 64,64" "$e --values 64,64 for sram.size_kib: 64 is the same point as 64 (give each value once)" \
  sweep --key sram.size_kib --values 64,64 --out "$out"
expect_refusal "064 names the point of 64" "$e --values 16,64,064 for sram.size_kib: 064 is the same point as 64 (give each value once)" \
  sweep --key sram.size_kib --values 16,64,064 --out "$out"
expect_refusal "1e3 names the point of 1000" "$e --values 1000,1e3 for clock_mhz: 1e3 is the same point as 1000 (give each value once)" \
  sweep --key clock_mhz --values 1000,1e3 --out "$out"
expect_refusal "+16 and 16.0 name the point of 16" "$e --values 16.0,+16 for sram.size_kib: +16 is the same point as 16.0 (give each value once)" \
  sweep --key sram.size_kib --values 16.0,+16 --out "$out"
expect_refusal "values differing only in case" "$e --values Fast,fast for name: fast is the same point as Fast (give each value once)" \
  sweep --key name --values Fast,fast --out "$out"
expect_refusal "an empty value between two" "$e --values 64,,128 for sram.size_kib: value 2 is empty" \
  sweep --key sram.size_kib --values 64,,128 --out "$out"
expect_refusal "an empty last value" "$e --values 64, for sram.size_kib: value 2 is empty" \
  sweep --key sram.size_kib --values 64, --out "$out"
expect_refusal "no value at all" "$e --values '' for sram.size_kib: no value" \
  sweep --key sram.size_kib --values '' --out "$out"
expect_refusal "a value with ; and \$(...)" "$e --values 64;\$(touch PWNED) for sram.size_kib: '64;\$(touch PWNED)' is not a --set value (letters, digits and . _ + - only)" \
  sweep --key sram.size_kib --values '64;$(touch PWNED)' --out "$out"
expect_refusal "a value with a newline (escaped in the message)" "$e --values 64\\n128 for sram.size_kib: '64\\n128' is not a --set value (letters, digits and . _ + - only)" \
  sweep --key sram.size_kib --values $'64\n128' --out "$out"
expect_refusal "a value with = (not one --set value)" "$e --values 64=1 for sram.size_kib: '64=1' is not a --set value (letters, digits and . _ + - only)" \
  sweep --key sram.size_kib --values 64=1 --out "$out"
expect_refusal "a key given twice" "$e --key sram.size_kib given twice (give all its values in one --values)" \
  sweep --key sram.size_kib --values 16 --key sram.size_kib --values 32 --out "$out"
expect_refusal "a key with a space" "$e --key 'sram size': expected a hardware key such as sram.size_kib" \
  sweep --key 'sram size' --values 16 --out "$out"
expect_refusal "--values without --key" "$e --values 16 without a --key before it" \
  sweep --values 16 --out "$out"
long=$(printf 'v%.0s' {1..250})
expect_refusal "a point name too long for a file name" "$e the point sram.size_kib=$long makes a file name of 271 bytes, more than 255 (fewer keys or shorter values)" \
  sweep --key sram.size_kib --values "$long" --out "$out"

# ---------------------------------------------------------------- sweep.sh: other arguments
: >"$tmp/data/file"
expect_refusal "--out an existing regular file" "$e --out $tmp/data/file: exists and is not a directory" \
  sweep --key sram.size_kib --values 16 --out "$tmp/data/file"
expect_refusal "--out below a regular file" "$e --out $tmp/data/file/sub: cannot be created ($tmp/data/file is not a writable directory)" \
  sweep --key sram.size_kib --values 16 --out "$tmp/data/file/sub"
expect_refusal "no arguments" "$e --hw is required" "$s/sweep.sh"
expect_refusal "an unknown argument" "$e unknown argument '--bogus' (see --help)" sweep --bogus
expect_refusal "--out without its value" "$e --out needs a value" sweep --key sram.size_kib --values 16 --out
expect_refusal "a missing --hw file, named with a newline" "$e --hw $tmp/no\\nsuch.yaml: no such file" \
  "$s/sweep.sh" --hw "$tmp/no"$'\n'"such.yaml" --model "$model" --key sram.size_kib --values 16 --out "$out"
expect_refusal "--model a folder" "$e --model $tmp/data: not a regular file" \
  "$s/sweep.sh" --hw "$hw" --model "$tmp/data" --key sram.size_kib --values 16 --out "$out"
expect_refusal "--seed not a number" "$e --seed 1x: expected a non-negative integer" sweep --key sram.size_kib --values 16 --seed 1x --out "$out"
expect_refusal "--jobs 0" "$e --jobs 0: expected a positive integer" sweep --key sram.size_kib --values 16 --jobs 0 --out "$out"
expect_refusal "--point beyond the sweep" "$e --point 3: the sweep has 2 points" sweep --key sram.size_kib --values 16,32 --point 3 --out "$out"
expect_refusal "--transfer without --sshloginfile" "$e --transfer needs --sshloginfile" sweep --key sram.size_kib --values 16 --transfer --out "$out"
: >"$tmp/data/hosts"
expect_refusal "--sshloginfile with a path that ssh would split" \
  "$e --sshloginfile: '$tmp/data/a b' has characters other than letters, digits and . _ + - / (paths go to ssh and rsync on other hosts); use a plain path" \
  sweep --key sram.size_kib --values 16 --sshloginfile "$tmp/data/hosts" --out "$tmp/data/a b"
[[ ! -e $out ]] || fail "a refused sweep created its --out folder"

# ---------------------------------------------------------------- sweep.sh --collect
expect_refusal "--collect with other arguments" "$e --collect DIR takes no other sweep arguments (they are read from DIR/sweep.json)" \
  "$s/sweep.sh" --collect "$tmp/data" --key sram.size_kib
expect_refusal "--collect of a folder without sweep.json" "$e $tmp/data/sweep.json: not found (not a sweep directory)" \
  "$s/sweep.sh" --collect "$tmp/data"
mkdir -p "$tmp/data/tampered/points"
jq -n --arg hw "$hw" --arg model "$model" --arg t "$tilesim" '{format: "tilesim-sweep/1", tilesim: $t, hw: $hw, model: $model,
  seed: 1, keys: [{key: "sram.size_kib", values: ["16"]}], points: ["../../../x"]}' >"$tmp/data/tampered/sweep.json"
: >"$tmp/data/tampered/.sweep.lock"
expect_refusal "--collect of a sweep.json whose points are not its keys' values" \
  "$e $tmp/data/tampered/sweep.json: its points are not the product of its keys and values (edited by hand?)" \
  "$s/sweep.sh" --collect "$tmp/data/tampered"
jq '.keys[0].values = ["16", "$(touch PWNED)"] | .points = ["sram.size_kib=16", "sram.size_kib=$(touch PWNED)"]' \
  "$tmp/data/tampered/sweep.json" >"$tmp/spec" && cat "$tmp/spec" >"$tmp/data/tampered/sweep.json"
expect_refusal "--collect of a sweep.json with a hostile value" \
  "$e $tmp/data/tampered/sweep.json: values of sram.size_kib: '\$(touch PWNED)' is not a --set value (letters, digits and . _ + - only)" \
  "$s/sweep.sh" --collect "$tmp/data/tampered"
echo '[1, 2]' >"$tmp/data/tampered/sweep.json"
expect_refusal "--collect of a sweep.json that is no sweep" "$e $tmp/data/tampered/sweep.json: not a sweep definition written by sweep.sh" \
  "$s/sweep.sh" --collect "$tmp/data/tampered"

# ---------------------------------------------------------------- the other scripts
expect_refusal "sweep-sram.sh without a model" "sweep-sram.sh: error: usage: scripts/sweep-sram.sh MODEL [HW] [OUT] [options] (see --help)" \
  "$s/sweep-sram.sh"
expect_refusal "sweep-sram.sh with a missing model" "sweep-sram.sh: error: $tmp/data/none.yaml: no such file" \
  "$s/sweep-sram.sh" "$tmp/data/none.yaml"
p='sweep-point.sh: error:'
expect_refusal "sweep-point.sh with too few arguments" "$p usage: sweep-point.sh TILESIM HW MODEL POINTS_DIR SEED NAME [-- ARGS...]" \
  "$s/sweep-point.sh" "$tilesim" "$hw"
expect_refusal "sweep-point.sh with a NAME that is a path" "$p NAME '../x=1': expected KEY=VALUE[,KEY=VALUE]... (letters, digits and . _ + - in values)" \
  "$s/sweep-point.sh" "$tilesim" "$hw" "$model" "$tmp/data" 1 ../x=1
expect_refusal "sweep-point.sh with a bad seed" "$p SEED 'x': expected a non-negative integer" \
  "$s/sweep-point.sh" "$tilesim" "$hw" "$model" "$tmp/data" x sram.size_kib=16
expect_refusal "sweep-point.sh with a missing POINTS_DIR" "$p POINTS_DIR $tmp/data/none: not a folder" \
  "$s/sweep-point.sh" "$tilesim" "$hw" "$model" "$tmp/data/none" 1 sram.size_kib=16
expect_refusal "sweep-slurm.sbatch outside a job array" \
  "sweep-slurm.sbatch: error: not in a Slurm job array (submit with sbatch --array=1-N, or pass --collect DIR)" \
  env -u SLURM_ARRAY_TASK_ID SLURM_SUBMIT_DIR="$src" bash "$s/sweep-slurm.sbatch" --hw "$hw"
expect_refusal "sweep-slurm.sbatch with a task id that is no number" \
  "sweep-slurm.sbatch: error: SLURM_ARRAY_TASK_ID '1;x' is not a task number (1, 2, ...)" \
  env SLURM_ARRAY_TASK_ID='1;x' SLURM_SUBMIT_DIR="$src" bash "$s/sweep-slurm.sbatch" --hw "$hw"
expect_refusal "wave-snapshot.sh without a trace" \
  "wave-snapshot.sh: error: no trace given (usage: wave-snapshot.sh TRACE.vcd [OUT.png] [--from NS --to NS])" "$s/wave-snapshot.sh"
expect_refusal "wave-snapshot.sh with an unknown option" "wave-snapshot.sh: error: unknown option '--bogus' (see --help)" \
  "$s/wave-snapshot.sh" --bogus
expect_refusal "wave-snapshot.sh with a missing trace named with a newline" \
  "wave-snapshot.sh: error: $tmp/data/a\\nb.vcd: no such file" "$s/wave-snapshot.sh" "$tmp/data/a"$'\n'"b.vcd"
o='onnx-conformance.sh: error:'
expect_refusal "onnx-conformance.sh with an unknown option" "$o unknown option '--bogus' (see --help)" \
  "$s/onnx-conformance.sh" --bogus
expect_refusal "onnx-conformance.sh --hw without its value" "$o --hw needs a value" \
  "$s/onnx-conformance.sh" --tilesim "$tilesim" --hw
expect_refusal "onnx-conformance.sh with a case that has no model" "$o $tmp/data has no model.onnx" \
  "$s/onnx-conformance.sh" --tilesim "$tilesim" "$tmp/data"
c='check-torch-models.sh: error:'
ct() { "$s/check-torch-models.sh" --tilesim "$tilesim" "$@"; }
expect_refusal "check-torch-models.sh with an unknown option" "$c unknown option '--bogus' (see --help)" ct --bogus
expect_refusal "check-torch-models.sh --sram-kib without its value" "$c --sram-kib needs a value" ct --sram-kib
expect_refusal "check-torch-models.sh --sram-kib empty" "$c --sram-kib is empty (expected sizes in KiB such as 64,1024)" \
  ct --sram-kib ''
expect_refusal "check-torch-models.sh --sram-kib with a hostile value (control characters shown as ?)" \
  "$c --sram-kib 64;\$(touch PWNED)?: expected comma-separated whole numbers of KiB such as 64,1024, or min" \
  ct --sram-kib '64;$(touch PWNED)'$'\n'
expect_refusal "check-torch-models.sh --sram-kib with an empty size" "$c --sram-kib 64,,128: size 2 is empty" \
  ct --sram-kib 64,,128
expect_refusal "check-torch-models.sh --sram-kib 064" \
  "$c --sram-kib 064: 064 is not a size in KiB (expected a whole number from 1, without leading zeros, or min)" ct --sram-kib 064
expect_refusal "check-torch-models.sh --sram-kib with a word that is not min" \
  "$c --sram-kib 64,max: max is not a size in KiB (expected a whole number from 1, without leading zeros, or min)" \
  ct --sram-kib 64,max
expect_refusal "check-torch-models.sh --sram-kib with min twice" "$c --sram-kib min,64,min: min is given twice" \
  ct --sram-kib min,64,min
expect_refusal "check-torch-models.sh --sram-kib with a size twice" "$c --sram-kib 64,1024,64: 64 is given twice" \
  ct --sram-kib 64,1024,64
expect_refusal "check-torch-models.sh --sram-kib below what tilesim allows (its message)" \
  "$c --sram-kib 64,8: --set sram.size_kib=8: sram.size_kib: 8 is too small (expected an integer from 12 to 4194304, in KiB; 12 holds one tile operation)" \
  ct --sram-kib 64,8 "$src/tests/models/torch/mlp_gemm"
expect_refusal "check-torch-models.sh with a folder that has no model" "$c $tmp/data has no model.onnx" ct "$tmp/data"
expect_refusal "check-torch-models.sh with a missing tilesim" "$c no tilesim at $tmp/data/none (build it, or pass --tilesim PATH)" \
  "$s/check-torch-models.sh" --tilesim "$tmp/data/none" "$src/tests/models/torch/mlp_gemm"
expect_refusal "fuzz.sh with an unknown option" "fuzz.sh: error: unknown option '--bogus' (see --help)" "$s/fuzz.sh" --bogus
expect_refusal "fuzz.sh with an unknown target" \
  "fuzz.sh: error: unknown target 'fuzz_x' (expected one of: fuzz_hw_config fuzz_model fuzz_npy fuzz_tensor_proto fuzz_onnx fuzz_schedule)" \
  "$s/fuzz.sh" fuzz_x
expect_refusal "fuzz.sh --seconds without its value" "fuzz.sh: error: --seconds needs a value" "$s/fuzz.sh" --seconds
expect_refusal "fuzz.sh --runs not a number" "fuzz.sh: error: --runs 'many' is not a number" "$s/fuzz.sh" --runs many
expect_refusal "setup.sh with an unknown argument" "setup.sh: error: unknown argument '--bogus' (see scripts/setup.sh --help)" \
  "$s/setup.sh" --bogus
expect_refusal "setup.sh --build-dir without its value" "setup.sh: error: --build-dir needs a value" "$s/setup.sh" --build-dir
no_pwned "$tmp"

echo "all bad-argument tests passed"
