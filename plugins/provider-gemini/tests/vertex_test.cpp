// vertex_ai/: Vertex URLs from vertex_project / vertex_location, the service-account token
// exchange through the ABI 1.1 credential hooks (an RS256 JWT the test verifies with the public
// key), the cached Bearer token on requests, failures of the exchange, and what Vertex refuses.
#include "harness.hpp"

#include "../vertex_auth.hpp"
#include "../vertex_embeddings.hpp"

#include <plugin_util/testing/embeddings_call.hpp>

#include <catch2/catch.hpp>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

using namespace test;
using llmgw::plugin_util::testing::EmbeddingsCall;

namespace {

struct KeyPair {
  std::string private_pem;
  EVP_PKEY* pkey = nullptr;
  KeyPair() {
    pkey = EVP_RSA_gen(2048);
    REQUIRE(pkey);
    BIO* bio = BIO_new(BIO_s_mem());
    REQUIRE(PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    private_pem.assign(data, static_cast<std::size_t>(n));
    BIO_free(bio);
  }
  ~KeyPair() { EVP_PKEY_free(pkey); }
};

const KeyPair& key() {
  static const KeyPair k;
  return k;
}

std::string json_string(const std::string& s) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return sb.GetString();
}

std::string service_account(const std::string& token_uri = "http://127.0.0.1:9/token") {
  return R"({"type":"service_account","project_id":"proj-from-key","private_key_id":"kid-1","private_key":)" +
         json_string(key().private_pem) + R"(,"client_email":"gw@proj.iam.gserviceaccount.com","token_uri":")" + token_uri + R"("})";
}

std::string vertex_config(const std::string& extra_members, const std::string& top = "") {
  return R"({"provider":"vertex_ai","model":"gemini-2.5-flash")" + top + R"(,"extra":{"vertex_credentials":)" +
         json_string(service_account()) + extra_members + "}}";
}

std::string b64url_decode(std::string_view in) {
  std::string s(in);
  for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  std::size_t pad = 0;
  while (s.size() % 4) { s.push_back('='); ++pad; }
  std::string out(s.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                                static_cast<int>(s.size()));
  REQUIRE(n >= 0);
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

bool verify_rs256(const std::string& signing_input, const std::string& signature) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  const bool ok = EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key().pkey) == 1 &&
                  EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                                   reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

struct Credential {
  Request request;
  llmgw_status rc = LLMGW_ERROR;
};

Credential credential_request(Plugin& p) {
  Credential c;
  const llmgw_request_out out = c.request.out();
  llmgw_writer w = c.request.error_writer();
  REQUIRE(p.hooks().credential_request != nullptr);
  c.rc = p.hooks().credential_request(p.inst, &out, &w);
  return c;
}

llmgw_status credential_accept(Plugin& p, int status, const std::string& body, int64_t& refresh_ms, std::string& error) {
  llmgw_upstream_response r{};
  r.struct_size = sizeof r;
  r.status = status;
  r.body = llmgw::str(body);
  llmgw_writer w = llmgw::string_writer(&error);
  return p.hooks().credential_accept(p.inst, &r, &refresh_ms, &w);
}

const std::string kChat = R"({"messages":[{"role":"user","content":"x"}]})";

}  // namespace

