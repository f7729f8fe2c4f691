#!/usr/bin/env bash
# shellcheck disable=SC2016,SC1003  # the $(...), `...` and \ in single quotes are hostile text
# Test of scripts/sweep.sh with hostile names: every path, name and extra argument is data.
# Usage: test_sweep_hostile.sh TILESIM SOURCE_DIR
#
# The hw, model, tilesim and --out paths hold spaces, quotes, $(...), backticks, ;, *, {},
# GNU parallel's {= perl =} and a newline; the model's and the hardware's `name:` hold a
# gnuplot system("touch PWNED") and shell substitutions; the extra run arguments hold all of
# these. A 2-point sweep and a --collect must run no such text (no file PWNED appears), the
# SVG's title must show the names literally, a wrapper tilesim must receive every argument
# exactly, and manifest.json must record the paths and arguments exactly.
set -euo pipefail

# shellcheck source=tests/sweep/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"
setup_test test_sweep_hostile "$@"
sweep=$src/scripts/sweep.sh
mkdir -p "$tmp/cwd"

hostile=$'in "dq" \'sq\' $(touch PWNED) `touch PWNED` ; * ? {} {= system("touch PWNED") =} \\ $HOME\nnewline'
dir=$tmp/$hostile
mkdir -p "$dir" "$dir/bin 'b' \$(x)"
hw_file="$dir/hw \`touch PWNED\` ;.yaml"
model_file="$dir/model \"m\" \$(touch PWNED) *.yaml"
out="$dir/out 'o' \"p\" \$(touch PWNED) {}"$'\n'
model_name='x"; system("touch PWNED") # $(touch PWNED) `touch PWNED` ; * [a] {b} <c> & '\''q'\'''
hw_name='hw `touch PWNED` $(touch PWNED) \ "dq" ; * {= 1 =}'
# YAML single-quoted scalars: only '' is special.
{ printf "name: '%s'\n" "${model_name//\'/\'\'}"; grep -v '^name:' "$src/configs/models/mlp.yaml"; } >"$model_file"
{ printf "name: '%s'\n" "${hw_name//\'/\'\'}"; grep -v '^name:' "$src/configs/hw/default.yaml"; } >"$hw_file"
extra=(--test-extra 'a b' '"dq"' "'sq'" '$(touch PWNED)' '`touch PWNED`' ';' '*' $'new\nline'
  '{}' '{1}' '{= system("touch PWNED") =}' '' ':::' '$HOME' '\')

# The wrapper records its arguments (NUL-separated) and runs tilesim without the extra ones.
wrapper="$dir/bin 'b' \$(x)/tilesim"
cat >"$wrapper" <<'EOF'
#!/usr/bin/env bash
printf '%s\0' "$@" >"$SWEEP_TEST_LOG/argv.$$.$RANDOM"
args=()
for a in "$@"; do [[ $a == --test-extra ]] && break; args+=("$a"); done
exec "$SWEEP_TEST_TILESIM" "${args[@]}"
EOF
chmod +x "$wrapper"
mkdir -p "$tmp/log"
export SWEEP_TEST_LOG=$tmp/log SWEEP_TEST_TILESIM=$tilesim

# ---------------------------------------------------------------- --dry-run writes nothing
(cd "$tmp/cwd" && "$sweep" --tilesim "$wrapper" --hw "$hw_file" --model "$model_file" \
  --key sram.size_kib --values 16,64 --out "$out" --dry-run -- "${extra[@]}") >"$tmp/dry" 2>"$tmp/err" ||
  fail "--dry-run: exit $?: $(cat "$tmp/err")"
[[ ! -e $out ]] || fail "--dry-run created the --out folder"
grep -q "sram.size_kib=64" "$tmp/dry" || fail "--dry-run printed no job of point 64: $(cat "$tmp/dry")"
no_pwned "$tmp" "$src"
pass "--dry-run with hostile paths: jobs printed, nothing written, nothing run"

# ---------------------------------------------------------------- the sweep
rc=0
(cd "$tmp/cwd" && "$sweep" --tilesim "$wrapper" --hw "$hw_file" --model "$model_file" \
  --key sram.size_kib --values 16,64 --out "$out" --jobs 2 -- "${extra[@]}") >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
((rc == 0)) || { cat "$tmp/stderr" >&2; fail "hostile sweep: exit status $rc, expected 0"; }
no_pwned "$tmp" "$src"
pass "hostile sweep: exit 0 and no PWNED file anywhere"

# every point's tilesim got exactly its arguments
n=0
for f in "$tmp"/log/argv.*; do
  mapfile -t -d '' got <"$f"
  [[ ${got[0]} == run ]] || continue
  n=$((n + 1))
  stats=${got[11]:-}
  [[ $stats == "$out/points/.point."??????/stats.json ]] || fail "tilesim got --stats-json '$stats', expected a file in a private folder under $out/points"
  value=${got[9]#sram.size_kib=}
  want=(run --timing-only --hw "$hw_file" --model "$model_file" --seed 1 --set "sram.size_kib=$value"
    --stats-json "$stats" "${extra[@]}")
  [[ $value == 16 || $value == 64 ]] || fail "tilesim got --set '${got[9]}'"
  ((${#got[@]} == ${#want[@]})) || fail "tilesim got ${#got[@]} arguments, expected ${#want[@]}: $(printf '[%s] ' "${got[@]}")"
  for i in "${!want[@]}"; do
    [[ ${got[i]} == "${want[i]}" ]] || fail "tilesim argument $i is [${got[i]}], expected [${want[i]}]"
  done
done
((n == 2)) || fail "$n tilesim runs recorded, expected 2"
pass "each point's tilesim received every hostile argument intact, one argument each"

# results.csv, the points' files, no temporaries left
mapfile -t rows <"$out/results.csv"
[[ ${#rows[@]} == 3 && ${rows[1]} == 16,* && ${rows[2]} == 64,* && ${rows[1]} == *,0, && ${rows[2]} == *,0, ]] ||
  fail "results.csv: $(cat "$out/results.csv")"
left=$(find "$out" -name '.*' ! -name .sweep.lock ! -path "$out")
[[ -z $left ]] || fail "temporary files left in --out: $left"
pass "results.csv: both points ok; no temporary file left"

# manifest.json records paths, names and arguments exactly
man=$out/manifest.json
jq -e --arg hw "$hw_file" --arg model "$model_file" --arg hw_name "$hw_name" --arg model_name "$model_name" \
  --arg tilesim "$wrapper" --argjson extra "$(jq -nc '$ARGS.positional' --args -- "${extra[@]}")" \
  '.hw.path == $hw and .model.path == $model and .hw.name == $hw_name and .model.name == $model_name
   and .tilesim.path == $tilesim and .extra_run_args == $extra and .argv[-($extra | length):] == $extra' \
  "$man" >/dev/null || fail "manifest.json does not record the hostile paths and arguments exactly: $(jq -c '{hw, model, tilesim, extra_run_args}' "$man")"
pass "manifest.json records the hostile paths, names and extra arguments exactly"

# the plot's title shows the names literally (SVG text, XML entities decoded)
svg_texts() {
  sed -n 's/.*<text>\(.*\)<\/text>.*/\1/p' "$1" |
    sed 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/'\''/g; s/&amp;/\&/g'
}
title="$model_name on $hw_name: sweep of sram.size_kib"
svg_texts "$out/sweep.svg" | grep -qxF -- "$title" ||
  fail "sweep.svg has no title '$title'; its texts: $(svg_texts "$out/sweep.svg" | head -n 5)"
[[ $(head -c 8 "$out/sweep.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "sweep.png is not a PNG"
pass "sweep.svg's title shows both hostile names literally"

# --collect never runs what sweep.json names (here a tilesim that would touch PWNED)
printf '#!/bin/sh\ntouch PWNED\n' >"$tmp/evil"
chmod +x "$tmp/evil"
jq --arg t "$tmp/evil" '.tilesim = $t' "$out/sweep.json" >"$tmp/spec" && cat "$tmp/spec" >"$out/sweep.json"
rm -f "$out/sweep.svg"
rc=0
(cd "$tmp/cwd" && "$sweep" --collect "$out") >/dev/null 2>"$tmp/stderr" || rc=$?
((rc == 0)) || fail "--collect: exit $rc: $(cat "$tmp/stderr")"
no_pwned "$tmp" "$src"
svg_texts "$out/sweep.svg" | grep -qxF -- "$title" || fail "--collect: sweep.svg lacks the literal title"
pass "--collect on the hostile folder: plot rebuilt, nothing named in sweep.json run"

echo "all hostile-name tests passed"
