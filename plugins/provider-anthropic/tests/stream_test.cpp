// Streams: every fixture fed whole, one byte at a time, split at every offset and cut at random
// must give the same translated chunks (or, passthrough, forward the same bytes with one
// emit_raw per feed) and reach the same usage and final status.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

using namespace test;

namespace {

const std::string kKey = "sk-ant-api03-StreamLeakCanary-77";
const std::string kConfig = R"({"provider":"anthropic","api_key":")" + kKey + R"("})";
const std::string kPlainRequest = R"({"model":"claude","messages":[{"role":"user","content":"hi"}],"stream":true})";
const std::string kUsageRequest =
    R"({"model":"claude","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}})";
const std::string kJsonRequest =
    R"({"model":"claude","messages":[],"stream":true,"response_format":{"type":"json_schema","json_schema":{"name":"weather_report","schema":{"type":"object"}}}})";

struct Expect {
  const char* file;
  llmgw_status status;
  bool from_close;
  llmgw_usage usage;  // struct_size 0: no usage expected
  llmgw_error_class error_class;
  int error_status;
  const char* error_type;
};

llmgw_usage u(int64_t prompt, int64_t completion, int64_t cached, int64_t creation) {
  return llmgw_usage{sizeof(llmgw_usage), prompt, completion, cached, creation, -1};
}

const Expect kFixtures[] = {
    {"text.sse", LLMGW_DONE, false, u(2032, 15, 1920, 100), {}, 0, nullptr},
    {"tools.sse", LLMGW_DONE, false, u(472, 89, -1, -1), {}, 0, nullptr},
    {"thinking.sse", LLMGW_DONE, false, u(56, 100, 0, 0), {}, 0, nullptr},
    {"json_tool.sse", LLMGW_DONE, false, u(300, 25, -1, -1), {}, 0, nullptr},
    {"stop_sequence_crlf.sse", LLMGW_DONE, false, u(28, 7, 8, 0), {}, 0, nullptr},
    {"error.sse", LLMGW_ERROR, false, u(10, 1, -1, -1), LLMGW_ERR_TRANSIENT, 529, "overloaded_error"},
    {"truncated.sse", LLMGW_ERROR, true, u(7, 1, -1, -1), LLMGW_ERR_BAD_RESPONSE, 502, "api_error"},
};

void check_outcome(const Expect& x, const StreamRun& run) {
  CHECK(run.final_status == x.status);
  CHECK(run.final_from_close == x.from_close);
  if (x.usage.struct_size) {
    REQUIRE(run.usage);
    CHECK(run.usage->prompt_tokens == x.usage.prompt_tokens);
    CHECK(run.usage->completion_tokens == x.usage.completion_tokens);
    CHECK(run.usage->cached_tokens == x.usage.cached_tokens);
    CHECK(run.usage->cache_creation_tokens == x.usage.cache_creation_tokens);
    CHECK(run.usage->reasoning_tokens == -1);
  } else {
    CHECK_FALSE(run.usage);
  }
  if (x.status == LLMGW_ERROR) {
    REQUIRE(run.error);
    CHECK(run.error_calls == 1);
    CHECK(run.error->cls == x.error_class);
    CHECK(run.error->status == x.error_status);
    CHECK(run.error->type == x.error_type);
  } else {
    CHECK_FALSE(run.error);
  }
}

/// Every way of cutting a fixture that the tests use, besides whole, bytewise and each split.
const FeedWays kCuts{.split_stride = 1, .random_rounds = 100, .cuts_per_round = 6, .seed = 11};

/// What a client would assemble from translated chunks.
struct Assembled {
  std::string content, reasoning, finish_reason, stop_sequence, signature, redacted;
  std::map<int, std::string> arguments, ids, names;
  int usage_chunks = 0;
  std::string usage_json;
};

