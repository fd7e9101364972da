#!/usr/bin/env bash
# A profile-guided release build of the gateway and its plugins into ./build-pgo (GCC):
#   1. configure with -DLLMGW_PGO=GENERATE and build (instrumented),
#   2. tests/bench/pgo-train.sh: JSON and SSE traffic through it on 127.0.0.1, both dialects,
#      passthrough and translation, then SIGTERM (the counts are written on exit),
#   3. reconfigure the same tree with -DLLMGW_PGO=USE and build again.
# Skipped when build-pgo/bin/llmgw was made from the same sources (a stamp of the commit, the
# uncommitted diff and the untracked files). Tests are not built here (scripts/test.sh tests the
# ordinary build); benchmark tools are, unoptimised by the profile. ~2 builds' time.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-pgo}
PROFILE_DIR=$PWD/$BUILD_DIR/pgo-profile

sources_stamp() {
  {
    git rev-parse HEAD 2>/dev/null || echo no-git
    git diff HEAD 2>/dev/null
    git ls-files --others --exclude-standard 2>/dev/null | { grep -v '^build' || true; } | sort | xargs -r sha1sum 2>/dev/null
  } | sha1sum | cut -d' ' -f1
}
stamp=$(sources_stamp)
if [[ -x $BUILD_DIR/bin/llmgw && -f $BUILD_DIR/pgo.stamp && $(cat "$BUILD_DIR/pgo.stamp") == "$stamp" ]]; then
  echo "build-pgo.sh: $BUILD_DIR/bin/llmgw is up to date with the sources"
  exit 0
fi
rm -f "$BUILD_DIR/pgo.stamp"

configure() {
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DLLMGW_BUILD_TESTS=OFF -DLLMGW_BUILD_BENCH=ON \
    -DLLMGW_PGO="$1" -DLLMGW_PGO_DIR="$PROFILE_DIR" >/dev/null
}
echo "build-pgo.sh: 1/3 instrumented build"
configure GENERATE
cmake --build "$BUILD_DIR" -j"$(nproc)"
rm -rf "$PROFILE_DIR"
echo "build-pgo.sh: 2/3 training (tests/bench/pgo-train.sh)"
bash tests/bench/pgo-train.sh "$BUILD_DIR"
echo "build-pgo.sh: 3/3 optimised build"
configure USE
cmake --build "$BUILD_DIR" -j"$(nproc)"
echo "$stamp" >"$BUILD_DIR/pgo.stamp"
echo "build-pgo.sh: $BUILD_DIR/bin/llmgw built with the profile"
