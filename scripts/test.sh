#!/usr/bin/env bash
# Sets up (dependencies and build) and runs the whole test suite with ctest.
#   scripts/test.sh [--sanitize] [CTEST_ARGS...]     e.g. scripts/test.sh -R config
# --sanitize: build everything in build-asan/ with AddressSanitizer and
# UndefinedBehaviorSanitizer (TILESIM_SANITIZE) and run the suite there; any
# sanitizer report fails the test that triggered it.
# The ctest label cluster (tests/cluster: the sweep scripts against a live Slurm and
# sshd hosts on 127.0.0.1, about 1.5 min; it installs slurm-wlm, munge, openssh-server
# and rsync if missing) runs in the plain run only, and only as root: it tests the
# scripts, not tilesim's memory safety, and its daemons need root. Not root: it is left
# out, with a note on stderr.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ${1:-} == --sanitize ]]; then
  shift
  scripts/setup.sh --build-dir build-asan --build-type RelWithDebInfo -- -DTILESIM_SANITIZE=ON -DTILESIM_BUILD_BENCH=OFF
  export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -LE cluster "$@"
else
  scripts/setup.sh
  cluster=()
  if [[ $(id -u) != 0 ]]; then
    echo "test.sh: not root: the cluster label (tests/cluster: a live Slurm and sshd) is left out; run as root to include it" >&2
    cluster=(-LE cluster)
  fi
  ctest --test-dir build --output-on-failure -j "$(nproc)" "${cluster[@]}" "$@"
fi