Assembled assemble(const std::vector<std::string>& chunks) {
  Assembled a;
  for (const std::string& c : chunks) {
    rapidjson::Document d;
    d.Parse(c.c_str());
    REQUIRE_FALSE(d.HasParseError());
    CHECK(d["object"] == "chat.completion.chunk");
    CHECK(d.HasMember("id"));
    CHECK(d.HasMember("model"));
    CHECK(d.HasMember("created"));
    if (d["choices"].Empty()) {
      ++a.usage_chunks;
      rapidjson::StringBuffer sb;
      rapidjson::Writer<rapidjson::StringBuffer> w(sb);
      d["usage"].Accept(w);
      a.usage_json = sb.GetString();
      continue;
    }
    const auto& choice = d["choices"][0];
    const auto& delta = choice["delta"];
    if (choice["finish_reason"].IsString()) a.finish_reason = choice["finish_reason"].GetString();
    if (choice.HasMember("stop_sequence")) a.stop_sequence = choice["stop_sequence"].GetString();
    if (delta.HasMember("content")) a.content += delta["content"].GetString();
    if (delta.HasMember("reasoning_content")) a.reasoning += delta["reasoning_content"].GetString();
    if (delta.HasMember("thinking_blocks")) {
      const auto& tb = delta["thinking_blocks"][0];
      if (tb["type"] == "thinking") a.signature += tb["signature"].GetString();
      else a.redacted += tb["data"].GetString();
    }
    if (delta.HasMember("tool_calls")) {
      for (const auto& tc : delta["tool_calls"].GetArray()) {
        const int i = tc["index"].GetInt();
        if (tc.HasMember("id")) a.ids[i] = tc["id"].GetString();
        if (tc["function"].HasMember("name")) a.names[i] = tc["function"]["name"].GetString();
        a.arguments[i] += tc["function"]["arguments"].GetString();
      }
    }
  }
  return a;
}

const std::string& request_for(const std::string& file) {
  return file == "json_tool.sse" ? kJsonRequest : kUsageRequest;
}

}  // namespace

TEST_CASE("translated streams: the same chunks however the bytes are cut", "[stream]") {
  Plugin p(kConfig);
  REQUIRE(p.rc == LLMGW_OK);
  for (const Expect& x : kFixtures) {
    const std::string bytes = fixture(x.file);
    INFO(x.file);
    Call call = canonical(request_for(x.file), true);
    const StreamRun whole = run_stream(p, call.c, {bytes});
    check_outcome(x, whole);
    CHECK(whole.raw_calls == 0);
    CHECK_FALSE(whole.chunks.empty());
    feed_all_ways(bytes, [&](const std::vector<std::string_view>& pieces, const std::string& how) {
      INFO(how);
      const StreamRun run = run_stream(p, call.c, pieces);
      check_outcome(x, run);
      CHECK(run.chunks == whole.chunks);
    }, kCuts);
  }
}

TEST_CASE("translated text stream: golden chunks", "[stream]") {
  Plugin p(kConfig);
  Call call = canonical(kUsageRequest, true);
  const StreamRun run = run_stream(p, call.c, {fixture("text.sse")});
  const std::string head = R"({"id":"msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion.chunk","created":1764000000,"model":"claude-sonnet-4-5-20250929",)";
  const std::vector<std::string> expected = {
      head + R"("choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]})",
      head + R"("choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]})",
      head + R"("choices":[{"index":0,"delta":{"content":"! Été à 東京 \"quoted\"\n"},"finish_reason":null}]})",
      head + R"("choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})",
      head + R"("choices":[],"usage":{"prompt_tokens":2032,"completion_tokens":15,"total_tokens":2047,"prompt_tokens_details":{"cached_tokens":1920},"cache_creation_input_tokens":100}})",
  };
  CHECK(run.chunks == expected);

  // Without stream_options.include_usage there is no usage chunk, but usage is still reported.
  Call plain = canonical(kPlainRequest, true);
  const StreamRun no_usage = run_stream(p, plain.c, {fixture("text.sse")});
  CHECK(no_usage.chunks == std::vector<std::string>(expected.begin(), expected.end() - 1));
  REQUIRE(no_usage.usage);
  CHECK(no_usage.usage->prompt_tokens == 2032);
}

