// encode_request: passthrough (body bytes untouched, headers) and translation (golden canonical
// request → golden Messages request, compared as JSON).
#include "harness.hpp"
#include "../structured_output.hpp"

#include <catch2/catch.hpp>

using namespace test;

namespace {

const std::string kKey = "sk-ant-api03-EncodeCanary-1234";
const std::string kConfig = R"({"provider":"anthropic","model":"claude-sonnet-4-5","api_key":")" + kKey + R"("})";

/// Translates `canonical_body` and returns the Anthropic body (REQUIREs success).
std::string translated(Plugin& p, const std::string& canonical_body, bool stream = false) {
  Call call = canonical(canonical_body, stream);
  const Request r = encode(p, call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK_FALSE(r.use_call_body);
  return r.body;
}

void check_translation(Plugin& p, const std::string& canonical_body, const std::string& expected) {
  const std::string got = translated(p, canonical_body);
  INFO("got      " << compact(got));
  INFO("expected " << compact(expected));
  CHECK(json_equal(got, expected));
}

std::string messages(const std::string& list) {
  return R"({"model":"x","messages":)" + list + "}";
}

}  // namespace

TEST_CASE("passthrough: body untouched, auth and version headers, anthropic-beta forwarded", "[encode]") {
  Plugin p(kConfig);
  REQUIRE(p.rc == LLMGW_OK);
  // Odd spacing and key order must survive byte for byte (prompt caching depends on it).
  const std::string body = R"({ "model":"claude-sonnet-4-5","max_tokens":  64,"system":[{"type":"text","text":"s","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"hi"}]})";
  Call call = native(body, false,
                     {{"Anthropic-Version", "2023-06-01"},
                      {"anthropic-beta", "prompt-caching-2024-07-31"},
                      {"anthropic-beta", "output-128k-2025-02-19,token-efficient-tools-2025-02-19"},
                      {"x-api-key", "sk-ant-client-own-key"},
                      {"authorization", "Bearer client-token"}});
  const Request r = encode(p, call.c);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.method == "POST");
  CHECK(r.url == "https://api.anthropic.com/v1/messages");
  CHECK(r.use_call_body);
  CHECK(r.body.empty());
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.all("x-api-key") == std::vector<std::string>{kKey});
  CHECK(r.header("authorization") == "<absent>");
  CHECK(r.header("anthropic-version") == "2023-06-01");
  CHECK(r.all("anthropic-beta") ==
        std::vector<std::string>{"prompt-caching-2024-07-31", "output-128k-2025-02-19,token-efficient-tools-2025-02-19"});
}

TEST_CASE("passthrough: the client's anthropic-version as sent, none added; translated: the configured one", "[encode]") {
  Plugin p(R"({"provider":"anthropic","api_key":"k","extra":{"anthropic_version":"2024-01-01"}})");
  Call with = native("{}", false, {{"anthropic-version", "2023-01-01"}});
  CHECK(encode(p, with.c).header("anthropic-version") == "2023-01-01");
  Call without = native("{}");
  CHECK(encode(p, without.c).all("anthropic-version").empty());
  // A translated call always uses the configured version.
  Call translated_call = canonical(messages(R"([{"role":"user","content":"hi"}])"), false, {{"anthropic-version", "2023-01-01"}});
  CHECK(encode(p, translated_call.c).header("anthropic-version") == "2024-01-01");
}

TEST_CASE("count_tokens goes to /v1/messages/count_tokens; embeddings are unsupported", "[encode]") {
  Plugin p(kConfig);
  Call count("{\"model\":\"m\",\"messages\":[]}", LLMGW_DIALECT_ANTHROPIC_MESSAGES, false, {}, LLMGW_OP_COUNT_TOKENS);
  const Request r = encode(p, count.c);
  CHECK(r.rc == LLMGW_OK);
  CHECK(r.url == "https://api.anthropic.com/v1/messages/count_tokens");
  CHECK(r.use_call_body);

  // Translated count_tokens: no generation parameters.
  Call tcount(R"({"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":5,"temperature":1,"stream":true})",
              LLMGW_DIALECT_OPENAI_CHAT, false, {}, LLMGW_OP_COUNT_TOKENS);
  const Request t = encode(p, tcount.c);
  REQUIRE(t.rc == LLMGW_OK);
  CHECK(json_equal(t.body, R"({"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}]})"));

  Call embed("{}", LLMGW_DIALECT_OPENAI_CHAT, false, {}, LLMGW_OP_EMBEDDINGS);
  const Request e = encode(p, embed.c);
  CHECK(e.rc == LLMGW_UNSUPPORTED);
  CHECK(e.error.find("embeddings") != std::string::npos);
}

