#!/usr/bin/env bash
# Simulator speed and schedule quality, every ratio measured in this one run:
#   bench/sim/run_sim_bench.sh [BUILD_DIR]
# 1. simulation with math vs the same kernels replayed alone (target <= 1.3x)
# 2. --timing-only simulated uOps per second (target >= 1 M/s)
# 3. traced vs untraced wall time (target <= 4x)
# 4. the large MLP's tile loads per SRAM size beside the seed prototype's
# 5. a 4096x4096x4096 matmul, --timing-only: wall time and peak memory
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${1:-build}
tilesim=$build/sim/tilesim
replay=$build/bench/sim/kernel_replay
hw=configs/hw/default.yaml
model=configs/models/mlp-large.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A number from stats.json (one key per line): json_value FILE KEY
json_value() { sed -n "s/^ *\"$2\": \([-0-9.e+]*\),\{0,1\}$/\1/p" "$1" | head -n 1; }

# best KEY (sim_wall_seconds: the simulation alone; wall_seconds: the whole
# run) of 3 runs of tilesim run with the given flags: best_wall KEY FLAGS...
best_wall() {
  local key=$1 best=1e30
  shift
  for i in 1 2 3; do
    rm -f "$tmp/s.json" "$tmp/t.vcd" "$tmp/t.gtkw"
    "$tilesim" run --hw "$hw" --model "$model" --stats-json "$tmp/s.json" "$@" >/dev/null
    best=$(awk -v a="$(json_value "$tmp/s.json" "$key")" -v b="$best" 'BEGIN{print (a < b) ? a : b}')
  done
  echo "$best"
}

kernel=$("$tilesim" --version | sed -n 's/.*(auto: \(.*\))/\1/p')
replay_s=$("$replay" "$hw" "$model" auto 5 | awk '{print $6}')
math_s=$(best_wall sim_wall_seconds --kernel auto)
timing_s=$(best_wall sim_wall_seconds --timing-only)
traced_s=$(best_wall sim_wall_seconds --timing-only --vcd "$tmp/t.vcd")
timing_run_s=$(best_wall wall_seconds --timing-only)
traced_run_s=$(best_wall wall_seconds --timing-only --vcd "$tmp/t.vcd")
uops=$(json_value "$tmp/s.json" uops)

awk -v kernel="$kernel" -v replay="$replay_s" -v math="$math_s" -v timing="$timing_s" \
    -v traced="$traced_s" -v uops="$uops" -v timing_run="$timing_run_s" -v traced_run="$traced_run_s" 'BEGIN {
  printf "simulator on mlp-large, default hw (256 KiB), kernel %s, best of 3 (simulation alone):\n", kernel
  printf "  kernels replayed alone %.4f s, with simulator %.4f s, timing-only %.4f s, traced %.4f s\n", replay, math, timing, traced
  printf "  %-44s %11.2fx  %10s  %s\n", "with math / kernels alone", math / replay, "<= 1.30x", (math / replay <= 1.3) ? "PASS" : "MISS"
  printf "  %-44s %8.2f M/s  %10s  %s\n", "timing-only simulated uOps per second", uops / timing / 1e6, ">= 1 M/s", (uops / timing >= 1e6) ? "PASS" : "MISS"
  printf "  %-44s %11.2fx  %10s  %s\n", "traced / untraced (timing-only, simulation)", traced / timing, "<= 4.00x", (traced / timing <= 4) ? "PASS" : "MISS"
  printf "  %-44s %11.2fx  %10s  %s\n", "traced / untraced (timing-only, whole run)", traced_run / timing_run, "<= 4.00x", (traced_run / timing_run <= 4) ? "PASS" : "MISS"
}'

echo
echo "schedule quality, mlp-large (tile loads; seed prototype beside):"
printf "  %-10s %10s %10s %12s %12s %10s\n" SRAM loads seed ratio cycles efficiency
for kib in 64 256 1024 4096 8192; do
  case $kib in 256) seed=45456;; 1024) seed=27366;; 4096) seed=22416;; 8192) seed=3840;; *) seed=fails;; esac
  rm -f "$tmp/q.json"
  "$tilesim" run --hw "$hw" --model "$model" --timing-only --set sram.size_kib=$kib --stats-json "$tmp/q.json" >/dev/null
  loads=$(json_value "$tmp/q.json" loads)
  ratio=-
  [[ $seed =~ ^[0-9]+$ ]] && ratio=$(awk -v a="$loads" -v b="$seed" 'BEGIN{printf "%.2fx", a / b}')
  printf "  %-10s %10s %10s %12s %12s %10.3f\n" "$kib KiB" "$loads" "$seed" "$ratio" \
    "$(json_value "$tmp/q.json" cycles)" "$(json_value "$tmp/q.json" efficiency)"
done

echo
printf 'name: matmul4096\ninputs: {a: [4096, 4096]}\nparams: {b: [4096, 4096]}\nops:\n  - {op: matmul, inputs: [a, b], output: c}\noutputs: [c]\n' > "$tmp/m4096.yaml"
/usr/bin/time -f "%e %M" -o "$tmp/time" "$tilesim" run --hw "$hw" --model "$tmp/m4096.yaml" --timing-only >"$tmp/out"
read -r secs kib <"$tmp/time"
echo "4096^3 matmul, --timing-only at 256 KiB: $(grep -oE '\([0-9]+ uOps\)' "$tmp/out" | tr -d '()'), wall ${secs} s (target < 10 s), peak RSS $((kib / 1024)) MiB (target < 1024 MiB)"
/usr/bin/time -f "%e %M" -o "$tmp/time" "$tilesim" compile --hw "$hw" --model "$tmp/m4096.yaml" >/dev/null
read -r secs kib <"$tmp/time"
echo "4096^3 matmul, compile only: wall ${secs} s, peak RSS $((kib / 1024)) MiB"
