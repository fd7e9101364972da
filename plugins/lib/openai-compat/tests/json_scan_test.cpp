#include <openai_compat/json_scan.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <random>
#include <string>

using namespace llmgw::openai_compat;

TEST_CASE("json scan: usage of a chat completion", "[scan]") {
  const JsonScan s = scan_json(
      R"({"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"hi","usage":{"prompt_tokens":99}},)"
      R"("finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,)"
      R"("prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}}})");
  REQUIRE(s.valid);
  CHECK(s.root_object);
  CHECK(s.has_usage);
  CHECK(s.usage.prompt_tokens == 10);
  CHECK(s.usage.completion_tokens == 5);
  CHECK(s.usage.cached_tokens == 4);
  CHECK(s.usage.cache_creation_tokens == -1);
  CHECK(s.usage.reasoning_tokens == 2);
  CHECK(s.finish_seen);
  CHECK_FALSE(s.has_error);
}

TEST_CASE("json scan: absent, null and partial usage", "[scan]") {
  CHECK_FALSE(scan_json(R"({"choices":[]})").has_usage);
  CHECK_FALSE(scan_json(R"({"choices":[],"usage":null})").has_usage);
  const JsonScan e = scan_json(R"({"usage":{"prompt_tokens":8,"total_tokens":8}})");
  CHECK(e.has_usage);
  CHECK(e.usage.prompt_tokens == 8);
  CHECK(e.usage.completion_tokens == -1);
  CHECK(e.usage.cached_tokens == -1);
  const JsonScan d = scan_json(R"({"usage":{"prompt_tokens":30,"completion_tokens":1,"prompt_cache_hit_tokens":24,"prompt_cache_miss_tokens":6}})");
  CHECK(d.usage.cached_tokens == 24);  // DeepSeek
  const JsonScan a = scan_json(R"({"usage":{"prompt_tokens":30,"completion_tokens":1,"cache_creation_input_tokens":12,"prompt_tokens_details":null}})");
  CHECK(a.usage.cache_creation_tokens == 12);
  const JsonScan f = scan_json(R"({"usage":{"prompt_tokens":3.0,"completion_tokens":-4}})");
  CHECK(f.usage.prompt_tokens == 3);
  CHECK(f.usage.completion_tokens == -1);
}

TEST_CASE("json scan: Groq's x_groq.usage is a fallback for usage", "[scan]") {
  const JsonScan g = scan_json(R"({"choices":[],"x_groq":{"id":"r","usage":{"prompt_tokens":41,"completion_tokens":2}}})");
  CHECK(g.has_usage);
  CHECK(g.usage.prompt_tokens == 41);
  const JsonScan both = scan_json(R"({"x_groq":{"usage":{"prompt_tokens":1}},"usage":{"prompt_tokens":2}})");
  CHECK(both.usage.prompt_tokens == 2);
}

TEST_CASE("json scan: errors and finish reasons", "[scan]") {
  CHECK(scan_json(R"({"error":{"message":"m"}})").has_error);
  CHECK(scan_json(R"({"error":"boom"})").has_error);
  CHECK(scan_json(R"({"object":"error","message":"m","code":400})").has_error);
  CHECK_FALSE(scan_json(R"({"error":null})").has_error);
  CHECK_FALSE(scan_json(R"({"choices":[{"delta":{"content":"error"}}]})").has_error);
  CHECK_FALSE(scan_json(R"({"choices":[{"message":{"error":{"x":1}}}]})").has_error);
  CHECK_FALSE(scan_json(R"({"choices":[{"finish_reason":null}]})").finish_seen);
  CHECK(scan_json(R"({"choices":[{"finish_reason":null},{"finish_reason":"length"}]})").finish_seen);
  CHECK_FALSE(scan_json(R"({"choices":[{"delta":{"finish_reason":"stop"}}]})").finish_seen);
}

TEST_CASE("json scan: validity", "[scan]") {
  CHECK_FALSE(scan_json("").valid);
  CHECK_FALSE(scan_json("{").valid);
  CHECK_FALSE(scan_json("{} x").valid);
  CHECK_FALSE(scan_json("<html>").valid);
  CHECK(scan_json(" {}\n").valid);
  CHECK(scan_json("[1]").valid);
  CHECK_FALSE(scan_json("[1]").root_object);
  CHECK_FALSE(scan_json("\"s\"").root_object);
  const JsonScan bad = scan_json(R"({"usage":{"prompt_tokens":1}, oops})");
  CHECK_FALSE(bad.valid);
  CHECK_FALSE(bad.has_usage);
  CHECK(bad.error_offset > 0);
  // Deep nesting beyond the tracked depth is still scanned correctly.
  std::string deep = R"({"a":)";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  deep += R"(,"usage":{"prompt_tokens":7}})";
  const JsonScan d = scan_json(deep);
  CHECK(d.valid);
  CHECK(d.usage.prompt_tokens == 7);
}

