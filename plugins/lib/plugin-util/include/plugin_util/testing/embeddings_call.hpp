// Test support for the plugins' embeddings tests (not for plugin code): an embeddings llmgw_call
// holding its body, the bounded parse of an answer, and the floats a base64 embedding carries.
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <rapidjson/document.h>

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::plugin_util::testing {

/// An LLMGW_OP_EMBEDDINGS call in the canonical dialect for `model` with `body`.
struct EmbeddingsCall {
  llmgw_call c{};
  std::string body, model;
  EmbeddingsCall(std::string b, std::string m) : body(std::move(b)), model(std::move(m)) {
    c.struct_size = sizeof c;
    c.operation = LLMGW_OP_EMBEDDINGS;
    c.body_dialect = LLMGW_DIALECT_OPENAI_EMBEDDINGS;
    c.client_dialect = LLMGW_DIALECT_OPENAI_EMBEDDINGS;
    c.body = str(body);
    c.model = str(model);
  }
};

inline rapidjson::Document parse_json(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.data(), s.size());
  return d;
}

/// The little-endian float32 values of a base64 text (RFC 4648, padded).
inline std::vector<float> floats_of_base64(std::string_view b64) {
  auto val = [](char ch) -> int {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    return ch == '+' ? 62 : ch == '/' ? 63 : -1;
  };
  std::vector<unsigned char> bytes;
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : b64) {
    const int v = val(ch);
    if (v < 0) break;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<unsigned char>(acc >> bits));
    }
  }
  std::vector<float> out;
  for (std::size_t i = 0; i + 4 <= bytes.size(); i += 4)
    out.push_back(std::bit_cast<float>(uint32_t{bytes[i]} | uint32_t{bytes[i + 1]} << 8 | uint32_t{bytes[i + 2]} << 16 |
                                       uint32_t{bytes[i + 3]} << 24));
  return out;
}

}  // namespace llmgw::plugin_util::testing

namespace llmgw::plugin_util::testing {

/// Fuzz support: what a decoder wrote for an embeddings call is either a canonical embedding
/// list (JSON, "object":"list", a "data" array of one embedding per input, index i at position i,
// usage) or a
/// classified error. `decode(call, response, out)` runs the plugin's decoder.
template <typename Result, typename Decode>
bool embeddings_decode_holds(Decode&& decode, std::string_view upstream_body, int status, bool base64) {
  EmbeddingsCall call(base64 ? R"({"model":"m","input":["a","b"],"encoding_format":"base64"})" : R"({"model":"m","input":["a","b"]})",
                      "m");
  Result r;
  const llmgw_result_out out = r.out();
  const llmgw_upstream_response resp{sizeof resp, status, nullptr, 0, str(upstream_body)};
  r.rc = decode(call.c, resp, out);
  if (r.rc != LLMGW_OK) return r.rc == LLMGW_ERROR && r.error.has_value();
  const rapidjson::Document d = parse_json(r.body);
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("data") || !d["data"].IsArray() || !d.HasMember("usage")) return false;
  if (d["data"].Size() != 2) return false;  // one embedding per input, never a short list
  for (rapidjson::SizeType i = 0; i < d["data"].Size(); ++i) {
    const auto& item = d["data"][i];
    if (!item.HasMember("index") || !item["index"].IsUint() || item["index"].GetUint() != i) return false;
    if (base64 ? !item["embedding"].IsString() : !item["embedding"].IsArray()) return false;
  }
  return r.usage.has_value();
}

}  // namespace llmgw::plugin_util::testing
