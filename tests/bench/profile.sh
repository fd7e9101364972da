#!/usr/bin/env bash
# Deterministic per-request cost of llmgw (mock upstream, run.sh's config): not a benchmark.
#
#   tests/bench/profile.sh [BUILD_DIR] [json|sse]      (default: build json)
#
# PROFILE_TARGET=nginx measures the baseline instead: nginx with one worker (master_process off)
# proxying to the same mock, so both costs per request can be set side by side on a busy machine.
#
# Starts the mock and llmgw, sends PROFILE_WARMUP (200) requests, then PROFILE_COUNT (2000)
# keep-alive requests over PROFILE_CONNS (4) connections with profile_client.py, and prints
# per request:
#   - context switches (voluntary + involuntary, all llmgw threads, /proc/PID/task/*/status)
#   - system calls by name (strace -c -f attached for the measured requests only)
#   - CPU time, user and kernel (/proc/PID/task/*/schedstat, nanoseconds; utime/stime for the
#     split): what one request costs the target in all, system calls included; PROFILE_CPU_COUNT
#     (default 20000) requests, so the figure is the mean over a second or more of work
#     (with PROFILE_GOV=1 also the ledger writer's rows and batches over those requests, /metrics)
#   - instructions (valgrind --tool=callgrind, counters zeroed after the warmup); the profile is
#     kept as $PROFILE_OUT (default /tmp/llmgw-callgrind.out) for callgrind_annotate.
# PROFILE_TOOLS picks the passes ("ctx strace cpu callgrind"); PROFILE_LOG_LEVEL=info measures with
# the access log on (default: warn, as run.sh). PROFILE_GUARD=1 adds guardrail-pii on every alias
# (as guard-p50.sh's "on" gateway); PROFILE_PII=1 puts an e-mail address and a phone number in the
# request's last user turn (as guard-p50.sh's redacted request). PROFILE_GOV=1 profiles
# governance.sh's "on" gateway instead: a master key, a virtual key with RPM/TPM limits and a
# budget in a local redis-server (started here), the deployment priced, the SQLite ledger (its
# writer thread counts too); GOV_BUDGET=0 leaves the budget out, GOV_TEAM=1 adds a team,
# GOV_REDIS_UNIX=1 reaches Redis over a Unix domain socket.
# Needs python3, strace, valgrind (and redis-server with PROFILE_GOV=1).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MODE=${2:-json}
COUNT=${PROFILE_COUNT:-2000}
WARMUP=${PROFILE_WARMUP:-200}
NCONN=${PROFILE_CONNS:-4}
TOOLS=${PROFILE_TOOLS:-ctx strace cpu callgrind}
OUT=${PROFILE_OUT:-/tmp/llmgw-callgrind.out}
source "$HERE/lib.sh"
resolve_build profile.sh "${1:-}"
bench_init
bench_tmp
NICE=0 PIN_CLIENT=() PIN_SERVER=()

LEVEL=${PROFILE_LOG_LEVEL:-warn}
LLMGW_REAL=$LLMGW
# wrap CMD...: makes $LLMGW a script that runs CMD... llmgw ARGS --log-level $LEVEL.
wrap() {
  LLMGW=$TMP/llmgw-wrapped
  printf '#!/bin/sh\nexec %s %s "$@" --log-level %s\n' "$*" "$LLMGW_REAL" "$LEVEL" >"$LLMGW"
  chmod +x "$LLMGW"
}
STREAM=()
[[ $MODE == sse ]] && STREAM=(--stream)
"$LOADGEN" --url http://127.0.0.1:1/v1/chat/completions --print-body "${STREAM[@]}" >"$TMP/body.json"
if [[ ${PROFILE_PII:-0} != 0 ]]; then
  sed -i 's/"content":"\([^"]*\)"}\],/"content":"\1 Reach me at jane.roe@example.org or +44 20 7946 0958."}],/' "$TMP/body.json"
  grep -q 'jane.roe@example.org' "$TMP/body.json" || { echo "profile.sh: could not add personal data to the body" >&2; exit 1; }
fi
start_mock
LLMGW_PORT=$("$LOADGEN" --pick-port)
write_bench_config "$TMP/llmgw.yaml"
if [[ ${PROFILE_GUARD:-0} != 0 ]]; then
  sed -i 's/load: \[provider-openai\]/load: [provider-openai, guardrail-pii]/' "$TMP/llmgw.yaml"
  printf 'guardrails:\n  - plugin: guardrail-pii\n' >>"$TMP/llmgw.yaml"
  grep -q guardrail-pii "$TMP/llmgw.yaml" || { echo "profile.sh: could not add the guardrail" >&2; exit 1; }
