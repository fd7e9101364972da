// unix_now_s: Unix seconds for a canonical object's `created`, from the host's wall clock
// (llmgw_host.realtime_ms, appended in ABI 1.x) when the host has one, else the system clock.
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <chrono>
#include <cstdint>

namespace llmgw::plugin_util {

inline int64_t unix_now_s(const Host& host) {
  const llmgw_host* h = host.get();
  if (h && LLMGW_HAS_MEMBER(h, llmgw_host, realtime_ms) && h->realtime_ms) return h->realtime_ms(h->ctx) / 1000;
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace llmgw::plugin_util
