// Decoding the admit script's reply (limits/redis_scripts.hpp) into a Decision. The reply comes
// from outside the process: anything but an array of exactly 5 + 8n integers in range is
// refused (nullopt), and the caller treats it as Redis being unavailable.
#pragma once

#include <cstddef>
#include <optional>

#include "limits/window_math.hpp"

struct redisReply;

namespace llmgw::limits {

/// The Decision of an admit reply for `scopes` scopes; nullopt when the reply is not one.
std::optional<Decision> decode_admit_reply(const redisReply* reply, std::size_t scopes);

}  // namespace llmgw::limits
