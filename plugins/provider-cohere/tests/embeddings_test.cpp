// provider-cohere embeddings: canonical request → /v2/embed (input_type from the deployment,
// embedding_types float, output_dimension for embed-v4), its answer → the canonical list.
#include <llmgw/plugin.h>
#include <llmgw/testing.hpp>

#include <plugin_util/testing/embeddings_call.hpp>

#include <catch2/catch.hpp>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

using llmgw::plugin_util::testing::EmbeddingsCall;
using llmgw::plugin_util::testing::parse_json;
using llmgw::testing::ProviderInstance;

namespace {
const llmgw_provider_vtable& vt() { return llmgw::testing::provider_vtable(llmgw_plugin_entry_v1()); }
const std::string kConfig = R"({"provider":"cohere","api_key":"co-secret-key-42"})";
}  // namespace

TEST_CASE("cohere embeddings: texts, default and configured input_type, embedding_types, output_dimension") {
  ProviderInstance p(vt(), kConfig);
  REQUIRE(p.rc == LLMGW_OK);
  EmbeddingsCall call(R"({"model":"x","input":"hello","dimensions":256})", "embed-v4.0");
  const auto r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url == "https://api.cohere.com/v2/embed");
  CHECK(r.header("authorization") == "Bearer co-secret-key-42");
  const auto d = parse_json(r.body);
  CHECK(d["texts"].Size() == 1);
  CHECK(std::string(d["input_type"].GetString()) == "search_document");
  CHECK(std::string(d["embedding_types"][0].GetString()) == "float");
  CHECK(d["output_dimension"].GetInt() == 256);

  ProviderInstance q(vt(), R"({"provider":"cohere","api_key":"k","extra":{"input_type":"search_query"}})");
  REQUIRE(q.rc == LLMGW_OK);
  CHECK(std::string(parse_json(q.encode(call.c).body)["input_type"].GetString()) == "search_query");

  ProviderInstance bad(vt(), R"({"provider":"cohere","api_key":"k","extra":{"input_type":"question"}})");
  CHECK(bad.rc != LLMGW_OK);
  CHECK(bad.error.find("input_type") != std::string::npos);
}

TEST_CASE("cohere embeddings: refusals (dimensions on v3, token ids, more than 96 texts)") {
  ProviderInstance p(vt(), kConfig);
  EmbeddingsCall dims(R"({"model":"x","input":"a","dimensions":256})", "embed-english-v3.0");
  auto r = p.encode(dims.c);
  CHECK(r.rc == LLMGW_UNSUPPORTED);
  CHECK(r.error.find("dimensions") != std::string::npos);
  EmbeddingsCall tokens(R"({"model":"x","input":[1,2]})", "embed-english-v3.0");
  r = p.encode(tokens.c);
  CHECK(r.rc == LLMGW_UNSUPPORTED);
  CHECK(r.error.find("Cohere") != std::string::npos);
  std::string many = R"({"model":"x","input":[)";
  for (int i = 0; i < 97; ++i) many += (i ? ",\"t\"" : "\"t\"");
  EmbeddingsCall big(many + "]}", "embed-english-v3.0");
  r = p.encode(big.c);
  CHECK(r.rc == LLMGW_UNSUPPORTED);
  CHECK(r.error.find("96") != std::string::npos);
}

TEST_CASE("cohere embeddings: embeddings.float and billed input tokens → list and usage") {
  ProviderInstance p(vt(), kConfig);
  EmbeddingsCall call(R"({"model":"x","input":["a","b"]})", "embed-english-v3.0");
  const auto r = p.decode(call.c, 200,
                          R"({"id":"e1","embeddings":{"float":[[0.1,0.2],[0.3,0.4]]},"texts":["a","b"],)"
                          R"("meta":{"api_version":{"version":"2"},"billed_units":{"input_tokens":2}},"response_type":"embeddings_by_type"})");
  REQUIRE(r.rc == LLMGW_OK);
  const auto d = parse_json(r.body);
  REQUIRE(d["data"].Size() == 2);
  CHECK(d["data"][1]["embedding"][1].GetDouble() == 0.4);
  REQUIRE(r.usage);
  CHECK(r.usage->prompt_tokens == 2);
  const auto e = p.decode(call.c, 200, R"({"embeddings":{"int8":[[1]]}})");
  CHECK(e.rc == LLMGW_ERROR);
  const auto limited = p.decode(call.c, 429, R"({"message":"You are using a Trial key, which is limited"})");
  CHECK(limited.rc == LLMGW_ERROR);
  REQUIRE(limited.error);
  CHECK(limited.error->status == 429);
}
