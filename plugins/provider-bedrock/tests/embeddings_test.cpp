// provider-bedrock embeddings through InvokeModel: Titan (one input per call, dimensions,
// normalize) and Cohere embed (texts, input_type), signed like every call; answers → the
// canonical list with the input token count.
#include "harness.hpp"

#include <plugin_util/testing/embeddings_call.hpp>

using llmgw::plugin_util::testing::EmbeddingsCall;
using llmgw::plugin_util::testing::floats_of_base64;
using llmgw::testing::ProviderInstance;

namespace {
const llmgw_provider_vtable& vt() { return llmgw::testing::provider_vtable(llmgw_plugin_entry_v1()); }
}  // namespace

TEST_CASE("bedrock embeddings: Titan V2 invoke with inputText, dimensions, normalize; signed") {
  ProviderInstance p(vt(), bedrock_test::kConfig, bedrock_test::real_crypto);
  REQUIRE(p.rc == LLMGW_OK);
  EmbeddingsCall call(R"({"model":"x","input":["one text"],"dimensions":256})", "amazon.titan-embed-text-v2:0");
  const auto r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url == "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke");
  CHECK(r.header("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
  const auto d = bedrock_test::parse(r.body);
  CHECK(std::string(d["inputText"].GetString()) == "one text");
  CHECK(d["dimensions"].GetInt() == 256);
  CHECK(d["normalize"].GetBool());
}

TEST_CASE("bedrock embeddings: refusals (Titan arrays, Titan sizes, token ids, chat models)") {
  ProviderInstance p(vt(), bedrock_test::kConfig, bedrock_test::real_crypto);
  EmbeddingsCall two(R"({"model":"x","input":["a","b"]})", "amazon.titan-embed-text-v2:0");
  auto r = p.encode(two.c);
  CHECK(r.rc == LLMGW_UNSUPPORTED);
  CHECK(r.error.find("one input per request") != std::string::npos);
  EmbeddingsCall size(R"({"model":"x","input":"a","dimensions":300})", "amazon.titan-embed-text-v2:0");
  r = p.encode(size.c);
  CHECK(r.rc == LLMGW_BAD_ARGUMENT);
  CHECK(r.error.find("256, 512 or 1024") != std::string::npos);
  EmbeddingsCall tokens(R"({"model":"x","input":[1,2,3]})", "amazon.titan-embed-text-v2:0");
  r = p.encode(tokens.c);
  CHECK(r.rc == LLMGW_UNSUPPORTED);
  CHECK(r.error.find("token ids") != std::string::npos);
  EmbeddingsCall chat(R"({"model":"x","input":"a"})", "anthropic.claude-3-haiku-20240307-v1:0");
  r = p.encode(chat.c);
  CHECK(r.rc == LLMGW_UNSUPPORTED);
  CHECK(r.error.find("anthropic.claude-3-haiku") != std::string::npos);
}

TEST_CASE("bedrock embeddings: Cohere embed texts and input_type; its answer with the header token count") {
  ProviderInstance p(vt(), bedrock_test::kConfig, bedrock_test::real_crypto);
  EmbeddingsCall call(R"({"model":"x","input":["a","b"],"encoding_format":"base64"})", "cohere.embed-english-v3");
  const auto r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url.ends_with("/model/cohere.embed-english-v3/invoke"));
  const auto d = bedrock_test::parse(r.body);
  CHECK(d["texts"].Size() == 2);
  CHECK(std::string(d["input_type"].GetString()) == "search_document");

  const auto a = p.decode(call.c, 200, R"({"id":"x","embeddings":{"float":[[1.5],[2.5]]},"response_type":"embeddings_by_type","texts":["a","b"]})",
                          {{"X-Amzn-Bedrock-Input-Token-Count", "4"}});
  REQUIRE(a.rc == LLMGW_OK);
  const auto ad = bedrock_test::parse(a.body);
  CHECK(floats_of_base64(ad["data"][1]["embedding"].GetString()) == std::vector<float>{2.5f});
  REQUIRE(a.usage);
  CHECK(a.usage->prompt_tokens == 4);

  EmbeddingsCall titan(R"({"model":"x","input":"a"})", "amazon.titan-embed-text-v2:0");
  const auto t = p.decode(titan.c, 200, R"({"embedding":[0.1,0.2],"inputTextTokenCount":3,"embeddingsByType":{"float":[0.1,0.2]}})");
  REQUIRE(t.rc == LLMGW_OK);
  REQUIRE(t.usage);
  CHECK(t.usage->prompt_tokens == 3);
  const auto bad = p.decode(titan.c, 200, R"({"embedding":"x"})");
  CHECK(bad.rc == LLMGW_ERROR);
}
