#!/usr/bin/env bash
# Test of the --out lock of scripts/sweep.sh. Usage: test_sweep_lock.sh TILESIM SOURCE_DIR
#
# The test holds DIR/.sweep.lock itself with flock, so every refusal is deterministic:
# held exclusively (as a sweep holds it), a sweep and a --point task are refused with exit 2,
# one line naming the folder, and nothing written; held shared (as running --point tasks
# hold it), two --point tasks run together and both write their point, while a sweep and a
# --collect are refused. Then a sweep whose tilesim and gnuplot are wrappers that try the
# lock shows that it is held while the points run and while the plot is drawn.
set -euo pipefail

# shellcheck source=tests/sweep/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"
setup_test test_sweep_lock "$@"
sweep=$src/scripts/sweep.sh
mkdir -p "$tmp/cwd" "$tmp/data"

out=$tmp/data/sweep
lock=$out/.sweep.lock
mkdir -p "$out"
: >"$lock"
# shellcheck disable=SC2054  # (16,64 is one argument)
args=(--tilesim "$tilesim" --hw "$src/configs/hw/default.yaml" --model "$src/configs/models/mlp.yaml"
  --key sram.size_kib --values 16,64 --out "$out")
held="sweep.sh: error: --out $out: another sweep holds this folder ($lock); wait for it to finish or use another folder"

# ---------------------------------------------------------------- held exclusively
exec {fd}<>"$lock"
flock -x "$fd"
expect_refusal "a sweep into a folder another sweep holds" "$held" "$sweep" "${args[@]}"
expect_refusal "--resume into a folder another sweep holds" "$held" "$sweep" "${args[@]}" --resume
expect_refusal "a --point task while a sweep holds the folder" "$held" "$sweep" "${args[@]}" --point 1
[[ $(find "$out" -mindepth 1) == "$lock" ]] || fail "refused sweeps wrote into the folder: $(find "$out")"

# ---------------------------------------------------------------- held shared
flock -s "$fd"
rc1=0 rc2=0
(cd "$tmp/cwd" && "$sweep" "${args[@]}" --point 1) >/dev/null 2>"$tmp/p1.err" & p1=$!
(cd "$tmp/cwd" && "$sweep" "${args[@]}" --point 2) >/dev/null 2>"$tmp/p2.err" & p2=$!
wait "$p1" || rc1=$?
wait "$p2" || rc2=$?
((rc1 == 0 && rc2 == 0)) || fail "--point tasks running together: exit $rc1 and $rc2: $(cat "$tmp/p1.err" "$tmp/p2.err")"
for v in 16 64; do
  [[ -s $out/points/sram.size_kib=$v.json && $(cat "$out/points/sram.size_kib=$v.status") == 0 ]] ||
    fail "--point tasks running together: point $v has no stats or status"
done
[[ -z $(find "$out" -name '.*' ! -name .sweep.lock ! -path "$out") ]] || fail "--point left temporary files: $(find "$out" -name '.*')"
pass "two --point tasks run together on one folder (shared lock), each writes its own point"
held_collect="sweep.sh: error: --collect $out: another sweep holds this folder ($lock); wait for it to finish or use another folder"
expect_refusal "a sweep while --point tasks hold the folder" "$held" "$sweep" "${args[@]}"
expect_refusal "--collect while --point tasks hold the folder" "$held_collect" "$sweep" --collect "$out"
exec {fd}>&-

# ---------------------------------------------------------------- held for the whole sweep
# Wrappers: tilesim (points) and gnuplot (the plot, after the points) record whether they
# can take the lock; a sweep holds it, so each must find it held.
mkdir -p "$tmp/bin"
REAL_GNUPLOT=$(command -v gnuplot) || fail "gnuplot is not installed"
export LOCK_PROBE_FILE=$lock LOCK_PROBE_LOG=$tmp/probe REAL_TILESIM=$tilesim REAL_GNUPLOT
for tool in tilesim gnuplot; do
  real=REAL_${tool^^}
  # shellcheck disable=SC2016  # (the wrapper's own $ expansions)
  printf '#!/usr/bin/env bash\nif flock -n -s "$LOCK_PROBE_FILE" true; then echo "%s free"; else echo "%s held"; fi >>"$LOCK_PROBE_LOG"\nexec "$%s" "$@"\n' \
    "$tool" "$tool" "$real" >"$tmp/bin/$tool"
  chmod +x "$tmp/bin/$tool"
done
rc=0
args[1]=$tmp/bin/tilesim
(cd "$tmp/cwd" && PATH="$tmp/bin:$PATH" "$sweep" "${args[@]}" --force) >/dev/null 2>"$tmp/err" || rc=$?
((rc == 0)) || fail "the sweep after the tasks: exit $rc: $(cat "$tmp/err")"
if ! grep -q '^tilesim held$' "$tmp/probe" || ! grep -q '^gnuplot held$' "$tmp/probe"; then
  fail "lock probes: $(cat "$tmp/probe")"
fi
! grep -q free "$tmp/probe" || fail "the lock was free during the sweep: $(cat "$tmp/probe")"
[[ -s $out/sweep.svg && -s $out/results.csv ]] || fail "the sweep wrote no plot or results"
flock -n -x "$lock" true || fail "the lock is still held after the sweep ended"
pass "a sweep holds the lock while its points run and while it draws the plot, and frees it at the end"

echo "all lock tests passed"
