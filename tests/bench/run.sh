#!/usr/bin/env bash
# Benchmark: direct -> mock upstream, via nginx (proxy_pass, upstream keepalive), via llmgw.
#
#   tests/bench/run.sh [BUILD_DIR]        (default: build)
#
# Env: BENCH_DURATION (s per open-loop point, 6)  BENCH_WARMUP (s, 1)  BENCH_CONNS (64)
#      BENCH_RATES ("1000 5000")  BENCH_MAX_DURATION (s per max-throughput round, 3)
#      BENCH_ROUNDS (max-throughput rounds, best kept, 3)  BENCH_NICE (-15; 0 = off)
#      BENCH_OUT (file to copy RESULT lines to)  BENCH_KEEP=1 (keep temp dir)
#      BENCH_SPIN=1: keep both cores busy with SCHED_IDLE busy loops during the measurements (as
#      in run-anthropic.sh): no wakeup waits for an idle vCPU; lower noise, not idle latency.
# Needs: nginx (Debian: nginx-light), curl, taskset + setsid (util-linux). Prints a table; see README.md.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
resolve_build run.sh "${1:-}"
bench_init
MAX_DUR=${BENCH_MAX_DURATION:-3}  # per closed-loop round; best of BENCH_ROUNDS rounds
ROUNDS=${BENCH_ROUNDS:-3}
RATES=${BENCH_RATES:-1000 5000}
PATH_URI=/v1/chat/completions
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { echo "run.sh: nginx not found (apt-get install nginx-light)" >&2; exit 2; }

bench_priority "$HERE/run.sh" "$BUILD"   # new session + nice, core pinning (lib.sh)
bench_tmp

post_ok() { [[ $(http_code -X POST -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-bench' \
  -d '{"model":"bench","messages":[{"role":"user","content":"hi"}]}' "$1$PATH_URI") == 200 ]]; }

# ---- mock upstream ----------------------------------------------------------
start_mock

# ---- nginx ------------------------------------------------------------------
start_nginx   # one worker, upstream keepalive, proxy_buffering off (lib.sh)
wait_for post_ok "$NGINX_URL" || { echo "run.sh: POST through nginx failed:" >&2; cat "$TMP/nginx/error.log" >&2; exit 1; }

# ---- llmgw ------------------------------------------------------------------
LLMGW_OK=0 LLMGW_WHY="" LLMGW_PID=""
if [[ ! -x $LLMGW ]]; then
  LLMGW_WHY="$LLMGW not built"
else
  LLMGW_PORT=$("$LOADGEN" --pick-port)
  write_bench_config "$TMP/llmgw.yaml"
  if ! start_llmgw; then
    LLMGW_WHY="did not become ready: $(tail -q -n 3 "$TMP/llmgw.err" "$TMP/llmgw.out" 2>/dev/null | tr '\n' ' ')"
  elif ! post_ok "$LLMGW_URL"; then
    LLMGW_WHY="POST $PATH_URI failed: $(curl -s -m 2 -X POST -d '{"model":"bench","messages":[]}' \
      -H 'Authorization: Bearer sk-bench' "$LLMGW_URL$PATH_URI" | head -c 300)"
  else
    LLMGW_OK=1
  fi
fi

# ---- measurements -------------------------------------------------------------
# measure TARGET SCENARIO DURATION LOADGEN-ARGS...: appends "<RESULT fields> target=... scen=... cpu_us=..."
measure() {
  local target=$1 scen=$2 dur=$3 url watch=""
  shift 3
  case $target in
    direct) url=$MOCK_URL ;;
    nginx) url=$NGINX_URL watch="${NGINX_PIDS[*]}" ;;
    llmgw)
      ((LLMGW_OK)) || return 0
      kill -0 "$LLMGW_PID" 2>/dev/null || { LLMGW_OK=0; LLMGW_WHY="exited during the run"; return 0; }
      url=$LLMGW_URL watch=$LLMGW_PID ;;
  esac
  measure_url "$target" "$scen" "$dur" "$url$PATH_URI" "$watch" "$@"
  return 0
}

SERVER_PIDS=("${NGINX_PIDS[@]}" $LLMGW_PID)
start_spinners
other_load_begin "${SERVER_PIDS[@]}"
echo "llmgw bench: mock :$MOCK_PORT, nginx :$NGINX_PORT, llmgw ${LLMGW_URL:-n/a}" \
  "($CONNS conns, ${DUR}s + ${WARM}s warmup per point, nice $NICE${SPIN_PIDS:+, idle spinners})" >&2
((LLMGW_OK)) || echo "llmgw NOT measured: $LLMGW_WHY" >&2
for rate in $RATES; do
  for t in direct nginx llmgw; do measure "$t" "open$rate-json" "$DUR" --rate "$rate"; done
  for t in direct nginx llmgw; do measure "$t" "open$rate-sse" "$DUR" --rate "$rate" --stream; done
done
# Max throughput: interleaved rounds, the best round of each target is kept (noise only slows down).
for r in $(seq "$ROUNDS"); do
  for t in direct nginx llmgw; do measure "$t" max-json "$MAX_DUR"; done
  for t in direct nginx llmgw; do measure "$t" max-sse "$MAX_DUR" --stream; done
done

other_load_end "${SERVER_PIDS[@]}"

LLMGW_MEM=""
if [[ -n $LLMGW_PID ]] && kill -0 "$LLMGW_PID" 2>/dev/null && ((LLMGW_OK)); then
  LLMGW_MEM="VmRSS=$(status_kb "$LLMGW_PID" VmRSS) kB VmHWM=$(status_kb "$LLMGW_PID" VmHWM) kB Threads=$(status_kb "$LLMGW_PID" Threads)"
fi
NGINX_MEM=""
for p in "${NGINX_PIDS[@]:1}"; do NGINX_MEM+="worker VmRSS=$(status_kb "$p" VmRSS) kB VmHWM=$(status_kb "$p" VmHWM) kB "; done

[[ -n ${BENCH_OUT:-} ]] && cp "$RESULTS" "$BENCH_OUT"
echo
grep '^RESULT' "$RESULTS"
echo
RATES="$RATES" ROUNDS="$ROUNDS" CONNS="$CONNS" LLMGW_OK="$LLMGW_OK" LLMGW_WHY="$LLMGW_WHY" \
  LLMGW_MEM="$LLMGW_MEM" NGINX_MEM="$NGINX_MEM" OTHER0="$OTHER0" OTHER1="$OTHER1" awk -f "$HERE/report.awk" "$RESULTS"

# Success = direct and nginx measured at every point.
n_ok=$(grep -cE 'target=(direct|nginx) ' "$RESULTS")
want=$(( $(wc -w <<<"$RATES") * 4 + 4 * ROUNDS ))
if ((n_ok < want)); then
  echo "run.sh: only $n_ok of $want direct/nginx measurements succeeded" >&2
  exit 1
fi
exit 0
