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

# best sim_wall_seconds (the simulation alone) of 3 runs of tilesim run with the given flags
best_wall() {
  local best=""
  for i in 1 2 3; do
    rm -f "$tmp/s.json" "$tmp/t.vcd" "$tmp/t.gtkw"
    "$tilesim" run --hw "$hw" --model "$model" --stats-json "$tmp/s.json" "$@" >/dev/null
    local w
    w=$(python3 -c "import json;print(json.load(open('$tmp/s.json'))['sim_wall_seconds'])")
    best=$(python3 -c "print(min(float('$w'), float('${best:-1e30}')))")
  done
  echo "$best"
}

kernel=$("$tilesim" --version | sed -n 's/.*(auto: \(.*\))/\1/p')
replay_s=$("$replay" "$hw" "$model" auto 5 | awk '{print $6}')
math_s=$(best_wall --kernel auto)
timing_s=$(best_wall --timing-only)
traced_s=$(best_wall --timing-only --vcd "$tmp/t.vcd")
uops=$(python3 -c "import json;print(json.load(open('$tmp/s.json'))['uops'])")

python3 - "$kernel" "$replay_s" "$math_s" "$timing_s" "$traced_s" "$uops" <<'PY'
import sys
kernel, replay, math, timing, traced, uops = sys.argv[1], *map(float, sys.argv[2:])
def row(name, value, target, ok):
    print(f"  {name:44s} {value:>12s}  {target:>10s}  {'PASS' if ok else 'MISS'}")
print(f"simulator on mlp-large, default hw (256 KiB), kernel {kernel}, best of 3:")
print(f"  kernels replayed alone {replay:.4f} s, with simulator {math:.4f} s, timing-only {timing:.4f} s, traced {traced:.4f} s")
row("with math / kernels alone", f"{math/replay:.2f}x", "<= 1.30x", math/replay <= 1.3)
row("timing-only simulated uOps per second", f"{uops/timing/1e6:.2f} M/s", ">= 1 M/s", uops/timing >= 1e6)
row("traced / untraced (timing-only)", f"{traced/timing:.2f}x", "<= 4.00x", traced/timing <= 4)
PY

echo
echo "schedule quality, mlp-large (tile loads; seed prototype beside):"
printf "  %-10s %10s %10s %12s %12s %10s\n" SRAM loads seed ratio cycles efficiency
for kib in 64 256 1024 4096 8192; do
  case $kib in 256) seed=45456;; 1024) seed=27366;; 4096) seed=22416;; 8192) seed=3840;; *) seed=fails;; esac
  rm -f "$tmp/q.json"
  "$tilesim" run --hw "$hw" --model "$model" --timing-only --set sram.size_kib=$kib --stats-json "$tmp/q.json" >/dev/null
  python3 - "$tmp/q.json" "$kib" "$seed" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); kib = sys.argv[2]; seed = sys.argv[3]
loads = s["dma"]["loads"]
ratio = f"{loads/int(seed):.2f}x" if seed.isdigit() else "-"
print(f"  {kib+' KiB':10s} {loads:10d} {seed:>10s} {ratio:>12s} {s['cycles']:12d} {s['efficiency']:10.3f}")
PY
done

echo
printf 'name: matmul4096\ninputs: {a: [4096, 4096]}\nparams: {b: [4096, 4096]}\nops:\n  - {op: matmul, inputs: [a, b], output: c}\noutputs: [c]\n' > "$tmp/m4096.yaml"
/usr/bin/time -f "%e %M" -o "$tmp/time" "$tilesim" run --hw "$hw" --model "$tmp/m4096.yaml" --timing-only >"$tmp/out"
read -r secs kib <"$tmp/time"
echo "4096^3 matmul, --timing-only at 256 KiB: $(grep -oE '\([0-9]+ uOps\)' "$tmp/out" | tr -d '()'), wall ${secs} s (target < 10 s), peak RSS $((kib / 1024)) MiB (target < 1024 MiB)"
/usr/bin/time -f "%e %M" -o "$tmp/time" "$tilesim" compile --hw "$hw" --model "$tmp/m4096.yaml" >/dev/null
read -r secs kib <"$tmp/time"
echo "4096^3 matmul, compile only: wall ${secs} s, peak RSS $((kib / 1024)) MiB"
