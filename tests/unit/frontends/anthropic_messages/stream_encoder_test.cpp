#include <catch2/catch.hpp>

#include "frontends/anthropic_messages/stream_encoder.hpp"
#include "test_json.hpp"

using namespace llmgw::frontends::anthropic;
using anthropic_test::read_stream;
using anthropic_test::same_json;

namespace {

std::string chunk(const std::string& delta, const char* finish = "null") {
  return R"({"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-up","choices":[{"index":0,"delta":)" +
         delta + R"(,"finish_reason":)" + finish + "}]}";
}
std::string tool_delta(int index, const std::string& args, const char* id = nullptr, const char* name = nullptr) {
  std::string t = R"({"tool_calls":[{"index":)" + std::to_string(index);
  if (id) t += std::string(R"(,"id":")") + id + R"(","type":"function")";
  t += R"(,"function":{)";
  if (name) t += std::string(R"("name":")") + name + R"(",)";
  t += R"("arguments":)";
  std::string esc;
  for (char c : args) {
    if (c == '"' || c == '\\') esc += '\\';
    esc += c;
  }
  t += "\"" + esc + "\"}}]}";
  return t;
}
const std::string kUsage =
    R"({"id":"chatcmpl-9","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150,"prompt_tokens_details":{"cached_tokens":100},"cache_creation_input_tokens":4}})";

std::string run(const std::vector<std::string>& chunks, std::size_t* events_after_first = nullptr) {
  MessagesStreamEncoder enc("claude-client");
  std::string out;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    enc.chunk(chunks[i], out);
    if (i == 0 && events_after_first) *events_after_first = anthropic_test::parse_sse(out).size();
  }
  enc.finish(out);
  CHECK(enc.finished());
  return out;
}

}  // namespace

TEST_CASE("a text stream: message_start and ping first, one text block, stop reason and usage at the end") {
  std::size_t first = 0;
  auto s = read_stream(run({chunk(R"({"role":"assistant","content":""})"), chunk(R"({"content":"Hel"})"),
                            chunk(R"({"content":"lo \"w\"\n"})"), chunk("{}", "\"stop\""), kUsage},
                           &first));
  CHECK(first == 2);  // message_start + ping go out on the first chunk, before any content
  CHECK(s.events[1].name == "ping");
  CHECK(s.message_id == "msg_chatcmpl-9");
  CHECK(s.model == "claude-client");
  REQUIRE(s.blocks.size() == 1);
  CHECK(s.blocks[0].type == "text");
  CHECK(s.blocks[0].text == "Hello \"w\"\n");
  CHECK(s.stop_reason == "end_turn");
  CHECK(s.stop_sequence.empty());
  CHECK((*s.start_usage)["input_tokens"].GetInt() == 0);
  const auto& u = *s.final_usage;
  CHECK(u["input_tokens"].GetInt() == 16);
  CHECK(u["cache_read_input_tokens"].GetInt() == 100);
  CHECK(u["cache_creation_input_tokens"].GetInt() == 4);
  CHECK(u["output_tokens"].GetInt() == 30);
  CHECK(s.events.back().data == R"({"type":"message_stop"})");
}

TEST_CASE("the exact bytes of a short stream") {
  std::string out = run({chunk(R"({"role":"assistant","content":"Hi"})"), chunk("{}", "\"length\"")});
  CHECK(out ==
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_chatcmpl-9\",\"type\":\"message\","
        "\"role\":\"assistant\",\"model\":\"claude-client\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
        "\"usage\":{\"input_tokens\":0,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":0}}}\n\n"
        "event: ping\ndata: {\"type\":\"ping\"}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null},"
        "\"usage\":{\"output_tokens\":0}}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
}

