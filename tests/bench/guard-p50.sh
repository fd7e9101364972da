#!/usr/bin/env bash
# Added p50 of an input guardrail: two gateways on the same mock, one without guardrails and one
# with guardrail-pii on every alias, measured in interleaved rounds at an open-loop rate (default
# 1,000 req/s) with the ~2 KB Chat Completions request of the other benchmarks — as it is (no
# personal data: one scan per segment, nothing changed) and with an e-mail address and a phone
# number in its last user turn (redacted: the changed strings are spliced into the body). The
# added p50 is the guarded gateway's median p50 over the rounds less the plain one's.
# Streamed mode (BENCH_STREAM=1, the default): the same 2 KB request with "stream": true, and the
# added time to first token (the first non-empty content delta the client reads), guardrail on
# against off: the output guardrail holds back only the tail of a delta that could still become a
# match, so the added TTFT should stay near the non-stream added p50. Two more streamed requests
# ask the mock (a marker in their text) for an answer with an e-mail address cut across its first
# two content deltas: "Sure! Write to jane.roe@exam" + "ple.org or call" (the guardrail releases
# "Sure! Write to " at once and holds the tail back until the next event), and one that starts
# with the address, "jane.roe@exam" + "ple.org wrote: …" (the whole first delta is held back: the
# first token waits for the next event, BENCH_CHUNK_DELAY_US later).
#
#   tests/bench/guard-p50.sh [BUILD_DIR]       (default: build)
#
# Env: BENCH_RATE (1000)  BENCH_DURATION (s per point, 6)  BENCH_WARMUP (s, 1)  BENCH_ROUNDS (3)
#      BENCH_CONNS (64)  BENCH_NICE (-15; 0 = off)  BENCH_KEEP=1 (keep the temp dir)  BENCH_STREAM (1; 0 = off)
#      BENCH_CHUNK_DELAY_US (2000: the mock's gap between stream events)
# Issue 12's target: at most 50 us added p50 for a 2 KB request at 1,000 req/s.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
resolve_build guard-p50.sh "${1:-}"
bench_init
RATE=${BENCH_RATE:-1000}
ROUNDS=${BENCH_ROUNDS:-3}
STREAM=${BENCH_STREAM:-1}
CHUNK_DELAY=${BENCH_CHUNK_DELAY_US:-2000}
[[ -x $LLMGW ]] || { echo "guard-p50.sh: $LLMGW not built" >&2; exit 2; }
[[ -e $BUILD/lib/llmgw/plugins/guardrail-pii.so || -e $BUILD/lib/llmgw/plugins/libguardrail-pii.so ]] ||
  ls "$BUILD"/lib/llmgw/plugins/*guardrail-pii* >/dev/null 2>&1 ||
  { echo "guard-p50.sh: the guardrail-pii plugin is not built in $BUILD" >&2; exit 2; }

bench_priority "$HERE/guard-p50.sh" "$BUILD"
bench_tmp
# Streams are spaced (one event every CHUNK_DELAY us) so the first token comes before the end;
# whole answers are written at once either way.
if [[ $STREAM != 0 ]]; then start_mock --chunk-delay-us "$CHUNK_DELAY"; else start_mock; fi

# The request bodies: the benchmarks' 2 KB conversation, and the same with personal data.
"$LOADGEN" --url "$MOCK_URL/v1/chat/completions" --print-body --body openai-2k >"$TMP/plain.json" || { echo "guard-p50.sh: loadgen --print-body failed" >&2; exit 1; }
sed 's/"content":"\([^"]*\)"}\],/"content":"\1 Reach me at jane.roe@example.org or +44 20 7946 0958."}],/' \
  "$TMP/plain.json" >"$TMP/pii.json"
grep -q 'jane.roe@example.org' "$TMP/pii.json" || { echo "guard-p50.sh: could not add personal data to the body" >&2; exit 1; }
"$LOADGEN" --url "$MOCK_URL/v1/chat/completions" --print-body --body openai-2k --stream >"$TMP/stream.json" ||
  { echo "guard-p50.sh: loadgen --print-body --stream failed" >&2; exit 1; }
for split in tail head; do
  marker=bench:split-email; [[ $split == head ]] && marker=bench:split-email-first
  sed "s/\"content\":\"\([^\"]*\)\"}\],/\"content\":\"\1 ($marker)\"}],/" "$TMP/stream.json" >"$TMP/stream-$split.json"
  grep -q "$marker" "$TMP/stream-$split.json" || { echo "guard-p50.sh: could not add the marker to the stream body" >&2; exit 1; }
done

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
  if [[ $STREAM != 0 ]]; then
    for body in stream stream-tail stream-head; do
      for mode in off on; do
        measure_url "$mode" "$body" "$DUR" "${URL[$mode]}/v1/chat/completions" "" --rate "$RATE" \
          --body-file "$TMP/$body.json" --stream
      done
    done
  fi
done

echo
awk '
  /^RESULT/ {
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = f["scen"] SUBSEP f["target"]
    n[key]++; p50[key, n[key]] = f["p50_us"]; p99[key, n[key]] = f["p99_us"]; err[key] += f["errors"] + f["timeouts"]
    ttft[key, n[key]] = f["ttft_p50_us"]; ttfb[key, n[key]] = f["ttfb_p50_us"]
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
    split("stream stream-tail stream-head", streams, " ")
    names["stream"] = "no personal data"
    names["stream-tail"] = "address cut across deltas 1-2, a tail held"
    names["stream-head"] = "answer starts with the cut address, delta 1 held"
    header = 0
    for (s = 1; s <= 3; s++) {
      off = streams[s] SUBSEP "off"; on = streams[s] SUBSEP "on"
      if (!n[off] || !n[on]) continue
      if (!header++) {
        printf "\n| streamed 2 KB request, %s req/s | TTFT p50 off | TTFT p50 on | added TTFT p50 | first byte p50 off | first byte p50 on | p50 whole stream off | on | errors |\n", rate
        printf "|---|---|---|---|---|---|---|---|---|\n"
      }
      a = median(ttft, off, n[off]); b = median(ttft, on, n[on])
      printf "| %s | %.0f us | %.0f us | **%+.0f us** | %.0f us | %.0f us | %.0f us | %.0f us | %d |\n",
        names[streams[s]], a, b, b - a, median(ttfb, off, n[off]), median(ttfb, on, n[on]), median(p50, off, n[off]),
        median(p50, on, n[on]), err[off] + err[on]
    }
    if (header) printf "(TTFT: to the first non-empty content delta; events %s us apart; the guardrail holds back at most a delta tail that could become a match)\n", gap
  }' rate="$RATE" rounds="$ROUNDS" gap="$CHUNK_DELAY" "$RESULTS"
