#!/usr/bin/env bash
# Builds llmgw, its plugins and tests with AddressSanitizer + UndefinedBehaviorSanitizer (clang;
# the same build also carries libFuzzer's coverage, for scripts/fuzz.sh) into ./build-sanitize,
# and runs the unit, ABI and integration tests there — the real binary under ASan, with its
# plugins — plus the replay of every fuzz corpus and regression input (CTest fuzz.*).
# The e2e tests (official SDKs, Claude Code) are left to the main build: they drive the same
# code paths as the integration tests, only slower.
# Env: SAN_BUILD_DIR (default build-sanitize).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sanitizer-env.sh
llmgw_sanitize_configure
cmake --build "$SAN_BUILD_DIR" -j"$(nproc)"
cd "$SAN_BUILD_DIR"
ctest --output-on-failure -j"$(nproc)" --timeout 600
