#!/usr/bin/env bash
# Failover benchmark: llmgw in front of a pool of two deployments under an open-loop load
# (1,000 req/s); one deployment fails in three ways in turn (500s, refused connections, requests
# that hang) with a healthy interlude after each. Prints, per phase, what the client saw: requests,
# errors, error rate, p50/p99, and how long the failing deployment kept receiving traffic.
#
#   tests/bench/failover.sh [BUILD_DIR]        (default: build)          ~1 minute
#
# Env: BENCH_RATE (req/s, 1000)  BENCH_CONNS (client connections, 512)  BENCH_WARMUP (s, 1)
#      BENCH_PHASE (s per failure phase, 8)  BENCH_RECOVER (s per healthy interlude, 6)
#      BENCH_CONNECT_TIMEOUT_MS (200)  BENCH_FIRST_BYTE_TIMEOUT (s, 0.5)  BENCH_ALLOWED_FAILS (3)
#      BENCH_COOLDOWN (s, 3)  BENCH_NICE (-15; 0 = off)  BENCH_OUT (file to copy the raw lines to)
#      BENCH_KEEP=1 (keep the temp dir)
# Needs: curl, taskset + setsid (util-linux). Not a pass/fail test; see README.md.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
resolve_build failover.sh "${1:-}"
bench_init
[[ -x $LLMGW ]] || { echo "failover.sh: $LLMGW not built" >&2; exit 2; }
RATE=${BENCH_RATE:-1000}
CONNS=${BENCH_CONNS:-512}
PHASE_S=${BENCH_PHASE:-8}
RECOVER_S=${BENCH_RECOVER:-6}
CONNECT_MS=${BENCH_CONNECT_TIMEOUT_MS:-200}
FIRST_BYTE_S=${BENCH_FIRST_BYTE_TIMEOUT:-0.5}
ALLOWED_FAILS=${BENCH_ALLOWED_FAILS:-3}
COOLDOWN_S=${BENCH_COOLDOWN:-3}

bench_priority "$HERE/failover.sh" "$BUILD"   # new session + nice, core pinning (lib.sh)
bench_tmp

# start_named_mock NAME ARGS...: a bench_mock_upstream on the client core; sets NAME_PID,
# NAME_PORT (and NAME_CTL with --control-port).
start_named_mock() {
  local name=$1 out=$TMP/mock-$1.out pid port ctl
  shift
  : >"$out"  # exists before wait_for greps it (grep -s on a missing file gives up at once)
  "${PIN_CLIENT[@]}" "$MOCK" 0 "$@" >"$out" 2>"$TMP/mock-$name.err" &
  pid=$!
  PIDS+=("$pid")
  wait_for grep -qs '^listening on' "$out" || { echo "failover.sh: mock $name did not start" >&2; exit 1; }
  port=$(awk '/^listening on/{print $3; exit}' "$out")
  ctl=$(awk '/^control on/{print $3; exit}' "$out")
  printf -v "${name}_PID" %s "$pid"
  printf -v "${name}_PORT" %s "$port"
  printf -v "${name}_CTL" %s "$ctl"
}
start_named_mock FAILING --control-port 0
start_named_mock HEALTHY

LLMGW_PORT=$("$LOADGEN" --pick-port)
cat >"$TMP/llmgw.yaml" <<EOF
server: {max_threads: $((CONNS + 256)), max_queued: 4096}
plugins:
  dirs: [$BUILD/lib/llmgw/plugins]
  load: [provider-openai]
model_list:
  - model_name: bench
    litellm_params:
      model: openai/bench
      api_base: http://127.0.0.1:$FAILING_PORT/v1
      api_key: sk-bench
      connect_timeout_ms: $CONNECT_MS
      first_byte_timeout: $FIRST_BYTE_S
      timeout: 10
    model_info: {id: failing}
  - model_name: bench
    litellm_params:
      model: openai/bench
      api_base: http://127.0.0.1:$HEALTHY_PORT/v1
      api_key: sk-bench
      connect_timeout_ms: $CONNECT_MS
      first_byte_timeout: $FIRST_BYTE_S
      timeout: 10
    model_info: {id: healthy}
