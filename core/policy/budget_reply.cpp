#include "policy/budget_reply.hpp"

#include <hiredis/hiredis.h>

#include <limits>

namespace llmgw::policy {

std::optional<ReserveResult> decode_reserve_reply(const std::vector<long long>& v, std::size_t scopes) {
  if (v.size() != 3) return std::nullopt;
  if (v[0] < 0 || static_cast<unsigned long long>(v[0]) > scopes) return std::nullopt;
  ReserveResult r;
  r.refused = static_cast<int>(v[0]) - 1;
  r.used_nano = v[1];
  r.headroom_nano = v[2] < 0 ? std::numeric_limits<std::int64_t>::max() : v[2];
  return r;
}

std::optional<ReserveResult> decode_reserve_reply(const redisReply& reply, std::size_t scopes) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 3) return std::nullopt;
  std::vector<long long> v(3);
  for (std::size_t i = 0; i < 3; ++i) {
    const redisReply* e = reply.element[i];
    if (!e || e->type != REDIS_REPLY_INTEGER) return std::nullopt;
    v[i] = e->integer;
  }
  return decode_reserve_reply(v, scopes);
}

}  // namespace llmgw::policy
