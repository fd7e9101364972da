#!/usr/bin/env bash
# Added latency of governance (issue 11): two gateways on the same mock, measured in interleaved
# rounds at open-loop rates (default 1,000 and 5,000 req/s) with the ~1 KB Chat Completions
# request of the other benchmarks:
#   - off: no master key, no database, no Redis (run.sh's config);
#   - on:  a master key and a virtual key (sk-…, looked up by its SHA-256 in the key cache) with
#          RPM and TPM limits held in a local redis-server (one Lua script a request), a budget
#          (max_budget: a reservation at admission, settled with the cost after the call, in the
#          same Redis), the deployment priced (x-llmgw-cost) and the spend ledger on (SQLite, one
#          row a request, written by the batched writer off the request path).
# The limits and the budget are set far above what the run spends, so every request is admitted
# (a refusal would be cheaper, and would show as errors). The added p50 / p99 is the median over
# the rounds of "on" less the median of "off".
#
#   tests/bench/governance.sh [BUILD_DIR]       (default: build)
#
# Env: BENCH_RATES ("1000 5000")  BENCH_DURATION (s per point, 6)  BENCH_WARMUP (s, 1)
#      BENCH_ROUNDS (3)  BENCH_CONNS (64)  BENCH_NICE (-15; 0 = off)  BENCH_KEEP=1 (keep the temp dir)
#      GOV_TEAM=1 (the key in a team with its own limits and budget: two scopes a request)
#      GOV_BUDGET=0 (no max_budget: the key's limits and the ledger only)
#      GOV_REDIS=0 (no Redis: the limits and the budget held per instance, in memory)
#      GOV_REDIS_CORE (client: redis-server on core 0 with the load generator and the mock;
#      server: on core 1 with the gateways — see "Where Redis runs" in README.md)
#      GOV_REDIS_WRAP (a command redis-server runs under: valgrind --tool=callgrind …)
#      GOV_REDIS_TIMEOUT_MS (general_settings.rate_limit_redis_timeout_ms; default 100)
#      GOV_LEASE_CALLS (general_settings.admission_lease_calls; default 32, 0: a round trip a call)
#      GOV_MONITOR_S=N (redis-cli monitor for N s of the first round's governed run at each rate:
#      the commands Redis received, per request, printed at the end)
#      GOV_REDIS_UNIX=1 (the governed gateway reaches Redis over a Unix domain socket,
#      redis_url: unix:///…/redis.sock, as a sidecar Redis; the bare round trip is printed for
#      both TCP and the socket)
# Also printed: the CPU each request costs the gateway (off and on) and Redis, and the scripts
# Redis runs per request with their average time (commandstats), its wake-ups (the main thread's
# voluntary context switches) and commands per request.
# Issue 11's target: under 100 us added p50.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
resolve_build governance.sh "${1:-}"
bench_init
RATES=${BENCH_RATES:-1000 5000}
ROUNDS=${BENCH_ROUNDS:-3}
[[ -x $LLMGW ]] || { echo "governance.sh: $LLMGW not built" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "governance.sh: redis-server not found (scripts/install-deps.sh)" >&2; exit 2; }

bench_priority "$HERE/governance.sh" "$BUILD"
bench_tmp
start_mock

# A local redis-server, no persistence, on the client core (default) or the server core. On a VM a
# round trip between two cores costs a wake-up of the other vCPU (measured here: redis-cli
# --latency after 10 ms idle, avg 0.93 ms across cores against 0.09 ms on one core).
REDIS_PORT=$("$LOADGEN" --pick-port)
REDIS_CORE=${GOV_REDIS_CORE:-client}
case $REDIS_CORE in
  client) PIN_REDIS=("${PIN_CLIENT[@]}") ;;
  server) PIN_REDIS=("${PIN_SERVER[@]}") ;;
  *) echo "governance.sh: GOV_REDIS_CORE must be client or server" >&2; exit 2 ;;
esac
# GOV_REDIS_WRAP: a command redis-server runs under (e.g. "valgrind --tool=callgrind
# --callgrind-out-file=/tmp/redis.cg": Redis' instructions per governed request; with
# GOV_REDIS_TIMEOUT_MS=2000 and a low BENCH_RATES, as Redis runs ~50x slower).
read -r -a REDIS_WRAP <<<"${GOV_REDIS_WRAP:-}"
REDIS_UNIX=()
[[ ${GOV_REDIS_UNIX:-0} == 1 ]] && REDIS_UNIX=(--unixsocket "$TMP/redis.sock" --unixsocketperm 700)
"${PIN_REDIS[@]}" "${REDIS_WRAP[@]}" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 "${REDIS_UNIX[@]}" --save '' \
  --appendonly no --daemonize no >"$TMP/redis.out" 2>&1 &
