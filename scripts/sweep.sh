#!/usr/bin/env bash
# Sweep hardware keys of tilesim: one `tilesim run --timing-only` per point, in
# parallel with GNU parallel, then results.csv, manifest.json and a gnuplot plot.
# See `scripts/sweep.sh --help` and docs/sweeps.md.
#
# Every value (paths, names, keys, values, extra arguments) is data: GNU parallel gets the
# job's arguments as NUL-separated input, never inside its command template; gnuplot gets
# names as escaped string literals (sweep-collect.sh); jq gets them with --arg. The --out
# folder is locked for the whole sweep (sweep-lib.sh: lock_out).
set -euo pipefail

prog=sweep.sh
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd && echo .) script_dir=${script_dir%$'\n.'}
repo_dir=${script_dir%/*}
helper=$script_dir/sweep-point.sh
# shellcheck source=scripts/sweep-lib.sh
source "$script_dir/sweep-lib.sh"
# shellcheck source=scripts/sweep-collect.sh
source "$script_dir/sweep-collect.sh"
# shellcheck source=scripts/sweep-pareto.sh
source "$script_dir/sweep-pareto.sh"

usage() {
  cat <<'EOF'
Usage: scripts/sweep.sh --hw HW.yaml --model MODEL.yaml --key KEY --values V1,V2,...
                        [--key KEY2 --values ...]... --out DIR [options] [-- EXTRA_RUN_ARGS]
       scripts/sweep.sh --collect DIR
       scripts/sweep.sh ... --point N          (run one point only: Slurm array tasks)
       scripts/sweep.sh ... --count | --dry-run

Runs one `tilesim run --timing-only --hw HW --model MODEL --seed SEED --set KEY=VALUE...
--stats-json FILE [EXTRA_RUN_ARGS]` per point, in parallel with GNU parallel. With several
--key/--values pairs the points are the cartesian product (first key outermost). POINT is
the point's settings, e.g. sram.size_kib=64 or sram.size_kib=64,dma.bytes_per_cycle=16.

Required:
  --hw FILE            hardware description (YAML)
  --model FILE         model (YAML or ONNX)
  --key KEY            hardware key to sweep, as for `tilesim run --set` (repeatable, each
                       key once)
  --values V1,V2,...   its values, comma-separated, in sweep order (one --values per --key);
                       letters, digits and . _ + - only; no empty value, and no two values
                       naming the same point (64 and 064, or 1000 and 1e3, are one point)
  --out DIR            output directory (created; not an existing file)

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
  --dry-run            print the job commands and exit (nothing is written)
  -h, --help           this help
  -- ARGS...           passed to every `tilesim run` unchanged

Outputs in DIR:
  points/POINT.json    stats.json of the point (docs/stats.md); only when it succeeded
  points/POINT.err     the point's stderr;  points/POINT.status  its exit status
  results.csv          one row per point in sweep order: the swept keys, cycles, time_ns,
                       bytes_loaded, bytes_stored, loads, loads_eliminated,
                       compute_busy_cycles, overlap_cycles, sram_peak_bytes,
                       bound_cycles, efficiency, dram_gb_per_s, dram_row_hit_rate,
                       sram_stall_cycles, energy_uj, power_mw, area_mm2, edp_uj_us,
                       exit_status, error (docs/sweeps.md)
  manifest.json        tilesim version and git commit, sha256 of hw and model, command
                       line, seed, date, keys and values, points ok/failed/missing
  sweep.png, sweep.svg cycles, lower bound and DMA bytes against the first key
  pareto.png, .svg     cycles against energy, one labelled point per configuration,
                       the Pareto front marked
  joblog               GNU parallel's job log (used by --resume)
  sweep.json           the sweep's definition (used by --resume, --point, --collect)
  .sweep.lock          the lock: a sweep, --resume and --collect hold it alone, --point
                       tasks share it; a sweep that finds it held stops with exit 2

A failing point (tilesim exit status != 0) is a row with its exit status and error
text; the sweep goes on. An --out DIR holding a sweep with a different command line
(tilesim, hw, model, keys, values, seed, extra args) is refused unless --resume or
--force.

Exit status: 0 every point ran and succeeded; 1 at least one point failed or is
missing (results are still written); 2 bad arguments, an unusable --out DIR or one
another sweep holds (one line "sweep.sh: error: ..." on stderr, nothing written).
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
  if [[ -n $hw$model$out$point$jobs$sshloginfile || ${#keys[@]} -gt 0 || ${#extra[@]} -gt 0 ]] ||
    ((resume || force || transfer || count_only || dry_run)); then
    die "--collect DIR takes no other sweep arguments (they are read from DIR/sweep.json)"
  fi
  [[ -d $collect ]] || die "--collect $collect: not a folder"
  [[ -f $collect/sweep.json ]] || die "$collect/sweep.json: not found (not a sweep directory)"
  abs_dir "$collect" || die "--collect $collect: cannot enter the folder"
  out_abs=$REPLY
  lock_out "$out_abs" exclusive --collect
  remove_stale_temps "$out_abs"
  aggregate "$out_abs" "${argv[@]}"
  exit "$AGGREGATE_STATUS"
fi

# ---------------------------------------------------------------- validation (nothing written yet)
check_args() {
  local i
  [[ -n $hw ]] || die "--hw is required"
  [[ -n $model ]] || die "--model is required"
  ((${#keys[@]} > 0)) || die "--key and --values are required"
  ((${#keys[@]} == ${#values[@]})) || die "--key ${keys[-1]} has no --values"
  ((count_only || dry_run)) || [[ -n $out ]] || die "--out is required"
  check_file --hw "$hw"
  check_file --model "$model"
  [[ $seed =~ ^[0-9]{1,19}$ ]] || die "--seed $seed: expected a non-negative integer"
  [[ -z $jobs || $jobs =~ ^[1-9][0-9]{0,5}$ ]] || die "--jobs $jobs: expected a positive integer"
  [[ -z $point || $point =~ ^[1-9][0-9]{0,8}$ ]] || die "--point $point: expected a positive integer"
  [[ -z $point ]] || ((!force)) || die "--point does not take --force (array tasks run together); clear the --out DIR first"
  [[ -z $sshloginfile ]] || check_file --sshloginfile "$sshloginfile"
  ((!transfer)) || [[ -n $sshloginfile ]] || die "--transfer needs --sshloginfile"
  local -A seen=()
  for i in "${!keys[@]}"; do
    [[ ${keys[i]} =~ ^$key_re$ ]] || die "--key '${keys[i]}': expected a hardware key such as sram.size_kib"
    [[ -z ${seen[${keys[i]}]:-} ]] || die "--key ${keys[i]} given twice (give all its values in one --values)"
    seen[${keys[i]}]=1
    check_values "--values ${values[i]:-''} for ${keys[i]}" "${values[i]}"
  done
  [[ -z $out ]] || check_out "$out"
}

check_file() { # check_file OPTION PATH: PATH is a regular file (or a link to one)
  [[ -e $2 ]] || die "$1 $2: no such file"
  [[ -f $2 ]] || die "$1 $2: not a regular file"
}

# check_out DIR: an existing folder, or one that can be made; never an existing file.
check_out() {
  local p=$1
  if [[ -e $p || -L $p ]]; then
    [[ -d $p ]] || die "--out $1: exists and is not a directory"
    [[ -w $p && -x $p ]] || die "--out $1: not a writable directory"
    return 0
  fi
  while [[ ! -e $p && ! -L $p ]]; do
    if [[ $p == */* ]]; then p=${p%/*}; else p=.; fi
    p=${p:-/}
  done
  [[ -d $p && -w $p && -x $p ]] || die "--out $1: cannot be created ($p is not a writable directory)"
}

check_args
abs_path "$hw" || die "--hw $hw: cannot enter its folder"; hw=$REPLY
abs_path "$model" || die "--model $model: cannot enter its folder"; model=$REPLY
[[ -z $sshloginfile ]] || { abs_path "$sshloginfile" && sshloginfile=$REPLY; }
if [[ -z $tilesim ]]; then tilesim=${TILESIM:-$repo_dir/build/sim/tilesim}; fi
if [[ $tilesim != */* ]]; then
  tilesim=$(command -v -- "$tilesim") || die "--tilesim: '$tilesim' not found in PATH"