fi

KEY=sk-bench
if [[ ${PROFILE_GOV:-0} != 0 ]]; then
  command -v redis-server >/dev/null || { echo "profile.sh: redis-server not found" >&2; exit 2; }
  REDIS_PORT=$("$LOADGEN" --pick-port)
  REDIS_UNIX=()
  [[ ${GOV_REDIS_UNIX:-0} == 1 ]] && REDIS_UNIX=(--unixsocket "$TMP/redis.sock" --unixsocketperm 700)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 "${REDIS_UNIX[@]}" --save '' --appendonly no --daemonize no \
    >"$TMP/redis.out" 2>&1 &
  PIDS+=("$!")
  redis_up() { [[ $(redis-cli -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
  wait_for redis_up || { echo "profile.sh: redis-server did not start" >&2; exit 1; }
  MASTER=sk-bench-master-7f2c
  # governance.sh's "on" config; a Redis deadline valgrind cannot miss (else the calls fail open).
  add_governance_config "$TMP/llmgw.yaml" 10000
  KEY=""
fi
# gov_key: once, governance.sh's virtual key (and its team), in the database every later start
# of the target reads.
gov_key() {
  [[ ${PROFILE_GOV:-0} != 0 && -z $KEY ]] || return 0
  local limits='"rpm_limit": 100000000, "tpm_limit": 100000000000' team_field="" team generated
  [[ ${GOV_BUDGET:-1} == 1 ]] && limits+=', "max_budget": 1000000, "budget_duration": "30d"'
  admin() { curl -s -m 30 -H 'Content-Type: application/json' -H "Authorization: Bearer $MASTER" --data-binary "$2" "$TARGET_URL$1"; }
  if [[ ${GOV_TEAM:-0} == 1 ]]; then
    team=$(admin /team/new "{\"team_alias\": \"bench\", $limits}")
    team_field=", \"team_id\": \"$(sed -n 's/.*"team_id":"\([^"]*\)".*/\1/p' <<<"$team")\""
  fi
  generated=$(admin /key/generate "{\"key_alias\": \"bench\", $limits$team_field}")
  KEY=$(sed -n 's/.*"key":"\(sk-[^"]*\)".*/\1/p' <<<"$generated")
  [[ -n $KEY ]] || { echo "profile.sh: /key/generate failed: $generated" >&2; exit 1; }
  sleep 2  # the key cache reads it within a second
}
drive() {  # drive COUNT
  python3 "$HERE/profile_client.py" "$TARGET_URL/v1/chat/completions" "$1" --conns "$NCONN" \
    --body-file "$TMP/body.json" --key "$KEY" "${STREAM[@]}" || { echo "profile.sh: requests failed" >&2; exit 1; }
}
cpu_ns() {  # CPU time of every thread, ns
  awk '{s += $1} END {printf "%d\n", s}' /proc/"$TARGET_PID"/task/*/schedstat 2>/dev/null
}
ticks() {  # utime stime of the process, clock ticks
  awk '{print $14, $15}' /proc/"$TARGET_PID"/stat
}
ledger_counts() {  # PROFILE_GOV: the ledger writer's batches and rows written so far ("batches rows")
  curl -s -m 5 -H "Authorization: Bearer $MASTER" "$TARGET_URL/metrics" |
    awk '/^llmgw_ledger_batch_duration_seconds_count /{b = $2} /^llmgw_ledger_rows_written_total /{r = $2}
         END {printf "%d %d\n", b, r}'
}
ctx_total() {
  awk '/^(voluntary|nonvoluntary)_ctxt_switches/{s += $2} END {print s + 0}' /proc/"$TARGET_PID"/task/*/status 2>/dev/null
}
stop_target() {
  kill -TERM "$TARGET_PID" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$TARGET_PID" 2>/dev/null || break; sleep 0.1; done
  wait "$TARGET_PID" 2>/dev/null
}

TARGET=${PROFILE_TARGET:-llmgw}
# The target under test: start_target / TARGET_PID / TARGET_URL, with wrap's command in front.
if [[ $TARGET == nginx ]]; then
  export NGINX_EXTRA="master_process off;"
  wrap() { NGINX_WRAP="$*"; }
  start_target() {
    start_nginx  # its status is children_of's: none without a master
    kill -0 "$NGINX_PID" 2>/dev/null || return 1
    TARGET_PID=$(pgrep -n -f "nginx -p $TMP/nginx" || echo "$NGINX_PID")
    TARGET_URL=$NGINX_URL
  }
else
  start_target() { start_llmgw || return 1; TARGET_PID=$LLMGW_PID; TARGET_URL=$LLMGW_URL; gov_key; }
fi
echo "profile: $TARGET$([[ ${PROFILE_GOV:-0} != 0 ]] && echo " governed (budget ${GOV_BUDGET:-1}, team ${GOV_TEAM:-0}, redis over $([[ ${GOV_REDIS_UNIX:-0} == 1 ]] && echo a Unix socket || echo TCP))"), $MODE, $COUNT requests over $NCONN connections after $WARMUP warmup, log level $LEVEL"
for tool in $TOOLS; do
  case $tool in
    ctx | strace)
      wrap
      start_target || { echo "profile.sh: $TARGET did not start" >&2; cat "$TMP/llmgw.err" >&2; exit 1; }
      drive "$WARMUP"
      if [[ $tool == ctx ]]; then
        c0=$(ctx_total); drive "$COUNT"; c1=$(ctx_total)
        awk -v d=$((c1 - c0)) -v n="$COUNT" 'BEGIN { printf "context switches/request: %.2f\n", d / n }'
      else
        strace -c -f -p "$TARGET_PID" -o "$TMP/strace.txt" 2>/dev/null &
        spid=$!
        sleep 1
        drive "$COUNT"
        kill -INT "$spid"; wait "$spid" 2>/dev/null
        awk -v n="$COUNT" '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" { name = $NF; calls = $4;
            if (calls !~ /^[0-9]+$/) next; tot += calls; printf "  %-14s %6.2f/request\n", name, calls / n }
            END { printf "system calls/request: %.2f\n", tot / n }' "$TMP/strace.txt"
      fi
      stop_target
      ;;
    cpu)
      wrap
      start_target || { echo "profile.sh: $TARGET did not start" >&2; cat "$TMP/llmgw.err" >&2; exit 1; }
      drive "$WARMUP"
      n=${PROFILE_CPU_COUNT:-20000}
      [[ ${PROFILE_GOV:-0} != 0 ]] && read -r b0 r0 <<<"$(ledger_counts)"
      t0=$(cpu_ns); read -r u0 s0 <<<"$(ticks)"
      drive "$n"
      t1=$(cpu_ns); read -r u1 s1 <<<"$(ticks)"
      awk -v d=$((t1 - t0)) -v n="$n" -v u=$((u1 - u0)) -v s=$((s1 - s0)) 'BEGIN {
        printf "CPU/request: %.1f us (user %.0f%%, kernel %.0f%%)\n", d / n / 1000, u + s ? 100 * u / (u + s) : 0, u + s ? 100 * s / (u + s) : 0 }'
      if [[ ${PROFILE_GOV:-0} != 0 ]]; then
        sleep 0.3  # the writer's last wake
        read -r b1 r1 <<<"$(ledger_counts)"
        awk -v b=$((b1 - b0)) -v r=$((r1 - r0)) 'BEGIN {
          printf "ledger writer: %d rows in %d batches (%.1f rows a batch)\n", r, b, b ? r / b : 0 }'
      fi
      stop_target
      ;;
    callgrind)
      rm -f "$OUT"*
      wrap valgrind --tool=callgrind --callgrind-out-file="$OUT" --dump-instr=no
      start_target || { echo "profile.sh: $TARGET did not start under valgrind" >&2; cat "$TMP/llmgw.err" >&2; exit 1; }
      drive "$WARMUP"
      callgrind_control -z "$TARGET_PID" >/dev/null
      drive "$COUNT"
      callgrind_control -d "$TARGET_PID" >/dev/null
      sleep 1
      stop_target
      f=$(ls -t "$OUT"* 2>/dev/null | grep -v "^$OUT\$" | head -1)
      [[ -n $f ]] || f=$OUT
      ir=$(awk '/^summary:/{print $2; exit} /^totals:/{print $2; exit}' "$f")
      awk -v ir="$ir" -v n="$COUNT" 'BEGIN { printf "instructions/request: %d\n", ir / n }'
      echo "  profile: $f (callgrind_annotate --inclusive=yes $f | head -60)"
      ;;
  esac
done
