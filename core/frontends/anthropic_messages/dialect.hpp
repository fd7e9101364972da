// The Anthropic Messages dialect: POST /v1/messages and /v1/messages/count_tokens (one dialect
// object each). Passthrough to Anthropic upstreams; translated to and from canonical for others.
#pragma once

#include "frontends/dialect.hpp"

namespace llmgw::frontends::anthropic {

class MessagesDialect final : public Dialect {
 public:
  enum class Kind { Messages, CountTokens };
  explicit MessagesDialect(Kind kind) : kind_(kind) {}
  const char* name() const override { return kind_ == Kind::Messages ? "messages" : "count_tokens"; }
  llmgw_dialect id() const override { return LLMGW_DIALECT_ANTHROPIC_MESSAGES; }
  llmgw_operation operation() const override {
    return kind_ == Kind::Messages ? LLMGW_OP_CHAT : LLMGW_OP_COUNT_TOKENS;
  }
  const server::ErrorFormat& errors() const override;
  std::optional<canonical::ApiError> scan(const std::string& body, ScannedRequest& out,
                                          unsigned max_depth) const override;
  canonical::ApiError model_not_found(const std::string& model) const override;
  /// count_tokens for a pool whose first deployment cannot count (pipeline/count_tokens.hpp):
  /// the gateway's estimate.
  std::optional<std::string> local_answer(const pipeline::Pool& pool, std::string_view body) const override;
  std::unique_ptr<pipeline::Reply> make_reply(server::Response& response, const ScannedRequest& request,
                                              const RequestLimits& limits) const override;
  ToCanonical to_canonical() const override;

 private:
  Kind kind_;
};

}  // namespace llmgw::frontends::anthropic
