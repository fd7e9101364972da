// provider-openai streams. Always passthrough: this provider's native dialect is the canonical
// one, so the upstream SSE bytes go to the client unchanged — one emit_raw per feed, once
// openai_compat::ChatStreamWatch has read usage, [DONE], a finish_reason and error events from
// them (the bytes of a feed holding an event the watch refused, nested too deep, are not
// forwarded: the client gets the error).
#pragma once

#include "config.hpp"

#include <openai_compat/chat_stream.hpp>

#include <llmgw/plugin.h>

#include <string_view>

namespace llmgw::provider_openai {

/// Per-stream state: everything a stream needs, nothing shared but the immutable Config.
struct Stream {
  explicit Stream(const Config& c) : cfg(c) {}

  /// stream_feed: watches `bytes`, then forwards them (unless refused). NEED_MORE, DONE, or ERROR after
  /// set_error. After DONE or ERROR, later bytes are neither forwarded nor looked at.
  llmgw_status feed(std::string_view bytes, const llmgw_event_out& out);

  /// stream_close: DONE, or ERROR (truncated stream, or an error seen earlier) after set_error.
  llmgw_status close(const llmgw_event_out& out);

  const Config& cfg;
  openai_compat::ChatStreamWatch watch;
};

}  // namespace llmgw::provider_openai
