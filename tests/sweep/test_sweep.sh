#!/usr/bin/env bash
# shellcheck disable=SC2015  # `A && B || fail ...` is intended: fail exits
# Test of scripts/sweep.sh. Usage: test_sweep.sh TILESIM SOURCE_DIR
# Sweeps configs/models/mlp.yaml over sram.size_kib=8,16,64,256 (8 KiB is below the
# minimum and fails), checks results.csv, manifest.json, sweep.png, then --resume
# after deleting one point's stats, then a 2x2 grid. Prints FAIL: ... and exits 1
# on the first failed check.
set -euo pipefail

if (($# != 2)); then echo "usage: test_sweep.sh TILESIM SOURCE_DIR" >&2; exit 2; fi
tilesim=$1 src=$2
sweep=$src/scripts/sweep.sh
hw=$src/configs/hw/default.yaml
model=$src/configs/models/mlp.yaml

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
for tool in parallel jq gnuplot sha256sum; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (needed by scripts/sweep.sh)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tilesim-sweep-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
out=$tmp/sram

# csv_field LINE N: the Nth comma-separated field of a results.csv row, for fields
# before the (last, quoted) error column.
csv_field() { cut -d, -f"$2" <<<"$1"; }
# csv_error LINE: the error column (last field; CSV-unquoted).
csv_error() {
  local l=$1
  if [[ $l == *\" ]]; then l=${l#*\"}; l=${l%\"}; printf '%s\n' "${l//\"\"/\"}"; else printf '\n'; fi
}

# ---------------------------------------------------------------- the sweep
rc=0
"$sweep" --tilesim "$tilesim" --hw "$hw" --model "$model" --key sram.size_kib \
  --values 8,16,64,256 --out "$out" --jobs 4 >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
((rc == 1)) || { cat "$tmp/stderr" >&2; fail "sweep exit status $rc, expected 1 (one failing point)"; }
pass "exit status 1 with one failing point"

csv=$out/results.csv
[[ -f $csv ]] || fail "no results.csv"
mapfile -t lines <"$csv"
((${#lines[@]} == 5)) || fail "results.csv has ${#lines[@]} lines, expected 5"
expected_header='sram.size_kib,cycles,time_ns,bytes_loaded,bytes_stored,loads,loads_eliminated,compute_busy_cycles,overlap_cycles,sram_peak_bytes,bound_cycles,efficiency,dram_gb_per_s,dram_row_hit_rate,sram_stall_cycles,energy_uj,power_mw,area_mm2,edp_uj_us,exit_status,error'
[[ ${lines[0]} == "$expected_header" ]] || fail "results.csv header is '${lines[0]}', expected '$expected_header'"
pass "results.csv: header + 4 rows"

# the 8 KiB row: exit status 2 and exactly tilesim's error text
want_rc=0
want_err=$("$tilesim" run --timing-only --hw "$hw" --model "$model" --set sram.size_kib=8 \
  --stats-json "$tmp/direct.json" 2>&1 >/dev/null) || want_rc=$?
((want_rc == 2)) || fail "tilesim with sram.size_kib=8 exited $want_rc, expected 2 (test premise)"
row=${lines[1]}
[[ $(csv_field "$row" 1) == 8 ]] || fail "first row is not the 8 KiB point: $row"
[[ $(csv_field "$row" 20) == 2 ]] || fail "8 KiB row: exit_status '$(csv_field "$row" 20)', expected 2: $row"
[[ $(csv_field "$row" 2) == '' ]] || fail "8 KiB row: cycles should be empty for a failed point: $row"
got_err=$(csv_error "$row")
[[ $got_err == "$want_err" ]] || fail "8 KiB row: error text
  got:      $got_err
  expected: $want_err"
pass "8 KiB row: exit_status 2 and tilesim's error text"

# the other rows: cycles > 0, exit 0, DMA bytes non-increasing with SRAM
prev_bytes=''
for i in 2 3 4; do
  row=${lines[$i]}
  size=$(csv_field "$row" 1) cycles=$(csv_field "$row" 2)
  [[ $(csv_field "$row" 20) == 0 ]] || fail "row $size KiB: exit_status not 0: $row"
  # energy_uj, power_mw, area_mm2, edp_uj_us: the point's stats.json, as jq prints them
  want=$(jq -r '[.energy.total_uj, .power_mw, .area_mm2.total, .edp_uj_us] | @csv' "$out/points/sram.size_kib=$size.json")
  [[ $(cut -d, -f16-19 <<<"$row") == "$want" ]] || fail "row $size KiB: energy columns '$(cut -d, -f16-19 <<<"$row")', stats.json has '$want'"
  [[ $cycles =~ ^[0-9]+$ ]] && ((cycles > 0)) || fail "row $size KiB: cycles '$cycles' not > 0"
  [[ -z $(csv_error "$row") ]] || fail "row $size KiB: error column not empty: $row"
  bytes=$(($(csv_field "$row" 4) + $(csv_field "$row" 5)))
  if [[ -n $prev_bytes ]] && ((bytes > prev_bytes)); then
    fail "DMA bytes rise with SRAM: $bytes at $size KiB > $prev_bytes before"
  fi
  prev_bytes=$bytes
done
[[ $(csv_field "${lines[2]}" 1) == 16 && $(csv_field "${lines[4]}" 1) == 256 ]] ||
  fail "rows are not in sweep order"
pass "ok rows: cycles > 0, DMA bytes non-increasing with SRAM, sweep order"

# manifest.json
man=$out/manifest.json
jq -e . "$man" >/dev/null 2>&1 || fail "manifest.json is not valid JSON"
want_sha=$(sha256sum "$model" | cut -d' ' -f1)
[[ $(jq -r .model.sha256 "$man") == "$want_sha" ]] || fail "manifest model.sha256 $(jq -r .model.sha256 "$man") != sha256sum's $want_sha"
[[ $(jq -r .hw.sha256 "$man") == "$(sha256sum "$hw" | cut -d' ' -f1)" ]] || fail "manifest hw.sha256 differs from sha256sum's"
jq -e '.points == {total: 4, ok: 3, failed: 1, missing: 0} and .seed == 1 and (.date | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$"))
  and (.tilesim.version | startswith("tilesim")) and (.command_line | contains("--values"))' "$man" >/dev/null ||
  fail "manifest.json lacks points/seed/date/version/command line: $(jq -c . "$man")"
pass "manifest.json: valid, sha256 of the model matches sha256sum"

# the plot
[[ -s $out/sweep.png ]] || fail "no sweep.png"
[[ $(head -c 8 "$out/sweep.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "sweep.png is not a PNG"
[[ -s $out/sweep.svg ]] && grep -q '<svg' "$out/sweep.svg" || fail "no sweep.svg"
[[ -s $out/joblog ]] || fail "no joblog"
[[ $(head -c 8 "$out/pareto.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "pareto.png is not a PNG"
grep -q '<svg' "$out/pareto.svg" || fail "no pareto.svg"
for size in 16 64 256; do  # every configuration labelled by its value; the failed one not plotted
  grep -q "<text>$size</text>" "$out/pareto.svg" || fail "pareto.svg: no label $size"
done
grep -q '1 failed, not plotted' "$out/pareto.svg" || fail "pareto.svg: the failed point is not named in the title"
pass "sweep.png (PNG), sweep.svg, pareto.png (PNG), pareto.svg, joblog"

# The Pareto front: a point is on it when no other is at most as slow and at most as costly
# and better in one. Points (cycles, energy): 1 (100, 5) front, 2 (100, 7) beaten by 1 at
# equal cycles, 3 (200, 5) beaten by 1 at equal energy, 4 (50, 9) front (fastest),
# 5 (300, 1) front (cheapest), 6 (250, 3) beaten by none: front.
front=$(
  # shellcheck source=scripts/sweep-pareto.sh
  source "$src/scripts/sweep-pareto.sh"
  PARETO_ROW=($'100\t5' $'100\t7' $'200\t5' $'50\t9' $'300\t1' $'250\t3')
  pareto_data | awk -F '\t' '$4 == 1 { printf "%s ", $1 }'
)
[[ $front == '4 1 6 5 ' ]] || fail "Pareto front '$front', expected '4 1 6 5 ' (in cycle order)"
pass "Pareto front: dominated points (equal cycles, equal energy) excluded"

# ---------------------------------------------------------------- --resume
pts=$out/points
stamp() { stat -c '%i %y' "$1"; }
s16=$(stamp "$pts/sram.size_kib=16.json") s256=$(stamp "$pts/sram.size_kib=256.json")
e16=$(stamp "$pts/sram.size_kib=16.err")
rm "$pts/sram.size_kib=64.json"
njobs_before=$(($(wc -l <"$out/joblog") - 1))
rc=0
"$sweep" --tilesim "$tilesim" --hw "$hw" --model "$model" --key sram.size_kib \
  --values 8,16,64,256 --out "$out" --jobs 4 --resume >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
((rc == 1)) || { cat "$tmp/stderr" >&2; fail "--resume: exit status $rc, expected 1 (8 KiB still fails)"; }
[[ -f $pts/sram.size_kib=64.json ]] || fail "--resume did not rerun the point whose stats were deleted"
[[ $(stamp "$pts/sram.size_kib=16.json") == "$s16" && $(stamp "$pts/sram.size_kib=256.json") == "$s256" &&
   $(stamp "$pts/sram.size_kib=16.err") == "$e16" ]] || fail "--resume rewrote points that had succeeded"
# joblog: the kept entries of seqs 1 (failed), 2, 4 (in the order the first run
# finished them), then new runs of only 1 (failed) and 3 (deleted)
mapfile -t seqs < <(tail -n +2 "$out/joblog" | cut -f1)
kept=$(printf '%s\n' "${seqs[@]:0:3}" | sort -n | tr '\n' ' ')
[[ $kept == "1 2 4 " ]] || fail "--resume: joblog kept entries are '${seqs[*]}', expected 1, 2 and 4 first"
reran=$(printf '%s\n' "${seqs[@]:3}" | sort -n | tr '\n' ' ')
[[ $reran == "1 3 " ]] || fail "--resume reran seqs '$reran', expected only '1 3 ' (failed + deleted)"
((njobs_before == 4)) || fail "first run's joblog has $njobs_before jobs, expected 4"
[[ $(wc -l <"$csv") -eq 5 ]] || fail "--resume: results.csv does not have 5 lines"
pass "--resume reran only the deleted point (and the failed one)"

# a different command line into the same --out is refused
rc=0
"$sweep" --tilesim "$tilesim" --hw "$hw" --model "$model" --key sram.size_kib --values 16 \
  --out "$out" >/dev/null 2>"$tmp/stderr" || rc=$?
((rc == 2)) && grep -q '^sweep.sh: error: ' "$tmp/stderr" || fail "a different sweep into the same --out: exit $rc, expected 2 with an error line"
pass "a different command line into the same --out is refused"

# ---------------------------------------------------------------- 2x2 grid
grid=$tmp/grid
rc=0
"$sweep" --tilesim "$tilesim" --hw "$hw" --model "$model" --key sram.size_kib --values 32,256 \
  --key dma.bytes_per_cycle --values 16,32 --out "$grid" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
((rc == 0)) || { cat "$tmp/stderr" >&2; fail "grid sweep exit status $rc, expected 0"; }
mapfile -t lines <"$grid/results.csv"
((${#lines[@]} == 5)) || fail "grid results.csv has ${#lines[@]} lines, expected 5"
[[ ${lines[0]} == sram.size_kib,dma.bytes_per_cycle,cycles,* ]] || fail "grid header lacks both key columns: ${lines[0]}"
got=$(for i in 1 2 3 4; do cut -d, -f1,2 <<<"${lines[$i]}"; done | tr '\n' ' ')
[[ $got == '32,16 32,32 256,16 256,32 ' ]] || fail "grid rows '$got', expected '32,16 32,32 256,16 256,32 ' (first key outermost)"
for i in 1 2 3 4; do
  c=$(csv_field "${lines[$i]}" 3)
  [[ $c =~ ^[0-9]+$ ]] && ((c > 0)) || fail "grid row ${lines[$i]}: cycles not > 0"
done
[[ -s $grid/sweep.png ]] || fail "grid: no sweep.png"
pass "2x2 grid: 4 rows, both key columns"

echo "all sweep tests passed"
