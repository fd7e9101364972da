#!/usr/bin/env bash
# The training run of a profile-guided build (scripts/build-pgo.sh): drives an instrumented llmgw
# (-DLLMGW_PGO=GENERATE) through the paths production traffic takes, then stops it with SIGTERM
# so that it writes its counts (.gcda, into LLMGW_PGO_DIR) on its way out.
#
#   tests/bench/pgo-train.sh BUILD_DIR
#
# Everything on 127.0.0.1: the benchmarks' mock upstream (OpenAI and Anthropic wire formats) and
# load generator. Each scenario runs PGO_TRAIN_S seconds (2) closed-loop on 8 connections, JSON
# and SSE: OpenAI chat passthrough, Anthropic messages passthrough, and translation both ways
# (OpenAI body to an Anthropic upstream, Anthropic body to an OpenAI upstream); then a few
# refused requests (bad JSON, unknown model, wrong method) so their code is not left cold.
# Not a benchmark: nothing is pinned or timed. Exit status 1 when a scenario failed or no counts
# were written.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
resolve_build pgo-train.sh "${1:-}"
bench_init
bench_tmp
NICE=0 PIN_CLIENT=() PIN_SERVER=()
SECS=${PGO_TRAIN_S:-2}
PROFILE_DIR=$(awk -F= '/^LLMGW_PGO_DIR:/ { print $2 }' "$BUILD/CMakeCache.txt")
MODE=$(awk -F= '/^LLMGW_PGO:/ { print $2 }' "$BUILD/CMakeCache.txt")
[[ $MODE == GENERATE ]] || { echo "pgo-train.sh: $BUILD is not configured with -DLLMGW_PGO=GENERATE" >&2; exit 2; }

start_mock
LLMGW_PORT=$("$LOADGEN" --pick-port)
write_dialects_config "$TMP/llmgw.yaml"
start_llmgw || { echo "pgo-train.sh: llmgw did not become ready: $(tail -n 3 "$TMP/llmgw.err")" >&2; exit 1; }

failed=0
# scenario PATH ARGS...: one closed-loop run, JSON then SSE; counts a run with errors or no answers.
scenario() {
  local path=$1 stream line ok
  shift
  for stream in "" --stream; do
    # shellcheck disable=SC2086
    line=$("$LOADGEN" --url "$LLMGW_URL$path" --conns 8 --duration "$SECS" --warmup 0 "$@" $stream 2>&1 | grep '^RESULT')
    ok=$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
              END { print (f["ok"] + 0 > 0 && f["errors"] + 0 == 0) ? 1 : 0 }' <<<"$line")
    if [[ $ok != 1 ]]; then
      echo "pgo-train.sh: $path $* $stream failed: ${line:-no result}" >&2
      failed=1
    fi
  done
}
scenario /v1/chat/completions --body openai --model gpt        # OpenAI passthrough
scenario /v1/messages --anthropic --model claude               # Anthropic passthrough
scenario /v1/chat/completions --body openai-2k --model claude  # OpenAI client, Anthropic upstream
scenario /v1/messages --anthropic --model gpt                  # Anthropic client, OpenAI upstream
for i in $(seq 50); do
  http_code -X POST -H 'Content-Type: application/json' -d '{"model":' "$LLMGW_URL/v1/chat/completions" >/dev/null
  http_code -X POST -H 'Content-Type: application/json' -d '{"model":"nope","messages":[{"role":"user","content":"hi"}]}' \
    "$LLMGW_URL/v1/chat/completions" >/dev/null
  http_code "$LLMGW_URL/v1/chat/completions" >/dev/null
done

# SIGTERM: the gateway drains and exits 0, writing its counts (and its plugins').
kill -TERM "$LLMGW_PID"
for _ in $(seq 100); do kill -0 "$LLMGW_PID" 2>/dev/null || break; sleep 0.1; done
wait "$LLMGW_PID"; rc=$?
((rc == 0)) || { echo "pgo-train.sh: llmgw exited $rc after SIGTERM (counts may be missing)" >&2; failed=1; }
count=$(find "$PROFILE_DIR" -name '*.gcda' 2>/dev/null | wc -l)
((count > 0)) || { echo "pgo-train.sh: no counts in $PROFILE_DIR" >&2; exit 1; }
echo "pgo-train.sh: $count count files in $PROFILE_DIR"
exit "$failed"
