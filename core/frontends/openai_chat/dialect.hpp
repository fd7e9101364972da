// The OpenAI Chat Completions dialect (POST /v1/chat/completions): the canonical dialect, so
// nothing is translated on the way in and answers pass through.
#pragma once

#include "frontends/dialect.hpp"

namespace llmgw::frontends::openai_chat {

/// OpenAI's 404 for a model no alias names (chat and embeddings alike).
canonical::ApiError model_not_found(const std::string& model);

class ChatDialect final : public Dialect {
 public:
  const char* name() const override { return "chat completions"; }
  llmgw_dialect id() const override { return LLMGW_DIALECT_OPENAI_CHAT; }
  llmgw_operation operation() const override { return LLMGW_OP_CHAT; }
  const server::ErrorFormat& errors() const override;
  std::optional<canonical::ApiError> scan(const std::string& body, ScannedRequest& out,
                                          unsigned max_depth) const override;
  canonical::ApiError model_not_found(const std::string& model) const override;
  std::unique_ptr<pipeline::Reply> make_reply(server::Response& response, const ScannedRequest& request,
                                              const RequestLimits& limits) const override;
};

}  // namespace llmgw::frontends::openai_chat
