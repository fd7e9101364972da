// Keys that LiteLLM's proxy config defines but llmgw does not act on (yet), per section. A key
// listed here is warned about as "not supported yet"; any other unmodelled key is "unknown".
#pragma once

#include <string_view>

namespace llmgw::config::detail {

enum class Section {
  top_level,
  litellm_params,
  model_info,
  router_settings,
  general_settings,
};

/// True when LiteLLM defines `key` in `section` (so the warning says "not supported yet").
bool litellm_defines(Section section, std::string_view key);

/// litellm_params keys that the core does not model but a provider plugin may use (credentials,
/// regions, default request parameters, extra headers): they go to Deployment::extra_json.
bool is_provider_param(std::string_view key);

}  // namespace llmgw::config::detail
