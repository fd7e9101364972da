// Errors in the OpenAI dialect: {"error":{"message":..,"type":..,"param":..,"code":..}}.
// Also the default format of the server's own errors and of the admin endpoints (LiteLLM's admin
// API answers in it too).
#pragma once

#include <string>

#include "canonical/api_error.hpp"
#include "server/error_format.hpp"

namespace llmgw::frontends::openai_chat {

/// {"error":{"message":..,"type":..,"param":..,"code":..}} — the OpenAI error body.
std::string openai_error_body(const canonical::ApiError& error);

/// The OpenAI error format: the error's own status, openai_error_body.
extern const server::ErrorFormat kErrors;

}  // namespace llmgw::frontends::openai_chat