fi
[[ -x $tilesim && -f $tilesim ]] || die "tilesim not found or not executable: $tilesim (build it, or give --tilesim PATH or TILESIM)"
abs_path "$tilesim" && tilesim=$REPLY

point_names "${#keys[@]}" "${keys[@]}" "${values[@]}"
names=("${REPLY_NAMES[@]}")
npoints=${#names[@]}
[[ -z $point ]] || ((point <= npoints)) || die "--point $point: the sweep has $npoints points"
if ((count_only)); then echo "$npoints"; exit 0; fi

# out_abs: the --out folder's absolute path (the folder itself once it exists)
if [[ -z $out ]]; then
  out_abs=$PWD/OUT
elif [[ -d $out ]]; then
  abs_dir "$out" && out_abs=$REPLY
else
  out_abs=${out%"${out##*[!/]}"} # (trailing slashes dropped)
  [[ $out_abs == /* ]] || out_abs=$PWD/$out_abs
fi
pdir=$out_abs/points
if [[ -n $sshloginfile ]]; then
  # Other hosts get these paths through ssh and rsync command lines: only plain ones.
  for p in "$script_dir" "$tilesim" "$hw" "$model" "$out_abs"; do
    [[ $p =~ ^[A-Za-z0-9._+/-]+$ ]] ||
      die "--sshloginfile: '$p' has characters other than letters, digits and . _ + - / (paths go to ssh and rsync on other hosts); use a plain path"
  done
fi
if ((transfer)); then
  # ':' (this machine) takes no transferred files: its jobs would find none.
  lineno=0
  while IFS= read -r line || [[ -n $line ]]; do
    lineno=$((lineno + 1))
    line=${line%%#*} line=${line//[[:space:]]/}
    [[ ! $line =~ ^([0-9]+/)?:$ ]] ||
      die "--transfer: $sshloginfile line $lineno is ':' (this machine), which gets no transferred files; list it by its ssh name, or drop --transfer"
  done <"$sshloginfile"
fi

# ---------------------------------------------------------------- the jobs
# GNU parallel runs TEMPLATE once per point; it holds only {N} slots, filled from
# NUL-separated input sources (parallel quotes each for the shell): helper, tilesim, hw,
# model, points dir, seed, the extra args, and last the point name.
# With --transfer each job runs in a folder of its own on its host (parallel --workdir ...,
# removed by --cleanup) that receives one folder, in/, holding the helper, sweep-lib.sh, the
# hw and the model under fixed names (one rsync), writes the point's files into its own
# points/ and sends that folder back into DIR/points: nothing is ever written or removed at
# the user's paths on the host (which a shared filesystem would make the local files).
job_helper=$helper job_hw=$hw job_model=$model job_pdir=$pdir
if ((transfer)); then
  job_helper=in/sweep-point.sh job_hw=in/hw job_model=in/model job_pdir=points
  [[ ${hw##*/} != *.* ]] || job_hw+=.${hw##*.}
  [[ ${model##*/} != *.* ]] || job_model+=.${model##*.}
fi
nx=${#extra[@]}
template="bash {1} {2} {3} {4} {5} {6} {$((7 + nx))}"
((!transfer)) || template="mkdir -p -- {5} && $template"
if ((nx > 0)); then template+=' --'; for ((i = 7; i < 7 + nx; i++)); do template+=" {$i}"; done; fi

run_parallel() { # run_parallel PARALLEL_ARGS...: the jobs of every point
  local -a sources=()
  local v fd
  for v in "$job_helper" "$tilesim" "$job_hw" "$job_model" "$job_pdir" "$seed" "${extra[@]}"; do
    exec {fd}< <(printf '%s\0' "$v")
    sources+=("/dev/fd/$fd")
  done
  exec {fd}< <(printf '%s\0' "${names[@]}")
  sources+=("/dev/fd/$fd")
  parallel -0 "$@" "$template" :::: "${sources[@]}"
}

if ((dry_run)); then run_parallel --dry-run -k; exit 0; fi

# ---------------------------------------------------------------- the spec
# sig: what makes two sweeps the same (run_sig: the same but for the keys and values).
sig_args=(--arg tilesim "$tilesim" --arg hw "$hw" --arg model "$model" --arg seed "$seed"
  --argjson keys "$(json_array "${keys[@]}")" --argjson values "$(json_array "${values[@]}")"
  --argjson extra "$(json_array "${extra[@]}")")
# shellcheck disable=SC2016  # ($tilesim etc. are jq variables)
sig_filter='{format: "tilesim-sweep/1", tilesim: $tilesim, hw: $hw, model: $model, seed: ($seed | tonumber),
    keys: [$keys, $values] | transpose | map({key: .[0], values: (.[1] | split(","))}),
    extra_args: $extra}
  | . + {signature: ([.tilesim, .hw, .model, .seed, .keys, .extra_args] | tojson),
         run_signature: ([.tilesim, .hw, .model, .seed, .extra_args] | tojson)}'
{ IFS= read -r -d '' sig && IFS= read -r -d '' run_sig; } < <(jq -nj "${sig_args[@]}" "$sig_filter"' | .signature, "\u0000", .run_signature, "\u0000"')

spec_json() { # the sweep.json of this sweep
  local version_full
  version_full=$("$tilesim" --version 2>/dev/null </dev/null || true)
  jq -n "${sig_args[@]}" --argjson argv "$(json_array "${argv[@]}")" \
    --argjson points "$(json_array "${names[@]}")" --arg cwd "$PWD" --arg version_full "$version_full" \
    --argjson job "$(json_array bash "$helper" "$tilesim" "$hw" "$model" "$pdir" "$seed" POINT ${extra[@]+--} "${extra[@]}")" \
    "$sig_filter"' + {job_command: ($job | map(@sh) | join(" ")),
      tilesim_version: ($version_full | split("\n")[0]), tilesim_version_full: $version_full,
      command_line: $argv, cwd: $cwd, points: $points}'
}

# ---------------------------------------------------------------- the --out dir
# check_out_contents: what DIR holds allows this sweep (a sweep.json of the same command
# line, or --resume/--force, or nothing); sets same_sig. Run before and under the lock.
check_out_contents() {
  local dir=$1
  same_sig=0
  if [[ -f $dir/sweep.json ]]; then
    if jq -e --arg sig "$sig" '.signature == $sig' "$dir/sweep.json" >/dev/null 2>&1; then same_sig=1
    elif ((!force && !resume)); then
      die "--out $out holds a sweep with a different command line (see $out/sweep.json); use --resume to continue into it or --force to replace it"
    fi
  elif [[ -z $point ]] && ((!force)) && [[ -d $dir ]]; then
    # (with --point, array tasks start together: the others may have created files already)
    local -a entries
    mapfile -t -d '' entries < <(find "$dir" -mindepth 1 -maxdepth 1 ! -name .sweep.lock -print0)
    ((${#entries[@]} == 0)) ||
      die "--out $out: exists and is not empty, and holds no sweep (no sweep.json); use --force to write into it"
  fi
}

# old_points: the points and run of the sweep.json there before (for --resume).
old_points() {
  old_names=() old_same_run=0
  [[ -f $out_abs/sweep.json ]] || return 0
  jq -e --arg rs "$run_sig" '(.run_signature // ([.tilesim, .hw, .model, .seed, .extra_args] | tojson)) == $rs' \
    "$out_abs/sweep.json" >/dev/null 2>&1 && old_same_run=1
  mapfile -t -d '' old_names < <(jq -j '.points[]? | strings | ., "\u0000"' "$out_abs/sweep.json" 2>/dev/null)
}

clean_out() { # remove a previous sweep's files (only the files a sweep writes)
  rm -rf -- "$pdir" "$out_abs/results.csv" "$out_abs/manifest.json" "$out_abs/sweep.png" \
    "$out_abs/sweep.svg" "$out_abs/joblog" "$out_abs/sweep.json"
}

# write_spec: sweep.json. --point tasks run together: the first writes it (a hard link of
# a complete file: atomic, never replaced) and the others check theirs is the same sweep.
write_spec() {
  if [[ -z $point ]] || ((resume && !same_sig)); then
    write_atomic "$out_abs/sweep.json" "$(spec_json)"$'\n'
    return 0
  fi
  if [[ ! -e $out_abs/sweep.json ]]; then
    make_temp "$out_abs" sweep.json
    spec_json >"$REPLY"
    chmod 644 -- "$REPLY"
    ln -T -- "$REPLY" "$out_abs/sweep.json" 2>/dev/null || true
  fi
  jq -e --arg sig "$sig" '.signature == $sig' "$out_abs/sweep.json" >/dev/null 2>&1 ||
    die "--out $out holds a sweep with a different command line (see $out/sweep.json)"
}

check_out_contents "$out"
mkdir -p -- "$out" 2>/dev/null || die "--out $out: cannot create the directory"
abs_dir "$out" || die "--out $out: cannot enter the directory"
out_abs=$REPLY pdir=$REPLY/points
lock_out "$out_abs" "$([[ -n $point ]] && echo shared || echo exclusive)" --out
check_out_contents "$out_abs"
[[ -n $point ]] || remove_stale_temps "$out_abs"
old_points
if ((force && !same_sig)) && [[ -z $point ]]; then clean_out; fi
[[ ! -L $pdir ]] || die "$pdir: a symbolic link where the points folder belongs"
mkdir -p -- "$pdir"
write_spec

# ---------------------------------------------------------------- --point N
if [[ -n $point ]]; then
  name=${names[point - 1]}
  rc=0
  bash "$helper" "$tilesim" "$hw" "$model" "$pdir" "$seed" "$name" -- "${extra[@]}" || rc=$?
  one_line "$name"
  echo "$prog: point $point/$npoints $REPLY: exit status $rc" >&2
  exit "$rc"
fi

# ---------------------------------------------------------------- run
# filter_joblog: for --resume, keep the joblog entries of points that are the same (name
# and run) as before and that failed or still have their stats file; GNU parallel's
# --resume-failed reruns failed entries and the points without an entry. In a failed
# entry the Host column's spaces become '_' (an sshlogin such as "ssh -p 2222 node1"):
# parallel 20221122 refuses to read back a failed entry whose Host holds spaces ("Format
# of 'joblog' is wrong"); its rerun gets an entry of its own, with the Host as it is.
filter_joblog() {
  local same='' has_json='' k
  ((old_same_run)) || { rm -f -- "$out_abs/joblog"; return 0; }
  for ((k = 1; k <= npoints; k++)); do
    [[ ${old_names[k - 1]:-} == "${names[k - 1]}" ]] || continue
    same+=" $k"
    [[ ! -f $pdir/${names[k - 1]}.json ]] || has_json+=" $k"
  done
  make_temp "$out_abs" joblog
  SAME=$same HAS_JSON=$has_json awk -F'\t' '
    BEGIN { n = split(ENVIRON["SAME"], s, " "); for (i = 1; i <= n; i++) same[s[i]] = 1
            n = split(ENVIRON["HAS_JSON"], s, " "); for (i = 1; i <= n; i++) has[s[i]] = 1 }
    NR == 1 { print; next }
    ($1 in same) && ($7 != 0 || $8 != 0 || ($1 in has)) {
      if (($7 != 0 || $8 != 0) && $2 ~ /[ ]/) { OFS = "\t"; gsub(/[ ]/, "_", $2) }
      print }' "$out_abs/joblog" >"$REPLY"
  publish "$REPLY" "$out_abs/joblog"
}

parallel_args=(--joblog "$out_abs/joblog")
if [[ -n $jobs ]]; then parallel_args+=(-j "$jobs"); fi
if [[ -n $sshloginfile ]]; then
  parallel_args+=(--sshloginfile "$sshloginfile")
  if ((transfer)); then
    # The files every job gets, in a private folder (removed on exit) under their job names.
    make_temp "$out_abs" transfer -d
    stage=$REPLY
    mkdir -- "$stage/in"
    cp -- "$helper" "$stage/$job_helper"
    cp -- "$script_dir/sweep-lib.sh" "$stage/in/sweep-lib.sh"
    cp -- "$hw" "$stage/$job_hw"
    cp -- "$model" "$stage/$job_model"
    parallel_args+=(--workdir ... --transferfile "$stage/./in" --return "$out_abs/./points" --cleanup)
    # The points that will run lose their old status and stats first (on one filesystem
    # sweep-point.sh does that itself), so a point whose host dies is missing, never stale.
    for name in "${names[@]}"; do
      if ((resume)) && [[ -f $pdir/$name.json ]] && read_status "$pdir/$name.status" && [[ $REPLY == 0 ]]; then continue; fi
      rm -f -- "$pdir/$name.status" "$pdir/$name.json"
    done
  fi
fi
if ((resume)) && [[ -f $out_abs/joblog ]]; then
  filter_joblog
  parallel_args+=(--resume-failed)
else
  rm -f -- "$out_abs/joblog"
fi
if [[ -t 2 ]]; then parallel_args+=(--bar); fi

one_line "$npoints points of ${model##*/} on ${hw##*/} -> $out_abs"
echo "$prog: $REPLY" >&2
run_parallel "${parallel_args[@]}" || true
remove_stale_temps "$out_abs" # (every job has ended: the private folders of dead ones)

aggregate "$out_abs" "${argv[@]}"
exit "$AGGREGATE_STATUS"
