# shellcheck shell=bash
# Functions of scripts/sweep.sh: aggregation (results.csv, manifest.json, plot).
# Sourced, not run. Needs: jq, gnuplot, sha256sum; $prog and $script_dir set.
prog=${prog:-sweep.sh}
script_dir=${script_dir:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}

die() { echo "$prog: error: $*" >&2; exit 2; }
warn() { echo "$prog: warning: $*" >&2; }

json_array() { # the arguments as a JSON array of strings (any characters)
  if (($# == 0)); then echo '[]'; return; fi
  { printf '%s' "$1"; shift; printf '\0%s' "$@"; } | jq -Rsc 'split("\u0000")'
}

abspath() { # an existing file or directory -> absolute path (symlinks kept)
  local d
  d=$(cd "$(dirname "$1")" && pwd) || return 1
  printf '%s/%s\n' "$d" "$(basename "$1")"
}

write_atomic() { # write_atomic FILE < content: via a temp file in the same dir, then rename
  local tmp
  tmp=$(mktemp "$(dirname "$1")/.$(basename "$1").XXXXXX")
  cat >"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$1"
}

clean_out() { # remove a previous sweep's files (only the files a sweep writes)
  local d=$1
  rm -f "$d"/points/*.json "$d"/points/*.err "$d"/points/*.status "$d"/points/*.json.tmp \
    "$d/results.csv" "$d/manifest.json" "$d/sweep.png" "$d/sweep.svg" "$d/joblog" "$d/sweep.json"
}

yaml_name() { # the top-level `name:` of a YAML file, else the file's base name
  local n=''
  n=$(sed -n 's/^name:[[:space:]]*//p' "$1" 2>/dev/null | head -n 1 | sed 's/[[:space:]]*#.*$//; s/^["'\'']//; s/["'\'']$//') || true
  if [[ -z $n ]]; then n=$(basename "$1"); n=${n%.*}; fi
  printf '%s\n' "$n"
}

key_unit() { # a unit for an axis label, from the key's name
  case $1 in
    *_kib) echo KiB ;; *bytes_per_cycle) echo B/cycle ;; *_bytes) echo B ;;
    *_cycles) echo cycles ;; *_mhz) echo MHz ;; *queue_depth) echo entries ;; *) echo '' ;;
  esac
}

