// provider-mistral through its exported vtable: the request delta, tool ids both ways, decode,
// streams cut every way, errors.
#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>
#include <llmgw/testing.hpp>

#include <rapidjson/document.h>

#include <catch2/catch.hpp>

#include <string>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace {

using namespace llmgw::testing;
const std::string kConfig = R"({"provider":"mistral","api_key":"mistral-secret-key-123","extra":{"safe_prompt":true}})";

struct Call {
  llmgw_call c{};
  std::string body;
  explicit Call(std::string b, bool stream = false) : body(std::move(b)) {
    c.struct_size = sizeof c;
    c.operation = LLMGW_OP_CHAT;
    c.body_dialect = LLMGW_DIALECT_OPENAI_CHAT;
    c.client_dialect = LLMGW_DIALECT_OPENAI_CHAT;
    c.body = llmgw::str(body);
    c.model = llmgw::str("mistral-small-latest");
    c.stream = stream;
  }
};

rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.data(), s.size());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

}  // namespace

TEST_CASE("request: tool ids, tool_choice any, random_seed, safe_prompt, dropped extensions") {
  ProviderInstance p(provider_vtable(llmgw_plugin_entry_v1()), kConfig);
  REQUIRE(p.rc == LLMGW_OK);
  Call call(R"({"model":"mistral-small-latest","messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]},
    {"role":"assistant","content":null,"tool_calls":[{"id":"call_abc123def456","type":"function","function":{"name":"f","arguments":"{}"}},
      {"id":"D681PevKs","type":"function","function":{"name":"f","arguments":"{}"}}]},
    {"role":"tool","tool_call_id":"call_abc123def456","content":"1"},{"role":"tool","tool_call_id":"D681PevKs","content":"2"}],
    "tools":[{"type":"function","function":{"name":"f"},"cache_control":{"type":"ephemeral"}}],"tool_choice":"required",
    "seed":42,"max_completion_tokens":50,"user":"u","stream_options":{"include_usage":true},"top_k":3,"temperature":0.1,
    "prompt_cache_key":"session-42"})");
  const RecordedRequest r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url == "https://api.mistral.ai/v1/chat/completions");
  CHECK(r.header("authorization") == "Bearer mistral-secret-key-123");
  const auto d = parse(r.body);
  const std::string mapped = d["messages"][1]["tool_calls"][0]["id"].GetString();
  CHECK(mapped.size() == 9);
  CHECK(mapped.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == std::string::npos);
  CHECK(std::string(d["messages"][2]["tool_call_id"].GetString()) == mapped);
  CHECK(std::string(d["messages"][1]["tool_calls"][1]["id"].GetString()) == "D681PevKs");
  CHECK(std::string(d["messages"][3]["tool_call_id"].GetString()) == "D681PevKs");
  CHECK(std::string(d["tool_choice"].GetString()) == "any");
  CHECK(d["random_seed"].GetInt() == 42);
  CHECK(d["max_tokens"].GetInt() == 50);
  CHECK(d["safe_prompt"].GetBool());
  for (const char* gone : {"seed", "max_completion_tokens", "user", "stream_options", "top_k"}) CHECK_FALSE(d.HasMember(gone));
  CHECK_FALSE(d["messages"][0]["content"][0].HasMember("cache_control"));
  CHECK_FALSE(d["tools"][0].HasMember("cache_control"));
  CHECK(d["temperature"].GetDouble() == 0.1);
  // Mistral's prompt caching takes the key as OpenAI's does: forwarded as is.
  CHECK(std::string(d["prompt_cache_key"].GetString()) == "session-42");
}

TEST_CASE("request: logprobs refused, deep nesting refused") {
  ProviderInstance p(provider_vtable(llmgw_plugin_entry_v1()), kConfig);
  Call lp(R"({"messages":[{"role":"user","content":"x"}],"logprobs":true})");
  CHECK(p.encode(lp.c).rc == LLMGW_UNSUPPORTED);
  Call deep(R"({"messages":)" + std::string(100000, '[') + std::string(100000, ']') + "}");
  CHECK(p.encode(deep.c).rc == LLMGW_BAD_ARGUMENT);
}

