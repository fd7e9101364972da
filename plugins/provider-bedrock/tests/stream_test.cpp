// converse-stream → canonical chunks: text, tool calls with split input, reasoning, usage with
// cache tokens, exceptions, truncation and corruption; the same output however the bytes are cut.
#include "harness.hpp"

#include <map>

using namespace bedrock_test;
using llmgw::testing::FeedWays;
using llmgw::testing::ProviderInstance;
using llmgw::testing::RecordedEvents;

namespace {

const std::string kUsage =
    R"({"usage":{"inputTokens":20,"outputTokens":12,"totalTokens":1080,"cacheReadInputTokens":1024,"cacheWriteInputTokens":24},"metrics":{"latencyMs":400}})";

std::string tools_stream() {
  return event("messageStart", R"({"role":"assistant","p":"abcd"})") +
         event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Weather needed."}}})") +
         event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"c2ln"}}})") +
         event("contentBlockStop", R"({"contentBlockIndex":0})") +
         event("contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"text":"Checking."}})") +
         event("contentBlockStop", R"({"contentBlockIndex":1})") +
         event("contentBlockStart", R"({"contentBlockIndex":2,"start":{"toolUse":{"toolUseId":"tooluse_P","name":"get_weather"}}})") +
         event("contentBlockDelta", R"({"contentBlockIndex":2,"delta":{"toolUse":{"input":"{\"location\":"}}})") +
         event("contentBlockDelta", R"({"contentBlockIndex":2,"delta":{"toolUse":{"input":"\"Paris\"}"}}})") +
         event("contentBlockStop", R"({"contentBlockIndex":2})") +
         event("contentBlockStart", R"({"contentBlockIndex":3,"start":{"toolUse":{"toolUseId":"tooluse_L","name":"get_weather"}}})") +
         event("contentBlockDelta", R"({"contentBlockIndex":3,"delta":{"toolUse":{"input":"{\"location\":\"London\"}"}}})") +
         event("contentBlockStop", R"({"contentBlockIndex":3})") + event("messageStop", R"({"stopReason":"tool_use"})") +
         event("metadata", kUsage);
}

}  // namespace

TEST_CASE("stream: reasoning, text, two tool calls with split input, usage; cut every way") {
  ProviderInstance p(vt(), kConfig);
  Call call(R"({"messages":[],"stream":true,"stream_options":{"include_usage":true}})", true);
  const FeedWays ways{.split_stride = 7, .random_rounds = 20, .cuts_per_round = 6, .seed = 5};
  const std::string bytes = tools_stream();
  llmgw::testing::feed_all_ways(bytes, [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const RecordedEvents r = run_stream(p, call.c, pieces);
    REQUIRE(r.final_status == LLMGW_DONE);
    std::map<int, std::string> args, ids;
    std::string text, reasoning, finish, signature;
    int usage_chunks = 0;
    for (const auto& c : r.chunks) {
      const auto d = parse(c);
      if (d["choices"].Empty()) {
        ++usage_chunks;
        CHECK(d["usage"]["prompt_tokens"].GetInt64() == 1068);
        CHECK(d["usage"]["prompt_tokens_details"]["cached_tokens"].GetInt64() == 1024);
        CHECK(d["usage"]["cache_creation_input_tokens"].GetInt64() == 24);
        continue;
      }
      const auto& delta = d["choices"][0]["delta"];
      if (delta.HasMember("content")) text += delta["content"].GetString();
      if (delta.HasMember("reasoning_content")) reasoning += delta["reasoning_content"].GetString();
      if (delta.HasMember("thinking_blocks")) signature = delta["thinking_blocks"][0]["signature"].GetString();
      if (delta.HasMember("tool_calls")) {
        const auto& t = delta["tool_calls"][0];
        if (t.HasMember("id")) ids[t["index"].GetInt()] = t["id"].GetString();
        args[t["index"].GetInt()] += t["function"]["arguments"].GetString();
      }
      if (d["choices"][0]["finish_reason"].IsString()) finish = d["choices"][0]["finish_reason"].GetString();
    }
    CHECK(parse(r.chunks[0])["choices"][0]["delta"]["role"] == "assistant");
    CHECK(text == "Checking.");
    CHECK(reasoning == "Weather needed.");
    CHECK(signature == "c2ln");
    CHECK(ids[0] == "tooluse_P");
    CHECK(ids[1] == "tooluse_L");
    CHECK(args[0] == R"({"location":"Paris"})");
    CHECK(args[1] == R"({"location":"London"})");
    CHECK(finish == "tool_calls");
    CHECK(usage_chunks == 1);
    REQUIRE(r.usage.has_value());
    CHECK(r.usage->prompt_tokens == 1068);
    CHECK(r.usage->cached_tokens == 1024);
    CHECK(r.usage->cache_creation_tokens == 24);
  }, ways);
}

