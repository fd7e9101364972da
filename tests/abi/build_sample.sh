#!/usr/bin/env bash
# Builds a sample plugin (samples/<SAMPLE>) the way a third party would: install the SDK on its own
# (sdk/ as a top-level CMake project) into a private prefix, then build the sample against that
# prefix only. Proves that the installed SDK alone suffices to build a plugin.
#
# usage: build_sample.sh <repo_root> <work_dir> <out_dir> [extra cmake args for the sample...]
#   <work_dir>  scratch space: sdk-build/, prefix/, <SAMPLE>-build/ (one work_dir per sample)
#   <out_dir>   where <SAMPLE>.so is written (e.g. build/lib/llmgw/plugins)
# env: SAMPLE (default: provider-echo), CMAKE (default: cmake), CMAKE_BUILD_TYPE (default: Release)
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 <repo_root> <work_dir> <out_dir> [cmake args...]" >&2
  exit 2
fi
repo=$(cd "$1" && pwd)
mkdir -p "$2" "$3"
work=$(cd "$2" && pwd)
out=$(cd "$3" && pwd)
shift 3
cmake_bin=${CMAKE:-cmake}
build_type=${CMAKE_BUILD_TYPE:-Release}
sample=${SAMPLE:-provider-echo}
sample_build="$work/$sample-build"
prefix="$work/prefix"

# 1. Install the SDK alone (headers + CMake package) into a fresh prefix.
rm -rf "$prefix"
"$cmake_bin" -S "$repo/sdk" -B "$work/sdk-build" -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
"$cmake_bin" --install "$work/sdk-build" --prefix "$prefix" >/dev/null

# 2. Build the sample against that prefix and nothing else from this repository.
"$cmake_bin" -S "$repo/samples/$sample" -B "$sample_build" \
  -DCMAKE_BUILD_TYPE="$build_type" \
  -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$out" \
  "$@" >/dev/null
"$cmake_bin" --build "$sample_build"

# 3. Check the proof: the sample saw the SDK through the prefix, never through the source tree.
if grep -q -- "$repo/sdk/include" "$sample_build/compile_commands.json"; then
  echo "build_sample.sh: the sample was compiled with $repo/sdk/include; it must use $prefix only" >&2
  exit 1
fi
if ! grep -q -- "$prefix/include" "$sample_build/compile_commands.json"; then
  echo "build_sample.sh: the sample was not compiled against $prefix/include" >&2
  exit 1
fi
test -f "$out/$sample.so"
echo "$sample.so built against the installed SDK ($prefix) -> $out/$sample.so"