TEST_CASE("vertex_ai: URLs from project and location; api_base replaces the host") {
  Plugin p(vertex_config(R"(,"vertex_project":"my-proj","vertex_location":"europe-west4")"));
  REQUIRE(p.rc == LLMGW_OK);
  CHECK(p.encode(Call(kChat).c).url ==
        "https://europe-west4-aiplatform.googleapis.com/v1/projects/my-proj/locations/europe-west4/publishers/google/models/"
        "gemini-2.5-flash:generateContent");
  CHECK(p.encode(Call(kChat, true).c).url.ends_with("/models/gemini-2.5-flash:streamGenerateContent?alt=sse"));
  Plugin global(vertex_config(R"(,"vertex_location":"global")"));
  REQUIRE(global.rc == LLMGW_OK);
  CHECK(global.encode(Call(kChat).c).url ==
        "https://aiplatform.googleapis.com/v1/projects/proj-from-key/locations/global/publishers/google/models/gemini-2.5-flash:generateContent");
  Plugin local(vertex_config("", R"(,"api_base":"http://127.0.0.1:4321")"));
  REQUIRE(local.rc == LLMGW_OK);
  CHECK(local.encode(Call(kChat).c).url ==
        "http://127.0.0.1:4321/v1/projects/proj-from-key/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent");
  CHECK(local.encode(Call(kChat).c).header("x-goog-api-key") == "<absent>");
}

TEST_CASE("vertex_ai: the token request is an RS256 JWT the key's public half verifies") {
  Plugin p(vertex_config(""));
  REQUIRE(p.rc == LLMGW_OK);
  const Credential c = credential_request(p);
  REQUIRE(c.rc == LLMGW_OK);
  CHECK(c.request.method == "POST");
  CHECK(c.request.url == "http://127.0.0.1:9/token");
  CHECK(c.request.header("content-type") == "application/x-www-form-urlencoded");
  const std::string prefix = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
  REQUIRE(c.request.body.starts_with(prefix));
  const std::string jwt = c.request.body.substr(prefix.size());
  const std::size_t dot1 = jwt.find('.');
  const std::size_t dot2 = jwt.rfind('.');
  REQUIRE(dot1 != std::string::npos);
  REQUIRE(dot2 > dot1);
  const auto header = parse(b64url_decode(std::string_view(jwt).substr(0, dot1)));
  CHECK(std::string(header["alg"].GetString()) == "RS256");
  CHECK(std::string(header["kid"].GetString()) == "kid-1");
  const auto claims = parse(b64url_decode(std::string_view(jwt).substr(dot1 + 1, dot2 - dot1 - 1)));
  CHECK(std::string(claims["iss"].GetString()) == "gw@proj.iam.gserviceaccount.com");
  CHECK(std::string(claims["aud"].GetString()) == "http://127.0.0.1:9/token");
  CHECK(std::string(claims["scope"].GetString()) == "https://www.googleapis.com/auth/cloud-platform");
  CHECK(claims["exp"].GetInt64() - claims["iat"].GetInt64() == 3600);
  const std::string signature = b64url_decode(std::string_view(jwt).substr(dot2 + 1));
  CHECK(signature.size() == 256);
  CHECK(verify_rs256(jwt.substr(0, dot2), signature));
  std::string tampered = jwt.substr(0, dot2);
  tampered[dot1 + 3] = tampered[dot1 + 3] == 'A' ? 'B' : 'A';
  CHECK_FALSE(verify_rs256(tampered, signature));
}

TEST_CASE("vertex_ai: no token, no Authorization; the accepted token is sent and renewed before expiry") {
  Plugin p(vertex_config(""));
  REQUIRE(p.rc == LLMGW_OK);
  CHECK(p.encode(Call(kChat).c).header("authorization") == "<absent>");
  int64_t refresh = -1;
  std::string error;
  REQUIRE(credential_accept(p, 200, R"({"access_token":"ya29.first","expires_in":3599,"token_type":"Bearer"})", refresh, error) == LLMGW_OK);
  CHECK(error.empty());
  CHECK(refresh == 3599'000 - 300'000);
  CHECK(p.encode(Call(kChat).c).header("authorization") == "Bearer ya29.first");
  REQUIRE(credential_accept(p, 200, R"({"access_token":"ya29.short","expires_in":60})", refresh, error) == LLMGW_OK);
  CHECK(refresh == 30'000);
  CHECK(p.encode(Call(kChat).c).header("authorization") == "Bearer ya29.short");
}

TEST_CASE("vertex_ai: a refused or malformed token answer is an error line and a short back-off") {
  Plugin p(vertex_config(""));
  REQUIRE(p.rc == LLMGW_OK);
  int64_t refresh = -1;
  std::string error;
  CHECK(credential_accept(p, 400, R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})", refresh, error) == LLMGW_ERROR);
  CHECK_THAT(error, Catch::Contains("invalid_grant") && Catch::Contains("Invalid JWT Signature"));
  CHECK(refresh == 10'000);
  error.clear();
  CHECK(credential_accept(p, 200, R"({"token_type":"Bearer"})", refresh, error) == LLMGW_ERROR);
  CHECK_THAT(error, Catch::Contains("access_token"));
  error.clear();
  CHECK(credential_accept(p, 0, "", refresh, error) == LLMGW_ERROR);
  CHECK_THAT(error, Catch::Contains("no answer"));
  error.clear();
  CHECK(credential_accept(p, 200, "{\"access_token\":\"a\\nb\",\"expires_in\":100}", refresh, error) == LLMGW_ERROR);
  CHECK(p.encode(Call(kChat).c).header("authorization") == "<absent>");
}

TEST_CASE("vertex_ai: bad credentials are refused at create with one line; gemini needs no exchange") {
  CHECK_THAT(Plugin(R"({"provider":"vertex_ai","extra":{"vertex_credentials":"/nonexistent/key.json"}})").error,
             Catch::Contains("cannot read"));
  CHECK_THAT(Plugin(R"({"provider":"vertex_ai","extra":{"vertex_credentials":"{\"type\":\"service_account\"}"}})").error,
             Catch::Contains("client_email"));
  CHECK_THAT(Plugin(R"({"provider":"vertex_ai","extra":{"vertex_project":"p","vertex_credentials":"{\"client_email\":\"a\",\"private_key\":\"nope\"}"}})").error,
             Catch::Contains("RSA private key"));
  CHECK_THAT(Plugin(vertex_config(R"(,"vertex_location":"us/../x")")).error, Catch::Contains("vertex_location"));
  Plugin gemini;
  REQUIRE(gemini.rc == LLMGW_OK);
  CHECK(credential_request(gemini).rc == LLMGW_NOT_FOUND);
}

TEST_CASE("vertex_ai embeddings: :predict with instances[].content and parameters.outputDimensionality") {
  Plugin p(vertex_config(R"(,"vertex_project":"my-proj","vertex_location":"europe-west4")"));
  REQUIRE(p.rc == LLMGW_OK);
  EmbeddingsCall call(R"({"input":["hello","world"],"dimensions":16})", "text-embedding-005");
  const Request r = p.encode(call.c);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url ==
        "https://europe-west4-aiplatform.googleapis.com/v1/projects/my-proj/locations/europe-west4/publishers/google/models/"
        "text-embedding-005:predict");
  CHECK(json_equal(r.body, R"({"instances":[{"content":"hello"},{"content":"world"}],"parameters":{"outputDimensionality":16}})"));
  CHECK(r.header("content-type") == "application/json");
  EmbeddingsCall plain(R"({"input":"one"})", "text-embedding-005");
  CHECK(json_equal(p.encode(plain.c).body, R"({"instances":[{"content":"one"}]})"));
  EmbeddingsCall tokens(R"({"input":[1,2,3]})", "text-embedding-005");
  const Request refused = p.encode(tokens.c);
  CHECK(refused.rc == LLMGW_UNSUPPORTED);
  CHECK_THAT(refused.error, Catch::Contains("Vertex AI"));
}

TEST_CASE("vertex_ai embeddings: a list longer than the model takes is refused naming the limit and the model") {
  Plugin p(vertex_config(""));
  REQUIRE(p.rc == LLMGW_OK);
  // gemini-embedding-001 takes one instance per request (Vertex answers more with 400).
  EmbeddingsCall one(R"({"input":["only"]})", "gemini-embedding-001");
  const Request sent = p.encode(one.c);
  REQUIRE(sent.rc == LLMGW_OK);
  CHECK(json_equal(sent.body, R"({"instances":[{"content":"only"}]})"));
  CHECK_THAT(sent.url, Catch::EndsWith("/gemini-embedding-001:predict"));
  EmbeddingsCall two(R"({"input":["a","b"]})", "gemini-embedding-001");
  const Request refused = p.encode(two.c);
  CHECK(refused.rc == LLMGW_UNSUPPORTED);
  CHECK(refused.body.empty());
  CHECK(refused.url.empty());
  CHECK_THAT(refused.error, Catch::Contains("gemini-embedding-001") && Catch::Contains("takes one input per request") &&
                                Catch::Contains("this request has 2"));
  // The other embedding models: up to 250 instances.
  std::string many = R"({"input":[)";
  for (int i = 0; i < 251; ++i) many += i ? R"(,"x")" : R"("x")";
  EmbeddingsCall over(many + "]}", "text-embedding-005");
  const Request too_many = p.encode(over.c);
  CHECK(too_many.rc == LLMGW_UNSUPPORTED);
  CHECK_THAT(too_many.error, Catch::Contains("text-embedding-005") && Catch::Contains("at most 250 inputs"));
  many.erase(many.size() - 4);  // 250 inputs
  EmbeddingsCall at_limit(many + "]}", "text-embedding-005");
  CHECK(p.encode(at_limit.c).rc == LLMGW_OK);
  CHECK(llmgw::provider_gemini::vertex_embed_limit("gemini-embedding-001") == 1);
  CHECK(llmgw::provider_gemini::vertex_embed_limit("text-multilingual-embedding-002") == 250);
}

TEST_CASE("vertex_ai embeddings: predictions → the embedding list, usage the sum of statistics.token_count") {
  Plugin p(vertex_config(""));
  REQUIRE(p.rc == LLMGW_OK);
  EmbeddingsCall call(R"({"input":["a","b"]})", "text-embedding-005");
  const auto r = p.decode(call.c, 200,
                          R"({"predictions":[{"embeddings":{"values":[0.5,-0.25],"statistics":{"token_count":3,"truncated":false}}},)"
                          R"({"embeddings":{"values":[1,0],"statistics":{"token_count":4,"truncated":false}}}],)"
                          R"("metadata":{"billableCharacterCount":2}})");
  REQUIRE(r.rc == LLMGW_OK);
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  REQUIRE(d.IsObject());
  CHECK(d["object"] == "list");
  REQUIRE(d["data"].Size() == 2);
  CHECK(d["data"][0]["embedding"][1].GetDouble() == -0.25);
  CHECK(d["data"][1]["index"].GetInt() == 1);
  CHECK(d["usage"]["prompt_tokens"].GetInt64() == 7);
  REQUIRE(r.usage);
  CHECK(r.usage->prompt_tokens == 7);
  // One prediction without statistics: usage unknown, not a partial sum.
  const auto partial = p.decode(call.c, 200, R"({"predictions":[{"embeddings":{"values":[1]}},)"
                                             R"({"embeddings":{"values":[2],"statistics":{"token_count":4}}}]})");
  REQUIRE(partial.rc == LLMGW_OK);
  CHECK((!partial.usage || partial.usage->prompt_tokens < 0));
  // A count missing its prediction, and no predictions at all: 502 naming what is wrong.
  const auto short_list = p.decode(call.c, 200, R"({"predictions":[{"embeddings":{"values":[1]}}]})");
  CHECK(short_list.rc == LLMGW_ERROR);
  const auto none = p.decode(call.c, 200, R"({"deployedModelId":"x"})");
  CHECK(none.rc == LLMGW_ERROR);
  REQUIRE(none.error);
  CHECK_THAT(none.error->message, Catch::Contains("no predictions"));
  // Vertex's error shape on a non-2xx answer.
  const auto err = p.decode(call.c, 400, R"({"error":{"code":400,"message":"instances must be non-empty","status":"INVALID_ARGUMENT"}})");
  REQUIRE(err.error);
  CHECK(err.error->status == 400);
  CHECK(err.error->cls == LLMGW_ERR_INVALID_REQUEST);
}

TEST_CASE("vertex_ai/claude-…: the Messages body without model, anthropic_version in it, at :rawPredict / :streamRawPredict") {
  Plugin p(vertex_config(R"(,"vertex_project":"my-proj","vertex_location":"us-east5")"));
  REQUIRE(p.rc == LLMGW_OK);
  int64_t refresh = 0;
  std::string why;
  REQUIRE(credential_accept(p, 200, R"({"access_token":"ya29.claude","expires_in":3600,"token_type":"Bearer"})", refresh, why) ==
          LLMGW_OK);
  Call call(R"({"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],"max_tokens":50})", false,
            "claude-sonnet-4-5@20250929");
  const Request r = p.encode(call.c);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url ==
        "https://us-east5-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-east5/publishers/anthropic/models/"
        "claude-sonnet-4-5@20250929:rawPredict");
  CHECK(json_equal(r.body, R"({"anthropic_version":"vertex-2023-10-16","max_tokens":50,"system":"Be brief.",)"
                           R"("messages":[{"role":"user","content":"hi"}]})"));
  CHECK(r.header("authorization") == "Bearer ya29.claude");
  CHECK(r.header("anthropic-version") == "<absent>");
  CHECK(r.header("x-api-key") == "<absent>");
  Call streamed(R"({"messages":[{"role":"user","content":"hi"}],"stream":true})", true, "claude-sonnet-4-5@20250929");
  const Request s = p.encode(streamed.c);
  REQUIRE(s.rc == LLMGW_OK);
  CHECK(s.url.ends_with("/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict"));
  rapidjson::Document body;
  body.Parse(s.body.c_str());
  CHECK(!body.HasMember("model"));
  CHECK(body["stream"].IsTrue());
  CHECK(body["max_tokens"].GetInt64() > 0);  // the Messages API requires it: the codec's default
  // What Anthropic lacks is refused as on the Anthropic API, naming it.
  Call n2(R"({"messages":[{"role":"user","content":"hi"}],"n":2})", false, "claude-sonnet-4-5@20250929");
  const Request refused = p.encode(n2.c);
  CHECK(refused.rc == LLMGW_UNSUPPORTED);
  CHECK_THAT(refused.error, Catch::Contains("n > 1"));
  // gemini/ deployments never take the partner route.
  Plugin gemini;
  Call claude_on_gemini(R"({"messages":[{"role":"user","content":"hi"}]})", false, "claude-sonnet-4-5");
  CHECK(gemini.encode(claude_on_gemini.c).url.ends_with("/models/claude-sonnet-4-5:generateContent"));
}

