// scan_json's fast path against its reference (rapidjson): where the fast path vouches for a
// document, every field matches; where it cannot, it says so and scan_json gives the reference's
// answer.
#include <openai_compat/json_scan.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using namespace llmgw::openai_compat;

namespace {

bool same(const JsonScan& a, const JsonScan& b) {
  return a.valid == b.valid && a.root_object == b.root_object && a.has_usage == b.has_usage &&
         a.usage.prompt_tokens == b.usage.prompt_tokens && a.usage.completion_tokens == b.usage.completion_tokens &&
         a.usage.cached_tokens == b.usage.cached_tokens &&
         a.usage.cache_creation_tokens == b.usage.cache_creation_tokens &&
         a.usage.reasoning_tokens == b.usage.reasoning_tokens && a.has_error == b.has_error &&
         a.finish_seen == b.finish_seen && a.too_deep == b.too_deep && a.error_offset == b.error_offset;
}

/// The fast path's verdict on `doc`; when it vouches, its findings equal the reference's.
bool fast_agrees(std::string_view doc, unsigned max_depth = llmgw::kJsonMaxDepth) {
  JsonScan fast;
  const JsonScan ref = scan_json_reference(doc, max_depth);
  const bool vouched = scan_json_fast(doc, max_depth, fast);
  if (vouched) {
    INFO(std::string(doc));
    REQUIRE(ref.valid);
    REQUIRE(same(fast, ref));
  }
  REQUIRE(same(scan_json(doc, max_depth), ref));
  return vouched;
}

const std::string kCompletion =
    R"({"id":"chatcmpl-bench0123456789abcdefghijkl","object":"chat.completion","created":1700000000,)"
    R"("model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":)"
    R"("Sure! Here is a short answer: an API gateway sits between clients and model providers, )"
    R"(authenticates callers, picks a deployment, forwards the request and records usage and cost.","refusal":null},)"
    R"("logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":212,"completion_tokens":41,)"
    R"("total_tokens":253,"prompt_tokens_details":{"cached_tokens":0},)"
    R"("completion_tokens_details":{"reasoning_tokens":0}},"system_fingerprint":"fp_bench01"})";

const std::vector<std::string> kDocuments = {
    kCompletion,
    R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" a short answer:"},"finish_reason":null}]})",
    R"({"choices":[],"usage":{"prompt_tokens":30,"completion_tokens":1,"prompt_cache_hit_tokens":24}})",
    R"({"choices":[],"x_groq":{"id":"r","usage":{"prompt_tokens":41,"completion_tokens":2}}})",
    R"({"error":{"message":"overloaded","type":"server_error","code":null}})",
    R"({"object":"error","message":"m","code":400})",
    R"({"error":"boom"})",
    R"({"error":""})",
    R"({"choices":[{"message":{"content":"line\none \"quoted\" \\ \/ \t tab \u00e9t\u00e9 \ud83d\ude00"},)"
    R"("logprobs":{"content":[{"token":"a","logprob":-0.0012,"bytes":[97]},{"token":"b","logprob":-3.1e-07}]},)"
    R"("finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":-3}})",
    "{ \"usage\" : { \"prompt_tokens\" : 7 ,\n\t\"completion_tokens\":\r\n8 } , \"choices\" : [ ] }\n",
    "{\"choices\":[{\"delta\":{\"content\":\"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\"}}]}",
    R"([1,-0,0.5,1e5,-2E-3,true,false,null,"s",{},[]])",
    R"("just a string")",
    "{\n  \"choices\": [\n    {\n      \"finish_reason\": \"stop\"\n    }\n  ],\n  \"usage\": {\n    \"prompt_tokens\": 9\n  }\n}\n",
    " { } ", "[ ]", "\t[ 1 , { } , [ ] ]\r\n",
    R"({"usage":{"prompt_tokens":999999999999999999,"completion_tokens":0}})",
};

}  // namespace

TEST_CASE("json scan fast path: vouches for ordinary answers, with the reference's findings", "[scan][fast]") {
  for (const std::string& doc : kDocuments) {
    INFO(doc);
    CHECK(fast_agrees(doc));
  }
  JsonScan s;
  REQUIRE(scan_json_fast(kCompletion, llmgw::kJsonMaxDepth, s));
  CHECK(s.valid);
  CHECK(s.has_usage);
  CHECK(s.usage.prompt_tokens == 212);
  CHECK(s.usage.completion_tokens == 41);
  CHECK(s.usage.cached_tokens == 0);
  CHECK(s.usage.reasoning_tokens == 0);
  CHECK(s.finish_seen);
  CHECK_FALSE(s.has_error);
}

