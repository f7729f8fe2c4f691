#!/usr/bin/env bash
# test_wave_snapshot.sh TILESIM SOURCE_DIR
# The default run's VCD rendered by scripts/wave-snapshot.sh is a real picture
# (size, more than a couple of colours), whole and windowed; bad input gives
# exit 2 and one error line; hostile paths and signal names are data.
# Exit 77: a tool is missing (ctest: skipped).
set -uo pipefail
tilesim=$1
src=$2
snap="$src/scripts/wave-snapshot.sh"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

for tool in gtkwave xvfb-run identify; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-wave-snapshot.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

# 1. The default run with a trace.
"$tilesim" run --hw "$src/configs/hw/default.yaml" --model "$src/configs/models/mlp.yaml" \
  --vcd "$tmp/mlp.vcd" --timing-only >"$tmp/run.out" 2>&1 \
  || { cat "$tmp/run.out"; echo "FAIL: tilesim run failed"; exit 1; }
[[ -s $tmp/mlp.vcd ]] || { echo "FAIL: no VCD written"; exit 1; }
[[ -s $tmp/mlp.gtkw ]] || fail "no GTKWave save file beside the VCD"

# check_png FILE MIN_W MIN_H [EXACT]: exists, big enough (or exactly W x H), > 2 colours.
check_png() {
  local file=$1 min_w=$2 min_h=$3 exact=${4:-}
  [[ -s $file ]] || { fail "$file was not written"; return; }
  local w h k
  read -r w h k < <(identify -format '%w %h %k\n' png:- <"$file" 2>/dev/null | head -n 1)
  [[ -n ${k:-} ]] || { fail "$file is not an image identify can read"; return; }
  echo "  $file: ${w}x${h}, $k colours"
  if [[ -n $exact ]]; then
    [[ $w -eq $min_w && $h -eq $min_h ]] || fail "$file is ${w}x${h}, expected ${min_w}x${min_h}"
  else
    ((w >= min_w && h >= min_h)) || fail "$file is ${w}x${h}, expected at least ${min_w}x${min_h}"
  fi
  ((k > 2)) || fail "$file has $k colours: a blank picture"
}

# 2. The whole run, default output name beside the VCD.
start=$SECONDS
out=$("$snap" "$tmp/mlp.vcd" 2>"$tmp/err1"); status=$?
((status == 0)) || fail "snapshot of the whole run: exit $status: $(cat "$tmp/err1")"
[[ $out == "$tmp/mlp.png" ]] || fail "snapshot printed '$out', expected $tmp/mlp.png"
check_png "$tmp/mlp.png" 800 400

# 3. A window, to a chosen file and size.
"$snap" "$tmp/mlp.vcd" "$tmp/window.png" --from 1000 --to 3000 --width 1000 --height 480 \
  >/dev/null 2>"$tmp/err2"; status=$?
((status == 0)) || fail "windowed snapshot: exit $status: $(cat "$tmp/err2")"
check_png "$tmp/window.png" 1000 480 exact
if [[ -s $tmp/mlp.png && -s $tmp/window.png ]]; then
  # Same signals, different zoom: the two pictures must differ (compare at one size).
  convert "$tmp/mlp.png" -resize '1000x480!' "$tmp/whole-small.png" 2>/dev/null
  diff_px=$(compare -metric AE "$tmp/whole-small.png" "$tmp/window.png" null: 2>&1 | cut -d' ' -f1)
  [[ ${diff_px%.*} =~ ^[0-9]+$ ]] && ((${diff_px%.*} > 1000)) \
    || fail "the windowed snapshot looks like the whole run ($diff_px pixels differ)"
fi
leftovers=$(find "$tmp" -name '.wave-snapshot.*')
[[ -z $leftovers ]] || fail "temporary files left behind: $leftovers"

