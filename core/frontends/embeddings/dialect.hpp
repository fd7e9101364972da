// The OpenAI embeddings dialect (POST /v1/embeddings). Its body is the canonical form of the
// embeddings operation: forwarded as it is (model rewritten) to an OpenAI-shaped upstream, and
// translated by the provider for others; answers are OpenAI embedding lists.
#pragma once

#include "frontends/dialect.hpp"

namespace llmgw::frontends::embeddings {

class EmbeddingsDialect final : public Dialect {
 public:
  const char* name() const override { return "embeddings"; }
  llmgw_dialect id() const override { return LLMGW_DIALECT_OPENAI_EMBEDDINGS; }
  llmgw_operation operation() const override { return LLMGW_OP_EMBEDDINGS; }
  const server::ErrorFormat& errors() const override;
  std::optional<canonical::ApiError> scan(const std::string& body, ScannedRequest& out,
                                          unsigned max_depth) const override;
  canonical::ApiError model_not_found(const std::string& model) const override;
  std::unique_ptr<pipeline::Reply> make_reply(server::Response& response, const ScannedRequest& request,
                                              const RequestLimits& limits) const override;
};

}  // namespace llmgw::frontends::embeddings
