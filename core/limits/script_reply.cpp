#include "limits/script_reply.hpp"

#include <hiredis/hiredis.h>

namespace llmgw::limits {
namespace {

// Counters and limits are bounded well inside what Lua's doubles hold exactly (2^53).
constexpr long long kMaxValue = 1LL << 53;

bool integer_at(const redisReply* reply, std::size_t i, long long lo, long long& out) {
  const redisReply* e = reply->element[i];
  if (!e || e->type != REDIS_REPLY_INTEGER || e->integer < lo || e->integer > kMaxValue) return false;
  out = e->integer;
  return true;
}

}  // namespace

std::optional<Decision> decode_admit_reply(const redisReply* reply, std::size_t scopes) {
  if (!reply || reply->type != REDIS_REPLY_ARRAY || !reply->element) return std::nullopt;
  if (scopes > 16 || reply->elements != 5 + 8 * scopes) return std::nullopt;
  long long allowed = 0, refused = 0, dim = 0, retry = 0, now = 0;
  if (!integer_at(reply, 0, 0, allowed) || allowed > 1 || !integer_at(reply, 1, 0, refused) ||
      refused > static_cast<long long>(scopes) || !integer_at(reply, 2, 0, dim) || dim > 3 ||
      !integer_at(reply, 3, 0, retry) || !integer_at(reply, 4, 0, now))
    return std::nullopt;
  // An admission names neither a scope nor a dimension; a refusal names both.
  const bool names_none = refused == 0 && dim == 0;
  const bool names_both = refused >= 1 && dim >= 1;
  if (allowed == 1 ? !names_none : !names_both) return std::nullopt;
  Decision d;
  d.allowed = allowed == 1;
  d.refused_scope = static_cast<int>(refused) - 1;
  d.refused = static_cast<Dimension>(dim);
  d.retry_after_ms = retry;
  d.now_ms = now;
  d.figures.resize(scopes);
  for (std::size_t s = 0; s < scopes; ++s) {
    long long v[8];
    for (std::size_t k = 0; k < 8; ++k)
      if (!integer_at(reply, 5 + 8 * s + k, 0, v[k])) return std::nullopt;
    d.figures[s] = ScopeFigures{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
  }
  return d;
}

}  // namespace llmgw::limits
