// An error the gateway answers with, independent of the client's dialect.
#pragma once

#include <cstdint>
#include <string>

namespace llmgw::frontends {

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

/// {"error":{"message":..,"type":..,"param":..,"code":..}} — the OpenAI error body.
std::string openai_error_body(const ApiError& error);

}  // namespace llmgw::frontends