router_settings:
  allowed_fails: $ALLOWED_FAILS
  cooldown_time: $COOLDOWN_S
  num_retries: 2
  timeout: 10
EOF
start_llmgw || { echo "failover.sh: llmgw did not become ready:" >&2; tail -n 5 "$TMP/llmgw.err" "$TMP/llmgw.out" >&2; exit 1; }

# Both deployments answer before we start (the pick is random: a few tries see both).
seen=""
for i in $(seq 40); do
  d=$(curl -s -m 2 -o /dev/null -D - -X POST -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-bench' \
      -d '{"model":"bench","messages":[{"role":"user","content":"hi"}]}' "$LLMGW_URL/v1/chat/completions" |
      awk -F': *' 'tolower($1)=="x-llmgw-deployment"{gsub(/\r/,"",$2); print $2}')
  [[ -n $d && $seen != *"<$d>"* ]] && seen+="<$d>"
  [[ $seen == *"<failing>"* && $seen == *"<healthy>"* ]] && break
done
[[ $seen == *"<failing>"* && $seen == *"<healthy>"* ]] ||
  { echo "failover.sh: llmgw did not answer from both deployments (saw: ${seen:-none}; x-llmgw-deployment missing?)" >&2; exit 1; }

PHASES=(healthy:4:healthy "500:$PHASE_S:error500" "recover:$RECOVER_S:healthy" "refused:$PHASE_S:refuse"
        "recover:$RECOVER_S:healthy" "hang:$PHASE_S:hang" "recover:$RECOVER_S:healthy")
PHASE_ARGS=()
for p in "${PHASES[@]}"; do PHASE_ARGS+=(--phase "$p"); done
echo "llmgw failover bench: $RATE req/s open loop, $CONNS conns, pool = {failing :$FAILING_PORT, healthy :$HEALTHY_PORT};" \
  "connect_timeout_ms $CONNECT_MS, first_byte_timeout ${FIRST_BYTE_S}s, allowed_fails $ALLOWED_FAILS," \
  "cooldown_time ${COOLDOWN_S}s (nice $NICE)" >&2
"${PIN_CLIENT[@]}" "$LOADGEN" --url "$LLMGW_URL/v1/chat/completions" --conns "$CONNS" --rate "$RATE" \
  --warmup "$WARM" --timeout-ms 15000 --name failover --control-port "$FAILING_CTL" --watch-deployment failing \
  "${PHASE_ARGS[@]}" >"$TMP/loadgen.out" 2>"$TMP/loadgen.err" &
LG_PID=$!
wait "$LG_PID"
LG_PID=""
# The last switch prints the figures of the last phase (each switch prints the one that ended).
exec 3<>"/dev/tcp/127.0.0.1/$FAILING_CTL" && echo "mode healthy" >&3 && exec 3>&-
all_switched() { (( $(grep -c '^MODE' "$TMP/mock-FAILING.out") >= ${#PHASES[@]} + 1 )); }
wait_for all_switched
ALIVE=1
kill -0 "$LLMGW_PID" 2>/dev/null || ALIVE=0

cat "$TMP/loadgen.err" >&2
grep -q '^PHASE' "$TMP/loadgen.out" || { echo "failover.sh: the load generator printed no phases" >&2; exit 1; }
# Mock-side view: MODE lines after the first (the warmup) belong to the phases in order.
grep '^MODE' "$TMP/mock-FAILING.out" | tail -n +2 | head -n "${#PHASES[@]}" >"$TMP/modes.txt"
COOLINGS=$(grep -c 'cooling down' "$TMP/llmgw.err" 2>/dev/null || true)
if [[ -n ${BENCH_OUT:-} ]]; then cat "$TMP/loadgen.out" "$TMP/modes.txt" >"$BENCH_OUT"; fi
echo
CONNECT_MS=$CONNECT_MS FIRST_BYTE_S=$FIRST_BYTE_S COOLDOWN_S=$COOLDOWN_S ALLOWED_FAILS=$ALLOWED_FAILS \
  RATE=$RATE COOLINGS=${COOLINGS:-0} ALIVE=$ALIVE \
  awk -f "$HERE/report-failover.awk" "$TMP/modes.txt" "$TMP/loadgen.out"
exit 0
