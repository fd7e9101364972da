#include "vertex_claude.hpp"

#include "encode.hpp"
#include "errors.hpp"
#include "post.hpp"
#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <provider-anthropic/decode.hpp>
#include <provider-anthropic/encode.hpp>

#include <rapidjson/stringbuffer.h>

namespace llmgw::provider_gemini {

std::string partner_model_segment(std::string_view model) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(model.size());
  for (const char ch : model) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
        c == '@') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

llmgw_status encode_vertex_claude(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                                  const llmgw_writer* error) {
  const std::string model = partner_model_segment(view(call.model));
  rapidjson::StringBuffer body;
  if (const llmgw_status st = provider_anthropic::encode_vertex_body(*cfg.claude, call, body, error); st != LLMGW_OK)
    return st;
  if (call.operation == LLMGW_OP_COUNT_TOKENS)
    post_to_model(cfg, cfg.claude_url, kCountTokensModel, kRawPredictSuffix, body, out);
  else
    post_to_model(cfg, cfg.claude_url, model, call.stream ? kStreamRawPredictSuffix : kRawPredictSuffix, body, out);
  return LLMGW_OK;
}

llmgw_status decode_vertex_claude(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                                  const llmgw_result_out& out, int64_t now_unix_s) {
  if (is_google_error(response)) return report_error(out, error_from_response(cfg, response));
  return provider_anthropic::decode(*cfg.claude, call, response, out, now_unix_s);
}

}  // namespace llmgw::provider_gemini
