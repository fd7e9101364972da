#!/usr/bin/env bash
# Benchmark: a new client's GET /health and chat completion while N idle keep-alive client
# connections are open, direct -> mock upstream, via nginx, via llmgw.
#
#   tests/bench/idle.sh [BUILD_DIR]        (default: build)
#
# Env: BENCH_IDLE (idle connections, 10000)  BENCH_PROBES (samples of each kind, 20)
#      BENCH_PROBE_GAP_MS (50)  BENCH_PROBE_TIMEOUT_MS (a probe unanswered this long is a timeout, 1000)
#      BENCH_RAMP_MS (the idle connections are opened evenly over this, 1000)
#      BENCH_OPEN_TIMEOUT_S (idle connections whose /health is unanswered by then count as failed, 20)
#      BENCH_MODES ("direct nginx llmgw")  BENCH_NICE (-15; 0 = off)  BENCH_OUT  BENCH_KEEP=1
# Needs: nginx (Debian: nginx-light), curl, taskset + setsid (util-linux). Prints a table; see README.md.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
resolve_build idle.sh "${1:-}"
bench_init
IDLE=${BENCH_IDLE:-10000}
PROBES=${BENCH_PROBES:-20}
PROBE_GAP_MS=${BENCH_PROBE_GAP_MS:-50}
PROBE_TIMEOUT_MS=${BENCH_PROBE_TIMEOUT_MS:-1000}
RAMP_MS=${BENCH_RAMP_MS:-1000}
OPEN_TIMEOUT_S=${BENCH_OPEN_TIMEOUT_S:-20}
MODES=${BENCH_MODES:-direct nginx llmgw}
PATH_URI=/v1/chat/completions
[[ -x $BIN/bench_stream_client ]] || { echo "idle.sh: missing $BIN/bench_stream_client (build with -DLLMGW_BUILD_BENCH=ON)" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null   # every process we start gets the hard limit
FD_LIMIT=$(ulimit -n)
((IDLE + 256 > FD_LIMIT)) && echo "idle.sh: fd limit $FD_LIMIT is below $IDLE connections + 256" >&2

bench_priority "$HERE/idle.sh" "$BUILD"   # new session + nice, core pinning (lib.sh)
bench_tmp
T_BEGIN=$(date +%s)

# ---- servers: mock (core 0), nginx and llmgw (core 1); keep-alive idle timeouts of 300 s -------
start_mock
start_nginx "$(( FD_LIMIT - 64 ))" 300s

LLMGW_OK=0 LLMGW_WHY="not in BENCH_MODES" LLMGW_PID=""
[[ " $MODES " == *" llmgw "* ]] && llmgw_up "{max_connections: 20000, max_queued: 4096, keepalive_timeout_s: 300}"

echo "idle bench: $IDLE idle keep-alive connections opened over ${RAMP_MS} ms, then $PROBES x (new" \
  "connection GET /health, new connection POST $PATH_URI); mock :$MOCK_PORT, nginx :$NGINX_PORT," \
  "llmgw ${LLMGW_URL:-n/a} (fd limit $FD_LIMIT, nice $NICE)" >&2
((LLMGW_OK)) || [[ " $MODES " != *" llmgw "* ]] || echo "llmgw NOT measured: $LLMGW_WHY" >&2

# measure TARGET URL "PIDS": one client run against URL (lib.sh's measure_client), then a pause
# that lets the closed connections go before the next mode.
measure() {
  local url=$2
  measure_client "$1" "$3" --url "$url" --idle "$IDLE" --probes "$PROBES" --probe-gap-ms "$PROBE_GAP_MS" \
    --probe-timeout-ms "$PROBE_TIMEOUT_MS" --ramp-ms "$RAMP_MS" --open-timeout-s "$OPEN_TIMEOUT_S" \
    --chat-path "$PATH_URI"
  sleep 2
}

for t in $MODES; do measure_mode "$t" idle.sh; done

[[ -n ${BENCH_OUT:-} ]] && cp "$RESULTS" "$BENCH_OUT"
echo
grep '^RESULT' "$RESULTS"
echo
IDLE=$IDLE PROBES=$PROBES PROBE_TIMEOUT_MS=$PROBE_TIMEOUT_MS LLMGW_WHY="$LLMGW_WHY" ELAPSED=$(( $(date +%s) - T_BEGIN )) \
  awk -f "$HERE/report-idle.awk" "$RESULTS"
grep -qE 'target=(direct|nginx) ' "$RESULTS"
