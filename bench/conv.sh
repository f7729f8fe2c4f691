# shellcheck shell=bash
# The convolution figures of bench/run.sh (sourced from the repository's root, needs jq).
#
# conv_quality TILESIM HW TMP: a JSON array, one row per single-layer conv model of
#   tests/models/torch (conv_*) at 64, 256 and 1024 KiB of SRAM on HW, from `tilesim compile
#   --emit schedule` (the schedule's totals) and `tilesim run --timing-only --stats-json`
#   (the math does not change a simulated figure): tile loads against the compulsory loads
#   (each distinct input or param tile once; a tile of the image only gathers read counts
#   once), DMA bytes against the compulsory bytes, cycles, the lower bound and the
#   efficiency (bound / cycles), and the same for the conv layer alone: a single-layer model
#   has a second layer, the copy of its image output from nhwc to nchw (convolution.md),
#   which the run's figures include. A model tilesim refuses is a row with `unsupported`.
#   The PyTorch convs are small (their working sets fit 64 KiB), so two full-width ResNet-18
#   3x3 layers follow, made here with gen_conv: resnet18_conv2_x (64 to 64 channels at 56x56)
#   and resnet18_conv4_x (256 to 256 at 14x14).
# model_end_to_end TILESIM HW DIR REPS TMP KERNEL KERNEL_GFLOPS PEAK_GFLOPS MACS_FN REPLAY: a JSON
#   object for the model DIR/model.onnx run whole, with the math (--kernel auto), as a user
#   runs it: the best of REPS whole-process wall times of `tilesim run` without and with
#   --verify, and `tilesim --version` (starting and ending the process alone), and the
#   GFLOP/s of its useful work, 2 x the MACs that MACS_FN counts in the schedule's text form
#   (conv_macs or matmul_macs), over those times, beside the GFLOP/s of KERNEL (the tile
#   kernel tilesim's auto picks) and of the FMA peak of its vector width, both measured by
#   bench/kernels in the same run; and the best of REPS sim_wall_seconds over the same
#   EXECs' kernels alone, replayed by REPLAY (bench/sim/kernel_replay, best of REPS + 2).
#   When tilesim cannot compile the model (exit 2) the object
#   is {model, unsupported: tilesim's reason} and the bench goes on; any other failure stops it.
# conv_report RESULTS.json: the two sections of the printed table.
# end_to_end_report: see below.

# totals_json SCHEDULE.txt: the `totals` line of a schedule's text form as a JSON object.
totals_json() {
  sed -n 's/^totals //p' "$1" | tr ' ' '\n' |
    jq -Rn '[inputs | select(length > 0) | split("=") | {(.[0]): (.[1] | tonumber)}] | add'
}

# conv_layer_json SCHEDULE.txt: {dma_bytes, compulsory_bytes} of the first layer that is a
# matmul (the conv) in a schedule's text form.
conv_layer_json() {
  grep -m 1 '^layer .* ops=matmul' "$1" | grep -oE ' (dma_bytes|compulsory_bytes)=[0-9]+' |
    jq -Rn '[inputs | ltrimstr(" ") | split("=") | {(.[0]): (.[1] | tonumber)}] | add'
}

# gen_conv OUT.onnx NAME C H W OC K STRIDE PAD: a Conv with bias of a [1,C,H,W] image, OC
# output channels, a KxK kernel, written as protobuf text and encoded by protoc (the values
# are of no matter: the figures come from --timing-only).
gen_conv() {
  local out=$1 name=$2 c=$3 h=$4 w=$5 oc=$6 k=$7 s=$8 p=$9
  local oh=$(((h + 2 * p - k) / s + 1)) ow=$(((w + 2 * p - k) / s + 1))
  {
    printf 'ir_version: 7\nopset_import { version: 13 }\ngraph {\n  name: "%s"\n' "$name"
    printf '  node { input: "x" input: "w" input: "b" output: "y" name: "conv" op_type: "Conv"\n'
    printf '    attribute { name: "kernel_shape" ints: %d ints: %d type: INTS }\n' "$k" "$k"
    printf '    attribute { name: "strides" ints: %d ints: %d type: INTS }\n' "$s" "$s"
    printf '    attribute { name: "pads" ints: %d ints: %d ints: %d ints: %d type: INTS } }\n' "$p" "$p" "$p" "$p"
    printf '  initializer { name: "w" data_type: 1 dims: %d dims: %d dims: %d dims: %d float_data: [' "$oc" "$c" "$k" "$k"
    awk -v n=$((oc * c * k * k)) 'BEGIN { for (i = 0; i < n; ++i) printf "%s%g", (i ? "," : ""), (i % 13) / 64 - 0.09 }'
    printf '] }\n  initializer { name: "b" data_type: 1 dims: %d float_data: [' "$oc"
    awk -v n="$oc" 'BEGIN { for (i = 0; i < n; ++i) printf "%s%g", (i ? "," : ""), i / 100 }'
    printf '] }\n'
    printf '  input { name: "x" type { tensor_type { elem_type: 1 shape { dim { dim_value: 1 } dim { dim_value: %d } dim { dim_value: %d } dim { dim_value: %d } } } } }\n' "$c" "$h" "$w"
    printf '  output { name: "y" type { tensor_type { elem_type: 1 shape { dim { dim_value: 1 } dim { dim_value: %d } dim { dim_value: %d } dim { dim_value: %d } } } } }\n}\n' "$oc" "$oh" "$ow"
  } | protoc --encode=onnx.ModelProto -I /usr/include onnx/onnx.proto >"$out"
}

