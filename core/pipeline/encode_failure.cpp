#include "pipeline/encode_failure.hpp"

#include <algorithm>
#include <cctype>

namespace llmgw::pipeline {
namespace {

bool contains_icase(std::string_view text, std::string_view word) {
  if (word.empty()) return true;
  return std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         }) != text.end();
}

}  // namespace

canonical::ApiError encode_failure(llmgw_status rc, std::string_view plugin_line, std::string_view provider,
                                   std::string_view alias) {
  if (rc == LLMGW_UNSUPPORTED) {
    std::string message = plugin_line.empty() ? "a requested feature is not supported" : std::string(plugin_line);
    // "…is not supported by Gemini" names it already; a line that does not gets the provider id.
    if (!contains_icase(message, provider)) message.append(" (provider ").append(provider).append(")");
    return canonical::ApiError::invalid(std::move(message), "", "unsupported_feature");
  }
  if (rc == LLMGW_BAD_ARGUMENT) {
    return canonical::ApiError::invalid(plugin_line.empty() ? "the request cannot be sent to this provider"
                                                            : std::string(plugin_line));
  }
  return canonical::ApiError{500, "api_error", "provider_encode_failed", "",
                             "provider " + std::string(provider) + " could not encode the request for model '" +
                                 std::string(alias) + "' (an internal error; the gateway's log has the details)"};
}

}  // namespace llmgw::pipeline
