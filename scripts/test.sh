#!/usr/bin/env bash
# Sets up (dependencies and build) and runs the whole test suite with ctest.
#   scripts/test.sh [--sanitize] [CTEST_ARGS...]     e.g. scripts/test.sh -R config
# --sanitize: build everything in build-asan/ with AddressSanitizer and
# UndefinedBehaviorSanitizer (TILESIM_SANITIZE) and run the suite there; any
# sanitizer report fails the test that triggered it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ${1:-} == --sanitize ]]; then
  shift
  scripts/setup.sh --build-dir build-asan --build-type RelWithDebInfo -- -DTILESIM_SANITIZE=ON -DTILESIM_BUILD_BENCH=OFF
  export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)" "$@"
else
  scripts/setup.sh
  ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
fi
