// Fixed payloads served by bench_mock_upstream: OpenAI Chat Completions and Anthropic Messages,
// each a complete HTTP response built once at start-up.
#pragma once

#include <cstdio>
#include <string>
#include <utility>
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
  // Anthropic Messages: the same three shapes.
  std::string message;
  std::string message_stream_all;
  std::vector<std::string> message_stream_parts;
  // Chat Completions streams with an e-mail address cut across the first two content deltas
  // (asked for by a request whose text holds bench:split-email or bench:split-email-first):
  // "Sure! Write to jane.roe@exam" + "ple.org or …" (a tail held back), or the answer starting
  // with the address, "jane.roe@exam" + "ple.org wrote: …" (the whole first delta held back).
  std::vector<std::string> stream_email_tail_parts, stream_email_head_parts;
  std::string stream_email_tail_all, stream_email_head_all;
  std::string count_tokens;
  std::string health;
  std::string not_found;
  std::string bad_request;
  // --control mode error500: what a failing upstream answers (keep-alive), per API.
  std::string server_error;            // OpenAI: 500 {"error":{..."type":"server_error"...}}
  std::string message_server_error;    // Anthropic: 500 {"type":"error","error":{"type":"api_error",...}}
  std::string continue_100 = "HTTP/1.1 100 Continue\r\n\r\n";
};

// Headers every OpenAI-style response of the mock carries.
inline const std::string& openai_common_headers() {
  static const std::string h =
      "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n"
      "Connection: keep-alive\r\n"
      "openai-organization: bench-org\r\n"
      "openai-processing-ms: 1\r\n"
      "openai-version: 2020-10-01\r\n"
      "x-request-id: req_0123456789abcdef0123456789abcdef\r\n";
  return h;
}

// The parts of a chunked text/event-stream Chat Completions answer, one write each: [0] = head +
// first event, the last one ends with "0\r\n\r\n".
// events == 0 (the default shape): a role chunk, 7 content chunks, a finish chunk and a usage
// chunk, then "data: [DONE]" as a part of its own (11 parts).
// events >= 4 (--stream-events, paced-stream benchmarks): exactly `events` SSE events, one part
// each: a role chunk, events - 4 content chunks (the words cycle), a finish chunk, a usage chunk
// and "data: [DONE]" as the last event.
/// `first`: the first content deltas instead of the default answer's first ones (the e-mail
/// address split across two events of the guard benchmark).
inline std::vector<std::string> openai_stream_parts(int events = 0, std::vector<const char*> first = {}) {
  const std::string pre =
      R"({"id":"chatcmpl-bench0123456789abcdefghijkl","object":"chat.completion.chunk","created":1700000000,)"
      R"("model":"bench","system_fingerprint":"fp_bench01","choices":[{"index":0,"delta":)";
  const char* words[] = {"Sure! Here is", " a short answer:", " an API gateway", " sits between clients",
                         " and model providers,", " authenticates callers and", " forwards requests."};
  const size_t n_words = sizeof words / sizeof words[0];
  for (size_t i = 0; i < first.size() && i < n_words; ++i) words[i] = first[i];
  const size_t n_content = events >= 4 ? size_t(events - 4) : n_words;
  std::vector<std::string> ev;
  ev.push_back(pre + R"({"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null})");
  for (size_t i = 0; i < n_content; ++i)  // default: 1 + 7 content deltas: 8 chunks carrying text/role
    ev.push_back(pre + R"({"content":")" + words[i % n_words] + R"("},"logprobs":null,"finish_reason":null}],"usage":null})");
  ev.push_back(pre + R"({},"logprobs":null,"finish_reason":"stop"}],"usage":null})");
  ev.push_back(  // usage chunk (stream_options.include_usage)
      R"({"id":"chatcmpl-bench0123456789abcdefghijkl","object":"chat.completion.chunk","created":1700000000,)"
      R"("model":"bench","system_fingerprint":"fp_bench01","choices":[],)"
      R"("usage":{"prompt_tokens":212,"completion_tokens":41,"total_tokens":253}})");
  if (events >= 4) ev.push_back("[DONE]");

  const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                           "Cache-Control: no-cache\r\n" + openai_common_headers() + "Transfer-Encoding: chunked\r\n\r\n";
  std::vector<std::string> parts;
  for (size_t i = 0; i < ev.size(); ++i) {
    std::string part = chunk_frame("data: " + ev[i] + "\n\n");
    if (i == 0) part = head + part;
    parts.push_back(part);
  }
  if (events >= 4) parts.back() += "0\r\n\r\n";
  else parts.push_back(chunk_frame("data: [DONE]\n\n") + "0\r\n\r\n");
  return parts;
}

