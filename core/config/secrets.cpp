#include "config/secrets.hpp"

#include <cstdlib>

namespace llmgw::config::detail {

bool is_env_reference(std::string_view text) { return text.starts_with(kEnvPrefix); }

bool is_valid_env_name(std::string_view name) {
  if (name.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(name.front())) return false;
  for (char c : name) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

Resolved resolve_secret(std::string_view text) {
  Resolved out;
  if (!is_env_reference(text)) {
    out.value = std::string(text);
    return out;
  }
  out.variable = std::string(text.substr(kEnvPrefix.size()));
  const char* value = std::getenv(out.variable.c_str());
  if (value == nullptr || *value == '\0') {
    out.missing = true;
  } else {
    out.value = value;
  }
  return out;
}

}  // namespace llmgw::config::detail