TEST_CASE("decode: model_length → length, usage; errors classified and redacted") {
  ProviderInstance p(provider_vtable(llmgw_plugin_entry_v1()), kConfig);
  Call call(R"({"messages":[]})");
  const RecordedResult ok = p.decode(call.c, 200, R"({"id":"x","object":"chat.completion","created":1,"model":"m",
    "choices":[{"index":0,"message":{"role":"assistant","content":"hi","tool_calls":null},"finish_reason":"model_length"}],
    "usage":{"prompt_tokens":5,"total_tokens":7,"completion_tokens":2}})");
  REQUIRE(ok.rc == LLMGW_OK);
  CHECK(std::string(parse(ok.body)["choices"][0]["finish_reason"].GetString()) == "length");
  CHECK(ok.usage->prompt_tokens == 5);
  CHECK(ok.usage->completion_tokens == 2);
  // A prompt-cache hit: usage.prompt_tokens_details.cached_tokens (docs.mistral.ai "Prompt caching").
  const RecordedResult hit = p.decode(call.c, 200, R"({"id":"x","object":"chat.completion","created":1,"model":"m",
    "choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
    "usage":{"prompt_tokens":700,"total_tokens":702,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":640}}})");
  REQUIRE(hit.rc == LLMGW_OK);
  CHECK(hit.usage->prompt_tokens == 700);
  CHECK(hit.usage->cached_tokens == 640);
  CHECK(parse(hit.body)["usage"]["prompt_tokens_details"]["cached_tokens"].GetInt() == 640);
  const RecordedResult e429 = p.decode(call.c, 429, R"({"message":"Requests rate limit exceeded"})", {{"retry-after", "2"}});
  CHECK(e429.error->cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(e429.error->retry_after_ms == 2000);
  const RecordedResult e401 = p.decode(call.c, 401, R"({"message":"Unauthorized mistral-secret-key-123","request_id":"r"})");
  CHECK(e401.error->cls == LLMGW_ERR_AUTH);
  CHECK(e401.error->message.find("mistral-secret-key-123") == std::string::npos);
  const RecordedResult e400 = p.decode(call.c, 400, R"({"object":"error","message":"Prompt contains 40000 tokens, too large for model with 32768 maximum context length","type":"invalid_request_message_error","param":null,"code":null})");
  CHECK(e400.error->cls == LLMGW_ERR_CONTEXT_WINDOW);
  const RecordedResult deep = p.decode(call.c, 200, std::string(100000, '[') + std::string(100000, ']'));
  CHECK(deep.error->cls == LLMGW_ERR_BAD_RESPONSE);
}

TEST_CASE("stream: the same chunks however cut; usage chunk only when asked") {
  const std::string bytes = read_fixture(PROVIDER_MISTRAL_FIXTURES, "text.sse");
  ProviderInstance p(provider_vtable(llmgw_plugin_entry_v1()), kConfig);
  Call with(R"({"messages":[],"stream":true,"stream_options":{"include_usage":true}})", true);
  Call without(R"({"messages":[],"stream":true})", true);
  feed_all_ways(bytes, [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const RecordedEvents a = run_stream(p, with.c, pieces);
    CHECK(a.final_status == LLMGW_DONE);
    REQUIRE(a.chunks.size() == 4);
    CHECK(std::string(parse(a.chunks[2])["choices"][0]["finish_reason"].GetString()) == "length");
    CHECK_FALSE(parse(a.chunks[2]).HasMember("usage"));
    const auto u = parse(a.chunks[3]);
    CHECK(u["choices"].Empty());
    CHECK(u["usage"]["prompt_tokens"].GetInt() == 7);
    CHECK(a.usage->completion_tokens == 3);
    const RecordedEvents b = run_stream(p, without.c, pieces);
    CHECK(b.chunks.size() == 3);
    CHECK(b.usage->prompt_tokens == 7);
  });
  const RecordedEvents cut = run_stream(p, without.c, {bytes.substr(0, 300)});
  CHECK(cut.final_status == LLMGW_ERROR);
  CHECK(cut.error->cls == LLMGW_ERR_BAD_RESPONSE);
}
