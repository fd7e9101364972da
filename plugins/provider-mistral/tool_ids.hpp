// Mistral accepts only tool-call ids of exactly 9 characters [A-Za-z0-9]. Ids Mistral issued
// already are, and pass both ways unchanged; any other id a client sends (an OpenAI "call_…",
// an Anthropic "toolu_…") is mapped to 9 characters by a hash, the same way wherever it occurs
// (the assistant's tool_calls[].id and the tool message's tool_call_id), so results still find
// their calls.
#pragma once

#include <string>
#include <string_view>

namespace llmgw::provider_mistral {

bool is_mistral_tool_id(std::string_view id) noexcept;

/// `id` when it is a Mistral id, else its 9-character mapping.
std::string mistral_tool_id(std::string_view id);

}  // namespace llmgw::provider_mistral
