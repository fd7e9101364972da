#!/usr/bin/env bash
# Benchmark: what each provider plugin's translation adds to a call. One llmgw, one mock upstream
# (bench_mock_upstream answers each provider's wire format: provider_payloads.hpp), one alias per
# provider; the same OpenAI Chat Completions request at a fixed open-loop rate to each alias in
# turn, and the added p50 / p99 over the OpenAI passthrough measured in the same run (so a busy
# machine shifts every row alike). Whole answers only (no streams).
#
#   tests/bench/run-providers.sh [BUILD_DIR]        (default: build)
#
# Env: BENCH_RATE (1000)  BENCH_DURATION (s per point, 6)  BENCH_WARMUP (s, 1)  BENCH_CONNS (64)
#      BENCH_REPEAT (passes over the providers, 2: each row keeps its lower p50)  BENCH_NICE (-15)
#      BENCH_OUT (file to copy the table to)  BENCH_KEEP=1 (keep the temp dir)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
resolve_build run-providers.sh "${1:-}"
bench_init
RATE=${BENCH_RATE:-1000}
REPEAT=${BENCH_REPEAT:-2}
bench_priority "$HERE/run-providers.sh" "$BUILD"
bench_tmp
start_mock
[[ -x $LLMGW ]] || { echo "run-providers.sh: $LLMGW not built" >&2; exit 2; }

PROVIDERS=(openai anthropic gemini mistral cohere ollama bedrock)
LLMGW_PORT=$("$LOADGEN" --pick-port)
cat >"$TMP/llmgw.yaml" <<YAML
server: {max_threads: 128, max_queued: 1024}
plugins:
  dirs: [$BUILD/lib/llmgw/plugins]
  load: [provider-openai, provider-anthropic, provider-gemini, provider-mistral, provider-cohere, provider-ollama, provider-bedrock]
model_list:
  - model_name: openai
    litellm_params: {model: openai/gpt-4o-mini, api_base: $MOCK_URL/v1, api_key: sk-bench}
  - model_name: anthropic
    litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: $MOCK_URL, api_key: sk-ant-bench}
  - model_name: gemini
    litellm_params: {model: gemini/gemini-2.5-flash, api_base: $MOCK_URL, api_key: AIzaBench}
  - model_name: mistral
    litellm_params: {model: mistral/mistral-small-latest, api_base: $MOCK_URL, api_key: mistral-bench}
  - model_name: cohere
    litellm_params: {model: cohere/command-a-03-2025, api_base: $MOCK_URL, api_key: co-bench}
  - model_name: ollama
    litellm_params: {model: ollama_chat/llama3.2, api_base: $MOCK_URL}
  - model_name: bedrock
    litellm_params: {model: bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0, api_base: $MOCK_URL,
      aws_region_name: us-east-1, aws_access_key_id: AKIABENCH, aws_secret_access_key: bench/secret}
YAML
start_llmgw || { echo "run-providers.sh: llmgw did not start:" >&2; tail -n 5 "$TMP/llmgw.err" >&2; exit 1; }
for p in "${PROVIDERS[@]}"; do
  code=$(http_code -X POST -H 'Content-Type: application/json' \
    -d "{\"model\":\"$p\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" "$LLMGW_URL/v1/chat/completions")
  [[ $code == 200 ]] || { echo "run-providers.sh: $p answered $code:" >&2;
    curl -s -m 2 -X POST -d "{\"model\":\"$p\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" "$LLMGW_URL/v1/chat/completions" >&2; exit 1; }
done

echo "llmgw providers bench: mock :$MOCK_PORT, llmgw $LLMGW_URL, $RATE req/s open loop, $CONNS conns," \
  "${DUR}s + ${WARM}s warmup per point, $REPEAT passes" >&2
for ((pass = 1; pass <= REPEAT; pass++)); do
  for p in "${PROVIDERS[@]}"; do
    measure_url "$p" "pass$pass" "$DUR" "$LLMGW_URL/v1/chat/completions" "$LLMGW_PID" --rate "$RATE" --model "$p"
  done
done

# The table: per provider the lower-p50 pass; "added" is over openai (passthrough) of the same pass.
table=$(awk '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    t = f["target"]; s = f["scen"]
    p50[t, s] = f["p50_us"]; p99[t, s] = f["p99_us"]; ok[t, s] = f["ok"]; err[t, s] = f["errors"]; cpu[t, s] = f["cpu_us"]
    if (!(t in seen)) { seen[t] = 1; order[++n] = t }
    if (!(s in seens)) { seens[s] = 1; passes[++m] = s } }
  END {
    printf "%-10s %9s %9s %12s %12s %8s %10s\n", "provider", "p50_us", "p99_us", "added_p50", "added_p99", "errors", "cpu_us/req"
    for (i = 1; i <= n; i++) {
      t = order[i]; best = ""
      for (j = 1; j <= m; j++) { s = passes[j]; if ((t, s) in p50 && (best == "" || p50[t, s] + 0 < p50[t, best] + 0)) best = s }
      if (best == "") continue
      per = ok[t, best] > 0 ? cpu[t, best] / ok[t, best] : 0
      printf "%-10s %9.0f %9.0f %+12.0f %+12.0f %8d %10.1f\n", t, p50[t, best], p99[t, best],
        p50[t, best] - p50["openai", best], p99[t, best] - p99["openai", best], err[t, best], per } }' "$RESULTS")
echo
echo "per-provider translation at $RATE req/s (added = over the OpenAI passthrough of the same pass):"
echo "$table"
[[ -n ${BENCH_OUT:-} ]] && echo "$table" >"$BENCH_OUT"
exit 0
