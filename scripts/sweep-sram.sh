#!/usr/bin/env bash
# The SRAM sweep, shorthand for scripts/sweep.sh:
#   scripts/sweep-sram.sh MODEL [HW] [OUT] [sweep.sh options...] [-- EXTRA_RUN_ARGS]
# sweeps sram.size_kib over 16,32,64,128,256,512,1024,4096,8192 KiB.
# HW defaults to configs/hw/default.yaml, OUT to sweeps/sram-<model name>/ (both
# relative to the repository). Options after OUT (e.g. --resume, --jobs N, --force,
# --tilesim PATH) go to sweep.sh as they are. Exit status: as sweep.sh.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/.." && pwd)
values=16,32,64,128,256,512,1024,4096,8192

case ${1:-} in
  -h | --help)
    sed -n '2,7s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0 ;;
  '' | -*) echo "sweep-sram.sh: error: usage: scripts/sweep-sram.sh MODEL [HW] [OUT] [options] (see --help)" >&2; exit 2 ;;
esac
model=$1; shift
hw=$repo_dir/configs/hw/default.yaml
if (($# > 0)) && [[ $1 != -* ]]; then hw=$1; shift; fi
[[ -f $model ]] || { echo "sweep-sram.sh: error: $model: no such file" >&2; exit 2; }
name=$(sed -n 's/^name:[[:space:]]*//p' "$model" | head -n 1 | sed 's/[[:space:]]*#.*$//; s/^["'\'']//; s/["'\'']$//')
if [[ -z $name ]]; then name=$(basename "$model"); name=${name%.*}; fi
out=$repo_dir/sweeps/sram-$name
if (($# > 0)) && [[ $1 != -* ]]; then out=$1; shift; fi

exec "$script_dir/sweep.sh" --hw "$hw" --model "$model" --key sram.size_kib --values "$values" --out "$out" "$@"
