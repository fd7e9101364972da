// create(): URLs and headers per provider, defaults, and refused configs.
#include "harness.hpp"
#include "wire.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace test;
using llmgw::provider_openai::kProviderNames;
using llmgw::provider_openai::kProviders;

namespace {
Request chat(const std::string& config) {
  Plugin p(config);
  REQUIRE(p.rc == LLMGW_OK);
  return encode(p, make_call(R"({"model":"m"})"));
}
}  // namespace

TEST_CASE("descriptor and vtable", "[config]") {
  const llmgw_plugin* d = llmgw_plugin_entry_v1();
  CHECK(d->abi_major == LLMGW_ABI_MAJOR);
  CHECK(d->struct_size == sizeof(llmgw_plugin));
  CHECK(std::string(d->build_signature) == LLMGW_BUILD_SIGNATURE);
  CHECK(d->kind == LLMGW_KIND_PROVIDER);
  CHECK(std::string(d->name) == "provider-openai");
  const auto& vt = vtable();
  CHECK(vt.struct_size == sizeof(llmgw_provider_vtable));
  CHECK(vt.native_dialect == LLMGW_DIALECT_OPENAI_CHAT);
  CHECK(vt.capabilities == (LLMGW_CAP_CHAT | LLMGW_CAP_STREAM | LLMGW_CAP_TOOLS | LLMGW_CAP_VISION |
                            LLMGW_CAP_JSON_SCHEMA | LLMGW_CAP_EMBEDDINGS));
  CHECK((vt.create && vt.destroy && vt.encode_request && vt.decode_response && vt.stream_open && vt.stream_feed &&
         vt.stream_close && vt.stream_destroy));
  // provider_names lists exactly the table, in order.
  std::istringstream names(vt.provider_names);
  std::string name;
  std::size_t i = 0;
  while (names >> name) {
    REQUIRE(i < std::size(kProviders));
    CHECK(name == kProviders[i++].name);
  }
  CHECK(i == std::size(kProviders));
  CHECK(std::string(vt.provider_names) == kProviderNames);
}

TEST_CASE("openai: default base, bearer auth, content type", "[config]") {
  const Request r = chat(R"({"provider":"openai","model":"gpt-4o","api_key":"sk-test-123"})");
  CHECK(r.rc == LLMGW_OK);
  CHECK(r.url == "https://api.openai.com/v1/chat/completions");
  CHECK(r.header("Content-Type") == "application/json");
  CHECK(r.header("Authorization") == "Bearer sk-test-123");
  CHECK(r.count("api-key") == 0);
  CHECK(r.headers.size() == 2);
}

TEST_CASE("every provider with a default base uses it", "[config]") {
  for (const auto& p : kProviders) {
    if (p.default_base.empty()) continue;
    INFO(p.name);
    const Request r = chat(R"({"provider":")" + std::string(p.name) + R"(","model":"m","api_key":"k"})");
    CHECK(r.url == std::string(p.default_base) + "/chat/completions");
  }
  CHECK(chat(R"({"provider":"groq","model":"llama-3.1-8b-instant","api_key":"gsk"})").url ==
        "https://api.groq.com/openai/v1/chat/completions");
}

