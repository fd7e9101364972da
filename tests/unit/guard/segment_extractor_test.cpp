#include <catch2/catch.hpp>

#include "guard/segment_extractor.hpp"
#include "guard/text_edits.hpp"

using namespace llmgw::guard;

namespace {
std::string token(std::string_view body, const Segment& s) { return std::string(body.substr(s.begin, s.end - s.begin)); }
}  // namespace

TEST_CASE("OpenAI chat request: system, parts, tool-call arguments, tool results, with provenance", "[segments]") {
  const std::string body = R"({"model":"m","messages":[
    {"role":"system","content":"be nice"},
    {"content":[{"type":"text","text":"hi \"you\" \u00e9"},{"type":"image_url","image_url":{"url":"x"}}],"role":"user"},
    {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"lookup","arguments":"{\"q\":1}"}}]},
    {"role":"tool","tool_call_id":"c1","content":"result text"}]})";
  const Extraction x = extract_segments(LLMGW_DIALECT_OPENAI_CHAT, BodyKind::request, body, 64);
  REQUIRE(x.ok);
  REQUIRE(x.segments.size() == 4);
  CHECK(x.segments[0].source == LLMGW_SEGMENT_SYSTEM);
  CHECK(x.segments[0].text == "be nice");
  CHECK(x.segments[0].role == "system");
  CHECK(x.segments[1].source == LLMGW_SEGMENT_MESSAGE);
  CHECK(x.segments[1].role == "user");  // the role came after the content
  CHECK(x.segments[1].message_index == 1);
  CHECK(x.segments[1].part_index == 0);
  CHECK(x.segments[1].text == "hi \"you\" \xc3\xa9");
  CHECK(token(body, x.segments[1]) == R"("hi \"you\" \u00e9")");
  CHECK(x.segments[2].source == LLMGW_SEGMENT_TOOL_ARGUMENTS);
  CHECK(x.segments[2].name == "lookup");
  CHECK(x.segments[2].text == R"({"q":1})");
  CHECK(x.segments[3].source == LLMGW_SEGMENT_TOOL_RESULT);
  CHECK(x.segments[3].name == "c1");
  CHECK(x.segments[3].message_index == 3);
}

TEST_CASE("Anthropic request: system blocks, text, tool_use input strings, tool_result content; thinking left alone",
          "[segments]") {
  const std::string body = R"({"model":"m","system":[{"type":"text","text":"sys","cache_control":{"type":"ephemeral"}}],
    "messages":[{"role":"user","content":"plain"},
    {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"ok"},
      {"type":"tool_use","id":"t1","name":"mail","input":{"to":"a@b.c","n":3,"cc":["x"]}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"sent"}]},
      {"type":"tool_result","tool_use_id":"t2","content":"done"}]}]})";
  const Extraction x = extract_segments(LLMGW_DIALECT_ANTHROPIC_MESSAGES, BodyKind::request, body, 64);
  REQUIRE(x.ok);
  std::vector<std::string> texts;
  for (const auto& s : x.segments) texts.push_back(s.text);
  CHECK(texts == std::vector<std::string>{"sys", "plain", "ok", "a@b.c", "x", "sent", "done"});
  CHECK(x.segments[0].source == LLMGW_SEGMENT_SYSTEM);
  CHECK(x.segments[0].message_index == -1);
  CHECK(x.segments[3].source == LLMGW_SEGMENT_TOOL_ARGUMENTS);
  CHECK(x.segments[3].name == "mail");
  CHECK(x.segments[5].source == LLMGW_SEGMENT_TOOL_RESULT);
  CHECK(x.segments[5].name == "t1");
  CHECK(x.segments[6].name == "t2");
}

