# shellcheck shell=bash disable=SC2154  # key_re, prog, script_dir: set by the sourcing script
# Aggregation of scripts/sweep.sh: results.csv, manifest.json and the plot from DIR/sweep.json
# and DIR/points/*. Sourced by sweep.sh after sweep-lib.sh; needs jq, sha256sum, gnuplot
# (without gnuplot there is no plot) and $script_dir.
#
# Contract: everything read here (sweep.json, the points' files) is data. sweep.json is
# validated as sweep.sh writes it and its points are recomputed from its keys and values;
# numbers are checked to be numbers before bash computes with them; nothing named in it is
# run (the tilesim version was recorded when the sweep started). Names reach the plot only
# as escaped gnuplot string literals (gp_string). Outputs are written by write_atomic.

# load_spec FILE: check that FILE is a sweep definition and read it into the SPEC_* globals
# (keys, comma-joined values, points, paths, recorded tilesim version); else die naming FILE.
load_spec() {
  local f=$1 k i n
  local -a all
  mapfile -t -d '' all < <(jq -j 'if .format == "tilesim-sweep/1"
    and ([.tilesim, .hw, .model] | all(type == "string")) and (.seed | type == "number")
    and (.keys | type == "array" and length > 0
         and all(type == "object" and (.key | type == "string")
                 and (.values | type == "array" and length > 0 and all(type == "string"))))
    and (.points | type == "array" and all(type == "string"))
    and ([.. | strings | explode | any(. == 0)] | any | not)
    then (.keys | length | tostring), (.keys[] | .key, (.values | join(","))),
         (.points | length | tostring), .points[],
         .tilesim, .hw, .model, (.tilesim_version // ""), (.tilesim_version_full // "")
    else empty end | ., "\u0000"' "$f" 2>/dev/null)
  ((${#all[@]} > 0)) || die "$f: not a sweep definition written by sweep.sh"
  n=${all[0]} SPEC_KEYS=() SPEC_VALUES=()
  for ((i = 0; i < n; i++)); do SPEC_KEYS+=("${all[1 + 2 * i]}") SPEC_VALUES+=("${all[2 + 2 * i]}"); done
  SPEC_POINTS=("${all[@]:2 + 2 * n:all[1 + 2 * n]}")
  SPEC_FIELDS=("${all[@]:2 + 2 * n + all[1 + 2 * n]}")
  for i in "${!SPEC_KEYS[@]}"; do
    k=${SPEC_KEYS[i]}
    [[ $k =~ ^$key_re$ ]] || die "$f: '$k' is not a hardware key"
    check_values "$f: values of $k" "${SPEC_VALUES[i]}"
  done
  point_names "${#SPEC_KEYS[@]}" "${SPEC_KEYS[@]}" "${SPEC_VALUES[@]}"
  [[ "${REPLY_NAMES[*]}" == "${SPEC_POINTS[*]}" && ${#REPLY_NAMES[@]} == "${#SPEC_POINTS[@]}" ]] ||
    die "$f: its points are not the product of its keys and values (edited by hand?)"
}

# read_status FILE: REPLY = the exit status in a point's .status file, '' when there is
# none, 'invalid' when it does not hold a number.
read_status() {
  REPLY=''
  [[ -f $1 ]] || return 0
  read -r -n 16 REPLY <"$1" || true
  [[ $REPLY =~ ^[0-9]{1,3}$ ]] || REPLY=invalid
}

# The columns of results.csv after the keys, and the jq program that reads them from a
# stats.json (a missing figure is an empty cell; anything but a number is an error).
csv_cols='cycles,time_ns,bytes_loaded,bytes_stored,loads,loads_eliminated,compute_busy_cycles,overlap_cycles,sram_peak_bytes,bound_cycles,efficiency,dram_gb_per_s,dram_row_hit_rate,sram_stall_cycles,energy_uj,power_mw,area_mm2,edp_uj_us'
csv_filter='def num: if . == null then null elif type == "number" then . else error("not a number") end;
  ([.cycles, .time_ns, .dma.bytes_loaded, .dma.bytes_stored, .dma.loads, .dma.loads_eliminated,
    .compute.busy_cycles, .overlap_cycles, .sram.peak_bytes, .bound.cycles, .efficiency,
    .dram.achieved_gb_per_s, .dram.row_hit_rate,
    (if .sram.bank_conflict_stall_cycles == null then null
     else .sram.bank_conflict_stall_cycles + .sram.bandwidth_stall_cycles end),
    .energy.total_uj, .power_mw, .area_mm2.total, .edp_uj_us]
   | map(num) | @csv),
  ([.cycles, .bound.cycles, (.dma.bytes_loaded + .dma.bytes_stored)] | map(num) | @tsv),
  ({model: (.model | strings), hw: (.hw | strings)} | tojson),
  ([.cycles, .energy.total_uj] | map(num) | @tsv)'

# aggregate OUT ARGV...: results.csv, sweep.png/.svg, manifest.json from OUT/sweep.json and
# OUT/points/*. Sets AGGREGATE_STATUS: 0 when every point succeeded, 1 otherwise (and
# returns 0, so that callers need no `||`, which would switch off errexit in here).
aggregate() {
  local out=$1
  shift
  local spec=$out/sweep.json pdir=$out/points
  load_spec "$spec"
  local empty csv p status err rows ok=0 failed=0 missing=0 i
  local -a failed_args=() kv key_vals row
  local ncols
  ncols=$(tr -cd , <<<"$csv_cols" | wc -c)  # the commas between the figures: one fewer than they
  empty=$(printf ',%.0s' $(seq 1 "$ncols"))
  csv=$(IFS=,; echo "${SPEC_KEYS[*]},$csv_cols,exit_status,error")$'\n'
  PLOT_X=() PLOT_GROUP=() PLOT_ROW=() PARETO_ROW=() PARETO_LABEL=() NAMES_JSON=''
  for p in "${SPEC_POINTS[@]}"; do
    IFS=, read -r -a kv <<<"$p"
    key_vals=("${kv[@]#*=}")
    read_status "$pdir/$p.status"
    status=$REPLY err=''
    if [[ $status == 0 && -f $pdir/$p.json ]] && rows=$(jq -r "$csv_filter" "$pdir/$p.json" 2>/dev/null); then
      ok=$((ok + 1))
      mapfile -t row <<<"$rows"
      csv+="$(IFS=,; echo "${key_vals[*]}"),${row[0]},0,"$'\n'
      add_plot_row "${row[1]}" "${key_vals[@]}"
      add_pareto_row "${row[3]:-}" "${key_vals[@]}"
      [[ -n $NAMES_JSON || ${row[2]:-} != '{"model":'* ]] || NAMES_JSON=${row[2]}
      continue
    fi
    if [[ -z $status || ($status == 0 && ! -f $pdir/$p.json) ]]; then
      missing=$((missing + 1)) status=''
      err="no result: the point has not run (or its stats file is missing)"
    elif [[ $status == 0 ]]; then
      failed=$((failed + 1))
      err="exit status 0, but points/$p.json is not a stats file"
    else
      failed=$((failed + 1))
      point_error "$pdir/$p" "$status"
      err=$REPLY
      [[ $status =~ ^[0-9]+$ ]] || status=''
    fi
    csv+="$(IFS=,; echo "${key_vals[*]}"),$empty,$status,\"${err//\"/\"\"}\""$'\n'
    failed_args+=("$p" "$status" "$err")
  done
  write_atomic "$out/results.csv" "$csv"
  local failed_json
  failed_json=$(jq -nc '[$ARGS.positional | select(length > 0) | _nwise(3)
    | {point: .[0], exit_status: (if .[1] == "" then null else (.[1] | tonumber) end), error: .[2]}]' \
    --args -- "${failed_args[@]}")
  plot_sweep "$out" "$failed_json"
  plot_pareto "$out" "$failed_json"
  write_manifest "$out" "$ok" "$failed" "$missing" "$failed_json" "$@"
  one_line "${#SPEC_POINTS[@]} points: $ok ok, $failed failed, $missing missing -> $out/results.csv"
  echo "$prog: $REPLY" >&2
  # shellcheck disable=SC2034  # (read by sweep.sh)
  AGGREGATE_STATUS=$((failed + missing > 0))
}

# point_error BASE STATUS: REPLY = the error text of a failed point, from BASE.err (on one
# line: inner newlines as " | ", at most 4 KiB).
point_error() {
  local base=$1 status=$2 text=''
  if [[ $status == invalid ]]; then REPLY="$base.status does not hold an exit status"; return; fi
  if [[ -f $base.err ]]; then text=$(head -c 4096 -- "$base.err" | tr -d '\000'); fi
  text=${text%$'\n'}
  REPLY=${text//$'\n'/ | }
}

# add_plot_row TSV KEY_VALUES...: one successful point for the plot (TSV: cycles, bound
# cycles, DMA bytes); skipped unless all three are integers.
add_plot_row() {
  local tsv=$1 group='' i
  shift
  [[ $tsv =~ ^[0-9]{1,18}$'\t'[0-9]{1,18}$'\t'[0-9]{1,18}$ ]] || return 0
  for ((i = 2; i <= $#; i++)); do group+="${group:+, }${SPEC_KEYS[i - 1]}=${!i}"; done
  PLOT_X+=("$1") PLOT_GROUP+=("$group") PLOT_ROW+=("$tsv")
}

# gp_string TEXT: REPLY = TEXT as a gnuplot string literal made only of octal escapes.
gp_string() {
  local LC_ALL=C s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    printf -v c '\\%03o' "'${s:i:1}"
    out+=$c
  done
  REPLY="\"$out\""
}
gp_define() { gp_string "$2"; printf '%s = %s\n' "$1" "$REPLY"; } # gp_define NAME TEXT

# plot_sweep OUT FAILED_JSON: sweep.png and sweep.svg from PLOT_* (see add_plot_row).
plot_sweep() {
  local out=$1 failed_json=$2
  rm -f -- "$out/sweep.png" "$out/sweep.svg"
  if ((${#PLOT_ROW[@]} == 0)); then warn "no successful point: no plot"; return 0; fi
  command -v gnuplot >/dev/null || { warn "gnuplot not found: no plot"; return 0; }
  local dat defs png svg errs
  make_temp "$out" plot.dat; dat=$REPLY
  make_temp "$out" plot.defs; defs=$REPLY
  make_temp "$out" sweep.png; png=$REPLY
  make_temp "$out" sweep.svg; svg=$REPLY
  make_temp "$out" plot.err; errs=$REPLY
  plot_axis_x
  plot_data >"$dat"
  {
    gp_define png_out "$png"; gp_define svg_out "$svg"
    gp_define dat "$dat"
    plot_labels "$failed_json"
  } >"$defs"
  run_gnuplot "$defs" sweep-plot.gp "$png" "$svg" "$errs" "$out/sweep" "no plot"
}

# run_gnuplot DEFS SCRIPT PNG SVG ERRS DEST WHAT: gnuplot DEFS and scripts/SCRIPT, then the
# two temporaries published as DEST.png and DEST.svg; a warning "gnuplot failed, WHAT" else.
run_gnuplot() {
  if gnuplot "$1" "$script_dir/$2" 2>"$5" </dev/null; then
    publish "$3" "$6.png"
    publish "$4" "$6.svg"
  else
    warn "gnuplot failed, $7: $(head -c 500 -- "$5")"
  fi
}

# plot_axis_x: AXIS_NUMERIC (1 when every value of the first key is a positive decimal
# number of modest exponent: a log-2 axis) and AXIS_POS (value -> x), AXIS_VALUES.
plot_axis_x() {
  local v i=0
  IFS=, read -r -a AXIS_VALUES <<<"${SPEC_VALUES[0]}"
  AXIS_NUMERIC=1
  declare -gA AXIS_POS=()
  for v in "${AXIS_VALUES[@]}"; do
    value_id "$v"
    [[ $REPLY =~ ^[1-9][0-9]{0,30}e(-?[0-9]{1,3})$ ]] || AXIS_NUMERIC=0
    AXIS_POS[$v]=$REPLY
  done
  ((AXIS_NUMERIC)) && return 0
  for v in "${AXIS_VALUES[@]}"; do AXIS_POS[$v]=$((i++)); done
}

# plot_data: the data file, one block per group of the other keys, in sweep order.
plot_data() {
  local -A block=()
  local -a order=()
  local j g
  for j in "${!PLOT_ROW[@]}"; do
    g=":${PLOT_GROUP[j]}" # (':': a key is never empty)
    [[ -n ${block[$g]+set} ]] || order+=("$g")
    block[$g]+="${AXIS_POS[${PLOT_X[j]}]}"$'\t'"${PLOT_ROW[j]}"$'\n'
  done
  PLOT_GROUPS=("${order[@]#:}")
  for g in "${order[@]}"; do printf '%s\n\n' "${block[$g]}"; done
}

# plot_labels FAILED_JSON: the definitions of titles, tics, groups and scales.
plot_labels() {
  local failed_json=$1 k1=${SPEC_KEYS[0]} maxc=0 maxb=0 row c b i
  for row in "${PLOT_ROW[@]}"; do
    IFS=$'\t' read -r c _ b <<<"$row"
    ((c > maxc)) && maxc=$c
    ((b > maxb)) && maxb=$b
  done
  local cdiv=1 clab=cycles bdiv=1 bunit=B unit xlabel title note
  if ((maxc >= 2000000)); then cdiv=1000000 clab='cycles (millions)'
  elif ((maxc >= 20000)); then cdiv=1000 clab='cycles (thousands)'; fi
  if ((maxb >= 2 * 1024 ** 3)); then bdiv=$((1024 ** 3)) bunit=GiB
  elif ((maxb >= 2 * 1024 ** 2)); then bdiv=$((1024 ** 2)) bunit=MiB
  elif ((maxb >= 2 * 1024)); then bdiv=1024 bunit=KiB; fi
  unit=$(key_unit "$k1")
  xlabel="$k1${unit:+ ($unit)}"
  ((AXIS_NUMERIC)) && xlabel+=', log scale'
  title="$(jq -r '.model // "?"' <<<"${NAMES_JSON:-null}") on $(jq -r '.hw // "?"' <<<"${NAMES_JSON:-null}"): sweep of $k1"
  for ((i = 1; i < ${#SPEC_KEYS[@]}; i++)); do title+=" × ${SPEC_KEYS[i]}"; done
  note=$(jq -r '(.[:8] | map("\(.point) (\(if .exit_status == null then "missing" else "exit \(.exit_status)" end))")
    | join(", ")) + (if length > 8 then ", and \(length - 8) more" else "" end)' <<<"$failed_json")
  [[ -z $note ]] || title+=$'\n'"not plotted (failed): $note"
  gp_define title_text "$title"; gp_define xlabel_text "$xlabel"; gp_define ylabel_text "$clab"
  gp_define y2label_text "DMA traffic, loaded + stored ($bunit)"
  printf 'cdiv = %d\nbdiv = %d\nnumeric = %d\ngrid = %d\nrotate = %d\n' "$cdiv" "$bdiv" \
    "$AXIS_NUMERIC" "$((${#SPEC_KEYS[@]} > 1))" "$((${#AXIS_VALUES[@]} > 10))"
  printf 'nxtics = %d\narray xtic_label[%d]\narray xtic_pos[%d]\n' "${#AXIS_VALUES[@]}" "${#AXIS_VALUES[@]}" "${#AXIS_VALUES[@]}"
  for i in "${!AXIS_VALUES[@]}"; do
    gp_define "xtic_label[$((i + 1))]" "${AXIS_VALUES[i]}"
    printf 'xtic_pos[%d] = %s\n' "$((i + 1))" "${AXIS_POS[${AXIS_VALUES[i]}]}"
  done
  printf 'ngroups = %d\narray group_label[%d]\n' "${#PLOT_GROUPS[@]}" "${#PLOT_GROUPS[@]}"
  for i in "${!PLOT_GROUPS[@]}"; do gp_define "group_label[$((i + 1))]" "${PLOT_GROUPS[i]}"; done
}

key_unit() { # a unit for an axis label, from the key's name
  case $1 in
    *_kib) echo KiB ;; *bytes_per_cycle) echo B/cycle ;; *_bytes) echo B ;;
    *_cycles) echo cycles ;; *_mhz) echo MHz ;; *queue_depth) echo entries ;; *) echo '' ;;
  esac
}

# write_manifest OUT OK FAILED MISSING FAILED_JSON ARGV...: manifest.json.
write_manifest() {
  local out=$1 ok=$2 failed=$3 missing=$4 failed_json=$5
  shift 5
  local commit='' hw_sha='' model_sha='' date manifest
  commit=$(git -C "$script_dir" rev-parse HEAD 2>/dev/null || true)
  [[ -f ${SPEC_FIELDS[1]} ]] && hw_sha=$(sha256sum <"${SPEC_FIELDS[1]}" | cut -d' ' -f1)
  [[ -f ${SPEC_FIELDS[2]} ]] && model_sha=$(sha256sum <"${SPEC_FIELDS[2]}" | cut -d' ' -f1)
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  manifest=$(jq -n --slurpfile spec "$out/sweep.json" --arg commit "$commit" --arg hw_sha "$hw_sha" \
    --arg model_sha "$model_sha" --arg date "$date" --argjson names "${NAMES_JSON:-null}" \
    --argjson failed "$failed_json" --argjson ok "$ok" --argjson nfailed "$failed" \
    --argjson missing "$missing" --arg host "$(hostname)" --argjson argv "$(json_array "$@")" \
    '$spec[0] as $s | {
      tool: "scripts/sweep.sh",
      tilesim: {path: $s.tilesim, version: ($s.tilesim_version // ""),
                version_full: ($s.tilesim_version_full // "")},
      git_commit: (if $commit == "" then null else $commit end),
      hw: {path: $s.hw, name: $names.hw, sha256: $hw_sha},
      model: {path: $s.model, name: $names.model, sha256: $model_sha},
      command_line: ($s.command_line | map(@sh) | join(" ")),
      argv: $s.command_line, cwd: $s.cwd,
      aggregated_by: ($argv | map(@sh) | join(" ")),
      seed: $s.seed, date: $date, host: $host,
      keys: $s.keys, extra_run_args: $s.extra_args, job_command: $s.job_command,
      points: {total: ($ok + $nfailed + $missing), ok: $ok, failed: $nfailed, missing: $missing},
      failed_points: $failed,
      files: {results: "results.csv", plot: ["sweep.png", "sweep.svg"], joblog: "joblog",
              stats: "points/POINT.json", stderr: "points/POINT.err", status: "points/POINT.status"}
    }')
  write_atomic "$out/manifest.json" "$manifest"$'\n'
}
