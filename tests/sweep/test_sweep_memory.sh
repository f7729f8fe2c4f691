#!/usr/bin/env bash
# shellcheck disable=SC2015  # `A && B || fail ...` is intended: fail exits
# Memory sweeps with scripts/sweep.sh. Usage: test_sweep_memory.sh TILESIM SOURCE_DIR
# 1. A grid of sram.size_kib x dram.preset (the plot of docs/sweeps.md, on mlp.yaml): every
#    row's figures are those of the same `tilesim run` made directly, the ideal rows keep
#    the ideal machine's cycles, the lower bound follows each DRAM's peak, and the plot has
#    one series per preset.
# 2. dram.preset alone: a category axis named by the presets; a preset that does not exist
#    is a failed row with tilesim's exact error.
# 3. sram.size_kib on a banked machine (configs/hw/edge.yaml): a size the banks do not
#    divide is a failed row with tilesim's exact error, the others run.
# Prints FAIL: ... and exits 1 on the first failed check.
set -euo pipefail
# shellcheck source=tests/sweep/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"
setup_test test_sweep_memory "$@"
sweep=$src/scripts/sweep.sh
hw=$src/configs/hw/default.yaml
model=$src/configs/models/mlp.yaml

# csv_field LINE N: the Nth comma-separated field (before the quoted error column).
csv_field() { cut -d, -f"$2" <<<"$1"; }
# csv_error LINE: the error column, CSV-unquoted.
csv_error() {
  local l=$1
  if [[ $l == *\" ]]; then l=${l#*\"}; l=${l%\"}; printf '%s\n' "${l//\"\"/\"}"; else printf '\n'; fi
}
# direct HW SETTINGS...: `cycles bound_cycles` of one tilesim run with these --set values.
direct() {
  local h=$1 s
  local -a sets=()
  shift
  for s in "$@"; do sets+=(--set "$s"); done
  "$tilesim" run --timing-only --hw "$h" --model "$model" "${sets[@]}" --stats-json "$tmp/direct.json" \
    --force >/dev/null
  jq -r '"\(.cycles) \(.bound.cycles)"' "$tmp/direct.json"
}
# run_sweep OUT WANT_RC ARGS...: the sweep into OUT, which must exit WANT_RC.
run_sweep() {
  local out=$1 want=$2 rc=0
  shift 2
  "$sweep" --tilesim "$tilesim" --model "$model" --out "$out" --jobs 2 "$@" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
  ((rc == want)) || { cat "$tmp/stderr" >&2; fail "sweep $* exited $rc, expected $want"; }
}

# ---------------------------------------------------------------- 1. size x preset
grid=$tmp/grid
run_sweep "$grid" 0 --hw "$hw" --key sram.size_kib --values 16,64 --key dram.preset --values ideal,lpddr4-3200,hbm2
mapfile -t lines <"$grid/results.csv"
((${#lines[@]} == 7)) || fail "grid results.csv has ${#lines[@]} lines, expected 7"
[[ ${lines[0]} == sram.size_kib,dram.preset,cycles,* ]] || fail "grid header: ${lines[0]}"
got=$(for i in 1 2 3 4 5 6; do cut -d, -f1,2 <<<"${lines[$i]}"; done | tr '\n' ' ')
[[ $got == '16,ideal 16,lpddr4-3200 16,hbm2 64,ideal 64,lpddr4-3200 64,hbm2 ' ]] ||
  fail "grid rows '$got' are not size x preset, size outermost"
for i in 1 2 3 4 5 6; do
  row=${lines[$i]}
  size=$(csv_field "$row" 1) preset=$(csv_field "$row" 2)
  [[ $(csv_field "$row" 21) == 0 ]] || fail "row $size,$preset failed: $row"
  # dram_gb_per_s (column 14): empty for the ideal DRAM, a figure for a timed one
  if [[ $preset == ideal ]]; then
    [[ -z $(csv_field "$row" 14) ]] || fail "row $size,$preset: dram_gb_per_s '$(csv_field "$row" 14)' for the ideal DRAM"
  else
    [[ $(csv_field "$row" 14) =~ ^[0-9]+\.[0-9]+$ ]] || fail "row $size,$preset: dram_gb_per_s '$(csv_field "$row" 14)'"
  fi
  want=$(direct "$hw" "sram.size_kib=$size" "dram.preset=$preset")
  [[ "$(csv_field "$row" 3) $(csv_field "$row" 12)" == "$want" ]] ||
    fail "row $size,$preset: cycles and bound '$(csv_field "$row" 3) $(csv_field "$row" 12)', a direct run gives '$want'"
done
pass "grid: 6 rows, each the figures of the same tilesim run made directly"

# The ideal machine keeps its cycles (18880 at 16 KiB, as in docs/sweeps.md's failing-point
# example; 6400 at 64 KiB). The bound is the DMA bound of the 126976 compulsory bytes: over
# the port's 32 B/cycle for ideal and hbm2 (whose peak, 256 B/cycle, is above the port's),
# over the DRAM's 12.8 B/cycle peak at 1 GHz for lpddr4-3200.
[[ $(csv_field "${lines[1]}" 3) == 18880 && $(csv_field "${lines[4]}" 3) == 6400 ]] ||
  fail "ideal rows: cycles $(csv_field "${lines[1]}" 3) and $(csv_field "${lines[4]}" 3), expected 18880 and 6400"
bounds=$(for i in 1 2 3 4 5 6; do csv_field "${lines[$i]}" 12; done | tr '\n' ' ')
[[ $bounds == '3968 9920 3968 3968 9920 3968 ' ]] || fail "bounds '$bounds', expected 3968 9920 3968 twice"
pass "grid: ideal cycles unchanged, lower bound from each DRAM's peak"

svg=$grid/sweep.svg
[[ -s $grid/sweep.png ]] || fail "grid: no sweep.png"
for preset in ideal lpddr4-3200 hbm2; do
  grep -q "<title>dram.preset=$preset</title>" "$svg" || fail "grid plot: no series titled dram.preset=$preset"
done
grep -q '<text>sram.size_kib (KiB), log scale</text>' "$svg" || fail "grid plot: x axis is not the SRAM size"
pass "grid plot: one series per preset against the SRAM size"

# ---------------------------------------------------------------- 2. presets alone
one=$tmp/presets
run_sweep "$one" 1 --hw "$hw" --key dram.preset --values ideal,ddr5,hbm2
mapfile -t lines <"$one/results.csv"
((${#lines[@]} == 4)) || fail "preset sweep results.csv has ${#lines[@]} lines, expected 4"
want_err=$("$tilesim" run --timing-only --hw "$hw" --model "$model" --set dram.preset=ddr5 2>&1 >/dev/null || true)
[[ $(csv_field "${lines[2]}" 1) == ddr5 && $(csv_field "${lines[2]}" 20) == 2 &&
   $(csv_error "${lines[2]}") == "$want_err" ]] || fail "ddr5 row: ${lines[2]}
  expected exit status 2 and: $want_err"
[[ $(csv_field "${lines[1]}" 2) == 6272 ]] || fail "ideal row: cycles $(csv_field "${lines[1]}" 2), expected 6272"
for tic in ideal hbm2; do grep -q "<text>$tic</text>" "$one/sweep.svg" || fail "preset plot: no x tic '$tic'"; done
grep -q 'not plotted (failed): dram.preset=ddr5 (exit 2)' "$one/sweep.svg" || fail "preset plot: the failed point is not named"
pass "dram.preset alone: category axis; an unknown preset is a failed row with tilesim's error"

# ---------------------------------------------------------------- 3. size on a banked machine
edge=$src/configs/hw/edge.yaml
banked=$tmp/banked
run_sweep "$banked" 1 --hw "$edge" --key sram.size_kib --values 12,13,64
mapfile -t lines <"$banked/results.csv"
want_err=$("$tilesim" run --timing-only --hw "$edge" --model "$model" --set sram.size_kib=13 2>&1 >/dev/null || true)
[[ $want_err == *"32 banks x 64-byte interleave = 2048 bytes do not divide the SRAM's 13312 bytes"* ]] ||
  fail "test premise: 13 KiB on edge.yaml gives '$want_err'"
[[ $(csv_field "${lines[2]}" 20) == 2 && $(csv_error "${lines[2]}") == "$want_err" ]] ||
  fail "13 KiB row: ${lines[2]}"
for i in 1 3; do
  row=${lines[$i]} size=$(csv_field "${lines[$i]}" 1)
  want=$(direct "$edge" "sram.size_kib=$size")
  [[ $(csv_field "$row" 20) == 0 && "$(csv_field "$row" 2) $(csv_field "$row" 11)" == "$want" ]] ||
    fail "$size KiB row on edge.yaml: $row (a direct run gives '$want')"
done
pass "sram.size_kib on edge.yaml: 12 and 64 KiB run, 13 KiB is refused by the banks"

echo "all memory sweep tests passed"
