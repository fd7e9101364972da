// The API key a request presents: "Authorization: Bearer <key>" (OpenAI clients), else
// "x-api-key: <key>" (Anthropic clients).
#pragma once

#include <optional>
#include <string_view>

#include "canonical/api_error.hpp"
#include "canonical/header_fields.hpp"

namespace llmgw::policy {

/// The 401 every failed authentication answers with.
inline canonical::ApiError unauthorized(std::string message) {
  return canonical::ApiError{401, "invalid_request_error", "invalid_api_key", "", std::move(message)};
}

/// Sets `key` to the presented key (a view into `headers`), or returns the 401: a malformed
/// Authorization header, or no key at all.
inline std::optional<canonical::ApiError> presented_key(canonical::HeaderFields headers, std::string_view& key) {
  const std::string_view auth = canonical::find_header(headers, "Authorization").value_or(std::string_view());
  if (!auth.empty()) {
    const std::string_view v(auth);
    if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) key = v.substr(7);
    else return unauthorized("Authorization header must be 'Bearer <key>'.");
  } else {
    key = canonical::find_header(headers, "x-api-key").value_or(std::string_view());
  }
  if (key.empty())
    return unauthorized("You didn't provide an API key. Provide it in the Authorization header as 'Bearer <key>'.");
  return std::nullopt;
}

}  // namespace llmgw::policy
