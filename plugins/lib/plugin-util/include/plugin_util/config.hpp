// Checks every first-party provider applies to its create() config: one error type whose
// what() is the start-up line, header names and values, api_base. No JSON here (see
// config_json.hpp), so a provider's config.hpp can include it.
#pragma once

#include <llmgw/plugin.hpp>

#include <cctype>
#include <stdexcept>
#include <string>
#include <string_view>

namespace llmgw::plugin_util {

/// A config that cannot be used. what() is one line for the start-up log; it never contains
/// a secret.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A header line a provider sends (name as configured).
struct Header {
  std::string name;
  std::string value;
};

/// An RFC 9110 token character (header names).
inline bool is_token_char(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

/// Throws ConfigError("<what> contains a line break or NUL") when `value` has CR, LF or NUL.
inline void check_header_value(std::string_view what, std::string_view value) {
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0') throw ConfigError(std::string(what) + " contains a line break or NUL");
}

/// A configured header: the name a non-empty token, the value one line. Throws ConfigError.
inline void check_header(std::string_view name, std::string_view value) {
  if (name.empty()) throw ConfigError("extra header names must not be empty");
  for (unsigned char c : name)
    if (!is_token_char(c)) throw ConfigError("extra header name '" + std::string(name) + "' is not a valid HTTP token");
  check_header_value("the value of header '" + std::string(name) + "'", value);
}

/// Headers whose values are credentials (kept out of error messages): authorization,
/// x-api-key, api-key, in any case.
inline bool is_auth_header(std::string_view name) {
  return iequals(name, "authorization") || iequals(name, "x-api-key") || iequals(name, "api-key");
}

/// Checks and normalises api_base: http:// or https://, no spaces or control characters, a
/// host; trailing slashes removed, then `suffix` (e.g. "/v1", when not empty) if it ends with
/// it, then trailing slashes again. Throws ConfigError.
inline std::string normalise_api_base(std::string base, std::string_view suffix = {}) {
  if (!base.starts_with("https://") && !base.starts_with("http://"))
    throw ConfigError("api_base must start with http:// or https://");
  for (unsigned char c : base)
    if (c <= ' ' || c == 0x7f) throw ConfigError("api_base must not contain spaces or control characters");
  while (base.ends_with('/')) base.pop_back();
  if (!suffix.empty() && base.ends_with(suffix)) {
    base.resize(base.size() - suffix.size());
    while (base.ends_with('/')) base.pop_back();
  }
  const std::size_t scheme_end = base.find("://");
  if (scheme_end == std::string::npos || scheme_end + 3 >= base.size()) throw ConfigError("api_base has no host");
  return base;
}

}  // namespace llmgw::plugin_util