TEST_CASE("vertex_ai/claude-…: count_tokens at count-tokens:rawPredict, the model in the body, the answer relayed") {
  Plugin p(vertex_config(R"(,"vertex_project":"my-proj","vertex_location":"us-east5")"));
  REQUIRE(p.rc == LLMGW_OK);
  Call count(R"({"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"how many tokens?"}],)"
             R"("tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"max_tokens":5})",
             false, "claude-sonnet-4-5@20250929", LLMGW_OP_COUNT_TOKENS);
  const Request r = p.encode(count.c);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url ==
        "https://us-east5-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-east5/publishers/anthropic/models/"
        "count-tokens:rawPredict");
  CHECK(r.header("x-goog-api-key") == "<absent>");
  rapidjson::Document body = parse(r.body);
  CHECK(body["model"] == "claude-sonnet-4-5@20250929");
  CHECK(body.HasMember("system"));
  CHECK(body["messages"].Size() == 1);
  CHECK(body["tools"][0]["name"] == "f");
  CHECK(!body.HasMember("anthropic_version"));
  CHECK(!body.HasMember("max_tokens"));  // count_tokens takes none
  CHECK(!body.HasMember("stream"));
  const auto answer = p.decode(count.c, 200, R"({"input_tokens":17})");
  REQUIRE(answer.rc == LLMGW_OK);
  CHECK(answer.use_upstream_body);
  const auto quota = p.decode(count.c, 429, R"({"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}})");
  REQUIRE(quota.error);
  CHECK(quota.error->status == 429);
  // The Gemini models count with their own :countTokens (count_tokens_test.cpp).
  Call gemini(R"({"messages":[{"role":"user","content":"x"}]})", false, "gemini-2.5-flash", LLMGW_OP_COUNT_TOKENS);
  CHECK(p.encode(gemini.c).url.ends_with("/publishers/google/models/gemini-2.5-flash:countTokens"));
  CHECK((vtable().capabilities & LLMGW_CAP_COUNT_TOKENS) != 0);
}

