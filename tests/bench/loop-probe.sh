#!/usr/bin/env bash
# Probe: the event-loop library, measured (issue 10 asks for the choice by measurement). The same
# fixed JSON answer served on one pinned core by three servers: Boost.Asio with C++20 coroutines
# (the core's choice), Poco's SocketReactor (the other candidate), and bench_mock_upstream (a
# hand-written epoll loop: the floor). Prints max requests/s (closed loop, best of the rounds),
# p50 / p99 at a fixed rate, and server CPU per request, with ratios to the epoll floor.
#
#   tests/bench/loop-probe.sh [BUILD_DIR]        (default: build)
#
# Env: BENCH_CONNS (64)  BENCH_RATE (5000)  BENCH_DURATION (s per rate point, 5)  BENCH_WARMUP (1)
#      BENCH_MAX_DURATION (s per max round, 3)  BENCH_ROUNDS (3)  BENCH_NICE (-15; 0 = off)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
resolve_build loop-probe.sh "${1:-}"
BENCH_DURATION=${BENCH_DURATION:-5}
bench_init
RATE=${BENCH_RATE:-5000}
MAX_DUR=${BENCH_MAX_DURATION:-3}
ROUNDS=${BENCH_ROUNDS:-3}
for p in bench_loop_probe_asio bench_loop_probe_poco; do
  [[ -x $BIN/$p ]] || { echo "loop-probe.sh: missing $BIN/$p (build the main tree with -DLLMGW_BUILD_BENCH=ON)" >&2; exit 2; }
done
bench_priority "$HERE/loop-probe.sh" "$BUILD"
bench_tmp

# start_probe NAME CMD...: runs CMD on the server core, waits for "listening on PORT".
declare -A URL PID
start_probe() {
  local name=$1
  shift
  "${PIN_SERVER[@]}" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  PID[$name]=$!
  PIDS+=("${PID[$name]}")
  wait_for grep -qs '^listening on' "$TMP/$name.out" || { echo "loop-probe.sh: $name did not start" >&2; exit 1; }
  URL[$name]=http://127.0.0.1:$(awk '/^listening on/{print $3; exit}' "$TMP/$name.out")/v1/chat/completions
}
start_probe epoll "$MOCK" 0
start_probe asio "$BIN/bench_loop_probe_asio"
start_probe poco "$BIN/bench_loop_probe_poco"

TARGETS=(epoll asio poco)
echo "loop probe: ${CONNS} conns, rate ${RATE}/s for ${DUR}s, max ${ROUNDS}x${MAX_DUR}s (nice $NICE, pinned $PINNED)" >&2
for t in "${TARGETS[@]}"; do measure_url "$t" "open$RATE" "$DUR" "${URL[$t]}" "${PID[$t]}" --rate "$RATE"; done
for r in $(seq "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do measure_url "$t" max "$MAX_DUR" "${URL[$t]}" "${PID[$t]}"; done
done

echo
awk -v rate="$RATE" '
  function field(name,   i) { for (i = 1; i <= NF; i++) if (index($i, name "=") == 1) return substr($i, length(name) + 2); return "" }
  /^RESULT/ {
    t = field("target"); s = field("scen")
    if (s == "max") {
      rps = field("rps") + 0
      if (rps > best[t]) { best[t] = rps; cpu[t] = field("cpu_us") / (field("total_done") + 0.0001) }
    } else { p50[t] = field("p50_us"); p99[t] = field("p99_us") }
  }
  END {
    printf "%-7s %12s %8s %14s %14s %12s\n", "loop", "max req/s", "ratio", "p50 @" rate " us", "p99 @" rate " us", "cpu us/req"
    n = split("epoll asio poco", order, " ")
    for (i = 1; i <= n; i++) {
      t = order[i]
      printf "%-7s %12d %8.2f %14s %14s %12.1f\n", t, best[t], best["epoll"] ? best[t] / best["epoll"] : 0, p50[t], p99[t], cpu[t]
    }
  }' "$RESULTS"