TEST_CASE("translated tool stream: parallel calls by index, arguments reassemble to the input", "[stream]") {
  Plugin p(kConfig);
  Call call = canonical(kPlainRequest, true);
  const StreamRun run = run_stream(p, call.c, bytewise(fixture("tools.sse")));
  Assembled a = assemble(run.chunks);
  CHECK(a.content == "I'll check both cities.");
  CHECK(a.finish_reason == "tool_calls");
  REQUIRE(a.arguments.size() == 2);
  CHECK(a.ids.at(0) == "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
  CHECK(a.ids.at(1) == "toolu_01Q2nq9kS9M5d3Vbn6tLkA4Y");
  CHECK(a.names.at(0) == "get_weather");
  CHECK(a.names.at(1) == "get_weather");
  CHECK(json_equal(a.arguments.at(0), R"({"location":"San Francisco, CA","unit":"fahrenheit"})"));
  CHECK(json_equal(a.arguments.at(1), R"({"location":"Paris, France"})"));
  // The first chunk of each call carries id, type and name with empty arguments.
  CHECK(std::count_if(run.chunks.begin(), run.chunks.end(), [](const std::string& c) {
          return c.find(R"("type":"function","function":{"name":"get_weather","arguments":""})") != std::string::npos;
        }) == 2);
}

TEST_CASE("translated thinking stream: reasoning, signature, redacted block", "[stream]") {
  Plugin p(kConfig);
  Call call = canonical(kPlainRequest, true);
  const Assembled a = assemble(run_stream(p, call.c, {fixture("thinking.sse")}).chunks);
  CHECK(a.reasoning == "Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3");
  CHECK(a.signature == "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds");
  CHECK(a.redacted == "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP");
  CHECK(a.content == "27 * 453 = 12,231");
  CHECK(a.finish_reason == "stop");
}

TEST_CASE("translated json_schema stream: the tool input streams out as content", "[stream]") {
  Plugin p(kConfig);
  Call call = canonical(kJsonRequest, true);
  const Assembled a = assemble(run_stream(p, call.c, {fixture("json_tool.sse")}).chunks);
  CHECK(a.content == R"({"city": "Oslo", "celsius": -3})");
  CHECK(a.arguments.empty());
  CHECK(a.finish_reason == "stop");
}

TEST_CASE("translated stop_sequence stream: finish chunk names the sequence; cumulative usage wins", "[stream]") {
  Plugin p(kConfig);
  Call call = canonical(kUsageRequest, true);
  const Assembled a = assemble(run_stream(p, call.c, {fixture("stop_sequence_crlf.sse")}).chunks);
  CHECK(a.finish_reason == "stop");
  CHECK(a.stop_sequence == "4");
  CHECK(a.usage_chunks == 1);
  CHECK(a.usage_json == R"({"prompt_tokens":28,"completion_tokens":7,"total_tokens":35,"prompt_tokens_details":{"cached_tokens":8},"cache_creation_input_tokens":0})");
}

TEST_CASE("passthrough streams: identical bytes, one emit_raw per feed, usage found", "[stream]") {
  Plugin p(kConfig);
  for (const Expect& x : kFixtures) {
    const std::string bytes = fixture(x.file);
    INFO(x.file);
    Call call = native(R"({"model":"claude","stream":true})", true);
    feed_all_ways(bytes, [&](const std::vector<std::string_view>& pieces, const std::string& how) {
      INFO(how);
      const StreamRun run = run_stream(p, call.c, pieces);
      check_outcome(x, run);
      CHECK(run.chunks.empty());
      CHECK(run.raw_calls == run.nonempty_feeds);
      // Everything fed up to the final status was forwarded, unchanged, nothing held back.
      std::string fed;
      for (int i = 0; i < run.feeds; ++i) fed += pieces[static_cast<std::size_t>(i)];
      CHECK(run.raw == fed);
      if (x.from_close) CHECK(run.raw == bytes);
    }, kCuts);
  }
}

TEST_CASE("after message_stop, later bytes are neither forwarded nor looked at", "[stream]") {
  Plugin p(kConfig);
  Call call = native("{}", true);
  StreamSession s(p, call.c);
  CHECK(s.feed("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\nevent: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"late\"}}\n\n") == LLMGW_DONE);
  CHECK(s.run.raw_calls == 1);  // the whole feed was forwarded before it was looked at
  CHECK(s.feed("event: error\ndata: {}\n\n") == LLMGW_DONE);
  CHECK(s.run.raw_calls == 1);
  CHECK(s.close() == LLMGW_DONE);
  CHECK_FALSE(s.run.error);
}

TEST_CASE("an error is reported again if the core keeps calling", "[stream]") {
  Plugin p(kConfig);
  Call call = canonical(kPlainRequest, true);
  StreamSession s(p, call.c);
  CHECK(s.feed("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow\"}}\n\n") == LLMGW_ERROR);
  CHECK(s.feed("event: ping\ndata: {\"type\":\"ping\"}\n\n") == LLMGW_ERROR);
  CHECK(s.close() == LLMGW_ERROR);
  CHECK(s.run.error_calls == 3);
  CHECK(s.run.error->cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(s.run.error->status == 429);
}

TEST_CASE("malformed translated events are bad responses; unnamed passthrough events still count", "[stream]") {
  Plugin p(kConfig);
  Call call = canonical(kPlainRequest, true);
  const StreamRun bad = run_stream(p, call.c, {"event: content_block_delta\ndata: {not json\n\n"});
  REQUIRE(bad.error);
  CHECK(bad.error->cls == LLMGW_ERR_BAD_RESPONSE);

  Call native_call = native("{}", true);
  const StreamRun unnamed = run_stream(
      p, native_call.c,
      {"data: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
       "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":9}}\n\n"
       "data: {\"type\":\"message_stop\"}\n\n"});
  CHECK(unnamed.final_status == LLMGW_DONE);
  REQUIRE(unnamed.usage);
  CHECK(unnamed.usage->prompt_tokens == 3);
  CHECK(unnamed.usage->completion_tokens == 9);
}

