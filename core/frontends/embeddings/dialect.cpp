#include "frontends/embeddings/dialect.hpp"

#include "frontends/embeddings/embeddings_request_scan.hpp"
#include "frontends/openai_chat/dialect.hpp"
#include "frontends/openai_chat/openai_error.hpp"
#include "frontends/openai_chat/openai_reply.hpp"

namespace llmgw::frontends::embeddings {

const server::ErrorFormat& EmbeddingsDialect::errors() const { return openai_chat::kErrors; }

std::optional<canonical::ApiError> EmbeddingsDialect::scan(const std::string& body, ScannedRequest& out,
                                                           unsigned max_depth) const {
  EmbeddingsRequestInfo info;
  if (auto rejected = scan_embeddings_request(body, info, max_depth)) return rejected;
  out.model = std::move(info.model);
  out.model_begin = info.model_begin;
  out.model_end = info.model_end;
  out.stream = false;
  out.routing_fields = info.routing_fields;
  out.estimate = info.tally.estimate();
  return std::nullopt;
}

canonical::ApiError EmbeddingsDialect::model_not_found(const std::string& model) const {
  return openai_chat::model_not_found(model);
}

std::unique_ptr<pipeline::Reply> EmbeddingsDialect::make_reply(server::Response& response,
                                                               const ScannedRequest&, const RequestLimits&) const {
  return std::make_unique<OpenAIReply>(response);
}

}  // namespace llmgw::frontends::embeddings
