#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz for a bounded time and prints the executions of each;
# exits non-zero when any target crashed, leaked past its memory limit or hung on an input.
# Builds what is missing first (the sanitizer build dir, as scripts/sanitize.sh configures it).
# Each target starts from its committed seeds (tests/fuzz/corpus/<name>) and regression inputs,
# plus a working corpus kept in <build>/fuzz-work/<name>/corpus, so later runs go deeper; what
# crashed is saved to <build>/fuzz-work/<name>/crash-* (see tests/fuzz/README.md for what to do
# with it).
# Env: FUZZ_SECONDS  time per target (default 20: 35 targets, 2 at a time, keep .ci/run under 45 min)
#      FUZZ_JOBS     targets run at once (default 2: 18 targets x 25 s / 2 ≈ 4 minutes)
#      FUZZ_TARGETS  space-separated names to run (default: all)
#      SAN_BUILD_DIR (default build-sanitize)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
FUZZ_JOBS=${FUZZ_JOBS:-2}
. scripts/sanitizer-env.sh
llmgw_sanitize_configure
LIST=$SAN_BUILD_DIR/tests/fuzz/targets.txt
mapfile -t targets < <(awk -v only=" ${FUZZ_TARGETS:-} " 'only == "  " || index(only, " " $1 " ") {print}' "$LIST")
((${#targets[@]})) || { echo "fuzz.sh: no target matches FUZZ_TARGETS='${FUZZ_TARGETS:-}'" >&2; exit 2; }
cmake --build "$SAN_BUILD_DIR" -j"$(nproc)" --target $(printf 'fuzz_%s ' $(printf '%s\n' "${targets[@]}" | cut -d' ' -f1)) >/dev/null

# run_one <name> <max_len> <dict>: one target for FUZZ_SECONDS; its log in fuzz-work/<name>/log.
run_one() {
  local name=$1 max_len=$2 dict=$3
  local work=$SAN_BUILD_DIR/fuzz-work/$name
  mkdir -p "$work/corpus"
  rm -f "$work/log"
  local args=(-max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
              -artifact_prefix="$work/")
  [ "$max_len" = 0 ] || args+=(-max_len="$max_len")
  [ "$dict" = - ] || args+=(-dict="$ROOT/tests/fuzz/dict/$dict")
  local dirs=("$work/corpus" "$ROOT/tests/fuzz/corpus/$name")
  [ -d "$ROOT/tests/fuzz/regressions/$name" ] && dirs+=("$ROOT/tests/fuzz/regressions/$name")
  local rc=0
  "$SAN_BUILD_DIR/bin/fuzz_$name" "${args[@]}" "${dirs[@]}" >"$work/log" 2>&1 || rc=$?
  echo "$rc" >"$work/rc"
}

start=$(date +%s)
running=0
for line in "${targets[@]}"; do
  read -r name max_len dict <<<"$line"
  if ((running >= FUZZ_JOBS)); then wait -n || true; running=$((running - 1)); fi
  run_one "$name" "$max_len" "$dict" &
  running=$((running + 1))
done
wait || true

failed=0
printf '%-28s %12s %8s  %s\n' target executions exec/s result
for line in "${targets[@]}"; do
  read -r name _ <<<"$line"
  work=$SAN_BUILD_DIR/fuzz-work/$name
  rc=$(cat "$work/rc" 2>/dev/null || echo 1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  if [ "$rc" = 0 ]; then
    result=ok
  else
    failed=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$work/log" | tail -1)
    result="FAILED (exit $rc) ${artifact:-see $work/log}"
  fi
  printf '%-28s %12s %8s  %s\n' "$name" "${runs:-?}" "${rate:-?}" "$result"
done
echo "fuzz.sh: ${#targets[@]} targets, ${FUZZ_SECONDS} s each, $FUZZ_JOBS at a time, $(($(date +%s) - start)) s in all"
if ((failed)); then
  for line in "${targets[@]}"; do
    read -r name _ <<<"$line"
    work=$SAN_BUILD_DIR/fuzz-work/$name
    [ "$(cat "$work/rc" 2>/dev/null)" = 0 ] && continue
    echo "---- $name ($work/log) ----"
    grep -m1 -B2 -A25 -E '^==[0-9]+==ERROR|runtime error|FUZZ_REQUIRE|ALARM|out-of-memory|deadly signal' "$work/log" || tail -30 "$work/log"
  done
  exit 1
fi