TEST_CASE("finish writes what it is given (a trailer's comment line) between message_delta and message_stop") {
  MessagesStreamEncoder enc("claude-client");
  std::string out;
  enc.chunk(chunk(R"({"role":"assistant","content":"Hi"})", "\"stop\""), out);
  enc.finish(out, ": x-llmgw-cost: 0.000123\n\n");
  const std::size_t delta = out.find("event: message_delta\n");
  const std::size_t note = out.find(": x-llmgw-cost: 0.000123\n\n");
  REQUIRE(delta != std::string::npos);
  REQUIRE(note != std::string::npos);
  CHECK(note > delta);
  CHECK(out.substr(note) == ": x-llmgw-cost: 0.000123\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  // Without the comment line the stream is what finish() writes without one.
  std::string plain = out;
  plain.erase(note, std::string_view(": x-llmgw-cost: 0.000123\n\n").size());
  MessagesStreamEncoder without("claude-client");
  std::string expected;
  without.chunk(chunk(R"({"role":"assistant","content":"Hi"})", "\"stop\""), expected);
  without.finish(expected);
  CHECK(plain == expected);
  CHECK(read_stream(plain).events.back().data == R"({"type":"message_stop"})");
}

TEST_CASE("two parallel tool calls sent in index order stream live and reassemble") {
  const std::string a0 = R"({"city": "Paris"})", a1 = R"({"tz": "CET", "fmt": "24h"})";
  MessagesStreamEncoder enc("claude-client");
  std::string out;
  enc.chunk(chunk(R"({"role":"assistant","content":"Checking."})"), out);
  enc.chunk(chunk(tool_delta(0, "", "call_A", "get_weather")), out);
  enc.chunk(chunk(tool_delta(0, a0.substr(0, 5))), out);
  std::size_t before = out.size();
  enc.chunk(chunk(tool_delta(0, a0.substr(5))), out);
  CHECK(out.find("input_json_delta", before) != std::string::npos);  // forwarded at once, not buffered
  enc.chunk(chunk(tool_delta(1, "", "call_B", "get_time")), out);
  CHECK(out.find("\"name\":\"get_time\"") != std::string::npos);  // block 0 was complete: block 1 starts at once
  enc.chunk(chunk(tool_delta(1, a1.substr(0, 9))), out);
  enc.chunk(chunk(tool_delta(1, a1.substr(9))), out);
  enc.chunk(chunk("{}", "\"tool_calls\""), out);
  enc.chunk(kUsage, out);
  enc.finish(out);
  auto s = read_stream(out);
  REQUIRE(s.blocks.size() == 3);
  CHECK(s.blocks[0].text == "Checking.");
  CHECK(s.blocks[1].type == "tool_use");
  CHECK(s.blocks[1].id == "call_A");
  CHECK(s.blocks[1].name == "get_weather");
  CHECK(same_json(s.blocks[1].partial_json, a0));
  CHECK(s.blocks[2].id == "call_B");
  CHECK(s.blocks[2].name == "get_time");
  CHECK(same_json(s.blocks[2].partial_json, a1));
  CHECK(s.stop_reason == "tool_use");
}

TEST_CASE("interleaved parallel tool calls are buffered by index and reassembled in order") {
  const std::string a0 = R"({"q": "a \"quoted\" } brace", "n": [1, {"x": 2}]})";
  const std::string a1 = R"({"b": true})";
  const std::string a2 = R"({"c": "{"})";
  std::vector<std::string> chunks = {chunk(R"({"role":"assistant"})"),
                                     chunk(tool_delta(0, "", "call_0", "f0")),
                                     chunk(tool_delta(1, "", "call_1", "f1")),
                                     chunk(tool_delta(2, "", "call_2", "f2"))};
  // Round-robin the argument pieces: 0, 1, 2, 0, 1, 2, …
  std::vector<std::string> pieces[3];
  const std::string* args[3] = {&a0, &a1, &a2};
  for (int k = 0; k < 3; ++k)
    for (std::size_t p = 0; p < args[k]->size(); p += 4) pieces[k].push_back(args[k]->substr(p, 4));
  for (std::size_t p = 0; p < 20; ++p)
    for (int k = 0; k < 3; ++k)
      if (p < pieces[k].size()) chunks.push_back(chunk(tool_delta(k, pieces[k][p])));
  chunks.push_back(chunk("{}", "\"tool_calls\""));
  auto s = read_stream(run(chunks));
  REQUIRE(s.blocks.size() == 3);
  for (int k = 0; k < 3; ++k) {
    INFO(k);
    CHECK(s.blocks[k].type == "tool_use");
    CHECK(s.blocks[k].id == "call_" + std::to_string(k));
    CHECK(s.blocks[k].name == "f" + std::to_string(k));
    CHECK(s.blocks[k].partial_json == *args[k]);
  }
  CHECK(s.stop_reason == "tool_use");
  CHECK(s.final_usage->HasMember("output_tokens"));
}