TEST_CASE("stream: exceptions, truncation, corruption, end without metadata") {
  ProviderInstance p(vt(), kConfig);
  Call call(R"({"messages":[],"stream":true})", true);
  const std::string start = event("messageStart", R"({"role":"assistant"})") +
                            event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"Hel"}})");

  const RecordedEvents thr = run_stream(p, call.c, {start + exception("throttlingException", R"({"message":"Too many tokens, please wait before trying again."})")});
  REQUIRE(thr.final_status == LLMGW_ERROR);
  CHECK(thr.error->cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(thr.error->status == 429);
  CHECK(thr.error->message == "Too many tokens, please wait before trying again.");
  const RecordedEvents mse = run_stream(p, call.c, {start + exception("modelStreamErrorException", R"({"message":"boom","originalStatusCode":500})")});
  CHECK(mse.error->cls == LLMGW_ERR_TRANSIENT);

  const RecordedEvents cut = run_stream(p, call.c, {start});
  CHECK(cut.final_status == LLMGW_ERROR);
  CHECK(cut.error->cls == LLMGW_ERR_BAD_RESPONSE);
  CHECK(cut.error->message == "upstream stream ended before messageStop");
  const std::string next = event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"lo"}})");
  const RecordedEvents mid = run_stream(p, call.c, {start + next.substr(0, 10)});
  CHECK(mid.error->message == "upstream stream ended inside an event-stream message");

  std::string corrupt = next;
  corrupt[corrupt.size() - 8] ^= 1;
  const RecordedEvents bad = run_stream(p, call.c, {start, corrupt, event("messageStop", R"({"stopReason":"end_turn"})")});
  CHECK(bad.final_status == LLMGW_ERROR);
  CHECK(bad.error->cls == LLMGW_ERR_BAD_RESPONSE);
  CHECK(bad.error->status == 502);
  CHECK(bad.error->message.find("CRC") != std::string::npos);
  CHECK(bad.chunks.size() == 2);  // role and "Hel": nothing after the corrupt message

  const RecordedEvents nometa = run_stream(p, call.c, {start + event("messageStop", R"({"stopReason":"max_tokens"})")});
  CHECK(nometa.final_status == LLMGW_DONE);
  CHECK(parse(nometa.chunks.back())["choices"][0]["finish_reason"] == "length");

  const RecordedEvents orphan = run_stream(p, call.c, {start + event("contentBlockDelta", R"({"contentBlockIndex":5,"delta":{"toolUse":{"input":"{}"}}})")});
  CHECK(orphan.error->cls == LLMGW_ERR_BAD_RESPONSE);
  std::string many = event("messageStart", R"({"role":"assistant"})");
  for (int i = 0; i <= 1024; ++i)
    many += event("contentBlockStart", R"({"contentBlockIndex":)" + std::to_string(i) + R"(,"start":{"toolUse":{"toolUseId":"t","name":"f"}}})");
  const RecordedEvents flood = run_stream(p, call.c, {many});
  CHECK(flood.error->message == "upstream started more than 1024 tool calls");
  CHECK(flood.chunks.size() == 1025);  // role and 1024 calls
  const RecordedEvents notjson = run_stream(p, call.c, {event("messageStart", "{")});
  CHECK(notjson.error->cls == LLMGW_ERR_BAD_RESPONSE);
}
