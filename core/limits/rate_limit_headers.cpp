#include "limits/rate_limit_headers.hpp"

namespace llmgw::limits {
namespace {

/// The scope whose figures a dimension reports: the refused one, else the least remaining.
int binding_scope(const Scopes& scopes, const Decision& d, Dimension dim) {
  if (!d.allowed && d.refused == dim) return d.refused_scope;
  int best = -1;
  for (std::size_t i = 0; i < scopes.size() && i < d.figures.size(); ++i) {
    const ScopeFigures& f = d.figures[i];
    const std::int64_t limit = dim == Dimension::requests ? scopes[i].rpm : scopes[i].tpm;
    if (limit <= 0) continue;
    const std::int64_t left = dim == Dimension::requests ? f.req_remaining : f.tok_remaining;
    if (best < 0) { best = static_cast<int>(i); continue; }
    const ScopeFigures& b = d.figures[static_cast<std::size_t>(best)];
    if (left < (dim == Dimension::requests ? b.req_remaining : b.tok_remaining)) best = static_cast<int>(i);
  }
  return best;
}

}  // namespace

Headers rate_limit_headers(const Scopes& scopes, const Decision& d) {
  Headers out;
  if (const int i = binding_scope(scopes, d, Dimension::requests); i >= 0) {
    const ScopeFigures& f = d.figures[static_cast<std::size_t>(i)];
    out.emplace_back("x-ratelimit-limit-requests", std::to_string(f.req_limit));
    out.emplace_back("x-ratelimit-remaining-requests", std::to_string(f.req_remaining));
    out.emplace_back("x-ratelimit-reset-requests", format_reset(f.req_reset_ms));
  }
  if (const int i = binding_scope(scopes, d, Dimension::tokens); i >= 0) {
    const ScopeFigures& f = d.figures[static_cast<std::size_t>(i)];
    out.emplace_back("x-ratelimit-limit-tokens", std::to_string(f.tok_limit));
    out.emplace_back("x-ratelimit-remaining-tokens", std::to_string(f.tok_remaining));
    out.emplace_back("x-ratelimit-reset-tokens", format_reset(f.tok_reset_ms));
  }
  return out;
}

std::optional<canonical::ApiError> refusal(const Scopes& scopes, const Decision& d) {
  if (d.allowed || d.refused_scope < 0 || static_cast<std::size_t>(d.refused_scope) >= scopes.size() ||
      static_cast<std::size_t>(d.refused_scope) >= d.figures.size())
    return std::nullopt;
  const Scope& s = scopes[static_cast<std::size_t>(d.refused_scope)];
  const ScopeFigures& f = d.figures[static_cast<std::size_t>(d.refused_scope)];
  std::string what;
  switch (d.refused) {
    case Dimension::requests: what = "requests per minute (RPM): limit " + std::to_string(f.req_limit); break;
    case Dimension::tokens:
      what = "tokens per minute (TPM): limit " + std::to_string(f.tok_limit) + ", remaining " +
             std::to_string(f.tok_remaining);
      break;
    case Dimension::parallel: what = "parallel requests: limit " + std::to_string(f.par_limit); break;
    case Dimension::none: what = "rate limit"; break;
  }
  canonical::ApiError e{429, "rate_limit_error", "rate_limit_exceeded", "",
                        "Rate limit reached for " + scope_label(s) + " on " + what + ". Please try again in " +
                            format_reset(d.retry_after_ms) + "."};
  e.retry_after_ms = d.retry_after_ms;
  return e;
}

}  // namespace llmgw::limits