TEST_CASE("several tool calls in one chunk, a call with no arguments, ids and indices missing") {
  std::string both = R"({"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{}"}},)"
                     R"({"index":1,"id":"b","function":{"name":"g","arguments":""}}]})";
  auto s = read_stream(run({chunk(both), chunk(R"({"tool_calls":[{"function":{"arguments":"{\"z\":1}"}}]})"), chunk("{}", "\"stop\"")}));
  REQUIRE(s.blocks.size() == 2);
  CHECK(s.blocks[0].id == "a");
  CHECK(s.blocks[0].partial_json == "{}");
  CHECK(s.blocks[1].id == "b");
  CHECK(s.blocks[1].partial_json.empty());  // input stays {} (no delta): the no-argument call
  CHECK(s.stop_reason == "tool_use");       // "stop" after tool calls
  // A piece without index is taken by position (index 0 here) — block 0 was closed, so it is dropped.
  auto s2 = read_stream(run({chunk(R"({"tool_calls":[{"id":"x","function":{"name":"n","arguments":"{\"k\":"}}]})"),
                             chunk(R"({"tool_calls":[{"function":{"arguments":"1}"}}]})")}));
  REQUIRE(s2.blocks.size() == 1);
  CHECK(s2.blocks[0].partial_json == "{\"k\":1}");
  auto s3 = read_stream(run({chunk(R"({"tool_calls":[{"index":0,"function":{"name":"n","arguments":"{}"}}]})")}));
  CHECK(s3.blocks[0].id == "toolu_llmgw_0");
}

TEST_CASE("thinking with signature, then a new thinking block, redacted thinking and text") {
  auto s = read_stream(run({
      chunk(R"({"role":"assistant","reasoning_content":"Let me "})"),
      chunk(R"({"reasoning_content":"think."})"),
      chunk(R"({"thinking_blocks":[{"type":"thinking","signature":"sig-1"}]})"),
      chunk(R"({"reasoning_content":"More.","thinking_blocks":[{"type":"thinking","thinking":"More."}]})"),
      chunk(R"({"thinking_blocks":[{"type":"thinking","thinking":"","signature":"sig-2"}]})"),
      chunk(R"({"thinking_blocks":[{"type":"redacted_thinking","data":"opaque=="}]})"),
      chunk(R"({"content":"Answer"})"),
      chunk("{}", "\"stop\""),
  }));
  REQUIRE(s.blocks.size() == 4);
  CHECK(s.blocks[0].type == "thinking");
  CHECK(s.blocks[0].thinking == "Let me think.");
  CHECK(s.blocks[0].signature == "sig-1");
  CHECK(s.blocks[1].type == "thinking");
  CHECK(s.blocks[1].thinking == "More.");  // not doubled by the repeated thinking_blocks text
  CHECK(s.blocks[1].signature == "sig-2");
  CHECK(s.blocks[2].type == "redacted_thinking");
  CHECK(s.blocks[2].data == "opaque==");
  CHECK(s.blocks[3].type == "text");
  CHECK(s.blocks[3].text == "Answer");
  CHECK(s.stop_reason == "end_turn");
}

TEST_CASE("stop reasons, stop_sequence and refusal in a stream") {
  auto s = read_stream(run({chunk(R"({"content":"a"})"), R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop","stop_sequence":"END"}]})"}));
  CHECK(s.stop_reason == "stop_sequence");
  CHECK(s.stop_sequence == "END");
  CHECK(read_stream(run({chunk(R"({"refusal":"No."})", "\"content_filter\"")})).stop_reason == "refusal");
  CHECK(read_stream(run({chunk(R"({"refusal":"No."})", "\"content_filter\"")})).blocks[0].text == "No.");
  CHECK(read_stream(run({chunk(R"({"content":"a"})", "\"length\"")})).stop_reason == "max_tokens");
  CHECK(read_stream(run({chunk(R"({"content":"a"})")})).stop_reason == "end_turn");  // no finish_reason at all
}

