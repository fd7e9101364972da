// An error the gateway answers with, in no client's dialect: each front-end's error writer gives
// it its shape (OpenAI's {"error":{…}}, Anthropic's {"type":"error",…}). Below every layer that
// produces errors (server, pipeline, policy, front-ends); includes nothing of the core.
#pragma once

#include <cstdint>
#include <string>

namespace llmgw::canonical {

struct ApiError {
  int status = 500;
  std::string type = "api_error";      // OpenAI error type, e.g. "invalid_request_error"
  std::string code;                    // e.g. "model_not_found"; empty → null
  std::string param;                   // e.g. "model"; empty → null
  std::string message;
  int64_t retry_after_ms = -1;         // ≥ 0 → Retry-After header
  bool close_connection = false;       // the request body was not read: do not keep alive
  /// The provider's llmgw_error_class when the error came from an upstream (0: the gateway's
  /// own). Routing acts on it: context-window and content-policy errors take their own
  /// fallback chains.
  int32_t error_class = 0;

  static ApiError invalid(std::string message, std::string param = {}, std::string code = {}) {
    return ApiError{400, "invalid_request_error", std::move(code), std::move(param), std::move(message)};
  }
};

}  // namespace llmgw::canonical
