// provider-ollama through its exported vtable: encoding, decoding, NDJSON streams cut every way,
// errors, and 100,000-deep nesting everywhere.
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
const std::string kConfig = R"({"provider":"ollama_chat","api_base":"http://127.0.0.1:11434/","extra":{"keep_alive":"10m","num_ctx":8192}})";

struct Call {
  llmgw_call c{};
  std::string body;
  explicit Call(std::string b, bool stream = false) : body(std::move(b)) {
    c.struct_size = sizeof c;
    c.operation = LLMGW_OP_CHAT;
    c.body_dialect = LLMGW_DIALECT_OPENAI_CHAT;
    c.client_dialect = LLMGW_DIALECT_OPENAI_CHAT;
    c.body = llmgw::str(body);
    c.model = llmgw::str("llama3.2");
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

struct Assembled {
  std::string content, reasoning, finish;
  std::map<int, std::string> args, ids;
  int usage_chunks = 0;
};

Assembled assemble(const RecordedEvents& r) {
  Assembled a;
  for (const std::string& c : r.chunks) {
    const auto d = parse(c);
    if (d["choices"].Empty()) {
      ++a.usage_chunks;
      continue;
    }
    const auto& delta = d["choices"][0]["delta"];
    if (delta.HasMember("content")) a.content += delta["content"].GetString();
    if (delta.HasMember("reasoning_content")) a.reasoning += delta["reasoning_content"].GetString();
    if (delta.HasMember("tool_calls"))
      for (const auto& t : delta["tool_calls"].GetArray()) {
        a.ids[t["index"].GetInt()] = t["id"].GetString();
        a.args[t["index"].GetInt()] += t["function"]["arguments"].GetString();
      }
    if (d["choices"][0]["finish_reason"].IsString()) a.finish = d["choices"][0]["finish_reason"].GetString();
  }
  return a;
}

}  // namespace

TEST_CASE("request: messages, images, tools, format, options, think, keep_alive") {
  ProviderInstance p(vt(), kConfig);
  REQUIRE(p.rc == LLMGW_OK);
  Call call(R"({"model":"llama3.2","messages":[{"role":"developer","content":"Be brief."},
    {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}}]},
    {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},
    {"role":"tool","tool_call_id":"call_1","content":"sunny"}],
    "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],"tool_choice":"auto",
    "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"a":{"type":"string"}}}}},
    "temperature":0.5,"top_p":0.9,"top_k":20,"seed":3,"max_tokens":64,"stop":"END","reasoning_effort":"high","user":"u"})");
  const RecordedRequest r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url == "http://127.0.0.1:11434/api/chat");
  CHECK(r.header("authorization") == "<absent>");
  CHECK(json_equal(r.body, R"({"model":"llama3.2","messages":[
    {"role":"system","content":"Be brief."},
    {"role":"user","content":"What is this?","images":["iVBO"]},
    {"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"location":"Paris"}}}]},
    {"role":"tool","content":"sunny","tool_name":"get_weather"}],
    "stream":false,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
    "format":{"type":"object","properties":{"a":{"type":"string"}}},
    "options":{"temperature":0.5,"top_p":0.9,"top_k":20,"seed":3,"num_predict":64,"stop":["END"],"num_ctx":8192},
    "think":true,"keep_alive":"10m"})"));
}

TEST_CASE("request: what Ollama cannot honour is refused") {
  ProviderInstance p(vt(), kConfig);
  for (const char* body : {R"({"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required"})",
                           R"({"messages":[{"role":"user","content":"x"}],"n":2})",
                           R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/a.png"}}]}]})",
                           R"({"messages":[{"role":"user","content":"x"}],"logprobs":true})"}) {
    Call c(body);
    CHECK(p.encode(c.c).rc == LLMGW_UNSUPPORTED);
  }
  Call json(R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"},"stream":true})", true);
  const auto d = parse(p.encode(json.c).body);
  CHECK(std::string(d["format"].GetString()) == "json");
  CHECK(d["stream"].GetBool());
  Call deep(R"({"messages":)" + std::string(100000, '[') + std::string(100000, ']') + "}");
  CHECK(p.encode(deep.c).rc == LLMGW_BAD_ARGUMENT);
}