TEST_CASE("vertex_ai/claude-…: answers, streams and errors are decoded as the Messages API's") {
  Plugin p(vertex_config(""));
  REQUIRE(p.rc == LLMGW_OK);
  Call call(R"({"messages":[{"role":"user","content":"hi"}]})", false, "claude-haiku-4-5@20251001");
  const auto r = p.decode(call.c, 200,
                          R"({"id":"msg_vrtx_01","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",)"
                          R"("content":[{"type":"text","text":"Hello!"}],"stop_reason":"end_turn","stop_sequence":null,)"
                          R"("usage":{"input_tokens":12,"output_tokens":3,"cache_read_input_tokens":8}})");
  REQUIRE(r.rc == LLMGW_OK);
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  REQUIRE(d.IsObject());
  CHECK(d["object"] == "chat.completion");
  CHECK(d["choices"][0]["message"]["content"] == "Hello!");
  CHECK(d["choices"][0]["finish_reason"] == "stop");
  REQUIRE(r.usage);
  CHECK(r.usage->completion_tokens == 3);
  // Anthropic's error shape (the model's own answer) and Google's (Vertex's front end).
  const auto overloaded = p.decode(call.c, 529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  REQUIRE(overloaded.error);
  CHECK(overloaded.error->cls == LLMGW_ERR_TRANSIENT);
  const auto quota = p.decode(call.c, 429, R"({"error":{"code":429,"message":"Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model","status":"RESOURCE_EXHAUSTED"}})");
  REQUIRE(quota.error);
  CHECK(quota.error->cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(quota.error->status == 429);
  const auto unauth = p.decode(call.c, 401, R"({"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}})");
  REQUIRE(unauth.error);
  CHECK(unauth.error->cls == LLMGW_ERR_AUTH);

  Call streamed(R"({"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}})", true,
                "claude-haiku-4-5@20251001");
  const std::string sse =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_vrtx_02\",\"type\":\"message\",\"role\":\"assistant\","
      "\"model\":\"claude-haiku-4-5-20251001\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\n\n"
      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi there\"}}\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":4}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  const auto run = llmgw::testing::run_stream(p, streamed.c, {sse});
  CHECK(run.final_status == LLMGW_DONE);
  std::string text;
  for (const std::string& c : run.chunks) {
    rapidjson::Document chunk;
    chunk.Parse(c.c_str());
    REQUIRE(chunk.IsObject());
    CHECK(chunk["object"] == "chat.completion.chunk");
    if (chunk["choices"].Size() && chunk["choices"][0]["delta"].HasMember("content") && chunk["choices"][0]["delta"]["content"].IsString())
      text += chunk["choices"][0]["delta"]["content"].GetString();
  }
  CHECK(text == "Hi there");
  REQUIRE(run.usage);
  CHECK(run.usage->prompt_tokens == 9);
  CHECK(run.usage->completion_tokens == 4);
}

