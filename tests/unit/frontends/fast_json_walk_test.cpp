// The request scans' fast path (core/frontends/fast_json_walk.hpp): simdjson's tape must drive a
// handler with exactly the events rapidjson's Reader sends, the top-level cursor must find each
// value's first byte, and the scans must answer the same on both paths.
#include <catch2/catch.hpp>

#include <rapidjson/reader.h>

#include <optional>
#include <string>
#include <vector>

#include "frontends/anthropic_messages/messages_request_scan.hpp"
#include "frontends/embeddings/embeddings_request_scan.hpp"
#include "frontends/fast_json_walk.hpp"
#include "frontends/openai_chat/chat_request_scan.hpp"

namespace fe = llmgw::frontends;
namespace fj = llmgw::frontends::fast_json;

namespace {

/// Writes every event as text, and for each value of the top-level key "model" where the stream
/// stands (Tell()) — what the scan handlers read.
struct Recorder : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Recorder> {
  explicit Recorder(rapidjson::InsituStringStream& in) : in_(in) {}
  std::vector<std::string> events;
  std::optional<int> error;  // never set: scan() requires the member
  bool next_is_model = false;
  int depth = 0;

  bool Null() { return add("null"); }
  bool Bool(bool b) { return add(b ? "true" : "false"); }
  bool Int(int i) { return add("Int " + std::to_string(i)); }
  bool Uint(unsigned u) { return add("Uint " + std::to_string(u)); }
  bool Int64(int64_t i) { return add("Int64 " + std::to_string(i)); }
  bool Uint64(uint64_t u) { return add("Uint64 " + std::to_string(u)); }
  bool Double(double d) { return add("Double " + std::to_string(d)); }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    std::string e = "String " + std::string(s, n);
    if (next_is_model) e += " @" + std::to_string(in_.Tell());
    return add(e);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    const std::string k(s, n);
    next_is_model = depth == 1 && k == "model";
    events.push_back("Key " + k);
    return true;
  }
  bool StartObject() { ++depth; return add("{"); }
  bool EndObject(rapidjson::SizeType n) { --depth; return add("} " + std::to_string(n)); }
  bool StartArray() { ++depth; return add("["); }
  bool EndArray(rapidjson::SizeType n) { --depth; return add("] " + std::to_string(n)); }

 private:
  bool add(std::string e) {
    events.push_back(std::move(e));
    next_is_model = false;
    return true;
  }
  rapidjson::InsituStringStream& in_;
};

std::vector<std::string> reference_events(const std::string& doc) {
  std::string copy = doc;
  rapidjson::InsituStringStream in(copy.data());
  Recorder r(in);
  rapidjson::Reader reader;
  const auto ok = reader.Parse<rapidjson::kParseInsituFlag | rapidjson::kParseStopWhenDoneFlag>(in, r);
  REQUIRE_FALSE(ok.IsError());
  return r.events;
}

std::vector<std::string> fast_events(const std::string& doc) {
  rapidjson::InsituStringStream in(nullptr);
  Recorder r(in);
  REQUIRE(fj::scan(doc, r, in, 64));
  return r.events;
}

}  // namespace

TEST_CASE("fast path: the same handler events as rapidjson", "[fast_json]") {
  const std::vector<std::string> docs = {
      R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]})",
      // "model" last, after values holding quotes, escapes, brackets and braces in strings
      R"({"messages":[{"role":"user","content":"a \"quoted\" [x] {y} \\"}],"n":[1,[2,{"a":"]"}]],"model":"m\"x"})",
      R"(  {"stream":true,"stream_options":{"include_usage":false},"x":null,"model" :  "sp aced"}  )",
      // numbers: each of rapidjson's types at its boundaries
      R"({"a":[0,1,-1,4294967295,4294967296,-2147483648,-2147483649,9223372036854775807,18446744073709551615,1.5,-2e3,1E2]})",
      R"({"model":"\u00e9\ud83d\ude00","k":"\u0000"})",
      R"({"model":"a","model":"b"})",
      R"({})",
  };
  for (const std::string& doc : docs) {
    INFO(doc);
    CHECK(fast_events(doc) == reference_events(doc));
  }
}

TEST_CASE("fast path: refuses what it does not decide", "[fast_json]") {
  rapidjson::InsituStringStream in(nullptr);
  Recorder r(in);
  CHECK_FALSE(fj::scan(std::string(R"({"a":)"), r, in, 64));                 // cut short
  CHECK_FALSE(fj::scan(std::string("{\"a\":\"\xff\"}"), r, in, 64));        // invalid UTF-8
  CHECK_FALSE(fj::scan(std::string(R"({"a":1} x)"), r, in, 64));             // data after the value
  CHECK_FALSE(fj::scan(std::string(R"({"a":123456789012345678901234})"), r, in, 64));  // past uint64
  CHECK_FALSE(fj::scan(std::string(R"([[[[[1]]]]])"), r, in, 3));            // deeper than allowed
  CHECK(fj::scan(std::string(R"([[[1]]])"), r, in, 3));
  // rapidjson refuses an exponent past 308 even on a zero ("Number too big"); simdjson reads 0
  CHECK_FALSE(fj::scan(std::string(R"({"a":-0E8337203780})"), r, in, 64));
  CHECK_FALSE(fj::scan(std::string(R"({"a":0e+400})"), r, in, 64));
  CHECK(fj::scan(std::string(R"({"a":0.0,"b":0e-400,"c":1e10})"), r, in, 64));
  // "-0": the one event that differs (Uint 0 for rapidjson's Int 0; both the integer 0)
  Recorder zero(in);
  REQUIRE(fj::scan(std::string(R"([-0])"), zero, in, 3));
  CHECK(zero.events == std::vector<std::string>{"[", "Uint 0", "] 1"});
}

