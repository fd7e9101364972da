#!/usr/bin/env bash
# Benchmark: N paced SSE streams open at once, direct -> mock upstream, via nginx, via llmgw.
#
#   tests/bench/streams.sh [BUILD_DIR]        (default: build)
#
# Env: BENCH_STREAMS (8000)  BENCH_EVENTS (events per stream, [DONE] included, 20)
#      BENCH_EVENT_GAP_MS (250)  BENCH_RAMP_MS (the N connections are opened evenly over this, 1000)
#      BENCH_STALL_MS (a gap between two events longer than this is a stall, gap + 1000)
#      BENCH_TIMEOUT_S (streams still open this long after the last stream should have ended are
#      cut and count as stalled, 30)  BENCH_MODES ("direct nginx llmgw")  BENCH_NICE (-15; 0 = off)
#      BENCH_ROUNDS (3: the modes run in turn, round after round; the TTFB ratio is that of the
#      medians of each mode's p99 over the rounds, every round printed)
#      BENCH_OUT (file to copy RESULT lines to)  BENCH_KEEP=1 (keep temp dir)
# Needs: nginx (Debian: nginx-light), curl, taskset + setsid (util-linux). Prints a table; see README.md.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
resolve_build streams.sh "${1:-}"
bench_init
STREAMS=${BENCH_STREAMS:-8000}
EVENTS=${BENCH_EVENTS:-20}
GAP_MS=${BENCH_EVENT_GAP_MS:-250}
RAMP_MS=${BENCH_RAMP_MS:-1000}
STALL_MS=${BENCH_STALL_MS:-$((GAP_MS + 1000))}
TIMEOUT_S=${BENCH_TIMEOUT_S:-30}
MODES=${BENCH_MODES:-direct nginx llmgw}
ROUNDS=${BENCH_ROUNDS:-3}
PATH_URI=/v1/chat/completions
[[ -x $BIN/bench_stream_client ]] || { echo "streams.sh: missing $BIN/bench_stream_client (build with -DLLMGW_BUILD_BENCH=ON)" >&2; exit 2; }
((EVENTS >= 4)) || { echo "streams.sh: BENCH_EVENTS must be at least 4" >&2; exit 2; }
# Each proxied stream holds two descriptors in the proxy: every process we start gets the hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null
FD_LIMIT=$(ulimit -n)
((2 * STREAMS + 64 > FD_LIMIT)) &&
  echo "streams.sh: fd limit $FD_LIMIT is below 2 x $STREAMS streams + 64: the proxies will run out" >&2

bench_priority "$HERE/streams.sh" "$BUILD"   # new session + nice, core pinning (lib.sh)
bench_tmp
T_BEGIN=$(date +%s)

# ---- servers: paced mock (core 0), nginx and llmgw (core 1) -----------------------------------
start_mock --stream-events "$EVENTS" --chunk-delay-us "$((GAP_MS * 1000))"
start_nginx "$(( FD_LIMIT - 64 ))"

LLMGW_OK=0 LLMGW_WHY="not in BENCH_MODES" LLMGW_PID=""
[[ " $MODES " == *" llmgw "* ]] && llmgw_up "{max_connections: 20000, max_queued: 4096}"   # max_queued: listen backlog, as nginx's

echo "streams bench: $STREAMS streams x $EVENTS events ${GAP_MS} ms apart, opened over ${RAMP_MS} ms;" \
  "mock :$MOCK_PORT, nginx :$NGINX_PORT, llmgw ${LLMGW_URL:-n/a} (fd limit $FD_LIMIT, nice $NICE)" >&2
((LLMGW_OK)) || [[ " $MODES " != *" llmgw "* ]] || echo "llmgw NOT measured: $LLMGW_WHY" >&2

# measure TARGET URL "PIDS": one client run against URL (lib.sh's measure_client), then a pause
# that lets the closed connections go before the next mode.
measure() {
  local url=$2
  measure_client "$1" "$3" --url "$url$PATH_URI" --streams "$STREAMS" --events "$EVENTS" \
    --ramp-ms "$RAMP_MS" --stall-ms "$STALL_MS" --timeout-s "$(( (EVENTS - 1) * GAP_MS / 1000 + TIMEOUT_S ))"
  sleep 2
}

# A 1 s burst of 8,000 new streams runs one core at the edge of its capacity, and one hypervisor
# pause there moves a p99 by tens of ms for either proxy: the modes take turns, round after round,
# and the ratio compares the medians.
for round in $(seq "$ROUNDS"); do
  for t in $MODES; do
    lines=$(wc -l <"$RESULTS")
    measure_mode "$t" streams.sh && (( $(wc -l <"$RESULTS") > lines )) && sed -i '$ s/$/ round='"$round"'/' "$RESULTS"
  done
done

[[ -n ${BENCH_OUT:-} ]] && cp "$RESULTS" "$BENCH_OUT"
echo
grep '^RESULT' "$RESULTS"
echo
STREAMS=$STREAMS EVENTS=$EVENTS GAP_MS=$GAP_MS ROUNDS=$ROUNDS LLMGW_WHY="$LLMGW_WHY" ELAPSED=$(( $(date +%s) - T_BEGIN )) \
  awk -f "$HERE/report-streams.awk" "$RESULTS"
grep -qE 'target=(direct|nginx) ' "$RESULTS"
