// Fixed OpenAI Chat Completions payloads served by bench_mock_upstream.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace bench {

inline std::string chunk_frame(const std::string& data) {
  char hex[32];
  std::snprintf(hex, sizeof hex, "%zx\r\n", data.size());
  return hex + data + "\r\n";
}

struct MockPayloads {
  std::string completion;               // full non-stream response (head + body)
  std::string stream_all;               // full SSE response, all events at once
  std::vector<std::string> stream_parts;  // [0] = head + first event, then one event each, last has "0\r\n\r\n"
  std::string health;
  std::string not_found;
  std::string bad_request;
  std::string continue_100 = "HTTP/1.1 100 Continue\r\n\r\n";
};

inline MockPayloads make_payloads() {
  MockPayloads p;
  const std::string common =
      "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n"
      "Connection: keep-alive\r\n"
      "openai-organization: bench-org\r\n"
      "openai-processing-ms: 1\r\n"
      "openai-version: 2020-10-01\r\n"
      "x-request-id: req_0123456789abcdef0123456789abcdef\r\n";

  const std::string body =
      R"({"id":"chatcmpl-bench0123456789abcdefghijkl","object":"chat.completion","created":1700000000,)"
      R"("model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":)"
      R"("Sure! Here is a short answer: an API gateway sits between clients and model providers, )"
      R"(authenticates callers, picks a deployment, forwards the request and records usage and cost.","refusal":null},)"
      R"("logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":212,"completion_tokens":41,)"
      R"("total_tokens":253,"prompt_tokens_details":{"cached_tokens":0},)"
      R"("completion_tokens_details":{"reasoning_tokens":0}},"system_fingerprint":"fp_bench01"})";
  p.completion = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + common +
                 "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;

  const std::string pre =
      R"({"id":"chatcmpl-bench0123456789abcdefghijkl","object":"chat.completion.chunk","created":1700000000,)"
      R"("model":"bench","system_fingerprint":"fp_bench01","choices":[{"index":0,"delta":)";
  const char* words[] = {"Sure! Here is", " a short answer:", " an API gateway", " sits between clients",
                         " and model providers,", " authenticates callers and", " forwards requests."};
  std::vector<std::string> events;
  events.push_back(pre + R"({"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null})");
  for (const char* w : words)  // 1 + 7 content deltas: 8 chunks carrying text/role
    events.push_back(pre + R"({"content":")" + w + R"("},"logprobs":null,"finish_reason":null}],"usage":null})");
  events.push_back(pre + R"({},"logprobs":null,"finish_reason":"stop"}],"usage":null})");
  events.push_back(  // usage chunk (stream_options.include_usage)
      R"({"id":"chatcmpl-bench0123456789abcdefghijkl","object":"chat.completion.chunk","created":1700000000,)"
      R"("model":"bench","system_fingerprint":"fp_bench01","choices":[],)"
      R"("usage":{"prompt_tokens":212,"completion_tokens":41,"total_tokens":253}})");

  const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                           "Cache-Control: no-cache\r\n" + common + "Transfer-Encoding: chunked\r\n\r\n";
  for (size_t i = 0; i < events.size(); ++i) {
    std::string part = chunk_frame("data: " + events[i] + "\n\n");
    if (i == 0) part = head + part;
    p.stream_parts.push_back(part);
  }
  p.stream_parts.push_back(chunk_frame("data: [DONE]\n\n") + "0\r\n\r\n");
  for (const auto& s : p.stream_parts) p.stream_all += s;

  const std::string hb = R"({"status":"ok"})";
  p.health = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
             std::to_string(hb.size()) + "\r\n\r\n" + hb;
  const std::string nf = R"({"error":{"message":"not found","type":"invalid_request_error"}})";
  p.not_found = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " +
                std::to_string(nf.size()) + "\r\n\r\n" + nf;
  p.bad_request = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  return p;
}

}  // namespace bench
