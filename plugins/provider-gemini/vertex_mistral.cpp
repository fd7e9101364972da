#include "vertex_mistral.hpp"

#include "errors.hpp"
#include "post.hpp"
#include "vertex_claude.hpp"
#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <provider-mistral/codec.hpp>

#include <rapidjson/stringbuffer.h>

#include <string>

namespace llmgw::provider_gemini {

std::string_view vertex_mistral_body_model(std::string_view model) { return model.substr(0, model.find('@')); }

llmgw_status encode_vertex_mistral(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                                   const llmgw_writer* error) {
  const std::string_view model = view(call.model);
  if (call.operation != LLMGW_OP_CHAT) {
    write(error, std::string(call.operation == LLMGW_OP_EMBEDDINGS ? "embeddings are" : "count_tokens is") +
                     " not supported for Mistral models on Vertex AI by provider-gemini (model " + std::string(model) + ")");
    return LLMGW_UNSUPPORTED;
  }
  if (call.body_dialect != LLMGW_DIALECT_OPENAI_CHAT) {
    write(error, "provider-gemini translates canonical chat bodies only");
    return LLMGW_BAD_ARGUMENT;
  }
  const std::string segment = partner_model_segment(model);
  if (segment.empty()) {
    write(error, "the deployment names no Mistral model");
    return LLMGW_BAD_ARGUMENT;
  }
  rapidjson::StringBuffer body;
  const provider_mistral::BodyOptions options{vertex_mistral_body_model(model), call.stream != 0};
  if (const llmgw_status st = provider_mistral::encode_chat_body(*cfg.mistral, call, options, body, error); st != LLMGW_OK)
    return st;
  post_to_model(cfg, cfg.mistral_url, segment, call.stream ? kStreamRawPredictSuffix : kRawPredictSuffix, body, out);
  return LLMGW_OK;
}

llmgw_status decode_vertex_mistral(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                                   const llmgw_result_out& out) {
  if (is_google_error(response)) return report_error(out, error_from_response(cfg, response));
  return provider_mistral::decode(*cfg.mistral, call, response, out);
}

}  // namespace llmgw::provider_gemini
