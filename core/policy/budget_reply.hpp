// Decoding the reserve script's reply (policy/budget_scripts.hpp) into a ReserveResult. The
// reply comes from outside the process: anything but an array of exactly three integers, the
// first a scope number in 0..scopes, is refused (nullopt), and the caller treats it as Redis
// being unavailable.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "policy/reservation_store.hpp"

struct redisReply;

namespace llmgw::policy {

std::optional<ReserveResult> decode_reserve_reply(const redisReply& reply, std::size_t scopes);
/// The same reply as integers (the reserve's part of the limits' joined script's reply).
std::optional<ReserveResult> decode_reserve_reply(const std::vector<long long>& reply, std::size_t scopes);

}  // namespace llmgw::policy