TEST_CASE("decode: text with thinking, tool calls, length, usage") {
  ProviderInstance p(vt(), kConfig, [](FakeHost& h) { h.realtime_ms = 1764000000000; });
  Call call(R"({"messages":[]})");
  const RecordedResult r = p.decode(call.c, 200, R"({"model":"llama3.2","created_at":"2026-12-06T05:00:00Z",
    "message":{"role":"assistant","content":"Hi","thinking":"hmm"},"done":true,"done_reason":"length","prompt_eval_count":26,"eval_count":9})");
  REQUIRE(r.rc == LLMGW_OK);
  const auto d = parse(r.body);
  CHECK(std::string(d["choices"][0]["message"]["content"].GetString()) == "Hi");
  CHECK(std::string(d["choices"][0]["message"]["reasoning_content"].GetString()) == "hmm");
  CHECK(std::string(d["choices"][0]["finish_reason"].GetString()) == "length");
  CHECK(d["usage"]["total_tokens"].GetInt() == 35);
  CHECK(r.usage->prompt_tokens == 26);
  CHECK(r.usage->completion_tokens == 9);
  const RecordedResult t = p.decode(call.c, 200, R"({"model":"llama3.2","created_at":"c","message":{"role":"assistant","content":"",
    "tool_calls":[{"function":{"name":"f","arguments":{"a":1}}},{"function":{"name":"g","arguments":{}}}]},"done":true,"done_reason":"stop"})");
  const auto td = parse(t.body);
  CHECK(std::string(td["choices"][0]["finish_reason"].GetString()) == "tool_calls");
  CHECK(td["choices"][0]["message"]["content"].IsNull());
  CHECK(std::string(td["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"].GetString()) == R"({"a":1})");
  CHECK(std::string(td["choices"][0]["message"]["tool_calls"][0]["id"].GetString()) !=
        std::string(td["choices"][0]["message"]["tool_calls"][1]["id"].GetString()));
}

TEST_CASE("errors: 404 model not found, 400 context, 500, deep body, error in a 200") {
  ProviderInstance p(vt(), R"({"provider":"ollama","api_key":"ollama-secret"})");
  Call call(R"({"messages":[]})");
  const RecordedResult nf = p.decode(call.c, 404, R"({"error":"model \"llama9\" not found, try pulling it first"})");
  CHECK(nf.error->cls == LLMGW_ERR_NOT_FOUND);
  CHECK(nf.error->status == 404);
  CHECK(p.decode(call.c, 400, R"({"error":"input length exceeds the context length"})").error->cls == LLMGW_ERR_CONTEXT_WINDOW);
  const RecordedResult e500 = p.decode(call.c, 500, R"({"error":"ollama-secret leaked"})", {{"retry-after", "3"}});
  CHECK(e500.error->cls == LLMGW_ERR_TRANSIENT);
  CHECK(e500.error->retry_after_ms == 3000);
  CHECK(e500.error->message.find("ollama-secret") == std::string::npos);
  CHECK(p.decode(call.c, 200, std::string(100000, '[') + std::string(100000, ']')).error->cls == LLMGW_ERR_BAD_RESPONSE);
  CHECK(p.decode(call.c, 200, R"({"error":"model 'x' not found"})").error->cls == LLMGW_ERR_NOT_FOUND);
  CHECK(p.encode(call.c).header("authorization") == "Bearer ollama-secret");
}

TEST_CASE("NDJSON streams: the same result however the bytes are cut") {
  ProviderInstance p(vt(), kConfig);
  Call with(R"({"messages":[],"stream":true,"stream_options":{"include_usage":true}})", true);
  Call without(R"({"messages":[],"stream":true})", true);
  const FeedWays ways{.split_stride = 1, .random_rounds = 30, .cuts_per_round = 5, .seed = 3};
  feed_all_ways(read_fixture(PROVIDER_OLLAMA_FIXTURES, "text.ndjson"), [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const RecordedEvents r = run_stream(p, with.c, pieces);
    CHECK(r.final_status == LLMGW_DONE);
    const Assembled a = assemble(r);
    CHECK(a.content == "Hello there!");
    CHECK(a.reasoning == "Greet back.");
    CHECK(a.finish == "stop");
    CHECK(a.usage_chunks == 1);
    CHECK(r.usage->prompt_tokens == 26);
    CHECK(r.usage->completion_tokens == 5);
    CHECK(assemble(run_stream(p, without.c, pieces)).usage_chunks == 0);
  }, ways);
  feed_all_ways(read_fixture(PROVIDER_OLLAMA_FIXTURES, "tools.ndjson"), [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const Assembled a = assemble(run_stream(p, without.c, pieces));
    CHECK(a.finish == "tool_calls");
    REQUIRE(a.args.size() == 2);
    CHECK(a.args.at(1) == R"({"location":"London"})");
    CHECK(a.ids.at(0) != a.ids.at(1));
  }, ways);
  feed_all_ways(read_fixture(PROVIDER_OLLAMA_FIXTURES, "error.ndjson"), [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const RecordedEvents r = run_stream(p, without.c, pieces);
    CHECK(r.final_status == LLMGW_ERROR);
    CHECK(r.error->cls == LLMGW_ERR_TRANSIENT);
    CHECK(assemble(r).content == "Hi");
  }, ways);
  feed_all_ways(read_fixture(PROVIDER_OLLAMA_FIXTURES, "truncated.ndjson"), [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const RecordedEvents r = run_stream(p, without.c, pieces);
    CHECK(r.final_status == LLMGW_ERROR);
    CHECK(r.final_from_close);
    CHECK(r.error->cls == LLMGW_ERR_BAD_RESPONSE);
  }, ways);
  const RecordedEvents deep = run_stream(p, without.c, {std::string(100000, '[') + std::string(100000, ']') + "\n"});
  CHECK(deep.error->cls == LLMGW_ERR_BAD_RESPONSE);
}
