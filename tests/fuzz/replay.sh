#!/usr/bin/env bash
# CTest fuzz.<name>: runs a libFuzzer binary once over every file of the given folders (seed
# corpus, regression inputs; a missing folder is skipped). Given files rather than folders,
# libFuzzer executes each input once and writes nothing. Fails on the first crash.
set -euo pipefail
bin=$1; shift
files=()
for dir in "$@"; do
  [ -d "$dir" ] || continue
  while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$dir" -type f ! -name '.*' -print0 | sort -z)
done
if ((${#files[@]} == 0)); then echo "replay: no inputs in $*" >&2; exit 1; fi
# Chunks of 500 files: libFuzzer takes them as arguments.
for ((i = 0; i < ${#files[@]}; i += 500)); do
  "$bin" -runs=1 "${files[@]:i:500}" >/dev/null 2>"${TMPDIR:-/tmp}/replay.$$.log" || {
    cat "${TMPDIR:-/tmp}/replay.$$.log" >&2; rm -f "${TMPDIR:-/tmp}/replay.$$.log"; exit 1; }
done
rm -f "${TMPDIR:-/tmp}/replay.$$.log"
echo "replay: ${#files[@]} inputs through $(basename "$bin"), no crash"
