// Test helpers for provider-bedrock: a call, JSON comparison, OpenSSL's SHA-256 / HMAC in the
// fake host (the signature tests need real ones); eventstream_encode.hpp builds stream bytes.
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>
#include <llmgw/testing.hpp>

#include "eventstream_encode.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <rapidjson/document.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace bedrock_test {

inline const llmgw_provider_vtable& vt() { return llmgw::testing::provider_vtable(llmgw_plugin_entry_v1()); }

/// The test's credentials: AWS's documentation example key pair.
inline const std::string kAccessKey = "AKIDEXAMPLE";
inline const std::string kSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
inline const std::string kConfig =
    R"({"provider":"bedrock","model":"us.anthropic.claude-3-5-sonnet-20240620-v1:0","extra":{"aws_region_name":"us-east-1",)"
    R"("aws_access_key_id":"AKIDEXAMPLE","aws_secret_access_key":"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}})";

inline void real_crypto(llmgw::testing::FakeHost& h) {
  h.sha256_impl = [](std::string_view d, uint8_t out[32]) { SHA256(reinterpret_cast<const unsigned char*>(d.data()), d.size(), out); };
  h.hmac_sha256_impl = [](std::string_view k, std::string_view d, uint8_t out[32]) {
    unsigned int n = 32;
    HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()), reinterpret_cast<const unsigned char*>(d.data()), d.size(), out, &n);
  };
  h.realtime_ms = 1440938160000;  // 2015-08-30T12:36:00Z, the test suite's date
}

struct Call {
  llmgw_call c{};
  std::string body;
  std::string model;
  explicit Call(std::string b, bool stream = false, std::string m = "us.anthropic.claude-3-5-sonnet-20240620-v1:0")
      : body(std::move(b)), model(std::move(m)) {
    c.struct_size = sizeof c;
    c.operation = LLMGW_OP_CHAT;
    c.body_dialect = LLMGW_DIALECT_OPENAI_CHAT;
    c.client_dialect = LLMGW_DIALECT_OPENAI_CHAT;
    c.body = llmgw::str(body);
    c.model = llmgw::str(model);
    c.stream = stream;
  }
};

inline rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.data(), s.size());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

inline bool json_equal(const std::string& a, const std::string& b) {
  rapidjson::Document x, y;
  x.Parse(a.data(), a.size());
  y.Parse(b.data(), b.size());
  return !x.HasParseError() && !y.HasParseError() && x == y;
}

}  // namespace bedrock_test