TEST_CASE("vertex_ai/mistral-…: Mistral's body, the bare model name in it, at :rawPredict / :streamRawPredict") {
  Plugin p(vertex_config(R"(,"vertex_project":"my-proj","vertex_location":"europe-west4","safe_prompt":true)"));
  REQUIRE(p.rc == LLMGW_OK);
  int64_t refresh = 0;
  std::string why;
  REQUIRE(credential_accept(p, 200, R"({"access_token":"ya29.mistral","expires_in":3600,"token_type":"Bearer"})", refresh, why) ==
          LLMGW_OK);
  Call call(R"({"model":"mistral-small-2503@001","messages":[{"role":"user","content":"hi"}],"seed":7,)"
            R"("max_completion_tokens":20,"user":"u-1","tool_choice":"required",)"
            R"("tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]})",
            false, "mistral-small-2503@001");
  const Request r = p.encode(call.c);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url ==
        "https://europe-west4-aiplatform.googleapis.com/v1/projects/my-proj/locations/europe-west4/publishers/mistralai/models/"
        "mistral-small-2503@001:rawPredict");
  CHECK(r.header("authorization") == "Bearer ya29.mistral");
  CHECK(r.header("x-goog-api-key") == "<absent>");
  rapidjson::Document body = parse(r.body);
  CHECK(body["model"] == "mistral-small-2503");  // the URL carries the version, the body the bare name
  CHECK(body["random_seed"].GetInt64() == 7);               // Mistral's own names, as on api.mistral.ai
  CHECK(body["max_tokens"].GetInt64() == 20);
  CHECK(body["tool_choice"] == "any");
  CHECK(body["safe_prompt"].IsTrue());           // the deployment's extra.safe_prompt
  CHECK(!body.HasMember("user"));
  CHECK(!body.HasMember("seed"));
  CHECK(body["stream"].IsFalse());

  Call streamed(R"({"model":"codestral-2501","messages":[{"role":"user","content":"hi"}],"stream":true,)"
                R"("stream_options":{"include_usage":true}})",
                true, "codestral-2501");
  const Request s = p.encode(streamed.c);
  REQUIRE(s.rc == LLMGW_OK);
  CHECK(s.url.ends_with("/publishers/mistralai/models/codestral-2501:streamRawPredict"));
  rapidjson::Document sbody = parse(s.body);
  CHECK(sbody["stream"].IsTrue());
  CHECK(sbody["model"] == "codestral-2501");
  CHECK(!sbody.HasMember("stream_options"));  // Mistral answers 422 to it

  // What Mistral lacks is refused before the call, naming it; embeddings and count_tokens too.
  Call logprobs(R"({"messages":[{"role":"user","content":"hi"}],"logprobs":true})", false, "mistral-large-2411");
  const Request lp = p.encode(logprobs.c);
  CHECK(lp.rc == LLMGW_UNSUPPORTED);
  CHECK_THAT(lp.error, Catch::Contains("logprobs") && Catch::Contains("Mistral"));
  Call count(kChat, false, "mistral-large-2411", LLMGW_OP_COUNT_TOKENS);
  const Request c = p.encode(count.c);
  CHECK(c.rc == LLMGW_UNSUPPORTED);
  CHECK_THAT(c.error, Catch::Contains("count_tokens") && Catch::Contains("mistral-large-2411"));
  // Other Vertex models keep their routes; gemini/ deployments never take this one.
  Call open(kChat, false, "mistralai/mistral-small-3.1");
  CHECK(p.encode(open.c).url.ends_with("/endpoints/openapi/chat/completions"));
  Call gemini_model(kChat, false, "gemini-2.5-flash");
  CHECK(p.encode(gemini_model.c).url.ends_with("/publishers/google/models/gemini-2.5-flash:generateContent"));
  Plugin gemini;
  Call mistral_on_gemini(kChat, false, "mistral-large-2411");
  CHECK(gemini.encode(mistral_on_gemini.c).url.ends_with("/models/mistral-large-2411:generateContent"));
}

