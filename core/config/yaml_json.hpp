// YAML values to JSON text, for the litellm_params handed to provider plugins (Deployment::extra_json).
#pragma once

#include <string>
#include <vector>

#include "config/yaml_reader.hpp"

namespace llmgw::config::detail {

struct PathEntry {
  Entry entry;
  std::string path;  // full key path, for messages
};

/// {"key": value, ...} in the given order. Plain scalars are typed as PyYAML (LiteLLM) reads
/// them: null/~ -> null, true/false/yes/no/on/off -> booleans, integers and decimals -> numbers,
/// anything else -> strings; quoted or tagged scalars stay strings. "os.environ/NAME" strings are
/// resolved (a missing variable is a warning and becomes null). Nested mappings and lists are kept.
std::string to_json_object(Reader& reader, const std::vector<PathEntry>& entries);

}  // namespace llmgw::config::detail