conv_quality() {
  local tilesim=$1 hw=$2 tmp=$3 dir name kib err rows="[]"
  mkdir -p "$tmp/gen/resnet18_conv2_x" "$tmp/gen/resnet18_conv4_x"
  gen_conv "$tmp/gen/resnet18_conv2_x/model.onnx" conv2_x 64 56 56 64 3 1 1
  gen_conv "$tmp/gen/resnet18_conv4_x/model.onnx" conv4_x 256 14 14 256 3 1 1
  for dir in tests/models/torch/conv_*/ "$tmp"/gen/*/; do
    dir=${dir%/} name=${dir##*/}
    for kib in 64 256 1024; do
      local -a base=(--hw "$hw" --model "$dir/model.onnx" --set "sram.size_kib=$kib")
      if ! err=$("$tilesim" compile "${base[@]}" --emit schedule 2>&1 >"$tmp/conv.txt"); then
        rows=$(jq --arg m "$name" --argjson kib "$kib" --arg why "${err#tilesim: error: }" \
          '. + [{model: $m, sram_kib: $kib, unsupported: $why}]' <<<"$rows")
        continue
      fi
      rm -f "$tmp/conv.json"
      "$tilesim" run "${base[@]}" --timing-only --stats-json "$tmp/conv.json" >/dev/null ||
        { echo "bench/run.sh: error: tilesim run $dir at $kib KiB failed" >&2; return 1; }
      rows=$(jq --arg m "$name" --argjson kib "$kib" --argjson t "$(totals_json "$tmp/conv.txt")" \
        --argjson l "$(conv_layer_json "$tmp/conv.txt")" --slurpfile q "$tmp/conv.json" '
        ($q[0].layers | map(select(.ops | startswith("matmul")))[0]) as $cl |
        . + [{model: $m, sram_kib: $kib, loads: $t.loads, compulsory_loads: $t.compulsory_loads,
              loads_over_compulsory: ($t.loads / $t.compulsory_loads),
              dma_bytes: ($t.bytes_loaded + $t.bytes_stored), compulsory_bytes: $t.compulsory_bytes,
              bytes_over_compulsory: (($t.bytes_loaded + $t.bytes_stored) / $t.compulsory_bytes),
              cycles: $q[0].cycles, bound_cycles: $q[0].bound.cycles, efficiency: $q[0].efficiency,
              compute_bound: ($q[0].bound.compute_cycles >= $q[0].bound.dma_cycles),
              conv_layer: {cycles: $cl.cycles, bound_cycles: $cl.bound.cycles, efficiency: $cl.efficiency,
                           dma_bytes: $l.dma_bytes, compulsory_bytes: $l.compulsory_bytes,
                           bytes_over_compulsory: ($l.dma_bytes / $l.compulsory_bytes)}}]' <<<"$rows")
    done
  done
  echo "$rows"
}

# conv_macs SCHEDULE.txt: the MACs of every conv layer, from the layer lines' shapes
# "[N,P,K] @ [OC,C/G,KH,KW] ... -> [N,OC,OH,OW]": output elements x (C/G) x KH x KW.
conv_macs() {
  sed -n 's/^layer .* shapes="\([^"]*\)".*/\1/p' "$1" | awk '
    match($0, /@ \[[0-9]+,[0-9]+,[0-9]+,[0-9]+\]/) {
      split(substr($0, RSTART + 3, RLENGTH - 4), w, ",")
      match($0, /-> \[[0-9,]+\]$/)
      n = split(substr($0, RSTART + 4, RLENGTH - 5), o, ",")
      p = 1
      for (i = 1; i <= n; ++i) p *= o[i]
      total += p * w[2] * w[3] * w[4]
    }
    END { printf "%.0f\n", total }'
}