TEST_CASE("translate: the full agent golden (system blocks, images, thinking, parallel tools, tool results)", "[encode]") {
  Plugin p(kConfig);
  const std::string got = translated(p, fixture("canonical_agent.json"));
  const std::string expected = fixture("anthropic_agent.json");
  INFO("got      " << compact(got));
  INFO("expected " << compact(expected));
  CHECK(json_equal(got, expected));
}

TEST_CASE("translate: defaults — model from the call, max_tokens from config, plain string content", "[encode]") {
  Plugin p(R"({"provider":"anthropic","api_key":"k","extra":{"max_tokens":777}})");
  check_translation(p, messages(R"([{"role":"system","content":"Be terse."},{"role":"user","content":"hi"}])"),
                    R"({"model":"claude-sonnet-4-5","max_tokens":777,"system":"Be terse.","messages":[{"role":"user","content":"hi"}]})");
  Plugin q(kConfig);
  check_translation(q, messages(R"([{"role":"user","content":"hi"}])"),
                    R"({"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"hi"}]})");
}

TEST_CASE("translate: several system messages join into one string without cache_control", "[encode]") {
  Plugin p(kConfig);
  check_translation(
      p, messages(R"([{"role":"system","content":"A"},{"role":"user","content":"u"},{"role":"developer","content":[{"type":"text","text":"B"}]}])"),
      R"({"model":"claude-sonnet-4-5","max_tokens":4096,"system":"A\n\nB","messages":[{"role":"user","content":"u"}]})");
}

TEST_CASE("translate: consecutive same-role messages merge; empty text is dropped", "[encode]") {
  Plugin p(kConfig);
  check_translation(
      p,
      messages(R"([{"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"b"}]},
                   {"role":"assistant","content":"c"},{"role":"assistant","content":""},{"role":"assistant","content":"d"},
                   {"role":"user","content":"e"}])"),
      R"({"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[
           {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
           {"role":"assistant","content":[{"type":"text","text":"c"},{"type":"text","text":"d"}]},
           {"role":"user","content":"e"}]})");
}

TEST_CASE("translate: tool_choice variants and parallel_tool_calls", "[encode]") {
  Plugin p(kConfig);
  const std::string tools = R"("tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}])";
  const std::string msgs = R"("messages":[{"role":"user","content":"hi"}])";
  auto choice_of = [&](const std::string& extra) {
    rapidjson::Document d;
    const std::string body = translated(p, "{" + msgs + "," + tools + extra + "}");
    d.Parse(body.c_str());
    if (!d.HasMember("tool_choice")) return std::string("<absent>");
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    d["tool_choice"].Accept(w);
    return std::string(sb.GetString());
  };
  CHECK(choice_of("") == "<absent>");
  CHECK(choice_of(R"(,"tool_choice":"auto")") == R"({"type":"auto"})");
  CHECK(choice_of(R"(,"tool_choice":"required")") == R"({"type":"any"})");
  CHECK(choice_of(R"(,"tool_choice":"none")") == R"({"type":"none"})");
  CHECK(choice_of(R"(,"tool_choice":{"type":"function","function":{"name":"f"}})") == R"({"type":"tool","name":"f"})");
  CHECK(choice_of(R"(,"parallel_tool_calls":false)") == R"({"type":"auto","disable_parallel_tool_use":true})");
  CHECK(choice_of(R"(,"tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false)") ==
        R"({"type":"tool","name":"f","disable_parallel_tool_use":true})");
  CHECK(choice_of(R"(,"tool_choice":"none","parallel_tool_calls":false)") == R"({"type":"none"})");
  CHECK(choice_of(R"(,"parallel_tool_calls":true)") == "<absent>");

  // No tools: tool_choice and parallel_tool_calls have nothing to apply to.
  const std::string bare = translated(p, "{" + msgs + R"(,"tool_choice":"auto","parallel_tool_calls":false})");
  CHECK(bare.find("tool_choice") == std::string::npos);

  Call bad_choice = canonical("{" + msgs + "," + tools + R"(,"tool_choice":"sometimes"})");
  const Request r = encode(p, bad_choice.c);
  CHECK(r.rc == LLMGW_BAD_ARGUMENT);
  CHECK(r.error.find("tool_choice") != std::string::npos);
}

TEST_CASE("translate: stop as a string or an array", "[encode]") {
  Plugin p(kConfig);
  check_translation(p, R"({"messages":[{"role":"user","content":"count"}],"stop":"4"})",
                    R"({"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"count"}],"stop_sequences":["4"]})");
  check_translation(p, R"({"messages":[{"role":"user","content":"count"}],"stop":null,"max_tokens":10})",
                    R"({"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"count"}]})");
}

