#include "frontends/anthropic_messages/dialect.hpp"

#include "frontends/anthropic_messages/anthropic_error.hpp"
#include "frontends/anthropic_messages/anthropic_reply.hpp"
#include "frontends/anthropic_messages/messages_request_scan.hpp"
#include "frontends/anthropic_messages/to_canonical_request.hpp"
#include "pipeline/count_tokens.hpp"

namespace llmgw::frontends::anthropic {
namespace {

/// `ctx`: the ingress's RequestLimits.
std::optional<canonical::ApiError> to_canonical_request_of(const void* ctx, std::string_view body,
                                                           std::string_view upstream_model, std::string& out) {
  return to_canonical_request(body, upstream_model, out, static_cast<const RequestLimits*>(ctx)->max_json_depth);
}

}  // namespace

const server::ErrorFormat& MessagesDialect::errors() const { return kErrors; }

std::optional<canonical::ApiError> MessagesDialect::scan(const std::string& body, ScannedRequest& out,
                                                         unsigned max_depth) const {
  MessagesRequestInfo info;
  if (auto rejected = scan_messages_request(body, info, ScanOptions{kind_ == Kind::Messages, max_depth}))
    return rejected;
  out.model = std::move(info.model);
  out.model_begin = info.model_begin;
  out.model_end = info.model_end;
  out.stream = kind_ == Kind::Messages && info.stream;
  out.routing_fields = info.routing_fields;
  out.estimate = info.tally.estimate();
  out.cache_requested = info.cache_requested;
  return std::nullopt;
}

canonical::ApiError MessagesDialect::model_not_found(const std::string& model) const {
  return {404, "not_found_error", "model_not_found", "model", "model: " + model};
}

std::optional<std::string> MessagesDialect::local_answer(const pipeline::Pool& pool, std::string_view body) const {
  if (kind_ != Kind::CountTokens || pipeline::counts_tokens(pool.front()->provider->vtable())) return std::nullopt;
  return pipeline::count_tokens_estimate(body);
}

std::unique_ptr<pipeline::Reply> MessagesDialect::make_reply(server::Response& response,
                                                             const ScannedRequest& request,
                                                             const RequestLimits& limits) const {
  return std::make_unique<AnthropicReply>(response, request.model, limits.max_json_depth, kind_ == Kind::CountTokens);
}

Dialect::ToCanonical MessagesDialect::to_canonical() const { return &to_canonical_request_of; }

}  // namespace llmgw::frontends::anthropic
