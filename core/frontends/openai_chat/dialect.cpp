#include "frontends/openai_chat/dialect.hpp"

#include "frontends/openai_chat/chat_request_scan.hpp"
#include "frontends/openai_chat/openai_error.hpp"
#include "frontends/openai_chat/openai_reply.hpp"

namespace llmgw::frontends::openai_chat {

const server::ErrorFormat& ChatDialect::errors() const { return kErrors; }

std::optional<canonical::ApiError> ChatDialect::scan(const std::string& body, ScannedRequest& out,
                                                     unsigned max_depth) const {
  ChatRequestInfo info;
  if (auto rejected = scan_chat_request(body, info, max_depth)) return rejected;
  out.model = std::move(info.model);
  out.model_begin = info.model_begin;
  out.model_end = info.model_end;
  out.stream = info.stream;
  out.routing_fields = info.routing_fields;
  out.estimate = info.tally.estimate();
  out.cache_requested = info.cache_requested;
  return std::nullopt;
}

canonical::ApiError model_not_found(const std::string& model) {
  return {404, "invalid_request_error", "model_not_found", "model",
          "The model `" + model + "` does not exist or you do not have access to it."};
}

canonical::ApiError ChatDialect::model_not_found(const std::string& model) const {
  return openai_chat::model_not_found(model);
}

std::unique_ptr<pipeline::Reply> ChatDialect::make_reply(server::Response& response,
                                                         const ScannedRequest&, const RequestLimits&) const {
  return std::make_unique<OpenAIReply>(response);
}

}  // namespace llmgw::frontends::openai_chat
