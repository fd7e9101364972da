#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the gateway on config/llmgw.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# LLMGW_PGO=1: the profile-guided release build (scripts/build-pgo.sh, into build-pgo/).
if [[ ${LLMGW_PGO:-0} == 1 ]]; then
  BUILD_DIR=${BUILD_DIR:-build-pgo} bash scripts/build-pgo.sh
  BUILD_DIR=${BUILD_DIR:-build-pgo}
else
  bash scripts/build.sh
fi
exec "${BUILD_DIR:-build}/bin/llmgw" --config "${LLMGW_CONFIG:-config/llmgw.yaml}" "$@"
