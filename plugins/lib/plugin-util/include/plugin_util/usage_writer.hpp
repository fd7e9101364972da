// write_canonical_usage: an llmgw_usage as the canonical usage object (sdk/CANONICAL.md "Usage"),
// for translating decoders and the include_usage stream chunk:
//
//   {"prompt_tokens", "completion_tokens", "total_tokens",
//    "prompt_tokens_details": {"cached_tokens"},
//    "completion_tokens_details": {"reasoning_tokens"}   (only when reasoning_tokens is known)
//    "cache_creation_input_tokens"}                       (only when cache_creation_tokens is known)
//
// Unknown counts (-1) are written as 0; total_tokens = prompt_tokens + completion_tokens.
#pragma once

#include "plugin_util/json_helpers.hpp"

#include <llmgw/plugin.h>

#include <cstdint>

namespace llmgw::plugin_util {

inline void write_canonical_usage(Writer& w, const llmgw_usage& u) {
  const auto nz = [](int64_t v) { return v > 0 ? v : int64_t{0}; };
  const int64_t p = nz(u.prompt_tokens), c = nz(u.completion_tokens);
  w.StartObject();
  w.Key("prompt_tokens");
  w.Int64(p);
  w.Key("completion_tokens");
  w.Int64(c);
  w.Key("total_tokens");
  w.Int64(p + c);
  w.Key("prompt_tokens_details");
  w.StartObject();
  w.Key("cached_tokens");
  w.Int64(nz(u.cached_tokens));
  w.EndObject();
  if (u.reasoning_tokens >= 0) {
    w.Key("completion_tokens_details");
    w.StartObject();
    w.Key("reasoning_tokens");
    w.Int64(u.reasoning_tokens);
    w.EndObject();
  }
  if (u.cache_creation_tokens >= 0) {
    w.Key("cache_creation_input_tokens");
    w.Int64(u.cache_creation_tokens);
  }
  w.EndObject();
}

}  // namespace llmgw::plugin_util