TEST_CASE("has_nonnull_key", "[scan]") {
  CHECK(has_nonnull_key(R"({"usage":{"a":1}})", "\"usage\""));
  CHECK(has_nonnull_key(R"({"usage" : 0})", "\"usage\""));
  CHECK_FALSE(has_nonnull_key(R"({"usage":null})", "\"usage\""));
  CHECK_FALSE(has_nonnull_key(R"({"usage" :  null})", "\"usage\""));
  CHECK_FALSE(has_nonnull_key(R"({"content":"the \"usage\": {} text"})", "\"usage\""));
  CHECK(has_nonnull_key(R"({"usage":null,"x":{"usage":{}}})", "\"usage\""));
  CHECK_FALSE(has_nonnull_key(R"({"content":"usage"})", "\"usage\""));
  CHECK(has_nonnull_key(R"({"usage":)", "\"usage\""));  // cut short: undecided → scan
}

TEST_CASE("fast path agrees with the full scan on random chunks", "[scan][fuzz]") {
  // has_nonnull_key(...) == false must imply the scan finds no usage / finish_reason.
  std::mt19937 rng(12345);
  const char* const pieces[] = {"usage", "\"usage\"", "\\\"usage\\\"", ":", " ", "null", "{", "}", "\"",
                                "finish_reason", "\"finish_reason\"", "stop", "\\", ",", "1", "\"x\""};
  for (int round = 0; round < 20000; ++round) {
    std::string content;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) content += pieces[rng() % std::size(pieces)];
    // Escape as a JSON string, then embed in a chunk whose real fields are random too.
    std::string esc;
    for (char c : content) {
      if (c == '"' || c == '\\') esc += '\\';
      esc += c;
    }
    const bool real_usage = rng() % 2, real_finish = rng() % 2;
    std::string doc = R"({"choices":[{"delta":{"content":")" + esc + R"("},"finish_reason":)" +
                      (real_finish ? R"("stop")" : "null") + "}]" +
                      (real_usage ? R"(,"usage":{"prompt_tokens":1})" : R"(,"usage":null)") + "}";
    const JsonScan s = scan_json(doc);
    REQUIRE(s.valid);
    CHECK(s.has_usage == real_usage);
    CHECK(s.finish_seen == real_finish);
    if (!has_nonnull_key(doc, "\"usage\"")) CHECK_FALSE(s.has_usage);
    if (!has_nonnull_key(doc, "\"finish_reason\"")) CHECK_FALSE(s.finish_seen);
    if (real_usage) CHECK(has_nonnull_key(doc, "\"usage\""));
    if (real_finish) CHECK(has_nonnull_key(doc, "\"finish_reason\""));
    // The one-pass stream pre-filter says exactly what the three searches say.
    const bool three = has_nonnull_key(doc, "\"usage\"") || has_nonnull_key(doc, "\"finish_reason\"") ||
                       doc.find("\"error\"") != std::string::npos;
    CHECK(stream_event_needs_scan(doc) == three);
  }
}

TEST_CASE("stream_event_needs_scan", "[scan]") {
  CHECK_FALSE(stream_event_needs_scan(R"({"choices":[{"delta":{"content":"hi"},"finish_reason":null}],"usage":null})"));
  CHECK(stream_event_needs_scan(R"({"choices":[{"delta":{},"finish_reason":"stop"}]})"));
  CHECK(stream_event_needs_scan(R"({"choices":[],"usage":{"prompt_tokens":3}})"));
  CHECK(stream_event_needs_scan(R"({"error":{"message":"overloaded"}})"));
  CHECK_FALSE(stream_event_needs_scan(R"({"content":"the \"usage\": {} text"})"));
  CHECK(stream_event_needs_scan(R"({"usage":)"));  // cut short: undecided → scan
  CHECK_FALSE(stream_event_needs_scan(""));
  CHECK_FALSE(stream_event_needs_scan(std::string_view()));  // null data(): memchr on it was UB (fuzz)
  CHECK_FALSE(stream_event_needs_scan("\""));
}

TEST_CASE("json scan: nesting past the limit stops the scan as too_deep", "[scan][depth]") {
  const std::string at = "{\"usage\":{\"prompt_tokens\":3},\"x\":" + std::string(127, '[') + std::string(127, ']') + "}";
  const JsonScan ok = scan_json(at);
  CHECK(ok.valid);
  CHECK_FALSE(ok.too_deep);
  CHECK(ok.usage.prompt_tokens == 3);
  const std::string past = "{\"usage\":{\"prompt_tokens\":3},\"x\":" + std::string(128, '[') + std::string(128, ']') + "}";
  const JsonScan deep = scan_json(past);
  CHECK_FALSE(deep.valid);
  CHECK(deep.too_deep);
  CHECK_FALSE(deep.has_usage);
  CHECK(deep.error_offset == past.find('[') + 127);  // the 128th bracket opens level 129
  // Malformed is not too deep; brackets inside strings do not count.
  CHECK_FALSE(scan_json("{\"a\":").too_deep);
  CHECK(scan_json("{\"a\":\"" + std::string(10000, '[') + "\"}").valid);
  CHECK(scan_json("[[1]]", 1).too_deep);
}

TEST_CASE("json scan: 1,000,000 levels stop at once, without a crash", "[scan][depth]") {
  const std::string deep = "{\"usage\":" + std::string(1'000'000, '[');
  const auto start = std::chrono::steady_clock::now();
  const JsonScan s = scan_json(deep);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(s.too_deep);
  CHECK(ms < 100);
}
