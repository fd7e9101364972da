// provider-mistral embeddings: canonical request → /v1/embeddings (output_dimension; no user,
// no encoding_format), its OpenAI-shaped answer → the canonical list in index order.
#include <llmgw/plugin.h>
#include <llmgw/testing.hpp>

#include <plugin_util/testing/embeddings_call.hpp>

#include <catch2/catch.hpp>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

using llmgw::plugin_util::testing::EmbeddingsCall;
using llmgw::plugin_util::testing::floats_of_base64;
using llmgw::plugin_util::testing::parse_json;
using llmgw::testing::ProviderInstance;

namespace {
const llmgw_provider_vtable& vt() { return llmgw::testing::provider_vtable(llmgw_plugin_entry_v1()); }
const std::string kConfig = R"({"provider":"mistral","api_key":"mistral-secret-key-123"})";
}  // namespace

TEST_CASE("mistral embeddings: input array, output_dimension for codestral-embed, user and encoding_format not sent") {
  ProviderInstance p(vt(), kConfig);
  REQUIRE(p.rc == LLMGW_OK);
  EmbeddingsCall call(R"({"model":"x","input":"def f(): pass","dimensions":256,"user":"u","encoding_format":"base64"})", "codestral-embed");
  const auto r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url == "https://api.mistral.ai/v1/embeddings");
  const auto d = parse_json(r.body);
  REQUIRE(d["input"].IsArray());
  CHECK(d["output_dimension"].GetInt() == 256);
  CHECK_FALSE(d.HasMember("user"));
  CHECK_FALSE(d.HasMember("encoding_format"));
  CHECK_FALSE(d.HasMember("dimensions"));
}

TEST_CASE("mistral embeddings: dimensions on mistral-embed and token ids are refused") {
  ProviderInstance p(vt(), kConfig);
  EmbeddingsCall dims(R"({"model":"x","input":"a","dimensions":256})", "mistral-embed");
  auto r = p.encode(dims.c);
  CHECK(r.rc == LLMGW_UNSUPPORTED);
  CHECK(r.error.find("mistral-embed") != std::string::npos);
  EmbeddingsCall tokens(R"({"model":"x","input":[[1,2]]})", "mistral-embed");
  r = p.encode(tokens.c);
  CHECK(r.rc == LLMGW_UNSUPPORTED);
  CHECK(r.error.find("Mistral") != std::string::npos);
}

TEST_CASE("mistral embeddings: items placed by index, base64 when asked, usage; bad indexes refused") {
  ProviderInstance p(vt(), kConfig);
  EmbeddingsCall call(R"({"model":"x","input":["a","b"],"encoding_format":"base64"})", "mistral-embed");
  const auto r = p.decode(call.c, 200,
                          R"({"id":"e","object":"list","data":[{"object":"embedding","embedding":[2,2],"index":1},)"
                          R"({"object":"embedding","embedding":[1,1],"index":0}],"model":"mistral-embed",)"
                          R"("usage":{"prompt_tokens":6,"total_tokens":6,"completion_tokens":0}})");
  REQUIRE(r.rc == LLMGW_OK);
  const auto d = parse_json(r.body);
  CHECK(floats_of_base64(d["data"][0]["embedding"].GetString()) == std::vector<float>{1.0f, 1.0f});
  CHECK(floats_of_base64(d["data"][1]["embedding"].GetString()) == std::vector<float>{2.0f, 2.0f});
  REQUIRE(r.usage);
  CHECK(r.usage->prompt_tokens == 6);
  for (const char* body : {R"({"data":[{"embedding":[1],"index":0},{"embedding":[1],"index":0}]})",
                           R"({"data":[{"embedding":[1],"index":5}]})", R"({"data":[]})"}) {
    INFO(body);
    const auto bad = p.decode(call.c, 200, body);
    CHECK(bad.rc == LLMGW_ERROR);
  }
  const auto e = p.decode(call.c, 422, R"({"object":"error","message":"Input too long","type":"invalid_request_error","code":3210})");
  CHECK(e.rc == LLMGW_ERROR);
}
