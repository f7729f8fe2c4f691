#!/usr/bin/env bash
# One-command setup on Debian 12: installs every dependency from Debian's
# packages (only what is missing; quiet when all is there), then configures and
# builds tilesim with CMake + Ninja in Release mode.
#
#   scripts/setup.sh [--deps-only] [--build-dir DIR] [--build-type TYPE] [-- CMAKE_ARGS...]
#
# Works as root and through sudo. Safe to run again: it only does what is left.
# Bad arguments: one line "setup.sh: error: ..." on stderr, exit 2, nothing done.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=build
build_type=Release
deps_only=0
cmake_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --deps-only) deps_only=1 ;;
    --build-dir | --build-type)
      [[ $# -ge 2 && -n $2 ]] || { echo "setup.sh: error: $1 needs a value" >&2; exit 2; }
      if [[ $1 == --build-dir ]]; then build_dir=$2; else build_type=$2; fi
      shift ;;
    --) shift; cmake_args=("$@"); break ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: error: unknown argument '$1' (see scripts/setup.sh --help)" >&2; exit 2 ;;
  esac
  shift
done

# Build and test dependencies (see docs/ and DESIGN: all from Debian's archive).
packages=(
  g++ cmake ninja-build pkg-config git
  libsystemc-dev libyaml-cpp-dev libboost-program-options-dev libboost-graph-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  nlohmann-json3-dev catch2 libbenchmark-dev time
  # sweeps (GNU parallel, jq for stats.json, gnuplot for plots) and headless
  # waveform snapshots (GTKWave under Xvfb; ImageMagick to check the images)
  parallel jq gnuplot-nox gtkwave xvfb xauth imagemagick
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null; then
    sudo=(sudo)
  else
    echo "setup.sh: error: missing packages (${missing[*]}) and not root, no sudo" >&2
    exit 1
  fi
  echo "setup.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[[ $deps_only -eq 1 ]] && exit 0

if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" "${cmake_args[@]}" >/dev/null
elif [[ ${#cmake_args[@]} -gt 0 ]]; then
  cmake "$build_dir" "${cmake_args[@]}" >/dev/null
fi
# Quiet when there is nothing to do; the whole log when the build fails.
if ! log=$(cmake --build "$build_dir" -- --quiet 2>&1); then
  printf '%s\n' "$log" >&2
  exit 1
fi
log=$(grep -v '^ninja: no work to do\.$' <<<"$log" || true)
[[ -z $log ]] || printf '%s\n' "$log"