TEST_CASE("translate: thinking passes through; reasoning_effort becomes a budget", "[encode]") {
  Plugin p(kConfig);
  check_translation(
      p, R"({"messages":[{"role":"user","content":"q"}],"thinking":{"type":"enabled","budget_tokens":2048},"max_tokens":8000})",
      R"({"model":"claude-sonnet-4-5","max_tokens":8000,"messages":[{"role":"user","content":"q"}],"thinking":{"type":"enabled","budget_tokens":2048}})");
  // max_tokens is raised above the budget (Anthropic requires max_tokens > budget_tokens).
  check_translation(
      p, R"({"messages":[{"role":"user","content":"q"}],"reasoning_effort":"medium","max_tokens":1000})",
      R"({"model":"claude-sonnet-4-5","max_tokens":8192,"messages":[{"role":"user","content":"q"}],"thinking":{"type":"enabled","budget_tokens":4096}})");
  check_translation(
      p, R"({"messages":[{"role":"user","content":"q"}],"reasoning_effort":"low"})",
      R"({"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"q"}],"thinking":{"type":"enabled","budget_tokens":1024}})");
  check_translation(
      p, R"({"messages":[{"role":"user","content":"q"}],"reasoning_effort":"high"})",
      R"({"model":"claude-sonnet-4-5","max_tokens":20480,"messages":[{"role":"user","content":"q"}],"thinking":{"type":"enabled","budget_tokens":16384}})");
  check_translation(p, R"({"messages":[{"role":"user","content":"q"}],"reasoning_effort":"none"})",
                    R"({"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"q"}]})");
  Call bad = canonical(R"({"messages":[{"role":"user","content":"q"}],"reasoning_effort":"extreme"})");
  const Request r = encode(p, bad.c);
  CHECK(r.rc == LLMGW_BAD_ARGUMENT);
  CHECK(r.error.find("extreme") != std::string::npos);
}

TEST_CASE("translate: response_format json_schema → output_config.format on Claude 4.5, a forced tool before; json_object a system line", "[encode]") {
  Plugin p(kConfig);
  check_translation(
      p,
      R"({"messages":[{"role":"user","content":"Weather in Oslo?"}],
          "response_format":{"type":"json_schema","json_schema":{"name":"weather_report","description":"A report","strict":true,
            "schema":{"type":"object","properties":{"city":{"type":"string"},"where":{"type":"object","properties":{"lat":{"type":"number"}}}},"required":["city"]}}}})",
      R"({"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"Weather in Oslo?"}],
          "output_config":{"format":{"type":"json_schema","schema":{"type":"object","additionalProperties":false,"required":["city"],
            "properties":{"city":{"type":"string"},"where":{"type":"object","properties":{"lat":{"type":"number"}},"additionalProperties":false}}}}}})");
  Call older = canonical(
      R"({"messages":[{"role":"user","content":"Weather in Oslo?"}],
          "response_format":{"type":"json_schema","json_schema":{"name":"weather_report","description":"A report","strict":true,
            "schema":{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"number"}},"required":["city","celsius"]}}}})");
  older.c.model = llmgw::str("claude-3-7-sonnet-20250219");
  const Request r = encode(p, older.c);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(json_equal(r.body,
      R"({"model":"claude-3-7-sonnet-20250219","max_tokens":4096,"messages":[{"role":"user","content":"Weather in Oslo?"}],
          "tools":[{"name":"weather_report","description":"A report",
                    "input_schema":{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"number"}},"required":["city","celsius"]}}],
          "tool_choice":{"type":"tool","name":"weather_report"}})"));
  check_translation(
      p, R"({"messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"List 3 colours"}],"response_format":{"type":"json_object"}})",
      R"({"model":"claude-sonnet-4-5","max_tokens":4096,
          "system":"Be terse.\n\nRespond only with a single valid JSON object, without any text before or after it.",
          "messages":[{"role":"user","content":"List 3 colours"}]})");
  check_translation(p, R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"text"}})",
                    R"({"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"x"}]})");
}

TEST_CASE("has_native_structured_output: Opus 4.1 and Claude 4.5 on, older ids off", "[encode]") {
  for (const char* on : {"claude-sonnet-4-5", "claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-haiku-4-5@20251001",
                         "us.anthropic.claude-opus-4-5-20251101-v1:0", "claude-sonnet-5", "claude-opus-4-6"})
    CHECK(llmgw::provider_anthropic::has_native_structured_output(on));
  for (const char* off : {"claude-3-5-sonnet-20241022", "claude-sonnet-4-20250514", "claude-opus-4-20250514", "claude-sonnet-4-1",
                          "claude-haiku-4", "gpt-4o", "", "claude-sonnet-"})
    CHECK_FALSE(llmgw::provider_anthropic::has_native_structured_output(off));
}

