#!/usr/bin/env bash
# Installs whatever is missing to build, run and test llmgw on Debian 12. Idempotent: a second
# run installs nothing and takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake pkg-config git
  libpoco-dev libboost-dev libboost-filesystem-dev rapidjson-dev libspdlog-dev libyaml-cpp-dev
  catch2 libhiredis-dev libssl-dev
  # the gateway's allocator (tcmalloc_minimal; core/CMakeLists.txt)
  libgoogle-perftools-dev
  # the request scans' fast path (core/frontends/fast_json_walk.hpp)
  libsimdjson-dev
  # provider-bedrock: the event-stream CRC32s
  zlib1g-dev
  redis-server nginx-light wrk curl python3 procps
  # core/store: libpq (Poco::Data::PostgreSQL's client; headers for the connection check), and
  # the throwaway PostgreSQL server the store tests start (scripts/start-postgres.sh)
  libpq-dev postgresql
  # scripts/sanitize.sh and scripts/fuzz.sh: clang with its sanitizer and libFuzzer runtimes
  # (libclang-rt-14-dev is only a Recommends of clang) and llvm-symbolizer (llvm) for reports.
  clang libclang-rt-14-dev llvm
)
# guardrail-pii: Hyperscan (amd64 only in Debian); elsewhere Vectorscan, its port with the same
# API and the same pkg-config name (libhs).
if [ "$(dpkg --print-architecture)" = amd64 ]; then PACKAGES+=(libhyperscan-dev); else PACKAGES+=(libvectorscan-dev); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/install-node-deps.sh