TEST_CASE("answers and stream events", "[segments]") {
  const std::string openai = R"({"choices":[{"index":0,"message":{"role":"assistant","content":"hello",
    "tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}}]})";
  auto x = extract_segments(LLMGW_DIALECT_OPENAI_CHAT, BodyKind::answer, openai, 64);
  REQUIRE(x.segments.size() == 2);
  CHECK(x.segments[0].source == LLMGW_SEGMENT_ANSWER);
  CHECK(x.segments[1].source == LLMGW_SEGMENT_TOOL_ARGUMENTS);
  const std::string anthropic = R"({"content":[{"type":"text","text":"hi"},{"type":"tool_use","name":"f","input":{"a":"b"}}]})";
  x = extract_segments(LLMGW_DIALECT_ANTHROPIC_MESSAGES, BodyKind::answer, anthropic, 64);
  REQUIRE(x.segments.size() == 2);
  CHECK(x.segments[1].part_index == 1);
  const std::string chunk = R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":2,"function":{"arguments":"{\"a"}}]},"finish_reason":"stop"}]})";
  x = extract_segments(LLMGW_DIALECT_OPENAI_CHAT, BodyKind::stream_event, chunk, 64);
  REQUIRE(x.segments.size() == 1);
  CHECK(x.segments[0].part_index == 2);
  CHECK(x.finished_choices == std::vector<int64_t>{0});
  const std::string event = R"({"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"yo"}})";
  x = extract_segments(LLMGW_DIALECT_ANTHROPIC_MESSAGES, BodyKind::stream_event, event, 64);
  REQUIRE(x.segments.size() == 1);
  CHECK(x.event_type == "content_block_delta");
  CHECK(x.segments[0].part_index == 3);
}

TEST_CASE("Anthropic stream: input_json_delta partial_json is a tool-arguments segment of its block", "[segments]") {
  const std::string event =
      R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"to\": \"ann@exa"}})";
  auto x = extract_segments(LLMGW_DIALECT_ANTHROPIC_MESSAGES, BodyKind::stream_event, event, 64);
  REQUIRE(x.ok);
  REQUIRE(x.segments.size() == 1);
  CHECK(x.event_type == "content_block_delta");
  CHECK(x.segments[0].source == LLMGW_SEGMENT_TOOL_ARGUMENTS);
  CHECK(x.segments[0].part_index == 1);
  CHECK(x.segments[0].text == R"({"to": "ann@exa)");  // decoded: the escapes are gone
  CHECK(token(event, x.segments[0]) == R"("{\"to\": \"ann@exa")");
  // An empty partial_json (Anthropic sends one first) is no text to check.
  const std::string empty = R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}})";
  x = extract_segments(LLMGW_DIALECT_ANTHROPIC_MESSAGES, BodyKind::stream_event, empty, 64);
  REQUIRE(x.ok);
  for (const auto& seg : x.segments) CHECK(seg.text.empty());
  // A text_delta and a partial_json of the same index are different channels.
  const std::string text = R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"yo"}})";
  x = extract_segments(LLMGW_DIALECT_ANTHROPIC_MESSAGES, BodyKind::stream_event, text, 64);
  REQUIRE(x.segments.size() == 1);
  CHECK(x.segments[0].source == LLMGW_SEGMENT_ANSWER);
}

TEST_CASE("bad bodies: not JSON, too deep, not an object", "[segments]") {
  CHECK_FALSE(extract_segments(LLMGW_DIALECT_OPENAI_CHAT, BodyKind::request, R"({"messages":[)", 64).ok);
  CHECK_FALSE(extract_segments(LLMGW_DIALECT_OPENAI_CHAT, BodyKind::request, "[1]", 64).ok);
  CHECK_FALSE(extract_segments(LLMGW_DIALECT_OPENAI_CHAT, BodyKind::request, R"({"a":[[[[1]]]]})", 3).ok);
}