# aggregate OUT ARGV...: results.csv, sweep.png/.svg, manifest.json from OUT/sweep.json
# and OUT/points/*. Returns 0 when every point succeeded, 1 otherwise.
aggregate() {
  local out=$1; shift
  local spec=$out/sweep.json pdir=$out/points
  local -a keys points
  mapfile -t keys < <(jq -r '.keys[].key' "$spec")
  mapfile -t points < <(jq -r '.points[]' "$spec")
  local hw model tilesim
  hw=$(jq -r .hw "$spec"); model=$(jq -r .model "$spec"); tilesim=$(jq -r .tilesim "$spec")

  local cols='cycles,time_ns,bytes_loaded,bytes_stored,loads,loads_eliminated,compute_busy_cycles,overlap_cycles,sram_peak_bytes,bound_cycles,efficiency'
  local filter='[.cycles, .time_ns, .dma.bytes_loaded, .dma.bytes_stored, .dma.loads,
    .dma.loads_eliminated, .compute.busy_cycles, .overlap_cycles, .sram.peak_bytes,
    .bound.cycles, .efficiency] | map(if . == null then "" else . end) | @csv'
  local ncols=11 empty
  empty=$(printf ',%.0s' $(seq "$ncols")); empty=${empty#,}

  local csv plotdat failed_json ok=0 failed=0 missing=0 p kv status err row key_vals
  csv=$(IFS=,; echo "${keys[*]},$cols,exit_status,error")$'\n'
  plotdat=''
  failed_json='[]'
  for p in "${points[@]}"; do
    key_vals=()
    IFS=, read -r -a kv <<<"$p"
    for row in "${kv[@]}"; do key_vals+=("${row#*=}"); done
    status='' err=''
    [[ -f $pdir/$p.status ]] && status=$(tr -d '[:space:]' <"$pdir/$p.status")
    if [[ $status == 0 && -f $pdir/$p.json ]] && row=$(jq -r "$filter" "$pdir/$p.json" 2>/dev/null); then
      ok=$((ok + 1))
      csv+="$(IFS=,; echo "${key_vals[*]}"),$row,0,"$'\n'
      plotdat+="$(IFS=$'\t'; echo "${key_vals[*]}")"$'\t'"$(jq -r '[.cycles, .bound.cycles, (.dma.bytes_loaded + .dma.bytes_stored)] | @tsv' "$pdir/$p.json")"$'\n'
    else
      if [[ -z $status || $status == 0 ]]; then
        missing=$((missing + 1)); status=''
        err="no result: the point has not run (or its stats file is missing)"
      else
        failed=$((failed + 1))
        err=$(cat "$pdir/$p.err" 2>/dev/null || true)
        err=${err%$'\n'}
        err=${err//$'\n'/ | }
      fi
      csv+="$(IFS=,; echo "${key_vals[*]}"),$empty,$status,$(jq -rn --arg e "$err" '[$e] | @csv')"$'\n'
      failed_json=$(jq -c --arg p "$p" --arg s "$status" --arg e "$err" \
        '. + [{point: $p, exit_status: (if $s == "" then null else ($s | tonumber) end), error: $e}]' <<<"$failed_json")
    fi
  done
  printf '%s' "$csv" | write_atomic "$out/results.csv"

  local hw_name model_name
  hw_name=$(yaml_name "$hw"); model_name=$(yaml_name "$model")
  plot_sweep "$out" "$model_name" "$hw_name" "$plotdat" "$failed_json" "${keys[@]}"

  # manifest.json
  local version='' version_full='' commit='' hw_sha='' model_sha='' date
  if [[ -x $tilesim ]]; then
    version_full=$("$tilesim" --version 2>/dev/null || true)
    version=${version_full%%$'\n'*}
  fi
  commit=$(git -C "$script_dir" rev-parse HEAD 2>/dev/null || true)
  [[ -f $hw ]] && hw_sha=$(sha256sum "$hw" | cut -d' ' -f1)
  [[ -f $model ]] && model_sha=$(sha256sum "$model" | cut -d' ' -f1)
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  jq -n --slurpfile spec "$spec" --arg version "$version" --arg version_full "$version_full" \
    --arg commit "$commit" --arg hw_sha "$hw_sha" --arg model_sha "$model_sha" --arg date "$date" \
    --arg hw_name "$hw_name" --arg model_name "$model_name" --argjson failed "$failed_json" \
    --argjson ok "$ok" --argjson nfailed "$failed" --argjson missing "$missing" --arg host "$(hostname)" \
    --argjson argv "$(json_array "$@")" '$spec[0] as $s | {
      tool: "scripts/sweep.sh",
      tilesim: {path: $s.tilesim, version: $version, version_full: $version_full},
      git_commit: (if $commit == "" then null else $commit end),
      hw: {path: $s.hw, name: $hw_name, sha256: $hw_sha},
      model: {path: $s.model, name: $model_name, sha256: $model_sha},
      command_line: ($s.command_line | map(@sh) | join(" ")),
      argv: $s.command_line, cwd: $s.cwd,
      aggregated_by: ($argv | map(@sh) | join(" ")),
      seed: $s.seed, date: $date, host: $host,
      keys: $s.keys, extra_run_args: $s.extra_args, job_command: $s.job_command,
      points: {total: ($ok + $nfailed + $missing), ok: $ok, failed: $nfailed, missing: $missing},
      failed_points: $failed,
      files: {results: "results.csv", plot: ["sweep.png", "sweep.svg"], joblog: "joblog",
              stats: "points/POINT.json", stderr: "points/POINT.err", status: "points/POINT.status"}
    }' | write_atomic "$out/manifest.json"

  echo "$prog: ${#points[@]} points: $ok ok, $failed failed, $missing missing -> $out/results.csv" >&2
  ((failed == 0 && missing == 0))
}