TEST_CASE("vertex_ai/mistral-…: answers, streams and Mistral's errors decoded by the Mistral codec, Vertex's as Google's") {
  Plugin p(vertex_config(""));
  REQUIRE(p.rc == LLMGW_OK);
  Call call(kChat, false, "mistral-large-2411");
  const auto r = p.decode(call.c, 200,
                          R"({"id":"cmpl-1","object":"chat.completion","created":1,"model":"mistral-large-2411",)"
                          R"("choices":[{"index":0,"message":{"role":"assistant","content":"Bonjour"},"finish_reason":"model_length"}],)"
                          R"("usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}})");
  REQUIRE(r.rc == LLMGW_OK);
  rapidjson::Document d = parse(r.body);
  CHECK(d["choices"][0]["message"]["content"] == "Bonjour");
  CHECK(d["choices"][0]["finish_reason"] == "length");  // Mistral's model_length mapped
  REQUIRE(r.usage);
  CHECK(r.usage->prompt_tokens == 5);
  CHECK(r.usage->completion_tokens == 2);
  // Mistral's own 422 (the model refused a member) and Google's (Vertex's front end).
  const auto extra = p.decode(call.c, 422, R"({"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","x"],)"
                                           R"("msg":"Extra inputs are not permitted"}]},"type":"invalid_request_message_error"})");
  REQUIRE(extra.error);
  CHECK(extra.error->cls == LLMGW_ERR_INVALID_REQUEST);
  const auto quota = p.decode(call.c, 429, R"({"error":{"code":429,"message":"Quota exceeded for aiplatform.googleapis.com/)"
                                           R"(online_prediction_requests_per_base_model","status":"RESOURCE_EXHAUSTED"}})");
  REQUIRE(quota.error);
  CHECK(quota.error->cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(quota.error->status == 429);
  const auto missing = p.decode(call.c, 404, R"({"error":{"code":404,"message":"Publisher Model `projects/p/locations/l/)"
                                             R"(publishers/mistralai/models/mistral-x` not found.","status":"NOT_FOUND"}})");
  REQUIRE(missing.error);
  CHECK(missing.error->cls == LLMGW_ERR_NOT_FOUND);

  Call streamed(R"({"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}})", true,
                "mistral-large-2411");
  const std::string sse =
      "data: {\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-large-2411\","
      "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi \"},\"finish_reason\":null}]}\n\n"
      "data: {\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-large-2411\","
      "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"there\"},\"finish_reason\":\"stop\"}],"
      "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2,\"total_tokens\":6}}\n\n"
      "data: [DONE]\n\n";
  const auto run = llmgw::testing::run_stream(p, streamed.c, {sse});
  CHECK(run.final_status == LLMGW_DONE);
  std::string text;
  bool usage_chunk = false;
  for (const std::string& c : run.chunks) {
    rapidjson::Document chunk = parse(c);
    CHECK(chunk["object"] == "chat.completion.chunk");
    if (chunk.HasMember("usage")) usage_chunk = chunk["choices"].Empty();
    if (chunk["choices"].Size() && chunk["choices"][0]["delta"].HasMember("content"))
      text += chunk["choices"][0]["delta"]["content"].GetString();
  }
  CHECK(text == "Hi there");
  CHECK(usage_chunk);  // include_usage: its own chunk before [DONE]
  REQUIRE(run.usage);
  CHECK(run.usage->prompt_tokens == 4);
  // A stream cut before [DONE] is a bad response, as on api.mistral.ai.
  const auto cut = llmgw::testing::run_stream(p, streamed.c, {sse.substr(0, sse.find("data: [DONE]"))});
  CHECK(cut.final_status == LLMGW_ERROR);
}

TEST_CASE("base64url: no padding, URL alphabet") {
  using llmgw::provider_gemini::base64url;
  CHECK(base64url("") == "");
  CHECK(base64url("f") == "Zg");
  CHECK(base64url("fo") == "Zm8");
  CHECK(base64url("foo") == "Zm9v");
  CHECK(base64url("\xfb\xff") == "-_8");
}