TEST_CASE("json scan fast path: leaves to the reference what it cannot vouch for", "[scan][fast]") {
  const char* const declined[] = {
      // invalid, as rapidjson reads it
      "", " ", "{", "{} x", "[1,]", R"({"a":1,})", "01", "-", "1.", "1e", "-a", "tru", "nul", "[1 2]",
      R"({"a" 1})", R"({1:2})", "\"a\x01b\"", R"("\x")", R"("\u12G4")", R"("\ud800")", R"("\ud800\u0041")",
      "{}\0", "\"abc",
      // valid, but a double where the handler reads a value: rapidjson rounds it
      R"({"usage":{"prompt_tokens":3.0}})", R"({"usage":{"prompt_tokens":1e2}})",
      // an integer that may not fit, an exponent that may be too big
      R"({"x":1234567890123456789})", R"({"x":1e309})",
      // a \u escape in a key, or in a value the handler reads
      R"({"usag\u0065":{"prompt_tokens":1}})", R"({"object":"\u0065rror"})",
  };
  for (const char* d : declined) {
    const std::string doc = std::string(d) == "{}\0" ? std::string("{}\0", 3) : std::string(d);
    INFO(doc);
    CHECK_FALSE(fast_agrees(doc));
  }
  // What the reference makes of two of them, through scan_json.
  CHECK(scan_json(R"({"usag\u0065":{"prompt_tokens":1}})").usage.prompt_tokens == 1);
  CHECK(scan_json(R"({"object":"\u0065rror"})").has_error);
  CHECK(scan_json(std::string("{}\0", 3)).valid);  // rapidjson stops at the NUL
  // Past 64 levels the reference scans (it has the real limit).
  const std::string deep = std::string(65, '[') + std::string(65, ']');
  CHECK_FALSE(fast_agrees(deep));
  CHECK(fast_agrees(std::string(64, '[') + std::string(64, ']')));
  CHECK_FALSE(fast_agrees("[[1]]", 1));
  CHECK(scan_json("[[1]]", 1).too_deep);
}

TEST_CASE("json scan fast path: every cut and every one-byte change agrees with the reference", "[scan][fast]") {
  std::mt19937 rng(20261207);
  const char alphabet[] = "{}[]\",:\\ \n0123456789-+.eEtrufalsn\x01\x7f\xc3";
  int vouched = 0, total = 0;
  for (const std::string& doc : kDocuments) {
    for (std::size_t cut = 0; cut <= doc.size(); ++cut) {
      vouched += fast_agrees(std::string_view(doc).substr(0, cut));
      ++total;
    }
    for (std::size_t at = 0; at < doc.size(); ++at) {
      for (int k = 0; k < 4; ++k) {
        std::string changed = doc;
        changed[at] = alphabet[rng() % (sizeof alphabet - 1)];
        vouched += fast_agrees(changed);
        std::string dropped = doc;
        dropped.erase(at, 1 + rng() % 3);
        vouched += fast_agrees(dropped);
        total += 2;
      }
    }
  }
  CHECK(vouched > total / 20);  // the comparison saw the fast path's answers, not only its refusals
}

// rapidjson 1.1.0's SSE2 string scan let raw 0x1A-0x1F through past a string's first aligned 16
// bytes (cmake/RapidJsonSimd.cmake corrects the build's copy): an upstream answer with one was
// taken for valid JSON by the reference path. Both paths refuse every control byte at every offset.
TEST_CASE("json scan: a raw control character inside a long string is invalid on both paths", "[scan][fast]") {
  for (int c = 0x01; c < 0x20; ++c) {
    for (std::size_t at : {0u, 1u, 15u, 16u, 17u, 31u, 32u, 47u, 63u, 64u, 80u}) {
      std::string text(96, '~');
      text[at] = static_cast<char>(c);
      const std::string doc = R"({"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":")" + text +
                              R"("},"finish_reason":"stop"}]})";
      INFO("byte " << c << " at " << at);
      CHECK_FALSE(scan_json_reference(doc, 64).valid);
      CHECK_FALSE(scan_json(doc).valid);
    }
  }
}