TEST_CASE("stream errors never carry the api key", "[stream][secrets]") {
  Plugin p(kConfig);
  const std::string ev = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"bad key " + kKey + "\"}}\n\n";
  for (bool translated : {true, false}) {
    Call call = translated ? canonical(kPlainRequest, true) : native("{}", true);
    const StreamRun run = run_stream(p, call.c, {ev});
    REQUIRE(run.error);
    CHECK(run.error->cls == LLMGW_ERR_AUTH);
    CHECK(run.error->message == "bad key [REDACTED]");
  }
}

TEST_CASE("concurrent streams on one instance are independent", "[stream]") {
  Plugin p(kConfig);
  Call call = canonical(kPlainRequest, true);
  StreamSession a(p, call.c), b(p, call.c);
  const std::string text = fixture("text.sse");
  const std::string tools = fixture("tools.sse");
  std::size_t i = 0, j = 0;
  while (i < text.size() || j < tools.size()) {
    if (i < text.size()) a.feed(std::string_view(text).substr(i++, 1));
    if (j < tools.size()) b.feed(std::string_view(tools).substr(j, 3)), j += 3;
  }
  CHECK(assemble(a.run.chunks).content == "Hello! Été à 東京 \"quoted\"\n");
  CHECK(assemble(b.run.chunks).arguments.size() == 2);
}

TEST_CASE("an event nested too deep: a BAD_RESPONSE, and on passthrough its bytes are not forwarded", "[stream][depth]") {
  Plugin p(kConfig);
  const std::string deep = "event: message_delta\ndata: " + std::string(100'000, '[') + std::string(100'000, ']') + "\n\n";
  Call passthrough = native(kPlainRequest, true);
  StreamSession s(p, passthrough.c);
  CHECK(s.feed(deep) == LLMGW_ERROR);
  CHECK(s.run.raw_calls == 0);
  REQUIRE(s.run.error);
  CHECK(s.run.error->cls == LLMGW_ERR_BAD_RESPONSE);
  CHECK(s.run.error->status == 502);
  CHECK(s.run.error->code == "upstream_json_too_deep");

  Call translated = canonical(kPlainRequest, true);
  const StreamRun run = run_stream(p, translated.c, {deep});
  CHECK(run.final_status == LLMGW_ERROR);
  CHECK(run.chunk_calls == 0);
  REQUIRE(run.error);
  CHECK(run.error->code == "upstream_json_too_deep");
}
