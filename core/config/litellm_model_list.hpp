// model_list: LiteLLM's list of deployments ({model_name, litellm_params, model_info}).
#pragma once

#include <vector>

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

namespace llmgw::config::detail {

/// Parses the `model_list` entry into deployments: splits "provider/model", resolves secrets,
/// puts provider-specific litellm_params into extra_json, assigns default ids ("<alias>#<n>")
/// and checks that ids are unique. Throws ConfigError; appends warnings through `reader`.
void parse_model_list(Reader& reader, const Entry& model_list, std::vector<Deployment>& out);

}  // namespace llmgw::config::detail
