#!/usr/bin/env bash
# README command 2: install what is missing, build, and run every test (unit, ABI,
# integration, end-to-end) with CTest; then the same unit and integration tests under ASan +
# UBSan (scripts/sanitize.sh, a second build dir) and every fuzz target for a bounded time
# (scripts/fuzz.sh); the main build's CTest runs last and its summary line ends the output.
# Env: LLMGW_SANITIZE=0 skips the sanitizer build and the fuzzers (a quick local run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
status=0
if [ "${LLMGW_SANITIZE:-1}" != 0 ]; then
  bash scripts/sanitize.sh || { status=$?; echo "test.sh: scripts/sanitize.sh FAILED (exit $status)" >&2; }
  bash scripts/fuzz.sh || { status=$?; echo "test.sh: scripts/fuzz.sh FAILED (exit $status)" >&2; }
fi
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j"$(nproc)" --timeout 300 || status=$?
exit "$status"
