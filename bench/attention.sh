# Attention's fused schedule against the layered one (docs/cycle-model.md,
# "Attention groups"), sourced by bench/run.sh.
#
# attention_dma TILESIM HW TMP MODEL...: each model at 256 KiB of SRAM, compiled
# and run --timing-only with --attention fused and with --attention layered: the
# DMA bytes of its attention layers (those the fused compile summary marks
# "attention rows fused"), the whole run's DMA bytes and its cycles. Prints a
# JSON array.

# attention_yaml SEQ FILE: one attention head over SEQ tokens (model width 128,
# head width 64, an additive mask). YAML models have no transpose: the keys are
# computed transposed from xt, which stands for x's transpose.
attention_yaml() {
  cat >"$2" <<EOF
name: attention-s$1
inputs: {x: [$1, 128], xt: [128, $1]}
params: {wq: [128, 64], wkt: [64, 128], wv: [128, 64], scale: [1], mask: [$1, $1]}
ops:
  - {op: matmul, inputs: [x, wq], output: q}
  - {op: matmul, inputs: [wkt, xt], output: kt}
  - {op: matmul, inputs: [x, wv], output: v}
  - {op: matmul, inputs: [q, kt], output: scores}
  - {op: mul, inputs: [scores, scale], output: scaled}
  - {op: add, inputs: [scaled, mask], output: masked}
  - {op: softmax, inputs: [masked], output: p}
  - {op: matmul, inputs: [p, v], output: o}
outputs: [o]
EOF
}

# attention_layer_bytes SUMMARY NAMES: the DMA bytes column of a compile summary
# summed over the layers named in the file NAMES (one a line).
attention_layer_bytes() {
  awk 'FNR == NR { want[$1] = 1; next }
       /^layer / { end = index($0, "DMA bytes") + 8; next }
       end && ($1 in want) { n = split(substr($0, 1, end), f, " "); sum += f[n] }
       END { print sum + 0 }' "$2" "$1"
}

attention_dma() {
  local tilesim=$1 hw=$2 tmp=$3 rows="[]" model mode
  shift 3
  for model in "$@"; do
    local -A bytes=() total=() cycles=()
    for mode in fused layered; do
      "$tilesim" compile --hw "$hw" --model "$model" --attention "$mode" >"$tmp/attn-$mode.txt"
      rm -f "$tmp/attn.json"
      "$tilesim" run --hw "$hw" --model "$model" --attention "$mode" --timing-only --stats-json "$tmp/attn.json" \
        >/dev/null
      total[$mode]=$(jq '.dma.bytes_loaded + .dma.bytes_stored' "$tmp/attn.json")
      cycles[$mode]=$(jq .cycles "$tmp/attn.json")
    done
    awk '/attention rows fused/ { print $1 }' "$tmp/attn-fused.txt" >"$tmp/attn-layers.txt"
    for mode in fused layered; do bytes[$mode]=$(attention_layer_bytes "$tmp/attn-$mode.txt" "$tmp/attn-layers.txt"); done
    # An ONNX export is named by its folder (PyTorch names every graph torch_jit).
    local name
    name=$(sed -n 's/^model \([^,]*\),.*/\1/p' "$tmp/attn-fused.txt")
    [[ $model == */model.onnx ]] && name=$(basename "$(dirname "$model")")
    rows=$(jq --arg m "$name" \
      --argjson layers "$(wc -l <"$tmp/attn-layers.txt")" \
      --argjson fb "${bytes[fused]}" --argjson lb "${bytes[layered]}" \
      --argjson ft "${total[fused]}" --argjson lt "${total[layered]}" \
      --argjson fc "${cycles[fused]}" --argjson lc "${cycles[layered]}" \
      '. + [{model: $m, sram_kib: 256, attention_layers: $layers,
             fused: {attention_dma_bytes: $fb, dma_bytes: $ft, cycles: $fc},
             layered: {attention_dma_bytes: $lb, dma_bytes: $lt, cycles: $lc},
             attention_bytes_saved: ($lb - $fb), layered_over_fused_cycles: ($lc / $fc)}]' <<<"$rows")
  done
  echo "$rows"
}

# attention_report RESULTS.json: the printed lines of .attention_schedule.
attention_report() {
  jq -r '
def r(w): tostring | " " * (w - length) + .;
"attention at 256 KiB, fused schedule vs layered (--timing-only; DMA bytes of the attention layers, of the run; cycles):",
"  model                  layers  attention fused  attention layered      saved  run fused  run layered  cycles fused  cycles layered",
(.attention_schedule[] | "  \(.model + " " * (22 - (.model | length)))  \(.attention_layers | r(6))  \(.fused.attention_dma_bytes | r(15))  \(.layered.attention_dma_bytes | r(17))  \(.attention_bytes_saved | r(9))  \(.fused.dma_bytes | r(9))  \(.layered.dma_bytes | r(11))  \(.fused.cycles | r(12))  \(.layered.cycles | r(14))")' "$1"
}
