// Converse usage → llmgw_usage (sdk/CANONICAL.md "Usage"):
//   prompt_tokens          = inputTokens + cacheReadInputTokens + cacheWriteInputTokens
//                            (Bedrock's inputTokens leaves the cached part out; OpenAI counts it)
//   completion_tokens      = outputTokens
//   cached_tokens          = cacheReadInputTokens
//   cache_creation_tokens  = cacheWriteInputTokens
// A count that is absent or not a non-negative integer is unknown (-1); cache counts Bedrock
// leaves out (a model without caching) are 0 when inputTokens is known.
#pragma once

#include <llmgw/plugin.hpp>

#include <plugin_util/json_helpers.hpp>

namespace llmgw::provider_bedrock {

inline llmgw_usage usage_of(const plugin_util::Value& u) {
  using plugin_util::json::member;
  using plugin_util::json::token_count;
  llmgw_usage out = unknown_usage();
  const int64_t input = token_count(member(u, "inputTokens"));
  int64_t read = token_count(member(u, "cacheReadInputTokens"));
  int64_t write = token_count(member(u, "cacheWriteInputTokens"));
  if (input >= 0) {
    if (read < 0) read = 0;
    if (write < 0) write = 0;
    // Each count is below 9.2e18 (token_count): the sum cannot overflow int64 in practice, but
    // is kept unknown past it rather than wrapping.
    out.prompt_tokens = input > INT64_MAX - read - write ? -1 : input + read + write;
  }
  out.completion_tokens = token_count(member(u, "outputTokens"));
  out.cached_tokens = read;
  out.cache_creation_tokens = write;
  return out;
}

}  // namespace llmgw::provider_bedrock
