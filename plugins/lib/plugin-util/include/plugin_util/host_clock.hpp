// unix_now_ms / unix_now_s: the host's wall clock (llmgw_host.realtime_ms) when the host has one,
// else the system clock: milliseconds (request signing such as AWS SigV4's x-amz-date) and
// seconds (a canonical object's `created`).
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <chrono>
#include <cstdint>

namespace llmgw::plugin_util {

inline int64_t unix_now_ms(const Host& host) {
  const llmgw_host* h = host.get();
  if (h && LLMGW_HAS_MEMBER(h, llmgw_host, realtime_ms) && h->realtime_ms) return h->realtime_ms(h->ctx);
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

inline int64_t unix_now_s(const Host& host) { return unix_now_ms(host) / 1000; }

}  // namespace llmgw::plugin_util
