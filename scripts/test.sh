#!/usr/bin/env bash
# README command 2: install what is missing, build, and run every test (unit, ABI,
# integration, end-to-end) with CTest, ending with its summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j"$(nproc)" --timeout 300
