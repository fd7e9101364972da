// provider-ollama errors: Ollama answers {"error": "<text>"} with an HTTP status (400 bad
// request, 404 model not found, 500 …); a stream may end with such a line. Classified by the
// status and the text; the configured key is scrubbed.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.hpp>

#include <string>
#include <string_view>

namespace llmgw::provider_ollama {

/// A non-2xx answer → classified error (Retry-After honoured for 429 / 5xx).
Error error_from_response(const Config& cfg, const llmgw_upstream_response& response);

/// An {"error": text} inside a 2xx body or a stream line (Ollama sends no status there):
/// "not found" → NOT_FOUND 404, a context overflow → CONTEXT_WINDOW 400, else TRANSIENT 500.
Error error_from_text(const Config& cfg, std::string_view text);

Error bad_response(std::string message);

}  // namespace llmgw::provider_ollama
