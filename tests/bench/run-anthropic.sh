#!/usr/bin/env bash
# Benchmark of the Anthropic front-end and provider: passthrough vs translation, ~2 KB requests.
#
#   tests/bench/run-anthropic.sh [BUILD_DIR]        (default: build; ~4 minutes)
#
# One llmgw (core 1) with two aliases on the same mock (core 0): `claude` -> provider-anthropic
# (POST /v1/messages), `gpt` -> provider-openai (POST /v1/chat/completions). Open loop at
# BENCH_RATE, JSON and SSE, interleaved rounds; the table gives medians over the rounds. Then a
# closed loop per gateway scenario for llmgw's CPU time per request at saturation (the steadier
# measure of what translation costs). Scenarios:
#   direct-anth  Anthropic body -> mock /v1/messages                     (no gateway)
#   direct-oai   OpenAI body    -> mock /v1/chat/completions             (no gateway)
#   pass-anth    Anthropic body -> llmgw /v1/messages, claude            passthrough
#   pass-oai     OpenAI body    -> llmgw /v1/chat/completions, gpt       passthrough
#   trans-a      OpenAI body    -> llmgw /v1/chat/completions, claude    OpenAI client, Anthropic upstream
#   trans-b      Anthropic body -> llmgw /v1/messages, gpt               Anthropic client, OpenAI upstream
#
# Env: BENCH_RATE (req/s, 1000)  BENCH_DURATION (s per open-loop point, 3)  BENCH_WARMUP (s, 0.5)
#      BENCH_ROUNDS (open-loop rounds, 5)  BENCH_CONNS (64)  BENCH_MAX_DURATION (s per closed-loop
#      run, 2; 0 = skip)  BENCH_MAX_ROUNDS (2)  BENCH_MAX_CONNS (16)
#      BENCH_TARGET_US (translation - passthrough p50 target, 50)
#      BENCH_NICE (-15; 0 = off)  BENCH_OUT (file to copy RESULT lines to)  BENCH_KEEP=1 (keep temp dir)
#      BENCH_SPIN=1: keep both cores busy with SCHED_IDLE busy loops during the measurements, so that
#      a wakeup never waits for an idle vCPU to come back (on a VM that wait is tens of us and varies
#      from run to run); lowers the noise of the p50 differences, not representative of idle latency.
#      BENCH_PERF=1: afterwards, profile llmgw (perf record, no call graphs) in a closed loop of
#      pass-anth, trans-a and trans-b, JSON and SSE, and print per symbol the self CPU time per
#      request of each translation and its difference from passthrough (needs perf; adds ~40 s).
# Needs: curl, taskset + setsid (util-linux). Prints a table; see README.md.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
resolve_build run-anthropic.sh "${1:-}"
BENCH_DURATION=${BENCH_DURATION:-3}
BENCH_WARMUP=${BENCH_WARMUP:-0.5}
bench_init
RATE=${BENCH_RATE:-1000}
ROUNDS=${BENCH_ROUNDS:-5}
MAX_DUR=${BENCH_MAX_DURATION:-2}
MAX_ROUNDS=${BENCH_MAX_ROUNDS:-2}
MAX_CONNS=${BENCH_MAX_CONNS:-16}
TARGET_US=${BENCH_TARGET_US:-50}
[[ -x $LLMGW ]] || { echo "run-anthropic.sh: $LLMGW not built" >&2; exit 2; }
[[ -f $BUILD/lib/llmgw/plugins/provider-anthropic.so ]] ||
  { echo "run-anthropic.sh: provider-anthropic not built in $BUILD/lib/llmgw/plugins" >&2; exit 2; }

bench_priority "$HERE/run-anthropic.sh" "$BUILD"   # new session + nice, core pinning (lib.sh)
bench_tmp

# ---- mock upstream + llmgw ------------------------------------------------------
start_mock
LLMGW_PORT=$("$LOADGEN" --pick-port)
write_dialects_config "$TMP/llmgw.yaml"
if start_llmgw; then GW=$LLMGW_URL; else
  echo "run-anthropic.sh: llmgw did not become ready:" >&2
  tail -q -n 5 "$TMP/llmgw.err" "$TMP/llmgw.out" >&2
  exit 1
fi

# ---- scenarios ----------------------------------------------------------------------
# name -> URL and loadgen arguments
declare -A URL ARGS
URL[direct-anth]=$MOCK_URL/v1/messages;          ARGS[direct-anth]="--anthropic --model claude-sonnet-4-5"
URL[direct-oai]=$MOCK_URL/v1/chat/completions;   ARGS[direct-oai]="--body openai-2k --model gpt-4o"
URL[pass-anth]=$GW/v1/messages;                  ARGS[pass-anth]="--anthropic --model claude"
URL[pass-oai]=$GW/v1/chat/completions;           ARGS[pass-oai]="--body openai-2k --model gpt"
URL[trans-a]=$GW/v1/chat/completions;            ARGS[trans-a]="--body openai-2k --model claude"
URL[trans-b]=$GW/v1/messages;                    ARGS[trans-b]="--anthropic --model gpt"
ORDER=(direct-anth direct-oai pass-anth pass-oai trans-a trans-b)