TEST_CASE("usage known on the first chunk goes into message_start too") {
  std::string first = R"({"id":"msg_up","choices":[{"index":0,"delta":{"role":"assistant"}}],"usage":{"prompt_tokens":50,"completion_tokens":1}})";
  auto s = read_stream(run({first, chunk(R"({"content":"x"})", "\"stop\"")}));
  CHECK(s.message_id == "msg_up");
  CHECK((*s.start_usage)["input_tokens"].GetInt() == 50);
  CHECK((*s.final_usage)["input_tokens"].GetInt() == 50);
  CHECK((*s.final_usage)["output_tokens"].GetInt() == 1);
}

TEST_CASE("error event: Anthropic shape, nothing after it") {
  MessagesStreamEncoder enc("claude-client");
  std::string out;
  enc.chunk(chunk(R"({"content":"partial"})"), out);
  llmgw::canonical::ApiError e;
  e.status = 529;
  e.type = "api_error";
  e.message = "upstream overloaded";
  enc.error(e, out);
  std::size_t size = out.size();
  enc.chunk(chunk(R"({"content":"late"})"), out);
  enc.finish(out);
  CHECK(out.size() == size);
  auto s = read_stream(out);
  REQUIRE(s.error);
  CHECK(s.events.back().data == R"({"type":"error","error":{"type":"overloaded_error","message":"upstream overloaded"}})");
  // An error before anything else is just the error event.
  MessagesStreamEncoder early("m");
  std::string out2;
  early.error(e, out2);
  CHECK_FALSE(early.started());
  CHECK(out2.rfind("event: error\ndata: ", 0) == 0);
}

TEST_CASE("odd input never breaks the stream") {
  MessagesStreamEncoder enc("claude-client");
  std::string out;
  for (const char* odd : {"", "[DONE]", "not json", "[]", "42", R"({"choices":"x"})", R"({"choices":[1]})",
                          R"({"choices":[{"delta":{"content":5,"tool_calls":[7,{"index":"x"}],"thinking_blocks":{}}}]})",
                          R"({"choices":[{"delta":null,"finish_reason":3}],"usage":[1]})"})
    enc.chunk(odd, out);
  enc.finish(out);
  auto s = read_stream(out);  // message_start … message_stop, valid
  CHECK(s.stop_reason == "tool_use");  // the {"index":"x"} entry made an (empty) tool call at position 1
  // A stream with no chunks at all still ends properly.
  MessagesStreamEncoder empty("m");
  std::string out2;
  empty.finish(out2);
  auto s2 = read_stream(out2);
  CHECK(s2.blocks.empty());
  CHECK(s2.stop_reason == "end_turn");
  CHECK(s2.message_id == "msg_llmgw");
}

TEST_CASE("a long chunk beyond the stack buffers parses") {
  std::string big(100000, 'x');
  auto s = read_stream(run({chunk(R"({"content":")" + big + "\"}", "\"stop\"")}));
  CHECK(s.blocks[0].text == big);
}

TEST_CASE("a chunk nested past the limit is refused with a 502 and writes nothing") {
  MessagesStreamEncoder enc("claude-client");
  std::string out;
  const std::string deep = R"({"id":"x","choices":[{"index":0,"delta":{"content":"a"}}],"x":)" + std::string(100'000, '[') +
                           std::string(100'000, ']') + "}";
  CHECK_FALSE(enc.chunk(deep, out));
  CHECK(out.empty());
  CHECK_FALSE(enc.started());
  CHECK(enc.refusal().status == 502);
  CHECK(enc.refusal().code == "upstream_json_too_deep");
  // Malformed chunks are still skipped silently, and a good one still starts the message.
  CHECK(enc.chunk("{not json", out));
  CHECK(enc.chunk(chunk(R"({"content":"Hi"})"), out));
  CHECK(enc.started());

  MessagesStreamEncoder low("c", 3);
  std::string out2;
  CHECK_FALSE(low.chunk(R"({"choices":[{"delta":{"content":"a"}}]})", out2));  // 4 levels
}