TEST_CASE("custom base: trailing slashes trimmed, empty key sends no auth", "[config]") {
  const Request r = chat(R"({"provider":"hosted_vllm","model":"m","api_base":"http://vllm.internal:8000/v1//","api_key":""})");
  CHECK(r.url == "http://vllm.internal:8000/v1/chat/completions");
  CHECK(r.count("Authorization") == 0);
  CHECK(chat(R"({"provider":"openai","model":"m","api_base":"https://proxy.example/openai/v1/","api_key":null})").url ==
        "https://proxy.example/openai/v1/chat/completions");
}

TEST_CASE("providers without a default base need api_base", "[config]") {
  for (const char* name : {"hosted_vllm", "vllm", "openai_compatible", "custom_openai", "lm_studio", "azure", "azure_ai"}) {
    INFO(name);
    Plugin p(std::string(R"({"provider":")") + name + R"(","model":"m","api_key":"sk-secret-key-1"})");
    CHECK(p.rc == LLMGW_BAD_ARGUMENT);
    CHECK(p.error.find("needs api_base") != std::string::npos);
    CHECK(p.error.find("sk-secret-key-1") == std::string::npos);
    CHECK(p.error.find('\n') == std::string::npos);
  }
}

TEST_CASE("azure: deployment URL, api-version, api-key header", "[config]") {
  Plugin p(R"({"provider":"azure","model":"gpt4o-prod","api_base":"https://myres.openai.azure.com/",
               "api_key":"azkey","api_version":"2024-06-01"})");
  REQUIRE(p.rc == LLMGW_OK);
  CHECK(p.host.logs.empty());
  const Request r = encode(p, make_call("{}"));
  CHECK(r.url == "https://myres.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-06-01");
  CHECK(r.header("api-key") == "azkey");
  CHECK(r.count("Authorization") == 0);
  CHECK(encode(p, make_call("{}", LLMGW_OP_EMBEDDINGS)).url ==
        "https://myres.openai.azure.com/openai/deployments/gpt4o-prod/embeddings?api-version=2024-06-01");
}

TEST_CASE("azure: default api-version with a warning; /openai suffix; odd deployment names", "[config]") {
  Plugin p(R"({"provider":"azure","model":"my dep/1","api_base":"https://r.openai.azure.com/openai/","api_key":"k"})");
  REQUIRE(p.rc == LLMGW_OK);
  REQUIRE(p.host.logs.size() == 1);
  CHECK(p.host.logs[0].first == LLMGW_LOG_WARN);
  CHECK(p.host.logs[0].second.find("2024-10-21") != std::string::npos);
  CHECK(encode(p, make_call("{}")).url ==
        "https://r.openai.azure.com/openai/deployments/my%20dep%2F1/chat/completions?api-version=2024-10-21");
}

TEST_CASE("azure: Entra ID token when there is no key; model required", "[config]") {
  const Request r = chat(R"({"provider":"azure","model":"d","api_base":"https://r.openai.azure.com","api_version":"2024-10-21",
                            "extra":{"azure_ad_token":"eyJ0eXAi"}})");
  CHECK(r.header("Authorization") == "Bearer eyJ0eXAi");
  CHECK(r.count("api-key") == 0);
  Plugin no_model(R"({"provider":"azure","api_base":"https://r.openai.azure.com","api_key":"k"})");
  CHECK(no_model.rc == LLMGW_BAD_ARGUMENT);
  CHECK(no_model.error.find("model") != std::string::npos);
}

TEST_CASE("azure_ai: bearer auth, optional api-version", "[config]") {
  const Request r = chat(R"({"provider":"azure_ai","model":"Llama-3.3-70B","api_base":"https://x.services.ai.azure.com/models",
                            "api_key":"k","api_version":"2024-05-01-preview"})");
  CHECK(r.url == "https://x.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview");
  CHECK(r.header("Authorization") == "Bearer k");
}

TEST_CASE("organization and extra headers", "[config]") {
  const Request r = chat(R"({"provider":"openai","model":"m","api_key":"sk-1",
      "extra":{"organization":"org-abc","headers":{"X-Trace":"1","helicone-auth":"Bearer h"},
               "extra_headers":{"X-Trace":"2","authorization":"Bearer override"},"temperature":0.2}})");
  CHECK(r.header("OpenAI-Organization") == "org-abc");
  CHECK(r.header("X-Trace") == "2");
  CHECK(r.count("X-Trace") == 1);
  CHECK(r.header("helicone-auth") == "Bearer h");
  CHECK(r.count("Authorization") == 1);
  CHECK(r.header("Authorization") == "Bearer override");
}

TEST_CASE("refused configs name the problem in one line, never the key", "[config]") {
  const std::string key = "sk-live-DO-NOT-LEAK-0123456789";
  const std::string cases[] = {
      "not json",
      "[]",
      R"({"model":"m"})",
      R"({"provider":"nope","api_key":")" + key + R"("})",
      R"({"provider":"openai","api_base":"api.openai.com/v1","api_key":")" + key + R"("})",
      R"({"provider":"openai","api_base":"https://","api_key":")" + key + R"("})",
      R"({"provider":"openai","api_base":"https://a b","api_key":")" + key + R"("})",
      R"({"provider":"openai","api_key":")" + key + R"(\r\nX-Evil: 1"})",
      R"({"provider":"openai","api_key":")" + key + R"(","extra":{"headers":{"X":1}}})",
      R"({"provider":"openai","api_key":")" + key + R"(","extra":{"headers":{"X":"a\nb"}}})",
      R"({"provider":"openai","api_key":")" + key + R"(","extra":{"headers":{"bad name":"v"}}})",
      R"({"provider":"openai","api_key":")" + key + R"(","extra":{"headers":[]}})",
      R"({"provider":"openai","api_key":")" + key + R"(","extra":"x"})",
      R"({"provider":"openai","api_key":7})",
  };
  for (const std::string& c : cases) {
    INFO(c);
    Plugin p(c);
    CHECK(p.rc == LLMGW_BAD_ARGUMENT);
    CHECK(p.inst == nullptr);
    CHECK_FALSE(p.error.empty());
    CHECK(p.error.find('\n') == std::string::npos);
    CHECK(p.error.find(key) == std::string::npos);
  }
}
