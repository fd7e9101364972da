// provider-bedrock config: region and credentials (config, else the environment through the
// host), api_base / aws_bedrock_runtime_endpoint, Bedrock API keys, refusals.
#include "harness.hpp"

using namespace bedrock_test;
using llmgw::testing::ProviderInstance;

TEST_CASE("config: the regional endpoint; api_base with its port as the signed Host") {
  ProviderInstance p(vt(), kConfig, real_crypto);
  REQUIRE(p.rc == LLMGW_OK);
  Call call(R"({"messages":[{"role":"user","content":"hi"}]})", true, "converse/us.anthropic.claude-3-5-sonnet-20240620-v1:0");
  const auto r = p.encode(call.c);
  CHECK(r.url == "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream");
  CHECK(r.header("accept") == "application/vnd.amazon.eventstream");

  ProviderInstance local(vt(), R"({"provider":"bedrock","api_base":"http://127.0.0.1:4567/","extra":{"aws_region_name":"us-west-2",
    "aws_access_key_id":"AKID","aws_secret_access_key":"s","headers":{"x-team":"a"}}})", real_crypto);
  REQUIRE(local.rc == LLMGW_OK);
  const auto l = local.encode(call.c);
  CHECK(l.url == "http://127.0.0.1:4567/model/us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream");
  CHECK(l.header("host") == "127.0.0.1:4567");
  CHECK(l.header("x-team") == "a");
  CHECK(l.header("authorization").find("/us-west-2/bedrock/") != std::string::npos);

  ProviderInstance prefixed(vt(), R"({"provider":"bedrock","extra":{"aws_bedrock_runtime_endpoint":"https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com:443/proxy",
    "aws_region_name":"us-east-1","aws_access_key_id":"AKID","aws_secret_access_key":"s"}})", real_crypto);
  REQUIRE(prefixed.rc == LLMGW_OK);
  CHECK(prefixed.encode(call.c).url == "https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com:443/proxy/model/us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream");
  CHECK(prefixed.encode(call.c).header("host") == "vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com");
}

TEST_CASE("config: credentials and region from the environment; a Bedrock API key") {
  ProviderInstance env(vt(), R"({"provider":"bedrock"})", [](llmgw::testing::FakeHost& h) {
    real_crypto(h);
    h.secrets = {{"os.environ/AWS_REGION", "ap-south-1"}, {"os.environ/AWS_ACCESS_KEY_ID", "AKIAENV"},
                 {"os.environ/AWS_SECRET_ACCESS_KEY", "envsecret"}, {"os.environ/AWS_SESSION_TOKEN", "envtoken"}};
  });
  REQUIRE(env.rc == LLMGW_OK);
  Call call(R"({"messages":[{"role":"user","content":"hi"}]})");
  const auto r = env.encode(call.c);
  CHECK(r.url.starts_with("https://bedrock-runtime.ap-south-1.amazonaws.com/"));
  CHECK(r.header("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIAENV/20150830/ap-south-1/bedrock/aws4_request"));
  CHECK(r.header("x-amz-security-token") == "envtoken");

  ProviderInstance key(vt(), R"({"provider":"bedrock","api_key":"ABSKbedrockkey","extra":{"aws_region_name":"us-east-1"}})");
  REQUIRE(key.rc == LLMGW_OK);
  const auto k = key.encode(call.c);
  CHECK(k.header("authorization") == "Bearer ABSKbedrockkey");
  CHECK(k.header("x-amz-date") == "<absent>");
}

TEST_CASE("config: refusals name the setting") {
  const auto fails = [](const std::string& cfg, const std::string& what) {
    ProviderInstance p(vt(), cfg);
    CHECK(p.rc == LLMGW_BAD_ARGUMENT);
    INFO(p.error);
    CHECK(p.error.find(what) != std::string::npos);
  };
  fails(R"({"provider":"bedrock","extra":{"aws_access_key_id":"A","aws_secret_access_key":"s"}})", "aws_region_name is required");
  fails(R"({"provider":"bedrock","extra":{"aws_region_name":"us-east-1"}})", "needs aws_access_key_id");
  fails(R"({"provider":"bedrock","extra":{"aws_region_name":"us east","aws_access_key_id":"A","aws_secret_access_key":"s"}})", "region such as");
  fails(R"({"provider":"bedrock","extra":{"aws_region_name":"us-east-1","aws_profile_name":"dev"}})", "aws_profile_name is not supported");
  fails(R"({"provider":"bedrock","model":"invoke/anthropic.claude-v2","extra":{"aws_region_name":"us-east-1","aws_access_key_id":"A","aws_secret_access_key":"s"}})",
        "Converse API only");
  fails(R"({"provider":"bedrock","extra":{"aws_region_name":"us-east-1","aws_access_key_id":"A","aws_secret_access_key":"s","headers":{"X-Amz-Date":"x"}}})",
        "signature");
  fails(R"({"provider":"openai"})", "unknown provider");
}
