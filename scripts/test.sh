#!/usr/bin/env bash
# Sets up (dependencies and build) and runs the whole test suite with ctest.
#   scripts/test.sh [CTEST_ARGS...]     e.g. scripts/test.sh -R config
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
