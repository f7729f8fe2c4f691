#!/usr/bin/env bash
# The SRAM sweep, shorthand for scripts/sweep.sh:
#   scripts/sweep-sram.sh MODEL [HW] [OUT] [sweep.sh options...] [-- EXTRA_RUN_ARGS]
# sweeps sram.size_kib over 16,32,64,128,256,512,1024,4096,8192 KiB.
# HW defaults to configs/hw/default.yaml, OUT to sweeps/sram-<model name>/ (both
# relative to the repository). Options after OUT (e.g. --resume, --jobs N, --force,
# --tilesim PATH) go to sweep.sh as they are. Exit status: as sweep.sh (2: bad arguments,
# one line "sweep-sram.sh: error: ..." or "sweep.sh: error: ..." on stderr).
set -euo pipefail

prog=sweep-sram.sh
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/.." && pwd)
# shellcheck source=scripts/sweep-lib.sh
source "$script_dir/sweep-lib.sh"
values=16,32,64,128,256,512,1024,4096,8192

# model_dir_name MODEL: REPLY = the model's top-level `name:` (else its file name without
# extension) as one plain folder name: anything but letters, digits and . _ - becomes _,
# so a name such as ../../x or a/b cannot lead OUT outside sweeps/.
model_dir_name() {
  local n=''
  n=$(sed -n 's/^name:[[:space:]]*//p' "$1" 2>/dev/null | head -n 1 |
    sed 's/[[:space:]]*#.*$//; s/^["'\'']//; s/["'\'']$//') || true
  if [[ -z $n ]]; then n=${1##*/}; n=${n%.*}; fi
  n=${n//[!A-Za-z0-9._-]/_}
  REPLY=${n:0:100}
}

case ${1:-} in
  -h | --help)
    sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0 ;;
  '' | -*) die "usage: scripts/sweep-sram.sh MODEL [HW] [OUT] [options] (see --help)" ;;
esac
model=$1; shift
hw=$repo_dir/configs/hw/default.yaml
if (($# > 0)) && [[ $1 != -* ]]; then hw=$1; shift; fi
[[ -f $model ]] || die "$model: no such file"
model_dir_name "$model"
out=$repo_dir/sweeps/sram-$REPLY
if (($# > 0)) && [[ $1 != -* ]]; then out=$1; shift; fi

exec "$script_dir/sweep.sh" --hw "$hw" --model "$model" --key sram.size_kib --values "$values" --out "$out" "$@"
