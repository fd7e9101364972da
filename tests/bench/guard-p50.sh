#!/usr/bin/env bash
# Added p50 of an input guardrail: two gateways on the same mock, one without guardrails and one
# with guardrail-pii on every alias, measured in interleaved rounds at an open-loop rate (default
# 1,000 req/s) with the ~2 KB Chat Completions request of the other benchmarks — as it is (no
# personal data: one scan per segment, nothing changed) and with an e-mail address and a phone
# number in its last user turn (redacted: the changed strings are spliced into the body). The
# added p50 is the guarded gateway's median p50 over the rounds less the plain one's.
#
#   tests/bench/guard-p50.sh [BUILD_DIR]       (default: build)
#
# Env: BENCH_RATE (1000)  BENCH_DURATION (s per point, 6)  BENCH_WARMUP (s, 1)  BENCH_ROUNDS (3)
#      BENCH_CONNS (64)  BENCH_NICE (-15; 0 = off)  BENCH_KEEP=1 (keep the temp dir)
# Issue 12's target: at most 50 us added p50 for a 2 KB request at 1,000 req/s.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
resolve_build guard-p50.sh "${1:-}"
bench_init
RATE=${BENCH_RATE:-1000}
ROUNDS=${BENCH_ROUNDS:-3}
[[ -x $LLMGW ]] || { echo "guard-p50.sh: $LLMGW not built" >&2; exit 2; }
[[ -e $BUILD/lib/llmgw/plugins/guardrail-pii.so || -e $BUILD/lib/llmgw/plugins/libguardrail-pii.so ]] ||
  ls "$BUILD"/lib/llmgw/plugins/*guardrail-pii* >/dev/null 2>&1 ||
  { echo "guard-p50.sh: the guardrail-pii plugin is not built in $BUILD" >&2; exit 2; }

bench_priority "$HERE/guard-p50.sh" "$BUILD"
bench_tmp
start_mock

# The request bodies: the benchmarks' 2 KB conversation, and the same with personal data.
"$LOADGEN" --url "$MOCK_URL/v1/chat/completions" --print-body --body openai-2k >"$TMP/plain.json" || { echo "guard-p50.sh: loadgen --print-body failed" >&2; exit 1; }
sed 's/"content":"\([^"]*\)"}\],/"content":"\1 Reach me at jane.roe@example.org or +44 20 7946 0958."}],/' \
  "$TMP/plain.json" >"$TMP/pii.json"
grep -q 'jane.roe@example.org' "$TMP/pii.json" || { echo "guard-p50.sh: could not add personal data to the body" >&2; exit 1; }

# Two gateways: off (no guardrails) and on (guardrail-pii on input and output).
declare -A URL
for mode in off on; do
  LLMGW_PORT=$("$LOADGEN" --pick-port)
  write_bench_config "$TMP/llmgw.yaml"
  if [[ $mode == on ]]; then
    sed -i 's/load: \[provider-openai\]/load: [provider-openai, guardrail-pii]/' "$TMP/llmgw.yaml"
    printf 'guardrails:\n  - plugin: guardrail-pii\n' >>"$TMP/llmgw.yaml"
  fi
  cp "$TMP/llmgw.yaml" "$TMP/llmgw-$mode.yaml"
  start_llmgw || { echo "guard-p50.sh: llmgw ($mode) did not start: $(tail -n 3 "$TMP/llmgw.err")" >&2; exit 1; }
  URL[$mode]=$LLMGW_URL
  cp "$TMP/llmgw.err" "$TMP/llmgw-$mode.err"
done

# The guarded gateway must really redact (else the figures compare two plain gateways).
curl -s -m 5 -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-bench' --data-binary @"$TMP/pii.json" \
  "${URL[on]}/v1/chat/completions" -o /dev/null -w '%{http_code}' | grep -q 200 ||
  { echo "guard-p50.sh: the guarded gateway did not answer 200" >&2; exit 1; }

echo "guard-p50: mock :$MOCK_PORT, llmgw off ${URL[off]}, on ${URL[on]} ($RATE req/s, $CONNS conns," \
  "${DUR}s + ${WARM}s warmup per point, $ROUNDS rounds, nice $NICE)" >&2
for r in $(seq "$ROUNDS"); do
  for body in plain pii; do
    for mode in off on; do
      measure_url "$mode" "$body" "$DUR" "${URL[$mode]}/v1/chat/completions" "" --rate "$RATE" \
        --body-file "$TMP/$body.json"
    done
  done
done

echo
awk '
  /^RESULT/ {
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = f["scen"] SUBSEP f["target"]
    n[key]++; p50[key, n[key]] = f["p50_us"]; p99[key, n[key]] = f["p99_us"]; err[key] += f["errors"] + f["timeouts"]
  }
  function median(arr, key, k,   i, j, t, v) {
    for (i = 1; i <= k; i++) v[i] = arr[key, i]
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return v[int((k + 1) / 2)]
  }
  END {
    printf "| 2 KB request, %s req/s | p50 off | p50 on | added p50 | p99 off | p99 on | errors |\n", rate
    printf "|---|---|---|---|---|---|---|\n"
    split("plain pii", scens, " ")
    for (s = 1; s <= 2; s++) {
      off = scens[s] SUBSEP "off"; on = scens[s] SUBSEP "on"
      if (!n[off] || !n[on]) continue
      a = median(p50, off, n[off]); b = median(p50, on, n[on])
      printf "| %s | %.0f us | %.0f us | **%+.0f us** | %.0f us | %.0f us | %d |\n",
        scens[s] == "plain" ? "no personal data" : "e-mail + phone (redacted)", a, b, b - a,
        median(p99, off, n[off]), median(p99, on, n[on]), err[off] + err[on]
    }
    printf "(median over %d rounds; target: added p50 <= 50 us)\n", rounds
  }' rate="$RATE" rounds="$ROUNDS" "$RESULTS"
