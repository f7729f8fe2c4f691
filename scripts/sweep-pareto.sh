# The Pareto plot of scripts/sweep.sh: cycles against energy, one point per configuration,
# labelled by its swept values, the Pareto front marked (docs/sweeps.md, "The Pareto
# plot"). Sourced by sweep.sh after sweep-collect.sh, whose aggregate() fills PARETO_* and
# calls plot_pareto; needs gnuplot, like the sweep plot.

# add_pareto_row TSV KEY_VALUES...: one successful point (TSV: cycles, energy in uJ);
# skipped unless the cycles are an integer and the energy a plain decimal number.
add_pareto_row() {
  local tsv=$1
  shift
  [[ $tsv =~ ^[0-9]{1,18}$'\t'[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]{1,3})?$ ]] || return 0
  PARETO_ROW+=("$tsv")
  PARETO_LABEL+=("$(IFS=,; echo "$*")")
}

# pareto_data: one line per point, "index cycles energy front" (front 1 when no other point
# is at most as slow and at most as costly and better in one), sorted by cycles then energy.
pareto_data() {
  local i
  for i in "${!PARETO_ROW[@]}"; do printf '%d\t%s\n' "$((i + 1))" "${PARETO_ROW[i]}"; done |
    LC_ALL=C sort -t $'\t' -k2,2n -k3,3g |
    awk -F '\t' 'BEGIN { OFS = "\t" }
      { front = (NR == 1 || $3 < best); if (front) best = $3; print $1, $2, $3, front }'
}

# plot_pareto OUT FAILED_JSON: pareto.png and pareto.svg from PARETO_*.
plot_pareto() {
  local out=$1 failed_json=$2
  rm -f -- "$out/pareto.png" "$out/pareto.svg"
  ((${#PARETO_ROW[@]} > 0)) || return 0
  command -v gnuplot >/dev/null || { warn "gnuplot not found: no Pareto plot"; return 0; }
  local dat defs png svg errs i maxc=0 c cdiv=1 clab=cycles title front note
  make_temp "$out" pareto.dat; dat=$REPLY
  make_temp "$out" pareto.defs; defs=$REPLY
  make_temp "$out" pareto.png; png=$REPLY
  make_temp "$out" pareto.svg; svg=$REPLY
  make_temp "$out" pareto.err; errs=$REPLY
  pareto_data >"$dat"
  for i in "${PARETO_ROW[@]}"; do c=${i%%$'\t'*}; ((c > maxc)) && maxc=$c; done
  if ((maxc >= 2000000)); then cdiv=1000000 clab='cycles (millions)'
  elif ((maxc >= 20000)); then cdiv=1000 clab='cycles (thousands)'; fi
  front=$(awk -F '\t' '$4 == 1' "$dat" | wc -l)
  title="$(jq -r '.model // "?"' <<<"${NAMES_JSON:-null}") on $(jq -r '.hw // "?"' <<<"${NAMES_JSON:-null}"): cycles against energy"
  title+=$'\n'"${#PARETO_ROW[@]} configurations, $front on the Pareto front; labels: $(IFS=,; echo "${SPEC_KEYS[*]}")"
  note=$(jq -r 'length as $n | if $n == 0 then "" else "\($n) failed, not plotted" end' <<<"$failed_json")
  [[ -z $note ]] || title+=" ($note)"
  {
    gp_define png_out "$png"; gp_define svg_out "$svg"; gp_define dat "$dat"
    gp_define title_text "$title"; gp_define xlabel_text "$clab, log-2 scale"
    gp_define ylabel_text "energy (uJ)"
    printf 'cdiv = %d\nnpoints = %d\narray point_label[%d]\n' "$cdiv" "${#PARETO_LABEL[@]}" "${#PARETO_LABEL[@]}"
    for i in "${!PARETO_LABEL[@]}"; do gp_define "point_label[$((i + 1))]" "${PARETO_LABEL[i]}"; done
  } >"$defs"
  run_gnuplot "$defs" sweep-pareto.gp "$png" "$svg" "$errs" "$out/pareto" "no Pareto plot"
}
