// Which models a key or team may call: a list of aliases and wildcards ("gpt-4o", "claude-*",
// "openai/*"); `*` matches any run of characters. An empty list, or one holding "*" or LiteLLM's
// "all-proxy-models", allows every model.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace llmgw::policy {

bool glob_match(std::string_view pattern, std::string_view text);
bool model_allowed(const std::vector<std::string>& allowed, std::string_view model);

}  // namespace llmgw::policy
