#!/usr/bin/env bash
# One point of a sweep (called by scripts/sweep.sh through GNU parallel, and by
# scripts/sweep-slurm.sbatch through `sweep.sh --point`): runs
#   TILESIM run --timing-only --hw HW --model MODEL --seed SEED --set K=V ... EXTRA...
# and leaves in POINTS_DIR:
#   NAME.json    the stats (only when tilesim exited 0)
#   NAME.err     tilesim's stderr
#   NAME.status  tilesim's exit status (one number)
# Exits with tilesim's exit status, so GNU parallel's joblog records it; 2 for bad arguments.
#
# Usage: sweep-point.sh TILESIM HW MODEL POINTS_DIR SEED NAME [-- EXTRA_RUN_ARGS...]
# NAME is the point's settings, comma-separated: sram.size_kib=64,dma.bytes_per_cycle=16
#
# Every argument reaches tilesim as one argument, whatever its characters. tilesim writes
# into a private folder made by mktemp inside POINTS_DIR; the three files are renamed from
# there, .status last, so a reader that sees a status sees the files of that run, and
# points running at once (Slurm array tasks) never write the same file. The private folder
# is removed on every exit path.
set -euo pipefail

prog=sweep-point.sh
# shellcheck source=scripts/sweep-lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/sweep-lib.sh"

(($# >= 6)) || die "usage: sweep-point.sh TILESIM HW MODEL POINTS_DIR SEED NAME [-- ARGS...]"
tilesim=$1 hw=$2 model=$3 dir=$4 seed=$5 name=$6
shift 6
if (($# > 0)) && [[ $1 == -- ]]; then shift; fi
[[ $name =~ $point_re ]] || die "NAME '$name': expected KEY=VALUE[,KEY=VALUE]... (letters, digits and . _ + - in values)"
[[ $seed =~ ^[0-9]+$ ]] || die "SEED '$seed': expected a non-negative integer"
[[ -d $dir && ! -L $dir ]] || die "POINTS_DIR $dir: not a folder"

sets=()
IFS=, read -r -a pairs <<<"$name"
for kv in "${pairs[@]}"; do sets+=(--set "$kv"); done

make_temp "$dir" point -d
work=$REPLY
rm -f -- "$dir/$name.json" "$dir/$name.status"

rc=0
"$tilesim" run --timing-only --hw "$hw" --model "$model" --seed "$seed" \
  "${sets[@]}" --stats-json "$work/stats.json" "$@" >/dev/null 2>"$work/err" </dev/null || rc=$?
if ((rc == 0)) && [[ ! -s $work/stats.json ]]; then
  echo "sweep-point.sh: tilesim exited 0 but wrote no stats file" >>"$work/err"
  rc=1
fi
echo "$rc" >"$work/status"
# (files made in the private folder have the umask's modes: no chmod needed)
mv -fT -- "$work/err" "$dir/$name.err"
if ((rc == 0)); then mv -fT -- "$work/stats.json" "$dir/$name.json"; fi
mv -fT -- "$work/status" "$dir/$name.status"
exit "$rc"