# 4. Bad input: exit 2, exactly one line on stderr, no picture.
expect_error() {  # expect_error DESCRIPTION ARGS...
  local what=$1; shift
  "$snap" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"; local status=$?
  ((status == 2)) || fail "$what: exit $status, expected 2"
  local lines; lines=$(wc -l <"$tmp/bad.err")
  ((lines == 1)) || fail "$what: $lines lines on stderr, expected 1: $(cat "$tmp/bad.err")"
  grep -q '^wave-snapshot.sh: error: ' "$tmp/bad.err" || fail "$what: stderr '$(cat "$tmp/bad.err")'"
  echo "  $what: $(cat "$tmp/bad.err")"
}
expect_error "missing VCD" "$tmp/missing.vcd" "$tmp/missing.png"
[[ ! -e $tmp/missing.png ]] || fail "a PNG was written for a missing VCD"
echo "not a trace" >"$tmp/text.vcd"
expect_error "not a VCD" "$tmp/text.vcd"
expect_error "--from after --to" "$tmp/mlp.vcd" "$tmp/x.png" --from 3000 --to 1000
expect_error "--from past the end" "$tmp/mlp.vcd" "$tmp/x.png" --from 999999999
expect_error "--from not a number" "$tmp/mlp.vcd" "$tmp/x.png" --from soon

expect_error "OUT is a folder" "$tmp/mlp.vcd" "$tmp"

# 5. Hostile paths and signal names are data: a trace and a PNG named with [ ] $ " { } ;
# $(...) and a newline, and signals named with { } $ " [ ] \ (no save file: the Tcl script
# adds them by name) render, nothing is run (no file PWNED) and no temporary is left.
hostile=$tmp/$'w [a] $x "q" {b} ; `touch PWNED`\nnl'
mkdir -p "$hostile"
cp "$tmp/mlp.vcd" "$hostile/t [1] \$(touch PWNED) {z}.vcd"
cp "$tmp/mlp.gtkw" "$hostile/t [1] \$(touch PWNED) {z}.gtkw"
out=$("$snap" "$hostile/t [1] \$(touch PWNED) {z}.vcd" "$hostile/o [p] \$(touch PWNED) {q}\".png" 2>"$tmp/err5"); status=$?
((status == 0)) || fail "snapshot with hostile paths: exit $status: $(cat "$tmp/err5")"
[[ $out == "$hostile/o [p] \$(touch PWNED) {q}\".png" ]] || fail "snapshot with hostile paths printed '$out'"
check_png "$hostile/o [p] \$(touch PWNED) {q}\".png" 800 400
printf '%s\n' '$timescale 1 ns $end' '$scope module top $end' '$var wire 1 ! a{b}$c $end' \
  '$var wire 1 % q"uote $end' '$var wire 8 & x[3] $end' '$var wire 1 ( a\b;[x] $end' '$upscope $end' \
  '$enddefinitions $end' '#0' '0!' '1%' 'b0 &' '0(' '#10' '1!' '0%' 'b101 &' '1(' '#20' '0!' >"$hostile/names.vcd"
"$snap" "$hostile/names.vcd" "$hostile/names.png" >/dev/null 2>"$tmp/err6"; status=$?
((status == 0)) || fail "snapshot of signals with hostile names: exit $status: $(cat "$tmp/err6")"
check_png "$hostile/names.png" 800 400
found=$(find "$tmp" -name PWNED -o -name '.wave-snapshot.*')
[[ -z $found ]] || fail "a hostile name was run, or temporaries were left: $found"
sed 's/a{b}\$c/sp]ace[/' "$hostile/names.vcd" >"$tmp/unparsable.vcd"
expect_error "a VCD GTKWave cannot parse" "$tmp/unparsable.vcd" "$tmp/unparsable.png"
grep -q "^wave-snapshot.sh: error: $tmp/unparsable.vcd: GTKWave cannot read this VCD" "$tmp/bad.err" ||
  fail "unparsable VCD: stderr '$(cat "$tmp/bad.err")'"
[[ ! -e $tmp/unparsable.png ]] || fail "a PNG was written for an unparsable VCD"

echo "  took $((SECONDS - start)) s"
((failures == 0)) || { echo "$failures failure(s)"; exit 1; }
echo "PASS"
