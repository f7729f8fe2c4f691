#!/usr/bin/env bash
# One point of a sweep (called by scripts/sweep.sh through GNU parallel, and by
# scripts/sweep-slurm.sbatch through `sweep.sh --point`): runs
#   TILESIM run --timing-only --hw HW --model MODEL --seed SEED --set K=V ... EXTRA...
# and leaves in POINTS_DIR:
#   NAME.json    the stats (only when tilesim exited 0; written via a temp file)
#   NAME.err     tilesim's stderr
#   NAME.status  tilesim's exit status (one number)
# Exits with tilesim's exit status, so GNU parallel's joblog records it.
#
# Usage: sweep-point.sh TILESIM HW MODEL POINTS_DIR SEED NAME [-- EXTRA_RUN_ARGS...]
# NAME is the point's settings, comma-separated: sram.size_kib=64,dma.bytes_per_cycle=16
set -euo pipefail

if (($# < 6)); then
  echo "sweep-point.sh: error: usage: sweep-point.sh TILESIM HW MODEL POINTS_DIR SEED NAME [-- ARGS...]" >&2
  exit 2
fi
tilesim=$1 hw=$2 model=$3 dir=$4 seed=$5 name=$6
shift 6
if (($# > 0)) && [[ $1 == -- ]]; then shift; fi

sets=()
IFS=, read -r -a pairs <<<"$name"
for kv in "${pairs[@]}"; do sets+=(--set "$kv"); done

mkdir -p "$dir"
json=$dir/$name.json tmp=$dir/$name.json.tmp err=$dir/$name.err status=$dir/$name.status
rm -f "$json" "$tmp" "$status"

rc=0
"$tilesim" run --timing-only --hw "$hw" --model "$model" --seed "$seed" \
  "${sets[@]}" --stats-json "$tmp" "$@" >/dev/null 2>"$err" || rc=$?
if ((rc == 0)) && [[ ! -s $tmp ]]; then
  echo "sweep-point.sh: tilesim exited 0 but wrote no stats file" >>"$err"
  rc=1
fi
if ((rc == 0)); then mv -f "$tmp" "$json"; else rm -f "$tmp"; fi
echo "$rc" >"$status"
exit "$rc"
