// provider-gemini embeddings: canonical request → batchEmbedContents, its answer → the canonical
// embedding list (floats and base64), refusals; plus plugin_util's shared list writer.
#include "harness.hpp"

#include <plugin_util/embeddings.hpp>
#include <plugin_util/testing/embeddings_call.hpp>

#include <catch2/catch.hpp>

using llmgw::plugin_util::testing::EmbeddingsCall;
using llmgw::plugin_util::testing::floats_of_base64;
using llmgw::testing::ProviderInstance;

namespace {
const llmgw_provider_vtable& vt() { return llmgw::testing::provider_vtable(llmgw_plugin_entry_v1()); }
}  // namespace

TEST_CASE("gemini embeddings: one EmbedContentRequest per input, outputDimensionality from dimensions") {
  ProviderInstance p(vt(), test::kConfig);
  REQUIRE(p.rc == LLMGW_OK);
  EmbeddingsCall call(R"({"model":"gemini-embedding-001","input":["a","b \"q\""],"dimensions":8,"user":"u"})", "gemini-embedding-001");
  const auto r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url == "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents");
  CHECK(r.header("x-goog-api-key") == test::kKey);
  const auto d = test::parse(r.body);
  REQUIRE(d["requests"].Size() == 2);
  CHECK(std::string(d["requests"][0]["model"].GetString()) == "models/gemini-embedding-001");
  CHECK(std::string(d["requests"][1]["content"]["parts"][0]["text"].GetString()) == "b \"q\"");
  CHECK(d["requests"][0]["outputDimensionality"].GetInt() == 8);
  CHECK_FALSE(d["requests"][0].HasMember("user"));
}

TEST_CASE("gemini embeddings: token ids are refused naming the feature and Gemini") {
  ProviderInstance p(vt(), test::kConfig);
  EmbeddingsCall call(R"({"model":"m","input":[[1,2],[3]]})", "gemini-embedding-001");
  const auto r = p.encode(call.c);
  CHECK(r.rc == LLMGW_UNSUPPORTED);
  CHECK(r.error.find("token ids") != std::string::npos);
  CHECK(r.error.find("Gemini") != std::string::npos);
}

TEST_CASE("gemini embeddings: the answer as the canonical list, base64 of float32 when asked") {
  ProviderInstance p(vt(), test::kConfig);
  const std::string answer = R"({"embeddings":[{"values":[0.5,-1.25]},{"values":[3,0.125]}]})";
  EmbeddingsCall floats(R"({"model":"m","input":["a","b"]})", "gemini-embedding-001");
  const auto f = p.decode(floats.c, 200, answer);
  REQUIRE(f.rc == LLMGW_OK);
  const auto d = test::parse(f.body);
  CHECK(std::string(d["object"].GetString()) == "list");
  REQUIRE(d["data"].Size() == 2);
  CHECK(d["data"][1]["index"].GetInt() == 1);
  CHECK(d["data"][1]["embedding"][0].GetDouble() == 3.0);
  CHECK(std::string(d["model"].GetString()) == "gemini-embedding-001");
  REQUIRE(f.usage);
  CHECK(f.usage->prompt_tokens == -1);  // AI Studio does not count embedding tokens

  EmbeddingsCall b64(R"({"model":"m","input":["a","b"],"encoding_format":"base64"})", "gemini-embedding-001");
  const auto b = p.decode(b64.c, 200, answer);
  REQUIRE(b.rc == LLMGW_OK);
  const auto db = test::parse(b.body);
  CHECK(floats_of_base64(db["data"][0]["embedding"].GetString()) == std::vector<float>{0.5f, -1.25f});
  CHECK(std::string(db["data"][0]["embedding"].GetString()) == "AAAAPwAAoL8=");
}

TEST_CASE("gemini embeddings: malformed answers and errors are classified, never crash") {
  ProviderInstance p(vt(), test::kConfig);
  EmbeddingsCall call(R"({"model":"m","input":"a"})", "gemini-embedding-001");
  for (const char* body : {R"({"embeddings":[]})", R"({"embeddings":[{"values":["x"]}]})", R"({"embeddings":[{"values":[]}]})",
                           R"([1])", "not json", R"({"embeddings":[{"values":[1e400]}]})",
                           R"({"embeddings":[{"values":[1e39]}]})"}) {
    INFO(body);
    const auto r = p.decode(call.c, 200, body);
    CHECK(r.rc == LLMGW_ERROR);
    REQUIRE(r.error);
    CHECK(r.error->status == 502);
  }
  const auto e = p.decode(call.c, 400, R"({"error":{"code":400,"message":"bad dims","status":"INVALID_ARGUMENT"}})");
  CHECK(e.rc == LLMGW_ERROR);
  REQUIRE(e.error);
  CHECK(e.error->status == 400);
}

TEST_CASE("plugin_util base64: RFC 4648 padding for 1, 2 and 3 trailing bytes") {
  auto b64 = [](std::string_view s) {
    std::string out;
    llmgw::plugin_util::append_base64(out, reinterpret_cast<const unsigned char*>(s.data()), s.size());
    return out;
  };
  CHECK(b64("") == "");
  CHECK(b64("f") == "Zg==");
  CHECK(b64("fo") == "Zm8=");
  CHECK(b64("foo") == "Zm9v");
  CHECK(b64("foobar") == "Zm9vYmFy");
}

TEST_CASE("gemini embeddings: an answer with fewer or more embeddings than inputs is a 502, never a short list") {
  ProviderInstance p(vt(), test::kConfig);
  EmbeddingsCall call(R"({"model":"m","input":["a","b","c"]})", "gemini-embedding-001");
  for (const char* body : {R"({"embeddings":[{"values":[1]},{"values":[2]}]})",
                           R"({"embeddings":[{"values":[1]},{"values":[2]},{"values":[3]},{"values":[4]}]})"}) {
    const auto r = p.decode(call.c, 200, body);
    CHECK(r.rc == LLMGW_ERROR);
    REQUIRE(r.error);
    CHECK(r.error->status == 502);
    CHECK(r.error->message.find("for 3 inputs") != std::string::npos);
  }
}

TEST_CASE("plugin_util embeddings_shape: encoding and input count from one SAX pass") {
  using llmgw::plugin_util::embeddings_shape;
  CHECK(embeddings_shape(R"({"model":"m","input":"x"})").inputs == 1);
  CHECK_FALSE(embeddings_shape(R"({"model":"m","input":"x"})").base64);
  CHECK(embeddings_shape(R"({"input":["a","b","c"],"encoding_format":"base64"})").inputs == 3);
  CHECK(embeddings_shape(R"({"input":["a","b","c"],"encoding_format":"base64"})").base64);
  CHECK(embeddings_shape(R"({"input":[1,2,3,4]})").inputs == 1);
  CHECK(embeddings_shape(R"({"input":[[1,2],[3],[4,5,6]]})").inputs == 3);
  CHECK(embeddings_shape(R"({"meta":{"input":["a","b"],"encoding_format":"base64"},"input":["z"]})").inputs == 1);
  CHECK_FALSE(embeddings_shape(R"({"meta":{"encoding_format":"base64"},"input":"z"})").base64);
  CHECK(embeddings_shape("not json").inputs == 0);
}