TEST_CASE("translate: metadata.user_id wins over user; stream copied", "[encode]") {
  Plugin p(kConfig);
  check_translation(p, R"({"messages":[{"role":"user","content":"x"}],"metadata":{"user_id":"u-meta","other":"drop"},"user":"u-top","stream":false})",
                    R"({"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"x"}],"metadata":{"user_id":"u-meta"}})");
  CHECK(json_equal(translated(p, R"({"messages":[{"role":"user","content":"x"}]})", true),
                   R"({"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"x"}],"stream":true})"));
}

TEST_CASE("translate: message-level cache_control lands on the message's last block", "[encode]") {
  Plugin p(kConfig);
  check_translation(
      p, messages(R"([{"role":"system","content":"sys","cache_control":{"type":"ephemeral"}},{"role":"user","content":"u","cache_control":{"type":"ephemeral"}}])"),
      R"({"model":"claude-sonnet-4-5","max_tokens":4096,
          "system":[{"type":"text","text":"sys","cache_control":{"type":"ephemeral"}}],
          "messages":[{"role":"user","content":[{"type":"text","text":"u","cache_control":{"type":"ephemeral"}}]}]})");
}

TEST_CASE("translate: PDF file parts become documents", "[encode]") {
  Plugin p(kConfig);
  check_translation(
      p, messages(R"([{"role":"user","content":[{"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0x","filename":"a.pdf"}},{"type":"text","text":"Summarise"}]}])"),
      R"({"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":[
          {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}},
          {"type":"text","text":"Summarise"}]}]})");
}

TEST_CASE("translate: refusals and malformed requests name what is wrong", "[encode]") {
  Plugin p(kConfig);
  struct Case {
    const char* body;
    llmgw_status rc;
    const char* names;
  };
  const Case cases[] = {
      {R"({"messages":[{"role":"user","content":"x"}],"n":2})", LLMGW_UNSUPPORTED, "n"},
      {R"({"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAA","format":"wav"}}]}]})", LLMGW_UNSUPPORTED, "input_audio"},
      {R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x/y.png"}}]}]})", LLMGW_BAD_ARGUMENT, "image_url"},
      {R"({"messages":[{"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"{not json"}}]}]})", LLMGW_BAD_ARGUMENT, "messages[0].tool_calls[0].function.arguments"},
      {R"({"messages":[{"role":"tool","content":"r"}]})", LLMGW_BAD_ARGUMENT, "tool_call_id"},
      {R"({"messages":[{"role":"wizard","content":"x"}]})", LLMGW_BAD_ARGUMENT, "wizard"},
      {R"({"messages":"hi"})", LLMGW_BAD_ARGUMENT, "messages"},
      {R"({"model":"x"})", LLMGW_BAD_ARGUMENT, "messages"},
      {R"({"messages":[{"role":"user","content":"x"}],"max_tokens":0})", LLMGW_BAD_ARGUMENT, "max_tokens"},
      {R"({"messages":[{"role":"user","content":"x"}],"tools":[{"type":"web_search"}]})", LLMGW_UNSUPPORTED, "function tools"},
      {"not json", LLMGW_BAD_ARGUMENT, "JSON"},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    Call call = canonical(c.body);
    const Request r = encode(p, call.c);
    CHECK(r.rc == c.rc);
    CHECK(r.error.find(c.names) != std::string::npos);
    CHECK(r.error.find(kKey) == std::string::npos);
    CHECK(r.url.empty());  // nothing is written before the request is known to be good
  }
}

TEST_CASE("translate: dropped fields never reach Anthropic", "[encode]") {
  Plugin p(kConfig);
  const std::string body = translated(
      p, R"({"messages":[{"role":"user","content":"x","name":"bob"}],"n":1,"seed":1,"logprobs":true,"top_logprobs":2,
             "presence_penalty":1,"frequency_penalty":1,"logit_bias":{"1":2},"stream_options":{"include_usage":true},
             "service_tier":"default","store":true,"modalities":["text"]})");
  CHECK(json_equal(body, R"({"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"x"}]})"));
}

TEST_CASE("translate: a body or tool arguments nested past the limit are refused, not walked", "[encode][depth]") {
  Plugin p(kConfig);
  Call deep = canonical(R"({"messages":[{"role":"user","content":"q"}],"metadata":)" + std::string(100'000, '[') +
                        std::string(100'000, ']') + "}");
  const Request r = encode(p, deep.c);
  CHECK(r.rc == LLMGW_BAD_ARGUMENT);
  CHECK(r.error.find("deeper than 128") != std::string::npos);

  std::string args = std::string(200, '[') + std::string(200, ']');
  args = "{\\\"a\\\":" + args + "}";
  Call deep_args = canonical(R"({"messages":[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":")" +
                             args + R"("}}]},{"role":"tool","tool_call_id":"c","content":"r"}]})");
  const Request a = encode(p, deep_args.c);
  CHECK(a.rc == LLMGW_BAD_ARGUMENT);
  CHECK(a.error.find("arguments nests deeper than 128") != std::string::npos);
}
