// provider-ollama embeddings: canonical request → /api/embed, its answer (prompt_eval_count as
// usage) → the canonical embedding list; refusals.
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
const std::string kConfig = R"({"provider":"ollama","api_base":"http://127.0.0.1:11434/","extra":{"keep_alive":"10m"}})";
}  // namespace

TEST_CASE("ollama embeddings: a string stays a string, an array stays an array, dimensions and keep_alive") {
  ProviderInstance p(vt(), kConfig);
  REQUIRE(p.rc == LLMGW_OK);
  EmbeddingsCall one(R"({"model":"x","input":"why is the sky blue?","dimensions":64})", "nomic-embed-text");
  const auto r = p.encode(one.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url == "http://127.0.0.1:11434/api/embed");
  auto d = parse_json(r.body);
  CHECK(std::string(d["model"].GetString()) == "nomic-embed-text");
  CHECK(d["input"].IsString());
  CHECK(d["dimensions"].GetInt() == 64);
  CHECK(std::string(d["keep_alive"].GetString()) == "10m");

  EmbeddingsCall many(R"({"model":"x","input":["a","b","c"]})", "nomic-embed-text");
  d = parse_json(p.encode(many.c).body);
  REQUIRE(d["input"].IsArray());
  CHECK(d["input"].Size() == 3);
  CHECK_FALSE(d.HasMember("dimensions"));
}

TEST_CASE("ollama embeddings: token ids are refused") {
  ProviderInstance p(vt(), kConfig);
  EmbeddingsCall call(R"({"model":"x","input":[5,6,7]})", "nomic-embed-text");
  const auto r = p.encode(call.c);
  CHECK(r.rc == LLMGW_UNSUPPORTED);
  CHECK(r.error.find("Ollama") != std::string::npos);
}

TEST_CASE("ollama embeddings: embeddings and prompt_eval_count → list and usage; errors") {
  ProviderInstance p(vt(), kConfig);
  EmbeddingsCall call(R"({"model":"x","input":["a","b"],"encoding_format":"base64"})", "nomic-embed-text");
  const auto r = p.decode(call.c, 200, R"({"model":"nomic-embed-text","embeddings":[[1,2],[0.25,-4]],"prompt_eval_count":7})");
  REQUIRE(r.rc == LLMGW_OK);
  const auto d = parse_json(r.body);
  CHECK(floats_of_base64(d["data"][1]["embedding"].GetString()) == std::vector<float>{0.25f, -4.0f});
  CHECK(d["usage"]["prompt_tokens"].GetInt() == 7);
  CHECK(d["usage"]["total_tokens"].GetInt() == 7);
  REQUIRE(r.usage);
  CHECK(r.usage->prompt_tokens == 7);
  CHECK(r.usage->completion_tokens == 0);

  const auto nf = p.decode(call.c, 404, R"({"error":"model \"nomic-embed-text\" not found, try pulling it first"})");
  CHECK(nf.rc == LLMGW_ERROR);
  const auto bad = p.decode(call.c, 200, R"({"embeddings":[[1,"2"]]})");
  CHECK(bad.rc == LLMGW_ERROR);
  REQUIRE(bad.error);
  CHECK(bad.error->status == 502);
}

TEST_CASE("ollama embeddings: an embeddings call whose body is not in the embeddings dialect is a 400") {
  ProviderInstance p(vt(), kConfig);
  EmbeddingsCall call(R"({"model":"x","input":"a"})", "nomic-embed-text");
  call.c.body_dialect = LLMGW_DIALECT_OPENAI_CHAT;
  const auto r = p.encode(call.c);
  CHECK(r.rc == LLMGW_BAD_ARGUMENT);
  CHECK(r.error.find("OpenAI embeddings body") != std::string::npos);
}
