// count_tokens (/v1/messages/count_tokens) for deployments whose upstream cannot count: which
// providers count (an Anthropic-native one gets the client's request as is; one with
// LLMGW_CAP_COUNT_TOKENS translates it, ABI 1.2), and the gateway's own answer for the others
// (or for a model such a provider refuses with LLMGW_UNSUPPORTED): an estimate of about four
// bytes of request JSON per token (clients use it for context budgeting, not billing).
#pragma once

#include <llmgw/plugin.h>

#include <string>
#include <string_view>

namespace llmgw::pipeline {

/// The provider takes LLMGW_OP_COUNT_TOKENS calls (and answers Anthropic's {"input_tokens": N}).
inline bool counts_tokens(const llmgw_provider_vtable& vt) {
  return vt.native_dialect == LLMGW_DIALECT_ANTHROPIC_MESSAGES || (vt.capabilities & LLMGW_CAP_COUNT_TOKENS) != 0;
}

/// The gateway's estimate for the client's count_tokens request `body`.
inline std::string count_tokens_estimate(std::string_view body) {
  return "{\"input_tokens\":" + std::to_string((body.size() + 3) / 4) + "}";
}

}  // namespace llmgw::pipeline
