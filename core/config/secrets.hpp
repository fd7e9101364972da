// `os.environ/NAME` references, LiteLLM's way of keeping secrets out of config files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace llmgw::config::detail {

inline constexpr std::string_view kEnvPrefix = "os.environ/";

/// True when `text` starts with "os.environ/": it is meant as a reference, valid or not.
bool is_env_reference(std::string_view text);

/// True when NAME is a usable environment variable name: [A-Za-z_][A-Za-z0-9_]*.
bool is_valid_env_name(std::string_view name);

/// The outcome of resolving one scalar. `value` holds the secret; nothing else does, so a caller
/// can build messages from `variable` alone.
struct Resolved {
  std::string value;       // the text itself, or the variable's value
  std::string variable;    // NAME when the text was a reference, else empty
  bool missing = false;    // reference to a variable that is unset or empty (value is "")
};

/// Resolves `text`: literal text is returned as is; "os.environ/NAME" is looked up with getenv.
/// Precondition: if is_env_reference(text), then is_valid_env_name(NAME) (the caller reports
/// a bad name with the key path and line).
Resolved resolve_secret(std::string_view text);

}  // namespace llmgw::config::detail