# plot_sweep OUT MODEL_NAME HW_NAME PLOTDATA FAILED_JSON KEYS...
# PLOTDATA: one TSV line per successful point: key values..., cycles, bound, dma bytes.
plot_sweep() {
  local out=$1 model_name=$2 hw_name=$3 data=$4 failed_json=$5; shift 5
  local -a keys=("$@")
  local nk=${#keys[@]} k1=${keys[0]}
  rm -f "$out/sweep.png" "$out/sweep.svg"
  if [[ -z $data ]]; then warn "no successful point: no plot"; return 0; fi
  command -v gnuplot >/dev/null || { warn "gnuplot not found: no plot"; return 0; }

  # x: log scale with the swept values as ticks when they are all positive numbers,
  # else one category per value in sweep order.
  local -a xs
  mapfile -t xs < <(jq -r '.keys[0].values[]' "$out/sweep.json")
  local numeric=1 x xtics='' i=0
  for x in "${xs[@]}"; do
    if ! [[ $x =~ ^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$ ]] || [[ $(awk -v x="$x" 'BEGIN{print (x > 0)}') != 1 ]]; then numeric=0; fi
  done
  for x in "${xs[@]}"; do
    if ((numeric)); then xtics+="\"$x\" $x, "; else xtics+="\"$x\" $i, "; fi
    i=$((i + 1))
  done
  xtics=${xtics%, }
  local dat
  dat=$(mktemp "$out/.plot.XXXXXX")
  # columns: x, cycles, bound, bytes, group label (rest of the keys)
  printf '%s' "$data" | awk -F'\t' -v nk="$nk" -v numeric="$numeric" -v xs="$(IFS=,; echo "${xs[*]}")" -v keys="$(IFS=,; echo "${keys[*]}")" '
    BEGIN { n = split(xs, xv, ","); for (i = 1; i <= n; i++) idx[xv[i]] = i - 1; split(keys, kn, ",") }
    { g = ""; for (i = 2; i <= nk; i++) g = g (i > 2 ? ", " : "") kn[i] "=" $i
      x = numeric ? $1 : idx[$1]
      if (!(g in seen)) { seen[g] = ++ng; order[ng] = g }
      line[seen[g]] = line[seen[g]] x "\t" $(nk + 1) "\t" $(nk + 2) "\t" $(nk + 3) "\n" }
    END { for (j = 1; j <= ng; j++) { printf "# %s\n%s\n\n", order[j], line[j] } }' >"$dat"

  # scales for readable axes
  local maxc maxb cdiv=1 clab='cycles' bdiv=1 bunit=B
  maxc=$(printf '%s' "$data" | awk -F'\t' -v c=$((nk + 1)) 'BEGIN{m=0} $c > m {m = $c} END{print m}')
  maxb=$(printf '%s' "$data" | awk -F'\t' -v c=$((nk + 3)) 'BEGIN{m=0} $c > m {m = $c} END{print m}')
  if awk -v m="$maxc" 'BEGIN{exit !(m >= 2e6)}'; then cdiv=1e6; clab='cycles (millions)';
  elif awk -v m="$maxc" 'BEGIN{exit !(m >= 2e4)}'; then cdiv=1e3; clab='cycles (thousands)'; fi
  if awk -v m="$maxb" 'BEGIN{exit !(m >= 2 * 1024^3)}'; then bdiv=1073741824; bunit=GiB;
  elif awk -v m="$maxb" 'BEGIN{exit !(m >= 2 * 1024^2)}'; then bdiv=1048576; bunit=MiB;
  elif awk -v m="$maxb" 'BEGIN{exit !(m >= 2 * 1024)}'; then bdiv=1024; bunit=KiB; fi

  local unit xlabel title failed_note groups
  unit=$(key_unit "$k1")
  xlabel="$k1${unit:+ ($unit)}"
  ((numeric)) && xlabel+=', log scale'
  title="$model_name on $hw_name: sweep of ${keys[0]}"; for ((i = 1; i < nk; i++)); do title+=" × ${keys[$i]}"; done
  failed_note=$(jq -r 'map("\(.point) (\(if .exit_status == null then "missing" else "exit \(.exit_status)" end))") | join(", ")' <<<"$failed_json")
  [[ -z $failed_note ]] || title+="\\nnot plotted (failed): $failed_note"
  groups=$(grep -c '^# ' "$dat")

  local term_png=png
  gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo && term_png=pngcairo
  local gp
  gp=$(mktemp "$out/.plot.gp.XXXXXX")
  {
    echo "set encoding utf8"
    echo "dat = '$dat'"
    echo "set title \"$title\" noenhanced font ',13'"
    echo "set xlabel \"$xlabel\" noenhanced"
    echo "set ylabel \"$clab\" noenhanced"
    echo "set xtics ($xtics) nomirror"
    ((${#xs[@]} > 10)) && echo "set xtics rotate by -45"
    echo "set ytics nomirror"
    echo "set yrange [0:*]"
    echo "set grid xtics ytics lc rgb '#d0d0d0' lw 1 dt 1"
    echo "set border 11 lw 1"
    echo "set key top right box opaque noenhanced spacing 1.2 samplen 3"
    if ((numeric)); then echo "set logscale x 2"; echo "set offsets graph 0.03, graph 0.03, graph 0.05, 0"
    else echo "set offsets 0.3, 0.3, graph 0.05, 0"; fi
    if ((nk == 1)); then
      echo "set border 15"
      echo "set y2label \"DMA traffic, loaded + stored ($bunit)\" noenhanced"
      echo "set y2tics nomirror"
      echo "set y2range [0:*]"
      echo "plot dat u 1:(\$2/$cdiv) w lp lw 2.5 pt 7 ps 1.2 lc rgb '#1f5fa8' t 'cycles (simulated)', \\"
      echo "     dat u 1:(\$3/$cdiv) w l lw 2 dt (10,6) lc rgb '#1f5fa8' t 'lower bound (bound.cycles)', \\"
      echo "     dat u 1:(\$4/$bdiv) axes x1y2 w lp lw 2.5 pt 5 ps 1.1 lc rgb '#d1495b' t 'DMA bytes, loaded + stored (right axis)'"
    else
      echo "set key title 'solid: cycles, dashed: lower bound' noenhanced"
      local plot='plot ' j
      for ((j = 0; j < groups; j++)); do
        local label
        label=$(grep '^# ' "$dat" | sed -n "$((j + 1))p" | sed 's/^# //')
        plot+="dat index $j u 1:(\$2/$cdiv) w lp lw 2.5 pt 7 lc $((j + 1)) t \"$label\", "
        plot+="dat index $j u 1:(\$3/$cdiv) w l lw 1.5 dt (8,5) lc $((j + 1)) notitle, "
      done
      echo "${plot%, }"
    fi
  } >"$gp"
  local ok=1
  gnuplot -e "set terminal $term_png size 1000,600 font 'Sans,11'; set output '$out/.sweep.png.tmp'" "$gp" 2>"$gp.err" || ok=0
  gnuplot -e "set terminal svg size 1000,600 dynamic font 'Sans,11' background rgb 'white'; set output '$out/.sweep.svg.tmp'" "$gp" 2>>"$gp.err" || ok=0
  if ((ok)); then
    mv -f "$out/.sweep.png.tmp" "$out/sweep.png"; mv -f "$out/.sweep.svg.tmp" "$out/sweep.svg"
  else
    warn "gnuplot failed, no plot: $(head -c 500 "$gp.err")"
    rm -f "$out/.sweep.png.tmp" "$out/.sweep.svg.tmp"
  fi
  rm -f "$dat" "$gp" "$gp.err"
}
