#!/usr/bin/env bash
# Sweep hardware keys of tilesim: one `tilesim run --timing-only` per point, in
# parallel with GNU parallel, then results.csv, manifest.json and a gnuplot plot.
# See `scripts/sweep.sh --help` and docs/sweeps.md.
set -euo pipefail

prog=sweep.sh
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/.." && pwd)
helper=$script_dir/sweep-point.sh
# shellcheck source=scripts/sweep-lib.sh
source "$script_dir/sweep-lib.sh"

usage() {
  cat <<'EOF'
Usage: scripts/sweep.sh --hw HW.yaml --model MODEL.yaml --key KEY --values V1,V2,...
                        [--key KEY2 --values ...]... --out DIR [options] [-- EXTRA_RUN_ARGS]
       scripts/sweep.sh --collect DIR
       scripts/sweep.sh ... --point N          (run one point only: Slurm array tasks)
       scripts/sweep.sh ... --count | --dry-run

Runs one `tilesim run --timing-only --hw HW --model MODEL --seed SEED --set KEY=VALUE...
--stats-json DIR/points/POINT.json [EXTRA_RUN_ARGS]` per point, in parallel with GNU
parallel. With several --key/--values pairs the points are the cartesian product
(first key outermost). POINT is the point's settings, e.g. sram.size_kib=64 or
sram.size_kib=64,dma.bytes_per_cycle=16.

Required:
  --hw FILE            hardware description (YAML)
  --model FILE         model (YAML or ONNX)
  --key KEY            hardware key to sweep, as for `tilesim run --set` (repeatable)
  --values V1,V2,...   its values, comma-separated, in sweep order (one per --key)
  --out DIR            output directory (created)

Options:
  --jobs N             points run at once (default: one per CPU thread)
  --resume             rerun only the points that failed or are missing (no stats
                       file, or not in the joblog); others are kept as they are
  --force              reuse an --out DIR holding a sweep of a different command line
                       (its previous results are deleted)
  --seed N             passed to tilesim as --seed (default 1), recorded in the manifest
  --tilesim PATH       tilesim binary (default: $TILESIM, else build/sim/tilesim of
                       the repository holding this script)
  --sshloginfile FILE  run points on other hosts too (GNU parallel --sshloginfile);
                       paths are absolute, so a shared filesystem just works
  --transfer           with --sshloginfile and no shared filesystem: copy the hw,
                       model and helper files to each host (--basefile) and bring
                       every point's files back (--return, --cleanup)
  --point N            run only point N (1-based, sweep order) with no parallel and
                       no aggregation; for Slurm array tasks (scripts/sweep-slurm.sbatch)
  --collect DIR        aggregation only: rebuild results.csv, manifest.json and the
                       plot from DIR/sweep.json and DIR/points/*
  --count              print the number of points and exit
  --dry-run            print the job commands and exit
  -h, --help           this help
  -- ARGS...           passed to every `tilesim run` unchanged

Outputs in DIR:
  points/POINT.json    stats.json of the point (docs/stats.md); only when it succeeded
  points/POINT.err     the point's stderr;  points/POINT.status  its exit status
  results.csv          one row per point in sweep order: the swept keys, cycles, time_ns,
                       bytes_loaded, bytes_stored, loads, loads_eliminated,
                       compute_busy_cycles, overlap_cycles, sram_peak_bytes,
                       bound_cycles, efficiency, exit_status, error (docs/sweeps.md)
  manifest.json        tilesim version and git commit, sha256 of hw and model, command
                       line, seed, date, keys and values, points ok/failed/missing
  sweep.png, sweep.svg cycles, lower bound and DMA bytes against the first key
  joblog               GNU parallel's job log (used by --resume)
  sweep.json           the sweep's definition (used by --resume, --point, --collect)

A failing point (tilesim exit status != 0) is a row with its exit status and error
text; the sweep goes on. An --out DIR holding a sweep with a different command line
(tilesim, hw, model, keys, values, seed, extra args) is refused unless --resume or
--force.

Exit status: 0 every point ran and succeeded; 1 at least one point failed or is
missing (results are still written); 2 bad arguments or unusable --out DIR.
EOF
}

hw='' model='' out='' jobs='' seed=1 tilesim='' sshloginfile='' collect='' point=''
resume=0 force=0 transfer=0 count_only=0 dry_run=0
keys=() values=() extra=()
argv=("$0" "$@")

need_arg() { (($2 >= 2)) || die "$1 needs a value"; }
while (($# > 0)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --hw) need_arg "$1" $#; hw=$2; shift 2 ;;
    --model) need_arg "$1" $#; model=$2; shift 2 ;;
    --out) need_arg "$1" $#; out=$2; shift 2 ;;
    --key) need_arg "$1" $#
      ((${#keys[@]} == ${#values[@]})) || die "--key $2 follows --key ${keys[-1]} without its --values"
      keys+=("$2"); shift 2 ;;
    --values) need_arg "$1" $#
      ((${#keys[@]} == ${#values[@]} + 1)) || die "--values $2 without a --key before it"
      values+=("$2"); shift 2 ;;
    --jobs) need_arg "$1" $#; jobs=$2; shift 2 ;;
    --seed) need_arg "$1" $#; seed=$2; shift 2 ;;
    --tilesim) need_arg "$1" $#; tilesim=$2; shift 2 ;;
    --sshloginfile) need_arg "$1" $#; sshloginfile=$2; shift 2 ;;
    --collect) need_arg "$1" $#; collect=$2; shift 2 ;;
    --point) need_arg "$1" $#; point=$2; shift 2 ;;
    --resume) resume=1; shift ;;
    --force) force=1; shift ;;
    --transfer) transfer=1; shift ;;
    --count) count_only=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    --) shift; extra=("$@"); break ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

# ---------------------------------------------------------------- --collect
if [[ -n $collect ]]; then
  [[ -z $hw$model$out$point && ${#keys[@]} -eq 0 && ${#extra[@]} -eq 0 ]] ||
    die "--collect DIR takes no other sweep arguments (they are read from DIR/sweep.json)"
  [[ -f $collect/sweep.json ]] || die "$collect/sweep.json: not found (not a sweep directory)"
  out=$(cd "$collect" && pwd)
  aggregate "$out" "${argv[@]}"
  exit $?
fi

# ---------------------------------------------------------------- validation
[[ -n $hw ]] || die "--hw is required"
[[ -n $model ]] || die "--model is required"
((${#keys[@]} > 0)) || die "--key and --values are required"
((${#keys[@]} == ${#values[@]})) || die "--key ${keys[-1]} has no --values"
((count_only || dry_run)) || [[ -n $out ]] || die "--out is required"
[[ -f $hw ]] || die "--hw $hw: no such file"
[[ -f $model ]] || die "--model $model: no such file"
[[ $seed =~ ^[0-9]+$ ]] || die "--seed $seed: expected a non-negative integer"
[[ -z $jobs || $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs $jobs: expected a positive integer"
[[ -z $point || $point =~ ^[1-9][0-9]*$ ]] || die "--point $point: expected a positive integer"
[[ -z $point ]] || ((!force)) || die "--point does not take --force (array tasks run together); clear the --out DIR first"
[[ -z $sshloginfile || -f $sshloginfile ]] || die "--sshloginfile $sshloginfile: no such file"
((!transfer)) || [[ -n $sshloginfile ]] || die "--transfer needs --sshloginfile"
hw=$(abspath "$hw")
model=$(abspath "$model")
[[ -z $sshloginfile ]] || sshloginfile=$(abspath "$sshloginfile")

declare -A seen=()
for i in "${!keys[@]}"; do
  k=${keys[$i]}
  [[ $k =~ ^[A-Za-z_][A-Za-z0-9_.]*$ ]] || die "--key '$k': expected a hardware key such as sram.size_kib"
  [[ -z ${seen[$k]:-} ]] || die "--key $k given twice"
  seen[$k]=1
  v=${values[$i]}
  [[ $v =~ ^[A-Za-z0-9._+-]+(,[A-Za-z0-9._+-]+)*$ ]] ||
    die "--values '$v' for $k: expected comma-separated values (letters, digits, . _ + -)"
done

if [[ -z $tilesim ]]; then tilesim=${TILESIM:-$repo_dir/build/sim/tilesim}; fi
if [[ $tilesim != */* ]]; then
  tilesim=$(command -v "$tilesim") || die "--tilesim: '$tilesim' not found in PATH"