# matmul_macs SCHEDULE.txt: the MACs of every matmul layer that is not a conv (an im2col
# [N,P,K] times conv weights [OC,C/G,KH,KW]), from the layer lines' shapes
# "[..., M, K] @ [..., K, N] ... -> [..., M, N]": output elements x K.
matmul_macs() {
  sed -n 's/^layer .* shapes="\([^"]*\)".*/\1/p' "$1" | awk '
    /@/ {
      match($0, /^\[[0-9,]+\]/)
      na = split(substr($0, 2, RLENGTH - 2), a, ",")
      match($0, /@ \[[0-9,]+\]/)
      nb = split(substr($0, RSTART + 3, RLENGTH - 4), b, ",")
      if (na == 3 && nb == 4) next  # a conv: an im2col view times conv weights
      match($0, /-> \[[0-9,]+\]$/)
      n = split(substr($0, RSTART + 4, RLENGTH - 5), o, ",")
      p = 1
      for (i = 1; i <= n; ++i) p *= o[i]
      total += p * a[na]
    }
    END { printf "%.0f\n", total }'
}

# best_wall REPS CMD...: the smallest whole-process wall time of REPS runs of CMD, in s.
best_wall() {
  local reps=$1 best=1e30 t0 t1 i
  shift
  for ((i = 0; i < reps; ++i)); do
    t0=$EPOCHREALTIME
    "$@" >/dev/null || { echo "bench/run.sh: error: failed: $*" >&2; return 1; }
    t1=$EPOCHREALTIME
    best=$(awk -v a="$t0" -v b="$t1" -v m="$best" 'BEGIN { d = b - a; printf "%.6f\n", (d < m ? d : m) }')
  done
  echo "$best"
}