TEST_CASE("bad bodies: invalid UTF-8 in a string, a key or outside them", "[segments]") {
  // The parse itself does not validate the encoding; the handler checks every string and key.
  const std::string good = std::string(R"({"messages":[{"role":"user","content":"h\u00e9 caf)") + "\xc3\xa9" + R"("}]})";
  CHECK(extract_segments(LLMGW_DIALECT_OPENAI_CHAT, BodyKind::request, good, 64).ok);
  const std::string bad[] = {
      std::string(R"({"messages":[{"role":"user","content":"caf)") + "\xc3\x28" + R"("}]})",
      std::string(R"({"messages":[{"role":"user","content":"x)") + "\xed\xa0\x80" + R"("}]})",  // a surrogate
      std::string(R"({"messages":[{"role":"user","content":"\ud800"}]})"),                  // a lone one, escaped
      std::string(R"({"messages":[{"role":"user","con)") + "\xff" + R"(tent":"x"}]})",        // in a key
      std::string(R"({"messages":[{"role":"user","content":"x"})") + "\xc3\xa9" + "]}",      // outside strings
  };
  for (const std::string& body : bad) CHECK_FALSE(extract_segments(LLMGW_DIALECT_OPENAI_CHAT, BodyKind::request, body, 64).ok);
}

TEST_CASE("splice: only changed strings are rewritten, every other byte stays", "[segments]") {
  const std::string body = R"({"messages":[{"role":"user","content":[{"type":"text","text":"my secret","cache_control":{"type":"ephemeral"}}]}],  "z" : 1 })";
  Extraction x = extract_segments(LLMGW_DIALECT_ANTHROPIC_MESSAGES, BodyKind::request, body, 64);
  REQUIRE(x.segments.size() == 1);
  REQUIRE(apply_replacements(x.segments[0].text, {{3, 6, "[S] \"q\""}}));
  const std::string out = splice_segments(body, x.segments, {true});
  CHECK(out == R"({"messages":[{"role":"user","content":[{"type":"text","text":"my [S] \"q\"","cache_control":{"type":"ephemeral"}}]}],  "z" : 1 })");
  std::string t = "abcdef";
  CHECK_FALSE(apply_replacements(t, {{1, 3, "x"}, {2, 1, "y"}}));  // overlap
  CHECK_FALSE(apply_replacements(t, {{5, 3, "x"}}));               // past the end
  CHECK(t == "abcdef");
}

TEST_CASE("OpenAI embeddings request: input as a string or a list of strings; token arrays are not text",
          "[segments][embeddings]") {
  const std::string one = R"({"model":"e","input":"one \"text\"","encoding_format":"float","user":"not judged"})";
  Extraction x = extract_segments(LLMGW_DIALECT_OPENAI_EMBEDDINGS, BodyKind::request, one, 64);
  REQUIRE(x.ok);
  REQUIRE(x.segments.size() == 1);
  CHECK(x.segments[0].text == "one \"text\"");
  CHECK(x.segments[0].source == LLMGW_SEGMENT_MESSAGE);
  CHECK(x.segments[0].message_index == 0);
  CHECK(x.segments[0].role == "user");
  CHECK(token(one, x.segments[0]) == R"("one \"text\"")");

  const std::string list = R"({"input":["a","b",["c"]],"model":"e"})";
  x = extract_segments(LLMGW_DIALECT_OPENAI_EMBEDDINGS, BodyKind::request, list, 64);
  REQUIRE(x.ok);
  REQUIRE(x.segments.size() == 2);  // "c" nested in a list is not an input of its own
  CHECK(x.segments[1].text == "b");
  CHECK(x.segments[1].message_index == 1);

  x = extract_segments(LLMGW_DIALECT_OPENAI_EMBEDDINGS, BodyKind::request, R"({"input":[[1,2,3],[4]],"model":"e"})", 64);
  REQUIRE(x.ok);
  CHECK(x.segments.empty());
  // Its answer carries no text.
  x = extract_segments(LLMGW_DIALECT_OPENAI_EMBEDDINGS, BodyKind::answer,
                       R"({"object":"list","data":[{"object":"embedding","embedding":[0.1],"index":0}],"model":"e"})", 64);
  CHECK(x.segments.empty());
}
