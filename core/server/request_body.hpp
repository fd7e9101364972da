// Reading a JSON request body under the configured size limit.
#pragma once

#include "server/request.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>

#include "canonical/api_error.hpp"

namespace llmgw::server {

/// Checks Content-Type (application/json or application/*+json) and reads the body into `out` (reused
/// buffer). Bodies over `max_bytes` get 413 without being read (and the connection closes).
boost::asio::awaitable<std::optional<canonical::ApiError>> read_json_body(Request& request,
                                                                         std::size_t max_bytes, std::string& out);

/// read_json_body in two steps, so a body that already arrived with its head costs no coroutine
/// frame: true, with `result` read_json_body's answer, when no wait was needed; false when the
/// rest of the body must be awaited with read_json_body_rest (which continues into `out`).
bool read_json_body_now(Request& request, std::size_t max_bytes, std::string& out,
                        std::optional<canonical::ApiError>& result);
boost::asio::awaitable<std::optional<canonical::ApiError>> read_json_body_rest(Request& request,
                                                                              std::size_t max_bytes, std::string& out);

}  // namespace llmgw::server
