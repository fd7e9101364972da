// The client's own fallback list, wherever it put it: LiteLLM's body field "fallbacks":
// ["alias", ...], OpenRouter's "models": ["primary", "fallback", ...] (so an OpenAI client's
// extra_body={"models": [...]} works unchanged), or the header x-llmgw-fallbacks: a, b.
// The body fields are gateway instructions, not model parameters: they are cut out of the
// bytes before anything goes upstream (the providers reject unknown fields), every other
// byte left as it was.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <llmgw/json_depth.hpp>

#include "server/request.hpp"

#include "canonical/api_error.hpp"
#include "pipeline/gateway.hpp"

namespace llmgw::frontends {

/// The most entries one client list ("fallbacks", "models" — its first entry included — or the
/// x-llmgw-fallbacks header) may hold; a longer one is a 400 naming the limit. LiteLLM-sized
/// chains are a handful of aliases; the bound keeps a hostile list from costing anything.
inline constexpr std::size_t kMaxClientFallbacks = 16;

struct RoutingFields {
  /// The fallback aliases in order ("models" after its first entry, then "fallbacks", then the
  /// header's), each once. Empty: the configured chain applies.
  std::vector<std::string> fallbacks;
  bool present = false;  // the client gave any of the three
};

/// Finds the body fields and the header. When the body has either field, `cleaned` receives
/// the body without them (and, for "models" with no "model", with "model" set to its first
/// entry) and `body` is pointed at it. Returns a 400 for a field that is not a list of
/// non-empty strings, a field given twice, a list longer than kMaxClientFallbacks, or nesting
/// deeper than `max_depth`. Costs one substring search when neither field is in the body; time
/// linear in the body otherwise (the parse stops at the first entry past the limit).
std::optional<canonical::ApiError> take_body_routing_fields(std::string_view& body, std::string& cleaned, RoutingFields& out,
                                                 unsigned max_depth = llmgw::kJsonMaxDepth);
/// Appends the aliases of an x-llmgw-fallbacks value ("a, b,c") that `out` does not hold yet.
/// A 400 when the value lists more than kMaxClientFallbacks entries.
std::optional<canonical::ApiError> add_header_fallbacks(std::string_view header_value, RoutingFields& out);
/// Both of the above; the body only when `in_body` (the request scan saw the fields, so the
/// common request costs nothing here).
std::optional<canonical::ApiError> take_routing_fields(const server::Request& request, bool in_body,
                                            std::string_view& body, std::string& cleaned, RoutingFields& out,
                                            unsigned max_depth = llmgw::kJsonMaxDepth);

/// A 400 naming the first fallback the client asked for that is not a configured model.
inline std::optional<canonical::ApiError> unknown_fallback(const pipeline::Gateway& gateway, const RoutingFields& fields,
                                                const char* error_type) {
  for (const auto& name : fields.fallbacks)
    if (!gateway.pool(name))
      return canonical::ApiError{400, error_type, "model_not_found", "fallbacks",
                      "fallback model '" + name + "' is not a configured model"};
  return std::nullopt;
}

}  // namespace llmgw::frontends