inline MockPayloads make_payloads() {
  MockPayloads p;
  const std::string& common = openai_common_headers();

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

  p.stream_parts = openai_stream_parts();
  for (const auto& s : p.stream_parts) p.stream_all += s;
  p.stream_email_tail_parts = openai_stream_parts(0, {"Sure! Write to jane.roe@exam", "ple.org or call"});
  for (const auto& s : p.stream_email_tail_parts) p.stream_email_tail_all += s;
  p.stream_email_head_parts = openai_stream_parts(0, {"jane.roe@exam", "ple.org wrote: an API gateway"});
  for (const auto& s : p.stream_email_head_parts) p.stream_email_head_all += s;

  // Anthropic Messages, as api.anthropic.com writes it (a representative subset of its headers).
  const std::string a_common =
      "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n"
      "Connection: keep-alive\r\n"
      "anthropic-ratelimit-input-tokens-limit: 2000000\r\n"
      "anthropic-ratelimit-input-tokens-remaining: 1999000\r\n"
      "anthropic-ratelimit-input-tokens-reset: 2023-11-14T22:13:21Z\r\n"
      "anthropic-ratelimit-output-tokens-limit: 400000\r\n"
      "anthropic-ratelimit-output-tokens-remaining: 400000\r\n"
      "anthropic-ratelimit-output-tokens-reset: 2023-11-14T22:13:21Z\r\n"
      "anthropic-ratelimit-requests-limit: 4000\r\n"
      "anthropic-ratelimit-requests-remaining: 3999\r\n"
      "anthropic-ratelimit-requests-reset: 2023-11-14T22:13:20Z\r\n"
      "request-id: req_011CVbenchABCDEFGHJKLMNPQ\r\n"
      "anthropic-organization-id: 00000000-0000-4000-8000-00000000bench\r\n"
      "x-robots-tag: none\r\n"
      "Server: cloudflare\r\n";
  const std::string msg_id = "msg_01BenchXq7Vd3mN2pL8sK4wT9";
  const std::string a_model = "claude-sonnet-4-5-20250929";
  const char* a_words[] = {"Sure! Here is", " a short on-call checklist:", " 1. compare total and upstream",
                           " latency in the access log;", " 2. check pool reconnects against", " idle timeouts;",
                           " 3. look for queueing in", " the worker threads."};
  std::string a_text;
  for (const char* w : a_words) a_text += w;
  const std::string in_usage =
      R"("input_tokens":498,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,)"
      R"("cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},)";
  const std::string mbody =
      R"({"id":")" + msg_id + R"(","type":"message","role":"assistant","model":")" + a_model +
      R"(","content":[{"type":"text","text":")" + a_text +
      R"("}],"stop_reason":"end_turn","stop_sequence":null,"usage":{)" + in_usage +
      R"("output_tokens":41,"service_tier":"standard"}})";
  p.message = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + a_common +
              "Content-Length: " + std::to_string(mbody.size()) + "\r\n\r\n" + mbody;

  std::vector<std::pair<std::string, std::string>> aev;  // event name, data
  aev.emplace_back("message_start",
                   R"({"type":"message_start","message":{"id":")" + msg_id +
                       R"(","type":"message","role":"assistant","model":")" + a_model +
                       R"(","content":[],"stop_reason":null,"stop_sequence":null,"usage":{)" + in_usage +
                       R"("output_tokens":1,"service_tier":"standard"}}})");
  aev.emplace_back("content_block_start",
                   R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
  aev.emplace_back("ping", R"({"type": "ping"})");
  for (const char* w : a_words)
    aev.emplace_back("content_block_delta", std::string(R"({"type":"content_block_delta","index":0,)") +
                                                R"("delta":{"type":"text_delta","text":")" + w + R"("}})");
  aev.emplace_back("content_block_stop", R"({"type":"content_block_stop","index":0})");
  aev.emplace_back("message_delta",
                   R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},)"
                   R"("usage":{"input_tokens":498,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,)"
                   R"("output_tokens":41}})");
  aev.emplace_back("message_stop", R"({"type":"message_stop"})");
  const std::string a_head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                             "Cache-Control: no-cache\r\n" + a_common + "Transfer-Encoding: chunked\r\n\r\n";
  for (size_t i = 0; i < aev.size(); ++i) {
    std::string part = chunk_frame("event: " + aev[i].first + "\ndata: " + aev[i].second + "\n\n");
    if (i == 0) part = a_head + part;
    if (i + 1 == aev.size()) part += "0\r\n\r\n";
    p.message_stream_parts.push_back(part);
  }
  for (const auto& s : p.message_stream_parts) p.message_stream_all += s;
  const std::string ctb = R"({"input_tokens":498})";
  p.count_tokens = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + a_common +
                   "Content-Length: " + std::to_string(ctb.size()) + "\r\n\r\n" + ctb;

  const std::string hb = R"({"status":"ok"})";
  p.health = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
             std::to_string(hb.size()) + "\r\n\r\n" + hb;
  const std::string nf = R"({"error":{"message":"not found","type":"invalid_request_error"}})";
  p.not_found = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " +
                std::to_string(nf.size()) + "\r\n\r\n" + nf;
  p.bad_request = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  const std::string se =
      R"({"error":{"message":"The server had an error while processing your request. Sorry about that!",)"
      R"("type":"server_error","param":null,"code":null}})";
  p.server_error = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n" + common +
                   "Content-Length: " + std::to_string(se.size()) + "\r\n\r\n" + se;
  const std::string ase = R"({"type":"error","error":{"type":"api_error","message":"Internal server error"}})";
  p.message_server_error = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n" + a_common +
                           "Content-Length: " + std::to_string(ase.size()) + "\r\n\r\n" + ase;
  return p;
}

}  // namespace bench