PIDS+=("$!")
redis_up() { [[ $(redis-cli -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
if command -v redis-cli >/dev/null; then
  wait_for redis_up || { echo "governance.sh: redis-server did not start" >&2; exit 1; }
else
  sleep 0.5
fi

MASTER=sk-bench-master-7f2c
declare -A URL GW_PID
for mode in off on; do
  LLMGW_PORT=$("$LOADGEN" --pick-port)
  write_bench_config "$TMP/llmgw.yaml"
  if [[ $mode == on ]]; then
    # Priced (the deployment's own prices), a database, Redis for the limits and the budgets.
    add_governance_config "$TMP/llmgw.yaml" "${GOV_REDIS_TIMEOUT_MS:-}"
  fi
  cp "$TMP/llmgw.yaml" "$TMP/llmgw-$mode.yaml"
  start_llmgw || { echo "governance.sh: llmgw ($mode) did not start: $(tail -n 3 "$TMP/llmgw.err")" >&2; exit 1; }
  URL[$mode]=$LLMGW_URL
  GW_PID[$mode]=$LLMGW_PID
  cp "$TMP/llmgw.err" "$TMP/llmgw-$mode.err"
done

# The virtual key (and its team): limits and a budget no run reaches.
admin() {  # admin PATH JSON
  curl -s -m 5 -H 'Content-Type: application/json' -H "Authorization: Bearer $MASTER" --data-binary "$2" "${URL[on]}$1"
}
LIMITS='"rpm_limit": 100000000, "tpm_limit": 100000000000'
[[ ${GOV_BUDGET:-1} == 1 ]] && LIMITS+=', "max_budget": 1000000, "budget_duration": "30d"'
TEAM_FIELD=""
if [[ ${GOV_TEAM:-0} == 1 ]]; then
  team=$(admin /team/new "{\"team_alias\": \"bench\", $LIMITS}")
  TEAM_ID=$(sed -n 's/.*"team_id":"\([^"]*\)".*/\1/p' <<<"$team")
  [[ -n $TEAM_ID ]] || { echo "governance.sh: /team/new failed: $team" >&2; exit 1; }
  TEAM_FIELD=", \"team_id\": \"$TEAM_ID\""
fi
generated=$(admin /key/generate "{\"key_alias\": \"bench\", $LIMITS$TEAM_FIELD}")
KEY=$(sed -n 's/.*"key":"\(sk-[^"]*\)".*/\1/p' <<<"$generated")
[[ -n $KEY ]] || { echo "governance.sh: /key/generate failed: $generated" >&2; exit 1; }

# The governed gateway must really govern: the key admitted, the answer priced, the row written,
# and the limits held in Redis (else the figures compare two plain gateways).
check=$(curl -s -m 5 -D - -o /dev/null -H 'Content-Type: application/json' -H "Authorization: Bearer $KEY" \
  -d '{"model":"bench","messages":[{"role":"user","content":"hi"}]}' "${URL[on]}/v1/chat/completions")
grep -q '^HTTP/1.1 200' <<<"$check" || { echo "governance.sh: the governed gateway did not answer 200: $check" >&2; exit 1; }
grep -qi '^x-llmgw-cost: ' <<<"$check" || { echo "governance.sh: no x-llmgw-cost: the call was not priced" >&2; exit 1; }
grep -qi '^x-ratelimit-remaining-requests: ' <<<"$check" ||
  { echo "governance.sh: no x-ratelimit-* headers: the limits did not apply" >&2; exit 1; }
if [[ ${GOV_REDIS:-1} == 1 ]] && command -v redis-cli >/dev/null && [[ $(redis-cli -p "$REDIS_PORT" dbsize) == 0 ]]; then
  echo "governance.sh: Redis holds nothing: the limits are not in Redis" >&2; exit 1
fi

echo "governance: mock :$MOCK_PORT, redis :$REDIS_PORT, llmgw off ${URL[off]}, on ${URL[on]} (rates $RATES," \
  "$CONNS conns, ${DUR}s + ${WARM}s warmup per point, $ROUNDS rounds, nice $NICE, team ${GOV_TEAM:-0}, budget ${GOV_BUDGET:-1}, redis on the $REDIS_CORE core$([[ ${GOV_REDIS_UNIX:-0} == 1 ]] && echo ", over a Unix socket"))" >&2
# Redis' own cost of the governed requests, per rate (every Redis command comes from "on"): its
# CPU (INFO cpu, user + sys) and its scripts (INFO commandstats: EVALSHA = the limits' admit
# carrying the budget's reserve, one a request; EVAL = the batched settles, finishes and commits).
redis_ok() { [[ ${GOV_REDIS:-1} == 1 ]] && command -v redis-cli >/dev/null; }
# Its wake-ups: the main thread's voluntary context switches (each a sleep in epoll_wait ended by
# a read), and every command it ran (INFO stats; the snapshots' own 3 INFOs included).
REDIS_PID=$(redis-cli -p "$REDIS_PORT" info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p')
redis_snap() {  # redis_snap -> "cpu_s evalsha_calls evalsha_us eval_calls eval_us wakeups commands"
  local cpu stats wake cmds
  cpu=$(redis-cli -p "$REDIS_PORT" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/{s += $2} END{printf "%.6f", s}')
  stats=$(redis-cli -p "$REDIS_PORT" info commandstats | tr -d '\r')
  cmds=$(redis-cli -p "$REDIS_PORT" info stats | tr -d '\r' | sed -n 's/^total_commands_processed://p')
  wake=$(awk '/^voluntary_ctxt_switches:/{print $2}' "/proc/$REDIS_PID/task/$REDIS_PID/status" 2>/dev/null)
  awk -v cpu="$cpu" -v wake="${wake:-0}" -v cmds="${cmds:-0}" -F'[:,=]' '
    /^cmdstat_evalsha:/ { sc = $3; su = $5 }  /^cmdstat_eval:/ { ec = $3; eu = $5 }
    END { printf "%s %d %d %d %d %d %d", cpu, sc, su, ec, eu, wake, cmds }' <<<"$stats"
}
for r in $(seq "$ROUNDS"); do
  for rate in $RATES; do
    measure_url off "$rate" "$DUR" "${URL[off]}/v1/chat/completions" "${GW_PID[off]}" --rate "$rate"
    redis_ok && r0=($(redis_snap))
    if [[ -n ${GOV_MONITOR_S:-} && $r == 1 ]] && redis_ok; then  # what Redis receives, first round
      (sleep $((WARM + 1)); timeout "$GOV_MONITOR_S" redis-cli -p "$REDIS_PORT" monitor >"$TMP/monitor-$rate.txt" 2>/dev/null) &
      MON_PID=$!
    fi
    measure_url on "$rate" "$DUR" "${URL[on]}/v1/chat/completions" "${GW_PID[on]}" --rate "$rate" \
      --header "Authorization: Bearer $KEY"
    [[ -n ${MON_PID:-} ]] && wait "$MON_PID"
    MON_PID=""
    if redis_ok; then
      r1=($(redis_snap))
      done_on=$(grep '^RESULT' "$TMP/loadgen.out" | sed -n 's/.* total_done=\([0-9]*\).*/\1/p')
      echo "REDIS scen=$rate done=${done_on:-0} cpu_us=$(awk -v a="${r0[0]}" -v b="${r1[0]}" 'BEGIN{printf "%d", (b - a) * 1e6}')" \
        "evalsha=$((r1[1] - r0[1])) evalsha_us=$((r1[2] - r0[2])) eval=$((r1[3] - r0[3])) eval_us=$((r1[4] - r0[4]))" \
        "wake=$((r1[5] - r0[5])) cmds=$((r1[6] - r0[6]))" >>"$RESULTS"
    fi
  done
done

# The ledger kept up: one row a request (written off the request path, so it may lag a little).
rows=$(curl -s -m 5 -H "Authorization: Bearer $MASTER" "${URL[on]}/metrics" |
  awk '/^llmgw_ledger_rows_written_total /{print $2}')
echo "ledger rows written: ${rows:-?}" >&2

# The baseline Redis itself sets on this machine now (the part of "added" no gateway code can
# remove): a round trip back to back (PING, one client, both processes awake) and one after
# 10 ms idle (redis-cli --latency: both processes wake, as at 1,000 req/s on a quiet core), both
# from the gateways' core.
if [[ ${GOV_REDIS:-1} == 1 ]] && command -v redis-benchmark >/dev/null; then
  hot=$("${PIN_SERVER[@]}" redis-benchmark -p "$REDIS_PORT" -n 20000 -c 1 PING 2>/dev/null | tr '\r' '\n' |
    awk '/latency summary/ { getline; getline; printf "%.0f", $3 * 1000; exit }')
  idle=$("${PIN_SERVER[@]}" timeout 3 redis-cli -p "$REDIS_PORT" --latency 2>/dev/null | tr '\r' '\n' | awk 'NF { l = $0 } END { split(l, f, " "); printf "%.0f", f[3] * 1000 }')
  echo "redis round trip on this machine now (redis on the $REDIS_CORE core): p50 ${hot:-?} us back to back, avg ${idle:-?} us after 10 ms idle" >&2
  if [[ ${GOV_REDIS_UNIX:-0} == 1 ]]; then
    hot=$("${PIN_SERVER[@]}" redis-benchmark -s "$TMP/redis.sock" -n 20000 -c 1 PING 2>/dev/null | tr '\r' '\n' |
      awk '/latency summary/ { getline; getline; printf "%.0f", $3 * 1000; exit }')
    idle=$("${PIN_SERVER[@]}" timeout 3 redis-cli -s "$TMP/redis.sock" --latency 2>/dev/null | tr '\r' '\n' | awk 'NF { l = $0 } END { split(l, f, " "); printf "%.0f", f[3] * 1000 }')
    echo "redis round trip over the Unix socket: p50 ${hot:-?} us back to back, avg ${idle:-?} us after 10 ms idle" >&2
  fi
fi

# GOV_MONITOR_S: the commands Redis received in those seconds (redis-cli monitor), per governed
# request (one EVALSHA a request); EVAL by its script's first line.
for f in "$TMP"/monitor-*.txt; do
  [[ -s $f ]] || continue
  echo "redis monitor, ${GOV_MONITOR_S}s at ${f##*monitor-} req/s:" >&2
  awk '{ c = $4; gsub(/"/, "", c); what = c
         if (c == "EVAL" || c == "eval") { what = $5; sub(/^"-- llmgw /, "", what); what = what " " $6 " " $7 " " $8 " " $9 " " $10; sub(/[(\\].*/, "", what); what = "EVAL " what }
         n[what]++; if (c == "EVALSHA" || c == "evalsha") req++ }
       END { for (w in n) printf "  %8d  %6.3f/req  %s\n", n[w], req ? n[w] / req : 0, w }' "$f" | sort -k1,1nr >&2
done

echo
awk '
  /^RESULT/ {
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = f["scen"] SUBSEP f["target"]
    n[key]++; p50[key, n[key]] = f["p50_us"]; p99[key, n[key]] = f["p99_us"]; err[key] += f["errors"] + f["timeouts"]
    cpu[key] += f["cpu_us"]; done[key] += f["total_done"]
    if (!(f["scen"] in seen)) { seen[f["scen"]] = 1; order[++nscen] = f["scen"] }
  }
  /^REDIS/ {
    for (i = 1; i <= NF; i++) { split($i, kv, "="); g[kv[1]] = kv[2] }
    s = g["scen"]; rdone[s] += g["done"]; rcpu[s] += g["cpu_us"]
    sha[s] += g["evalsha"]; sha_us[s] += g["evalsha_us"]; ev[s] += g["eval"]; ev_us[s] += g["eval_us"]
    wake[s] += g["wake"]; cmds[s] += g["cmds"]
  }
  function median(arr, key, k,   i, j, t, v) {
    for (i = 1; i <= k; i++) v[i] = arr[key, i]
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return v[int((k + 1) / 2)]
  }
  END {
    printf "| rate | p50 off | p50 on | added p50 | p99 off | p99 on | added p99 | errors |\n"
    printf "|---|---|---|---|---|---|---|---|\n"
    for (s = 1; s <= nscen; s++) {
      off = order[s] SUBSEP "off"; on = order[s] SUBSEP "on"
      if (!n[off] || !n[on]) continue
      a = median(p50, off, n[off]); b = median(p50, on, n[on])
      c = median(p99, off, n[off]); d = median(p99, on, n[on])
      printf "| %s req/s | %.0f us | %.0f us | **%+.0f us** | %.0f us | %.0f us | %+.0f us | %d |\n",
        order[s], a, b, b - a, c, d, d - c, err[off] + err[on]
    }
    printf "(median over %d rounds; target: added p50 < 100 us)\n", rounds
    printf "\n| rate | gateway CPU/req off | on | Redis CPU/req | EVALSHA/req | us/EVALSHA | EVAL/req | us/EVAL | Redis wake-ups/req | commands/req |\n"
    printf "|---|---|---|---|---|---|---|---|---|---|\n"
    for (s = 1; s <= nscen; s++) {
      off = order[s] SUBSEP "off"; on = order[s] SUBSEP "on"; r = order[s]
      if (!done[off] || !done[on]) continue
      if (rdone[r])
        printf "| %s req/s | %.1f us | %.1f us | %.1f us | %.2f | %.1f | %.2f | %.1f | %.2f | %.2f |\n", r, cpu[off] / done[off],
          cpu[on] / done[on], rcpu[r] / rdone[r], sha[r] / rdone[r], sha[r] ? sha_us[r] / sha[r] : 0,
          ev[r] / rdone[r], ev[r] ? ev_us[r] / ev[r] : 0, wake[r] / rdone[r], cmds[r] / rdone[r]
      else
        printf "| %s req/s | %.1f us | %.1f us | - | - | - | - | - | - | - |\n", r, cpu[off] / done[off], cpu[on] / done[on]
    }
    printf "(summed over the rounds; CPU from /proc schedstat (gateway) and INFO cpu (Redis); us/EVAL*: Redis commandstats, wall time in Redis)\n"
  }' rounds="$ROUNDS" "$RESULTS"
