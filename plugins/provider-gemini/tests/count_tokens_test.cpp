// count_tokens for the Gemini models (LLMGW_CAP_COUNT_TOKENS): the canonical body translated as
// generateContent's, POSTed to :countTokens (AI Studio: inside generateContentRequest with the
// model; Vertex: contents, systemInstruction and tools at the top level), and totalTokens
// answered as Anthropic's {"input_tokens": N}.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace test;

namespace {

const std::string kCount =
    R"({"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"how many tokens?"}],)"
    R"("tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",)"
    R"("properties":{"city":{"type":"string"}}}}}],"tool_choice":"auto"})";

const std::string kVertexConfig = R"({"provider":"vertex_ai","extra":{"vertex_project":"my-proj","vertex_location":"us-east5"}})";

}  // namespace

TEST_CASE("count_tokens, gemini/: :countTokens with the whole request in generateContentRequest, the model named") {
  Plugin p;
  REQUIRE(p.rc == LLMGW_OK);
  Call call(kCount, false, "gemini-2.5-flash", LLMGW_OP_COUNT_TOKENS);
  const Request r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.method == "POST");
  CHECK(r.url == "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:countTokens");
  CHECK(r.header("x-goog-api-key") == kKey);
  rapidjson::Document body = parse(r.body);
  REQUIRE(body.MemberCount() == 1);
  const auto& g = body["generateContentRequest"];
  CHECK(g["model"] == "models/gemini-2.5-flash");
  CHECK(g["contents"][0]["parts"][0]["text"] == "how many tokens?");
  CHECK(g["systemInstruction"]["parts"][0]["text"] == "Be brief.");
  CHECK(g["tools"][0]["functionDeclarations"][0]["name"] == "get_weather");
}

TEST_CASE("count_tokens, vertex_ai/: :countTokens on the publisher's model, contents / systemInstruction / tools at the top") {
  Plugin p(kVertexConfig);
  REQUIRE(p.rc == LLMGW_OK);
  Call call(kCount, false, "gemini-2.5-pro", LLMGW_OP_COUNT_TOKENS);
  const Request r = p.encode(call.c);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url ==
        "https://us-east5-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-east5/publishers/google/models/"
        "gemini-2.5-pro:countTokens");
  rapidjson::Document body = parse(r.body);
  CHECK(body["contents"][0]["role"] == "user");
  CHECK(body["systemInstruction"]["parts"][0]["text"] == "Be brief.");
  CHECK(body["tools"][0]["functionDeclarations"][0]["name"] == "get_weather");
  CHECK(!body.HasMember("toolConfig"));  // not a CountTokensRequest member
  CHECK(!body.HasMember("generateContentRequest"));
  CHECK(!body.HasMember("model"));
}

TEST_CASE("count_tokens: totalTokens → {\"input_tokens\": N}; Google's errors classified; an answer without a count is a 502") {
  for (const std::string& config : {kConfig, kVertexConfig}) {
    Plugin p(config);
    REQUIRE(p.rc == LLMGW_OK);
    Call call(kCount, false, "gemini-2.5-flash", LLMGW_OP_COUNT_TOKENS);
    const Result ok = p.decode(call.c, 200, R"({"totalTokens":31,"totalBillableCharacters":96,)"
                                            R"("promptTokensDetails":[{"modality":"TEXT","tokenCount":31}]})");
    REQUIRE(ok.rc == LLMGW_OK);
    CHECK(json_equal(ok.body, R"({"input_tokens":31})"));
    const Result quota = p.decode(call.c, 429, R"({"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}})");
    REQUIRE(quota.error);
    CHECK(quota.error->cls == LLMGW_ERR_RATE_LIMITED);
    CHECK(quota.error->status == 429);
    const Result bad = p.decode(call.c, 400, R"({"error":{"code":400,"message":"* GenerateContentRequest.contents: contents is not specified",)"
                                             R"("status":"INVALID_ARGUMENT"}})");
    REQUIRE(bad.error);
    CHECK(bad.error->cls == LLMGW_ERR_INVALID_REQUEST);
    for (const char* body : {R"({"totalTokens":"31"})", R"({})", R"({"totalTokens":-1})", "not json"}) {
      const Result broken = p.decode(call.c, 200, body);
      REQUIRE(broken.error);
      CHECK(broken.error->status == 502);
    }
  }
}

TEST_CASE("count_tokens: what the translation refuses is refused here too, with its line") {
  Plugin p;
  Call bad(R"({"messages":[{"role":"system","content":"only system"}]})", false, "gemini-2.5-flash", LLMGW_OP_COUNT_TOKENS);
  const Request r = p.encode(bad.c);
  CHECK(r.rc == LLMGW_BAD_ARGUMENT);
  CHECK_FALSE(r.error.empty());
  Call deep("{\"messages\":" + std::string(5000, '[') + std::string(5000, ']') + "}", false, "gemini-2.5-flash",
            LLMGW_OP_COUNT_TOKENS);
  CHECK(p.encode(deep.c).rc == LLMGW_BAD_ARGUMENT);
}
