// The SAX scans and the leading-"type" fast path in front of them.
#include "harness.hpp"
#include "scan.hpp"

#include <catch2/catch.hpp>

#include <llmgw/sse.hpp>

#include <random>

using namespace test;
using llmgw::provider_anthropic::leading_type;
using llmgw::provider_anthropic::scan_message;
using llmgw::provider_anthropic::scan_request;

namespace {

/// Every event's data in a fixture.
std::vector<std::string> events(const std::string& file) {
  std::vector<std::string> out;
  llmgw::SseFramer framer;
  auto on = [&](std::string_view data) {
    out.emplace_back(data);
    return true;
  };
  framer.feed(fixture(file), on);
  framer.finish(on);
  return out;
}

}  // namespace

TEST_CASE("leading_type agrees with the full scan whenever it answers", "[scan]") {
  std::vector<std::string> samples;
  for (const char* f : {"text.sse", "tools.sse", "thinking.sse", "error.sse", "stop_sequence_crlf.sse", "json_tool.sse"})
    for (std::string& e : events(f)) samples.push_back(std::move(e));
  REQUIRE(samples.size() > 40);
  // Variants the fast path must decline or still get right.
  samples.push_back(R"(  { "type" : "message_stop" } )");
  samples.push_back(R"({"index":0,"type":"content_block_stop"})");        // type not first: declined
  samples.push_back(R"({"type":"message\u005fstop"})");                    // escaped: declined
  samples.push_back(R"({"typo":"message_stop","type":"ping"})");
  samples.push_back(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  samples.push_back(R"(["type"])");
  std::mt19937 rng(3);
  const std::size_t base = samples.size();
  for (std::size_t i = 0; i < base; ++i) {  // and every prefix of a few of them
    if (rng() % 4) continue;
    for (std::size_t n = 0; n < samples[i].size(); n += 3) samples.push_back(samples[i].substr(0, n));
  }
  int answered = 0;
  for (const std::string& s : samples) {
    INFO(s);
    const std::string_view lead = leading_type(s);
    if (lead.empty()) continue;
    const auto scan = scan_message(s);
    if (!scan.valid) continue;  // the fast path is only promised for valid JSON
    ++answered;
    CHECK(lead == scan.type);
  }
  CHECK(answered > 40);
  CHECK(leading_type(R"({"index":0,"type":"x"})").empty());
  CHECK(leading_type(R"({"type":"a\"b"})").empty());
}

TEST_CASE("scan_message reads usage from message_start, message_delta and whole messages", "[scan]") {
  const auto start = scan_message(R"({"type":"message_start","message":{"id":"m","content":[{"type":"text","usage":{"input_tokens":999}}],
      "usage":{"input_tokens":5,"cache_read_input_tokens":7,"cache_creation_input_tokens":2,"output_tokens":1,"cache_creation":{"ephemeral_5m_input_tokens":2}}}})");
  CHECK(start.valid);
  CHECK(start.type == "message_start");
  CHECK(start.usage.input == 5);
  CHECK(start.usage.cache_read == 7);
  CHECK(start.usage.cache_creation == 2);
  CHECK(start.usage.output == 1);
  const auto whole = scan_message(R"({"type":"message","usage":{"input_tokens":3,"output_tokens":4},"content":[]})");
  CHECK(whole.usage.prompt_tokens() == 3);
  CHECK(whole.usage.output == 4);
  const auto err = scan_message(R"({"type":"error","error":{"type":"api_error","message":"boom"}})");
  CHECK(err.has_error);
  CHECK(err.error_type == "api_error");
  CHECK(err.error_message == "boom");
  CHECK_FALSE(scan_message("{\"type\":").valid);
  CHECK_FALSE(scan_message("[1]").root_object);
}

TEST_CASE("scan_request finds include_usage and the json_schema tool", "[scan]") {
  CHECK_FALSE(scan_request(R"({"messages":[]})").include_usage);
  CHECK(scan_request(R"({"stream_options":{"include_usage":true},"messages":[]})").include_usage);
  CHECK_FALSE(scan_request(R"({"messages":[{"role":"user","content":"include_usage"}]})").include_usage);
  const auto js = scan_request(R"({"response_format":{"json_schema":{"name":"report","schema":{}},"type":"json_schema"}})");
  CHECK(js.json_schema);
  CHECK(js.json_tool_name == "report");
  const auto unnamed = scan_request(R"({"response_format":{"type":"json_schema","json_schema":{"schema":{}}}})");
  CHECK(unnamed.json_tool_name == "json_tool_call");
  const auto object = scan_request(R"({"response_format":{"type":"json_object"},"messages":[{"role":"user","content":"json_schema"}]})");
  CHECK_FALSE(object.json_schema);
  CHECK(object.json_tool_name.empty());
}

TEST_CASE("scan_message: nesting past the limit is too_deep, not a crash", "[scan][depth]") {
  const std::string at = R"({"type":"message_delta","x":)" + std::string(127, '[') + std::string(127, ']') + "}";
  CHECK(scan_message(at).valid);
  CHECK_FALSE(scan_message(at).too_deep);
  const auto deep = scan_message(R"({"type":"message_delta","x":)" + std::string(1'000'000, '['));
  CHECK_FALSE(deep.valid);
  CHECK(deep.too_deep);
  CHECK_FALSE(scan_message("{\"type\":").too_deep);
  CHECK(scan_message(R"({"type":"x","s":")" + std::string(10000, '{') + "\"}").valid);
  // scan_request is bounded too (it only runs when the body mentions its keys).
  CHECK_FALSE(scan_request(R"({"stream_options":{"include_usage":true},"x":)" + std::string(1'000'000, '[')).include_usage);
}
