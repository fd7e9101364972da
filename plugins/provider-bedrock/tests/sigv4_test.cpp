// SigV4 against AWS's published test suite (aws-sig-v4-test-suite: credentials AKIDEXAMPLE,
// region us-east-1, service "service", 20150830T123600Z), then a Bedrock request signed through
// the plugin's encode_request: canonical URI double-encoded, the headers it signs, the body hash.
#include "harness.hpp"

#include "sigv4.hpp"

using namespace bedrock_test;
namespace s4 = llmgw::provider_bedrock::sigv4;

namespace {

constexpr std::string_view kDate = "20150830T123600Z";
const s4::Credentials kCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service"};

std::string signature_of(std::string_view method, std::string_view raw_path, std::string_view query, std::string_view body) {
  llmgw::testing::FakeHost host;
  real_crypto(host);
  const s4::HostCrypto crypto(host.table());
  const std::string uri = s4::canonical_uri(raw_path), q = s4::canonical_query(query), hash = crypto.sha256_hex(body);
  const s4::Request r{method, uri, q, {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}}, hash, kDate};
  const s4::Signed s = s4::sign(crypto, kCreds, r);
  CHECK(s.signed_headers == "host;x-amz-date");
  CHECK(s.authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                           "SignedHeaders=host;x-amz-date, Signature=" + s.signature);
  return s.signature;
}

}  // namespace

TEST_CASE("sigv4: AWS test suite vectors") {
  CHECK(signature_of("GET", "/", "", "") == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");  // get-vanilla
  CHECK(signature_of("POST", "/", "", "") == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");  // post-vanilla
  // get-vanilla-query-order-key-case: the query is sorted before signing
  CHECK(signature_of("GET", "/", "Param2=value2&Param1=value1", "") == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
  CHECK(signature_of("GET", "/", "Param1=value1", "") == "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb");  // get-vanilla-empty-query-key
  CHECK(signature_of("GET", "/\xE1\x88\xB4", "", "") == "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");  // get-utf8
}

TEST_CASE("sigv4: canonical pieces") {
  CHECK(s4::uri_encode("us.anthropic.claude-3-5-sonnet-20240620-v1:0", false) == "us.anthropic.claude-3-5-sonnet-20240620-v1%3A0");
  CHECK(s4::uri_encode("arn:aws:bedrock:us-east-1:1:inference-profile/x", false) ==
        "arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fx");
  CHECK(s4::canonical_uri("/model/anthropic.claude-v2%3A1/converse") == "/model/anthropic.claude-v2%253A1/converse");
  CHECK(s4::canonical_uri("") == "/");
  CHECK(s4::amz_date(1440938160000) == "20150830T123600Z");
  CHECK(s4::amz_date(0) == "19700101T000000Z");
  llmgw::testing::FakeHost host;
  real_crypto(host);
  CHECK(s4::HostCrypto(host.table()).sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const s4::Signed s = s4::sign(s4::HostCrypto(host.table()), kCreds,
                                {"GET", "/", "", {{"My-Header1", "  a   b   c  "}, {"host", "h"}, {"x-amz-date", kDate}}, "x", kDate});
  CHECK(s.canonical_request == "GET\n/\n\nhost:h\nmy-header1:a b c\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\nx");
}

TEST_CASE("sigv4: a Bedrock converse request as encode_request signs it") {
  llmgw::testing::ProviderInstance p(vt(), kConfig, real_crypto);
  REQUIRE(p.rc == LLMGW_OK);
  Call call(R"({"messages":[{"role":"user","content":"Hello"}],"max_tokens":10})");
  const auto r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url == "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
  CHECK(r.header("host") == "bedrock-runtime.us-east-1.amazonaws.com");
  CHECK(r.header("x-amz-date") == "20150830T123600Z");
  const s4::HostCrypto crypto(p.host.table());
  CHECK(r.header("x-amz-content-sha256") == crypto.sha256_hex(r.body));
  CHECK(r.header("x-amz-security-token") == "<absent>");
  const std::string auth = r.header("authorization");
  CHECK(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request, "
                         "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature="));
  // The same request signed independently from its parts: the path's ':' is signed as %253A.
  const std::string hash = r.header("x-amz-content-sha256");
  const s4::Request req{"POST", "/model/us.anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse", "",
                        {{"content-type", "application/json"}, {"host", "bedrock-runtime.us-east-1.amazonaws.com"},
                         {"x-amz-content-sha256", hash}, {"x-amz-date", "20150830T123600Z"}},
                        hash, "20150830T123600Z"};
  const s4::Signed s = s4::sign(crypto, {kAccessKey, kSecretKey, "us-east-1", "bedrock"}, req);
  CHECK(auth == s.authorization);
  // Pinned: computed for this body by node:crypto (tests/mocks/bedrock-sigv4.mjs's verifier).
  CHECK(r.body == R"({"messages":[{"role":"user","content":[{"text":"Hello"}]}],"inferenceConfig":{"maxTokens":10}})");
  CHECK(s.signature == "e1d170ee8b5dd0b8d416b711e1dc61e7b9d51a93f4c8872892c91a2c89e5630e");

  SECTION("session token: sent and signed") {
    llmgw::testing::ProviderInstance t(vt(), R"({"provider":"bedrock","extra":{"aws_region_name":"eu-west-3","aws_access_key_id":"AKIDEXAMPLE",
      "aws_secret_access_key":"secret","aws_session_token":"IQoJb3JpZ2luX2VjEPz//////////token"}})", real_crypto);
    REQUIRE(t.rc == LLMGW_OK);
    const auto tr = t.encode(call.c);
    CHECK(tr.header("x-amz-security-token") == "IQoJb3JpZ2luX2VjEPz//////////token");
    CHECK(tr.header("authorization").find("/eu-west-3/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;"
                                          "x-amz-date;x-amz-security-token, ") != std::string::npos);
  }
}
