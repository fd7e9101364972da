#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the gateway on config/llmgw.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec "${BUILD_DIR:-build}/bin/llmgw" --config "${LLMGW_CONFIG:-config/llmgw.yaml}" "$@"
