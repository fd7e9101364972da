// What a client dialect supplies to the one ingress (frontends/ingress): its codec table. The
// flow — auth, body, scan, routing fields, policy, the call, accounting — is written once in the
// ingress; a dialect only says how its requests are scanned, how its answers and errors are
// shaped and, when it is not the canonical dialect, how its requests become canonical. A third
// dialect is one more folder under frontends/ with one of these and one route line in main.
#pragma once

#include <llmgw/plugin.h>

#include "server/response.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "canonical/api_error.hpp"
#include "frontends/request_limits.hpp"
#include "policy/request_estimate.hpp"
#include "pipeline/gateway.hpp"
#include "pipeline/reply.hpp"
#include "server/error_format.hpp"

namespace llmgw::frontends {

/// What the ingress needs from a scanned request, whatever its dialect.
struct ScannedRequest {
  std::string model;             // the "model" value, unescaped
  std::size_t model_begin = 0;   // byte span of the model value's JSON string token, quotes
  std::size_t model_end = 0;     //   included: body[model_begin, model_end)
  bool stream = false;
  /// The body has top-level "fallbacks" or "models": the ingress cuts them out
  /// (frontends/routing_fields) and scans the rest again.
  bool routing_fields = false;
  /// A key "cache_control" (Anthropic's, at any depth) or "prompt_cache_key" (OpenAI's) was
  /// seen: the call asks for prompt caching (the metrics' hit ratio counts it).
  bool cache_requested = false;
  /// The budget estimate of the scanned body (policy/estimate_tally, tallied by the scan):
  /// CallAccount reserves on it instead of parsing the body again.
  policy::RequestEstimate estimate;
};

class Dialect {
 public:
  virtual ~Dialect() = default;
  /// For logs: "chat completions", "messages"…
  virtual const char* name() const = 0;
  /// The dialect of the client's body and the operation it asks for.
  virtual llmgw_dialect id() const = 0;
  virtual llmgw_operation operation() const = 0;
  /// The shape of this dialect's errors (registered with its routes as well).
  virtual const server::ErrorFormat& errors() const = 0;
  /// Validates `body` and finds what the ingress needs; the 400 to answer otherwise.
  virtual std::optional<canonical::ApiError> scan(const std::string& body, ScannedRequest& out,
                                                  unsigned max_depth) const = 0;
  /// The answer to a model no alias names (404 in the dialect's words).
  virtual canonical::ApiError model_not_found(const std::string& model) const = 0;
  /// An answer the gateway gives itself instead of calling `pool` (e.g. a token-count estimate
  /// for an upstream that cannot count), as a 200 JSON body; nullopt to make the call.
  virtual std::optional<std::string> local_answer(const pipeline::Pool& /*pool*/, std::string_view /*body*/) const {
    return std::nullopt;
  }
  /// The Reply that writes this call's answer to the client.
  virtual std::unique_ptr<pipeline::Reply> make_reply(server::Response& response,
                                                      const ScannedRequest& request,
                                                      const RequestLimits& limits) const = 0;
  /// For a dialect that is not canonical: writes the canonical (OpenAI chat) request for
  /// `upstream_model` into `out`, or returns the 400 to answer; `ctx` is the ingress's
  /// RequestLimits. Null for the canonical dialect.
  using ToCanonical = std::optional<canonical::ApiError> (*)(const void* ctx, std::string_view body,
                                                             std::string_view upstream_model, std::string& out);
  virtual ToCanonical to_canonical() const { return nullptr; }
};

}  // namespace llmgw::frontends