# Smoke test of each scenario, both modes, with the loadgen's own body and headers: 200 and the
# client dialect's shape (message / chat.completion; message_stop / [DONE]).
declare -A SKIP
check() {
  local name=$1 stream=$2 url=${URL[$1]} body out code want hdr=()
  # shellcheck disable=SC2086
  body=$("$LOADGEN" --url "$url" ${ARGS[$name]} $stream --print-body)
  if [[ $url == */messages ]]; then
    hdr=(-H 'x-api-key: sk-bench' -H 'anthropic-version: 2023-06-01')
    [[ -n $stream ]] && want='event: message_stop' || want='"type":"message"'
  else
    hdr=(-H 'Authorization: Bearer sk-bench')
    [[ -n $stream ]] && want='data: [DONE]' || want='"object":"chat.completion"'
  fi
  out=$(curl -s -m 5 -w '\n%{http_code}' -H 'Content-Type: application/json' "${hdr[@]}" --data-binary "$body" "$url")
  code=${out##*$'\n'}
  if [[ $code != 200 || $out != *"$want"* ]]; then
    SKIP[$name]="${stream:-json}: HTTP $code, wanted '$want': $(head -c 300 <<<"${out%$'\n'*}" | tr '\n' ' ')"
    return 1
  fi
}
for name in "${ORDER[@]}"; do check "$name" "" && check "$name" --stream; done

# ---- measurements -------------------------------------------------------------------
start_spinners
other_load_begin "$LLMGW_PID"
echo "llmgw Anthropic bench: mock :$MOCK_PORT, llmgw $GW ($CONNS conns, $RATE req/s," \
  "${DUR}s + ${WARM}s warmup per point, $ROUNDS rounds, nice $NICE${SPIN_PIDS:+, idle spinners})" >&2
for name in "${ORDER[@]}"; do [[ -n ${SKIP[$name]:-} ]] && echo "NOT measured: $name: ${SKIP[$name]}" >&2; done
# Each round starts one scenario later (rotation), so that no scenario always runs right after
# the same neighbour or at the same point of the round.
rotated() { local k=$1 n=${#ORDER[@]} i; for ((i = 0; i < n; i++)); do echo "${ORDER[(i + k) % n]}"; done; }
for r in $(seq "$ROUNDS"); do
  for mode in json sse; do
    stream=""; [[ $mode == sse ]] && stream=--stream
    for name in $(rotated $((r - 1))); do
      [[ -n ${SKIP[$name]:-} ]] && continue
      watch=""; [[ $name == direct-* ]] || watch=$LLMGW_PID
      if [[ -n $watch ]] && ! kill -0 "$LLMGW_PID" 2>/dev/null; then
        echo "run-anthropic.sh: llmgw exited during the run:" >&2; tail -n 5 "$TMP/llmgw.err" >&2; break 3
      fi
      # shellcheck disable=SC2086
      measure_url "$name" "$mode" "$DUR" "${URL[$name]}" "$watch" --rate "$RATE" ${ARGS[$name]} $stream &&
        sed -i '$ s/$/ round='"$r"'/' "$RESULTS"
    done
  done
done

# Closed loop (saturation): llmgw's CPU per request; interleaved rounds.
if [[ $MAX_DUR != 0 ]]; then
  for r in $(seq "$MAX_ROUNDS"); do
    for mode in json sse; do
      stream=""; [[ $mode == sse ]] && stream=--stream
      for name in $(rotated $((r + 1)) | grep -v '^direct'); do
        [[ -n ${SKIP[$name]:-} ]] && continue
        kill -0 "$LLMGW_PID" 2>/dev/null || break 3
        # shellcheck disable=SC2086
        CONNS=$MAX_CONNS measure_url "$name" "max-$mode" "$MAX_DUR" "${URL[$name]}" "$LLMGW_PID" ${ARGS[$name]} $stream &&
          sed -i '$ s/$/ round='"$r"'/' "$RESULTS"
      done
    done
  done
fi

other_load_end "$LLMGW_PID"
SKIPPED=""
for name in "${ORDER[@]}"; do [[ -n ${SKIP[$name]:-} ]] && SKIPPED+="$name: ${SKIP[$name]}"$'\n'; done

[[ -n ${BENCH_OUT:-} ]] && cp "$RESULTS" "$BENCH_OUT"
echo
grep '^RESULT' "$RESULTS"
echo
SPIN="${#SPIN_PIDS[@]}" RATE="$RATE" ROUNDS="$ROUNDS" MAX_CONNS="$MAX_CONNS" TARGET_US="$TARGET_US" OTHER0="$OTHER0" OTHER1="$OTHER1" SKIPPED="$SKIPPED" \
  awk -f "$HERE/report-anthropic.awk" "$RESULTS"

# ---- optional profile of the llmgw side -------------------------------------------------
# Closed loop under `perf record` (no call graphs); per symbol, self samples / frequency / requests
# = CPU us per request. Printed: the symbols whose cost grows most from pass-anth to each translation.
if [[ ${BENCH_PERF:-0} == 1 ]]; then
  PERF_F=${BENCH_PERF_FREQ:-2999}
  if ! command -v perf >/dev/null; then
    echo "BENCH_PERF=1: perf not found" >&2
  else
    for mode in json sse; do
      stream=""; [[ $mode == sse ]] && stream=--stream
      for name in pass-anth trans-a trans-b; do
        [[ -n ${SKIP[$name]:-} ]] && continue
        perf record -q -F "$PERF_F" -p "$LLMGW_PID" -o "$TMP/perf-$name-$mode.data" >/dev/null 2>"$TMP/perf.err" &
        perf_pid=$!
        PIDS+=("$perf_pid")
        sleep 0.3
        : >"$TMP/loadgen.out"
        # shellcheck disable=SC2086
        "${PIN_CLIENT[@]}" "$LOADGEN" --url "${URL[$name]}" --conns "$MAX_CONNS" --duration 3 --warmup 0 \
          ${ARGS[$name]} $stream >"$TMP/loadgen.out" 2>/dev/null
        kill -INT "$perf_pid" 2>/dev/null; wait "$perf_pid" 2>/dev/null
        n=$(grep -o 'total_done=[0-9]*' "$TMP/loadgen.out" | cut -d= -f2)
        perf report -i "$TMP/perf-$name-$mode.data" -n --no-children --sort dso,symbol --stdio 2>/dev/null |
          awk -v n="${n:-0}" -v f="$PERF_F" -v s="$name" -v m="$mode" '
            /^ +[0-9.]+%/ && n > 0 { c = $2; $1 = ""; $2 = ""; sub(/^ +/, ""); sub(/( +-)* *$/, "")
                                     printf "PERF %s %s %.3f %s\n", s, m, c / f / n * 1e6, $0 }' >>"$TMP/perf.txt"
      done
    done
    echo
    awk -v F="$PERF_F" -v C="$MAX_CONNS" '
      { k = $2 SUBSEP $3; sym = ""; for (i = 5; i <= NF; i++) sym = sym (i > 5 ? " " : "") $i
        gsub(/rapidjson::/, "", sym); gsub(/UTF8<char>/, "U8", sym); gsub(/CrtAllocator/, "Crt", sym)
        gsub(/MemoryPoolAllocator<Crt>/, "Pool", sym)
        V[$2, $3, sym] += $4; T[$2, $3] += $4; S[$3, sym] = 1 }
      END {
        split("json sse", modes, " "); split("trans-a trans-b", ts, " ")
        for (mi = 1; mi <= 2; mi++) for (ti = 1; ti <= 2; ti++) {
          m = modes[mi]; t = ts[ti]
          if (!((t, m) in T) || !(("pass-anth", m) in T)) continue
          printf "== perf, closed loop %s conns, %s %s: llmgw CPU %.1f us/req vs pass-anth %.1f (%+.1f); top growth by symbol ==\n",
                 C, t, m, T[t, m], T["pass-anth", m], T[t, m] - T["pass-anth", m]
          printf "%8s %8s %8s  %s\n", t, "pass", "diff", "dso [.|k] symbol"
          nn = 0
          for (key in S) { split(key, kk, SUBSEP); if (kk[1] != m) continue
            sym = kk[2]; d = V[t, m, sym] - V["pass-anth", m, sym]; D[++nn] = d; K[nn] = sym }
          for (i = 1; i <= 15 && i <= nn; i++) {   # selection of the 15 largest growths
            best = i
            for (j = i + 1; j <= nn; j++) if (D[j] > D[best]) best = j
            d = D[i]; D[i] = D[best]; D[best] = d; k = K[i]; K[i] = K[best]; K[best] = k
            printf "%8.2f %8.2f %+8.2f  %s\n", V[t, m, K[i]], V["pass-anth", m, K[i]], D[i], substr(K[i], 1, 150)
          }
          delete D; delete K
          print ""
        }
      }' "$TMP/perf.txt"
  fi
fi
exit 0
