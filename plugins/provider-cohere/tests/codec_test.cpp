// provider-cohere through its exported vtable: encoding, decoding, streams cut every way, errors.
#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>
#include <llmgw/testing.hpp>

#include <rapidjson/document.h>

#include <catch2/catch.hpp>

#include <map>
#include <string>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace {

using namespace llmgw::testing;
const std::string kConfig = R"({"provider":"cohere","api_key":"co-secret-key-42"})";

struct Call {
  llmgw_call c{};
  std::string body;
  explicit Call(std::string b, bool stream = false) : body(std::move(b)) {
    c.struct_size = sizeof c;
    c.operation = LLMGW_OP_CHAT;
    c.body_dialect = LLMGW_DIALECT_OPENAI_CHAT;
    c.body = llmgw::str(body);
    c.model = llmgw::str("command-a-03-2025");
    c.stream = stream;
  }
};

rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.data(), s.size());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

bool json_equal(const std::string& a, const std::string& b) {
  rapidjson::Document x, y;
  x.Parse(a.data(), a.size());
  y.Parse(b.data(), b.size());
  return !x.HasParseError() && !y.HasParseError() && x == y;
}

const llmgw_provider_vtable& vt() { return provider_vtable(llmgw_plugin_entry_v1()); }

}  // namespace

TEST_CASE("request: messages, tools, tool_choice, response_format, sampling, thinking") {
  ProviderInstance p(vt(), kConfig);
  REQUIRE(p.rc == LLMGW_OK);
  Call call(R"({"model":"x","messages":[{"role":"developer","content":"Be brief."},
    {"role":"user","content":[{"type":"text","text":"Look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}}]},
    {"role":"assistant","content":null,"tool_calls":[{"id":"get_weather_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},
    {"role":"tool","tool_call_id":"get_weather_1","content":"sunny"}],
    "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],"tool_choice":"required",
    "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"}}},
    "temperature":0.3,"top_p":0.8,"top_k":10,"seed":5,"max_completion_tokens":99,"stop":"END","reasoning_effort":"low","user":"u"})");
  const RecordedRequest r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url == "https://api.cohere.com/v2/chat");
  CHECK(r.header("authorization") == "Bearer co-secret-key-42");
  CHECK(json_equal(r.body, R"({"model":"command-a-03-2025","messages":[
    {"role":"system","content":"Be brief."},
    {"role":"user","content":[{"type":"text","text":"Look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}}]},
    {"role":"assistant","tool_calls":[{"id":"get_weather_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},
    {"role":"tool","tool_call_id":"get_weather_1","content":"sunny"}],
    "tool_choice":"REQUIRED","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
    "response_format":{"type":"json_object","json_schema":{"type":"object"}},
    "temperature":0.3,"p":0.8,"k":10,"seed":5,"max_tokens":99,"stop_sequences":["END"],
    "thinking":{"type":"enabled","token_budget":1024}})"));
  Call named(R"({"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"f"}}})");
  CHECK(p.encode(named.c).rc == LLMGW_UNSUPPORTED);
  Call deep(R"({"messages":)" + std::string(100000, '[') + std::string(100000, ']') + "}");
  CHECK(p.encode(deep.c).rc == LLMGW_BAD_ARGUMENT);
}

TEST_CASE("decode: text, thinking, tool calls, usage with cached tokens") {
  ProviderInstance p(vt(), kConfig);
  Call call(R"({"messages":[]})");
  const RecordedResult r = p.decode(call.c, 200, R"({"id":"abc","finish_reason":"TOOL_CALL","message":{"role":"assistant",
    "tool_plan":"Look it up.","tool_calls":[{"id":"get_weather_x","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},
    "usage":{"billed_units":{"input_tokens":5,"output_tokens":3},"tokens":{"input_tokens":500,"output_tokens":30},"cached_tokens":256}})");
  REQUIRE(r.rc == LLMGW_OK);
  const auto d = parse(r.body);
  CHECK(std::string(d["choices"][0]["finish_reason"].GetString()) == "tool_calls");
  CHECK(std::string(d["choices"][0]["message"]["tool_calls"][0]["id"].GetString()) == "get_weather_x");
  CHECK(std::string(d["choices"][0]["message"]["reasoning_content"].GetString()) == "Look it up.");
  CHECK(d["usage"]["prompt_tokens"].GetInt() == 500);
  CHECK(d["usage"]["prompt_tokens_details"]["cached_tokens"].GetInt() == 256);
  CHECK(r.usage->cached_tokens == 256);
  const RecordedResult t = p.decode(call.c, 200, R"({"id":"a","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"thinking","thinking":"hm"},{"type":"text","text":"Hi"}]}})");
  CHECK(std::string(parse(t.body)["choices"][0]["message"]["content"].GetString()) == "Hi");
}

