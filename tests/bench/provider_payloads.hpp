// Fixed non-stream answers of the translating providers' wire formats, served by
// bench_mock_upstream for run-providers.sh: Gemini generateContent, Bedrock Converse, Cohere v2
// chat and Ollama /api/chat, each the same answer as the OpenAI completion (41 output tokens of
// text, usage). Mistral speaks Chat Completions, so it gets the OpenAI answer. Built once.
#pragma once

#include <string>

namespace bench {

struct ProviderPayloads {
  std::string gemini;   // POST /v1beta/models/{m}:generateContent
  std::string bedrock;  // POST /model/{id}/converse
  std::string cohere;   // POST /v2/chat
  std::string ollama;   // POST /api/chat
};

inline std::string json_response(const std::string& body, const std::string& extra_headers = "") {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

inline ProviderPayloads make_provider_payloads() {
  const std::string text =
      "Sure! Here is a short answer: an API gateway sits between clients and model providers, authenticates callers "
      "and forwards requests.";
  ProviderPayloads p;
  p.gemini = json_response(
      R"({"candidates":[{"content":{"parts":[{"text":")" + text + R"("}],"role":"model"},"finishReason":"STOP","index":0}],)"
      R"("usageMetadata":{"promptTokenCount":498,"candidatesTokenCount":41,"totalTokenCount":539,)"
      R"("promptTokensDetails":[{"modality":"TEXT","tokenCount":498}]},"modelVersion":"gemini-2.5-flash",)"
      R"("responseId":"bench0123456789abcdefgh"})");
  p.bedrock = json_response(
      R"({"output":{"message":{"role":"assistant","content":[{"text":")" + text + R"("}]}},"stopReason":"end_turn",)"
      R"("usage":{"inputTokens":498,"outputTokens":41,"totalTokens":539},"metrics":{"latencyMs":120}})",
      "x-amzn-RequestId: 6c6f7c56-bench-4f1e-9a0b-0123456789ab\r\n");
  p.cohere = json_response(
      R"({"id":"c14c80c3-bench-4b2c-9f7e-0123456789ab","message":{"role":"assistant","content":[{"type":"text","text":")" +
      text + R"("}]},"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":498,"output_tokens":41},)"
      R"("tokens":{"input_tokens":698,"output_tokens":41}}})");
  p.ollama = json_response(
      R"({"model":"llama3.2","created_at":"2025-01-01T00:00:00.000000Z","message":{"role":"assistant","content":")" + text +
      R"("},"done_reason":"stop","done":true,"total_duration":120000000,"load_duration":1000000,)"
      R"("prompt_eval_count":498,"prompt_eval_duration":10000000,"eval_count":41,"eval_duration":100000000})");
  return p;
}

}  // namespace bench