fi
[[ -x $tilesim && -f $tilesim ]] || die "tilesim not found or not executable: $tilesim (build it, or give --tilesim PATH or TILESIM)"
tilesim=$(abspath "$tilesim")

# ---------------------------------------------------------------- the points
names=("")
for i in "${!keys[@]}"; do
  IFS=, read -r -a vs <<<"${values[$i]}"
  next=()
  for n in "${names[@]}"; do
    for v in "${vs[@]}"; do next+=("${n:+$n,}${keys[$i]}=$v"); done
  done
  names=("${next[@]}")
done
npoints=${#names[@]}

if ((count_only)); then echo "$npoints"; exit 0; fi

# The job command is identical between runs of the same sweep (GNU parallel's
# --resume-failed matches joblog entries by sequence number; we also check the text).
extra_q=''
if ((${#extra[@]} > 0)); then extra_q=" -- $(printf '%q ' "${extra[@]}")"; extra_q=${extra_q% }; fi
points_dir_for() { printf '%s/points' "$1"; }
out_abs=''
if [[ -n $out ]]; then
  mkdir -p "$out" 2>/dev/null || die "--out $out: cannot create the directory"
  out_abs=$(cd "$out" && pwd)
else
  out_abs=$(pwd)/OUT
fi
pdir=$(points_dir_for "$out_abs")
job_cmd="bash $(printf '%q %q %q %q %q %q' "$helper" "$tilesim" "$hw" "$model" "$pdir" "$seed") {}$extra_q"

parallel_args=(--joblog "$out_abs/joblog")
if [[ -n $jobs ]]; then parallel_args+=(-j "$jobs"); fi
if [[ -n $sshloginfile ]]; then
  parallel_args+=(--sshloginfile "$sshloginfile")
  if ((transfer)); then
    parallel_args+=(--basefile "$helper" --basefile "$hw" --basefile "$model"
      --return "$pdir/{}.status" --return "$pdir/{}.err" --return "$pdir/{}.json" --cleanup)
  fi
fi

if ((dry_run)); then
  parallel --dry-run -k "$job_cmd" ::: "${names[@]}"
  exit 0
fi

# ---------------------------------------------------------------- the --out dir
spec_json() {
  local keys_json
  keys_json=$(for i in "${!keys[@]}"; do
    jq -cn --arg k "${keys[$i]}" --arg v "${values[$i]}" '{key: $k, values: ($v | split(","))}'
  done | jq -cs .)
  jq -n --arg tilesim "$tilesim" --arg hw "$hw" --arg model "$model" --arg seed "$seed" \
    --argjson keys "$keys_json" --arg job "$job_cmd" --argjson extra "$(json_array "${extra[@]}")" \
    '{format: "tilesim-sweep/1", tilesim: $tilesim, hw: $hw, model: $model,
      seed: ($seed | tonumber), keys: $keys, extra_args: $extra, job_command: $job}
      | . + {signature: ([.tilesim, .hw, .model, .seed, .keys, .extra_args] | tojson)}'
}
spec=$(spec_json | jq --argjson argv "$(json_array "${argv[@]}")" --argjson points "$(json_array "${names[@]}")" \
  --arg cwd "$PWD" '. + {command_line: $argv, cwd: $cwd, points: $points}')
sig=$(jq -r .signature <<<"$spec")

if [[ -f $out_abs/sweep.json ]]; then
  old_sig=$(jq -r '.signature // ""' "$out_abs/sweep.json" 2>/dev/null || true)
  if [[ $old_sig != "$sig" ]]; then
    if ((force)); then
      clean_out "$out_abs"
    elif ((!resume)); then
      die "--out $out holds a sweep with a different command line (see $out/sweep.json); use --resume to continue into it or --force to replace it"
    fi
  fi
elif [[ -z $point && -n $(ls -A "$out_abs") ]] && ((!force)); then
  # (with --point, array tasks start together: the others may have created files already)
  die "--out $out: exists and is not empty, and holds no sweep (no sweep.json); use --force to write into it"
fi
mkdir -p "$pdir"
write_atomic "$out_abs/sweep.json" <<<"$spec"

# ---------------------------------------------------------------- --point N
if [[ -n $point ]]; then
  ((point <= npoints)) || die "--point $point: the sweep has $npoints points"
  name=${names[$((point - 1))]}
  rc=0
  bash "$helper" "$tilesim" "$hw" "$model" "$pdir" "$seed" "$name" -- "${extra[@]}" || rc=$?
  echo "$prog: point $point/$npoints $name: exit status $rc" >&2
  exit "$rc"
fi

# ---------------------------------------------------------------- run
if ((resume)) && [[ -f $out_abs/joblog ]]; then
  # Keep only the joblog entries that still describe this sweep's job and, when
  # they succeeded, whose stats file is still there; --resume-failed reruns the rest.
  mapfile -t expected < <(parallel --dry-run -k "$job_cmd" ::: "${names[@]}")
  tmp=$(mktemp "$out_abs/.joblog.XXXXXX")
  {
    IFS= read -r header && printf '%s\n' "$header"
    while IFS=$'\t' read -r seq host start runtime send recv exitval signal cmd; do
      if ! [[ $seq =~ ^[0-9]+$ ]] || ((seq < 1 || seq > npoints)); then continue; fi
      [[ $cmd == "${expected[$((seq - 1))]}" ]] || continue
      if [[ $exitval == 0 && $signal == 0 && ! -f $pdir/${names[$((seq - 1))]}.json ]]; then continue; fi
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$seq" "$host" "$start" "$runtime" "$send" "$recv" "$exitval" "$signal" "$cmd"
    done
  } <"$out_abs/joblog" >"$tmp"
  mv -f "$tmp" "$out_abs/joblog"
  parallel_args+=(--resume-failed)
else
  rm -f "$out_abs/joblog"
fi
if [[ -t 2 ]]; then parallel_args+=(--bar); fi

echo "$prog: $npoints points of $(basename "$model") on $(basename "$hw") -> $out_abs" >&2
parallel "${parallel_args[@]}" "$job_cmd" ::: "${names[@]}" || true

aggregate "$out_abs" "${argv[@]}"