TEST_CASE("top-level cursor: each value's first byte", "[fast_json]") {
  const std::string doc = R"( { "a" : "x\"}" , "b":[{"c":"]\\"}], "d":-1.5e3,"e" :true, "model":"m" } )";
  fj::TopLevelCursor cursor(doc);
  CHECK(doc.substr(cursor.value_begin(0), 6) == R"("x\"}")");
  CHECK(doc[cursor.value_begin(1)] == '[');
  CHECK(doc.substr(cursor.value_begin(2), 6) == "-1.5e3");
  CHECK(doc.substr(cursor.value_begin(4), 3) == R"("m")");
  fj::TopLevelCursor skipping(doc);
  CHECK(doc.substr(skipping.value_begin(4), 3) == R"("m")");  // straight to the fifth
}

TEST_CASE("request scans: the fast and reference paths agree", "[fast_json]") {
  const std::vector<std::string> bodies = {
      R"({"messages":[{"role":"user","content":"x \"model\": \"no\""}],"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}})",
      R"({"model":"claude","max_tokens":1024.0,"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]})",
      R"({"model":"e","input":["a","b"],"dimensions":8})",
      R"({"model":"m","messages":[{"role":"wizard","content":"x"}]})",  // refused: same words both ways
      R"({"model":"m","model":"n","messages":[]})",
  };
  // Runs `scan(info)` with the fast path off, then on; both answers must be the same.
  auto agree = [](auto scan, auto& ref, auto& fast) {
    fj::set_enabled(false);
    const auto e1 = scan(ref);
    fj::set_enabled(true);
    const auto e2 = scan(fast);
    CHECK(e1.has_value() == e2.has_value());
    if (e1 && e2) CHECK(e1->message == e2->message);
    if (!e1 && !e2) CHECK(ref == fast);
  };
  for (const std::string& b : bodies) {
    INFO(b);
    fe::ChatRequestInfo c1, c2;
    agree([&](fe::ChatRequestInfo& i) { return fe::scan_chat_request(b, i); }, c1, c2);
    fe::anthropic::MessagesRequestInfo m1, m2;
    agree([&](fe::anthropic::MessagesRequestInfo& i) { return fe::anthropic::scan_messages_request(b, i); }, m1, m2);
    fe::embeddings::EmbeddingsRequestInfo x1, x2;
    agree([&](fe::embeddings::EmbeddingsRequestInfo& i) { return fe::embeddings::scan_embeddings_request(b, i); }, x1, x2);
  }
  // The model's span is found when it comes last, after strings full of quotes and brackets.
  fe::ChatRequestInfo info;
  const std::string last = R"({"messages":[{"role":"user","content":"]}\"{["}],"model":"zz"})";
  REQUIRE_FALSE(fe::scan_chat_request(last, info));
  CHECK(last.substr(info.model_begin, info.model_end - info.model_begin) == R"("zz")");
}

// rapidjson 1.1.0's SSE2 string scan let raw 0x1A-0x1F through once a string ran past its first
// aligned 16 bytes (cmake/RapidJsonSimd.cmake corrects the build's copy): the Release build then
// accepted, and forwarded, bodies RFC 8259 forbids. Every control byte, at every offset of a long
// string, is refused by every scan on both paths.
TEST_CASE("request scans: a raw control character inside a long string is refused", "[fast_json]") {
  for (const bool fast : {false, true}) {
    fj::set_enabled(fast);
    for (int c = 0x01; c < 0x20; ++c) {
      for (std::size_t at : {0u, 1u, 15u, 16u, 17u, 31u, 32u, 47u, 63u, 64u, 80u}) {
        std::string text(96, '~');
        text[at] = static_cast<char>(c);
        const std::string chat = R"({"model":"m","messages":[{"role":"user","content":")" + text + R"("}]})";
        const std::string messages =
            R"({"model":"m","max_tokens":8,"messages":[{"role":"user","content":")" + text + R"("}]})";
        const std::string embed = R"({"model":"e","input":")" + text + R"("})";
        INFO("fast path " << fast << ", byte " << c << " at " << at);
        fe::ChatRequestInfo ci;
        CHECK(fe::scan_chat_request(chat, ci).has_value());
        fe::anthropic::MessagesRequestInfo mi;
        CHECK(fe::anthropic::scan_messages_request(messages, mi).has_value());
        fe::embeddings::EmbeddingsRequestInfo ei;
        CHECK(fe::embeddings::scan_embeddings_request(embed, ei).has_value());
      }
    }
  }
  fj::set_enabled(true);
}
