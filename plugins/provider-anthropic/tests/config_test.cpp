// create(): config JSON → URLs, headers and defaults; bad configs refused with one line.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace test;

namespace {

Request encode_chat(Plugin& p) {
  Call call = native("{}");
  return encode(p, call.c);
}

}  // namespace

TEST_CASE("descriptor and vtable", "[config]") {
  const llmgw_plugin* d = llmgw_plugin_entry_v1();
  CHECK(d->abi_major == LLMGW_ABI_MAJOR);
  CHECK(d->kind == LLMGW_KIND_PROVIDER);
  CHECK(std::string(d->name) == "provider-anthropic");
  CHECK(std::string(d->build_signature) == LLMGW_BUILD_SIGNATURE);
  const llmgw_provider_vtable& vt = vtable();
  CHECK(vt.struct_size == sizeof(llmgw_provider_vtable));
  CHECK(std::string(vt.provider_names) == "anthropic");
  CHECK(vt.native_dialect == LLMGW_DIALECT_ANTHROPIC_MESSAGES);
  CHECK(vt.capabilities == (LLMGW_CAP_CHAT | LLMGW_CAP_STREAM | LLMGW_CAP_TOOLS | LLMGW_CAP_VISION | LLMGW_CAP_JSON_SCHEMA));
  CHECK(vt.stream_open);
  CHECK(vt.stream_feed);
  CHECK(vt.stream_close);
  CHECK(vt.stream_destroy);
}

TEST_CASE("api_base: default, trailing slash, /v1 not doubled", "[config]") {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"provider":"anthropic","api_key":"k"})", "https://api.anthropic.com/v1/messages"},
      {R"({"provider":"anthropic","api_key":"k","api_base":null})", "https://api.anthropic.com/v1/messages"},
      {R"({"provider":"anthropic","api_key":"k","api_base":"https://proxy.example.com/"})", "https://proxy.example.com/v1/messages"},
      {R"({"provider":"anthropic","api_key":"k","api_base":"https://proxy.example.com/anthropic/v1"})", "https://proxy.example.com/anthropic/v1/messages"},
      {R"({"provider":"anthropic","api_key":"k","api_base":"http://127.0.0.1:9000/v1/"})", "http://127.0.0.1:9000/v1/messages"},
  };
  for (const auto& [config, url] : cases) {
    INFO(config);
    Plugin p(config);
    REQUIRE(p.rc == LLMGW_OK);
    CHECK(encode_chat(p).url == url);
  }
}

TEST_CASE("headers: x-api-key, version, extra headers", "[config]") {
  Plugin p(R"({"provider":"anthropic","api_key":"sk-ant-1","extra":{"anthropic_version":"2023-01-01",
              "headers":{"X-Team":"blue"},"extra_headers":{"x-team":"green","anthropic-version":"2099-01-01"}}})");
  REQUIRE(p.rc == LLMGW_OK);
  const Request r = encode_chat(p);
  CHECK(r.header("x-api-key") == "sk-ant-1");
  CHECK(r.all("x-team") == std::vector<std::string>{"green"});
  CHECK(r.all("anthropic-version") == std::vector<std::string>{"2099-01-01"});
}

TEST_CASE("no api_key: a warning, and no x-api-key header", "[config]") {
  Plugin p(R"({"provider":"anthropic"})");
  REQUIRE(p.rc == LLMGW_OK);
  CHECK(encode_chat(p).header("x-api-key") == "<absent>");
  REQUIRE(p.host.logs.size() == 1);
  CHECK(p.host.logs[0].first == LLMGW_LOG_WARN);
}

TEST_CASE("bad configs are refused with one line and no secret", "[config]") {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "JSON object"},
      {R"({"provider":"openai"})", "unknown provider"},
      {R"({"provider":"anthropic","api_base":"ftp://x"})", "api_base"},
      {R"({"provider":"anthropic","api_base":"https://"})", "host"},
      {R"({"provider":"anthropic","extra":{"max_tokens":0}})", "max_tokens"},
      {R"({"provider":"anthropic","extra":{"max_tokens":"big"}})", "max_tokens"},
      {R"({"provider":"anthropic","extra":[]})", "extra"},
      {R"({"provider":"anthropic","api_key":"sk-ant-secret\r\nX: y"})", "api_key"},
      {R"({"provider":"anthropic","extra":{"headers":{"bad name":"v"}}})", "bad name"},
      {R"({"provider":"anthropic","extra":{"headers":{"x":1}}})", "extra.headers.x"},
  };
  for (const auto& [config, names] : cases) {
    INFO(config);
    Plugin p(config);
    CHECK(p.rc == LLMGW_BAD_ARGUMENT);
    CHECK(p.inst == nullptr);
    CHECK(p.error.find(names) != std::string::npos);
    CHECK(p.error.find("sk-ant-secret") == std::string::npos);
    CHECK(p.error.find('\n') == std::string::npos);
  }
}