TEST_CASE("usage: counts outside int64, negative or fractional are unknown, never a cast past the range") {
  ProviderInstance p(vt(), kConfig);
  Call call(R"({"messages":[]})");
  const RecordedResult r = p.decode(call.c, 200, R"({"id":"a","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"text","text":"Hi"}]},
    "usage":{"tokens":{"input_tokens":7.77778e20,"output_tokens":-3},"cached_tokens":2.5}})");
  REQUIRE(r.rc == LLMGW_OK);
  REQUIRE(r.usage.has_value());
  CHECK(r.usage->prompt_tokens == -1);
  CHECK(r.usage->completion_tokens == -1);
  CHECK(r.usage->cached_tokens == -1);
  const RecordedResult ok = p.decode(call.c, 200, R"({"id":"a","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"text","text":"Hi"}]},
    "usage":{"tokens":{"input_tokens":12.0,"output_tokens":3}}})");
  CHECK(ok.usage->prompt_tokens == 12);
  CHECK(ok.usage->completion_tokens == 3);
}

TEST_CASE("errors") {
  ProviderInstance p(vt(), kConfig);
  Call call(R"({"messages":[]})");
  const RecordedResult e401 = p.decode(call.c, 401, R"({"id":"x","message":"invalid api token co-secret-key-42"})");
  CHECK(e401.error->cls == LLMGW_ERR_AUTH);
  CHECK(e401.error->message.find("co-secret-key-42") == std::string::npos);
  const RecordedResult e429 = p.decode(call.c, 429, R"({"message":"You are using a Trial key, which is limited to 10 API calls / minute."})", {{"Retry-After", "7"}});
  CHECK(e429.error->cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(e429.error->retry_after_ms == 7000);
  CHECK(p.decode(call.c, 400, R"({"message":"too many tokens: total number of tokens in the prompt cannot exceed 256000"})").error->cls == LLMGW_ERR_CONTEXT_WINDOW);
  CHECK(p.decode(call.c, 503, R"({"message":"service unavailable"})").error->cls == LLMGW_ERR_TRANSIENT);
  CHECK(p.decode(call.c, 200, std::string(100000, '[') + std::string(100000, ']')).error->cls == LLMGW_ERR_BAD_RESPONSE);
}

TEST_CASE("streams: tool plan, two tool calls with split arguments; text with MAX_TOKENS; cut every way") {
  ProviderInstance p(vt(), kConfig);
  Call with(R"({"messages":[],"stream":true,"stream_options":{"include_usage":true}})", true);
  const FeedWays ways{.split_stride = 1, .random_rounds = 30, .cuts_per_round = 5, .seed = 9};
  feed_all_ways(read_fixture(PROVIDER_COHERE_FIXTURES, "tools.sse"), [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const RecordedEvents r = run_stream(p, with.c, pieces);
    CHECK(r.final_status == LLMGW_DONE);
    std::map<int, std::string> args, ids;
    std::string reasoning, finish;
    int usage_chunks = 0;
    for (const auto& c : r.chunks) {
      const auto d = parse(c);
      if (d["choices"].Empty()) {
        ++usage_chunks;
        CHECK(d["usage"]["prompt_tokens_details"]["cached_tokens"].GetInt() == 512);
        continue;
      }
      const auto& delta = d["choices"][0]["delta"];
      if (delta.HasMember("reasoning_content")) reasoning += delta["reasoning_content"].GetString();
      if (delta.HasMember("tool_calls")) {
        const auto& t = delta["tool_calls"][0];
        if (t.HasMember("id")) ids[t["index"].GetInt()] = t["id"].GetString();
        args[t["index"].GetInt()] += t["function"]["arguments"].GetString();
      }
      if (d["choices"][0]["finish_reason"].IsString()) finish = d["choices"][0]["finish_reason"].GetString();
    }
    CHECK(reasoning == "I will look up the weather.");
    CHECK(ids[0] == "get_weather_1a2b");
    CHECK(args[0] == R"({"location":"Paris"})");
    CHECK(args[1] == R"({"location":"London"})");
    CHECK(finish == "tool_calls");
    CHECK(usage_chunks == 1);
    CHECK(r.usage->prompt_tokens == 1000);
  }, ways);
  feed_all_ways(read_fixture(PROVIDER_COHERE_FIXTURES, "text.sse"), [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const RecordedEvents r = run_stream(p, with.c, pieces);
    std::string text;
    for (const auto& c : r.chunks) {
      const auto d = parse(c);
      if (!d["choices"].Empty() && d["choices"][0]["delta"].HasMember("content")) text += d["choices"][0]["delta"]["content"].GetString();
    }
    CHECK(text == "Hello there!");
    CHECK(r.final_status == LLMGW_DONE);
    CHECK(std::string(parse(r.chunks[r.chunks.size() - 2])["choices"][0]["finish_reason"].GetString()) == "length");
  }, ways);
  const std::string text = read_fixture(PROVIDER_COHERE_FIXTURES, "text.sse");
  const RecordedEvents cut = run_stream(p, with.c, {std::string_view(text).substr(0, text.size() / 2)});
  CHECK(cut.final_status == LLMGW_ERROR);
  CHECK(cut.error->cls == LLMGW_ERR_BAD_RESPONSE);
}