model_end_to_end() {
  local tilesim=$1 hw=$2 dir=${3%/} reps=$4 tmp=$5 kernel=$6 kernel_gflops=$7 peak=$8 macs_fn=$9 replay_bin=${10}
  local name=${dir##*/} err rc=0 macs plain verify start sim_best=1e30 replay
  err=$("$tilesim" compile --hw "$hw" --model "$dir/model.onnx" --emit schedule 2>&1 >"$tmp/cnn.txt") || rc=$?
  if ((rc == 2)); then
    jq -n --arg m "$name" --arg why "${err#tilesim: error: }" '{model: $m, unsupported: $why}'
    return 0
  fi
  ((rc == 0)) || { echo "bench/run.sh: error: tilesim compile $dir: exit $rc: $err" >&2; return 1; }
  macs=$("$macs_fn" "$tmp/cnn.txt")
  local -a run=("$tilesim" run --hw "$hw" --model "$dir/model.onnx" --kernel auto --force)
  plain=$(best_wall "$reps" "${run[@]}" --stats-json "$tmp/cnn.json") || return 1
  verify=$(best_wall "$reps" "${run[@]}" --verify) || return 1
  start=$(best_wall "$reps" "$tilesim" --version) || return 1
  # The simulation against the same EXECs' kernels alone (issue 16: <= 1.3x), best of reps each.
  for ((i = 0; i < reps; ++i)); do
    "${run[@]}" --stats-json "$tmp/cnn-sim.json" >/dev/null || return 1
    sim_best=$(jq -r --argjson b "$sim_best" '[.sim_wall_seconds, $b] | min' "$tmp/cnn-sim.json")
  done
  replay=$("$replay_bin" "$hw" "$dir/model.onnx" auto $((reps + 2)) | awk '{print $6}') || return 1
  jq -n --arg m "$name" --argjson macs "$macs" --argjson plain "$plain" --argjson verify "$verify" --argjson start "$start" \
    --argjson sim "$sim_best" --argjson replay "$replay" \
    --arg kernel "$kernel" --argjson kg "$kernel_gflops" --argjson peak "$peak" --slurpfile q "$tmp/cnn.json" '
    {model: $m, hw: $q[0].hw, useful_macs: $macs, uops: $q[0].uops, cycles: $q[0].cycles,
     efficiency: $q[0].efficiency, run_seconds: $plain, run_verify_seconds: $verify, version_seconds: $start,
     tilesim_wall_seconds: $q[0].wall_seconds, sim_wall_seconds: $q[0].sim_wall_seconds,
     best_sim_wall_seconds: $sim, kernels_alone_seconds: $replay, math_over_kernels: ($sim / $replay),
     gflops: (2 * $macs / $plain / 1e9), gflops_verify: (2 * $macs / $verify / 1e9),
     kernel: $kernel, kernel_gflops: $kg, peak_gflops: $peak,
     over_kernel: (if $kg > 0 then 2 * $macs / $plain / 1e9 / $kg else null end)}'
}

conv_report() {
  jq -r '
def f(x; d): if x == null then "-" else (x * pow(10; d) | round / pow(10; d) | tostring) end;
def r(w): tostring | " " * (w - length) + .;
"",
"conv schedule quality (tests/models/torch/conv_* and two generated ResNet-18 layers, default hw, --timing-only):",
"  ratio, bytes ratio: the run\u0027s loads and DMA bytes over its compulsory ones (each image element once);",
"  conv: the conv layer alone (without the copy of the output to nchw), DMA bytes over its compulsory ones (each gather tile once), efficiency",
"  model                         SRAM KiB  loads  compulsory  ratio  bytes ratio  cycles  bound  efficiency  conv: bytes ratio  efficiency",
(.conv_schedule_quality[] |
  if .unsupported then "  \(.model)  \(.sram_kib)  unsupported: \(.unsupported)"
  else "  \(.model + " " * (30 - (.model | length)))  \(.sram_kib | r(8))  \(.loads | r(5))  \(.compulsory_loads | r(10))  \(f(.loads_over_compulsory; 2) | r(5))  \(f(.bytes_over_compulsory; 2) | r(11))  \(.cycles | r(6))  \(.bound_cycles | r(5))  \(f(.efficiency; 3) | r(10))  \(f(.conv_layer.bytes_over_compulsory; 2) | r(17))  \(f(.conv_layer.efficiency; 3) | r(10))" end),
""' "$1"
  end_to_end_report cnn_end_to_end "reduced ResNet" conv "$1"
  end_to_end_report conv_layer_end_to_end "ResNet-18 conv2_x layer" conv "$1"
}

# end_to_end_report KEY TITLE WORK RESULTS.json: the printed lines of a model_end_to_end
# object, .KEY of RESULTS.json; WORK names what its MACs count (conv, matmul).
end_to_end_report() {
  jq -r --arg key "$1" --arg title "$2" --arg work "$3" '
def f(x; d): if x == null then "-" else (x * pow(10; d) | round / pow(10; d) | tostring) end;
def r(w): tostring | " " * (w - length) + .;
(.[$key] | if .unsupported then "\($title) end to end (\(.model)): unsupported: \(.unsupported)"
 else "\(.model) end to end on \(.hw) hw with the math (kernel \(.kernel)): \(f(.useful_macs / 1e6; 2)) M \($work) MACs, \(.uops) uOps, \(.cycles) cycles (efficiency \(f(.efficiency; 3)))",
  "  tilesim run, whole process             \(f(.run_seconds; 4) | r(8)) s  \(f(.gflops; 4) | r(9)) GFLOP/s of \($work)  (in-process \(f(.tilesim_wall_seconds; 4)) s, of which simulation \(f(.sim_wall_seconds; 4)) s)",
  "  tilesim run --verify, whole process    \(f(.run_verify_seconds; 4) | r(8)) s  \(f(.gflops_verify; 4) | r(9)) GFLOP/s of \($work)",
  "  tilesim --version, whole process       \(f(.version_seconds; 4) | r(8)) s  (starting and ending the process alone)",
  "  with math / kernels alone (simulation) \(f(.math_over_kernels; 1) | r(8))x  <= 1.3x \(if .math_over_kernels <= 1.3 then "PASS" else "MISS" end)  (simulation \(f(.best_sim_wall_seconds; 4)) s, the same EXECs\u0027 kernels alone \(f(.kernels_alone_seconds; 5)) s)",
  "  the \(.kernel) matmul kernel alone, measured above: \(f(.kernel_gflops; 1)) GFLOP/s (FMA peak \(f(.peak_gflops; 1))), \(if .gflops > 0 then f(.kernel_gflops / .gflops; 0) else "-" end)x what the whole run reaches" end)' "$4"
}
