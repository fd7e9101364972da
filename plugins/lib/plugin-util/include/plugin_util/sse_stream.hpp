// feed_sse / close_sse: stream_feed and stream_close of a provider stream whose upstream speaks
// SSE (llmgw/sse.hpp), around the plugin's own per-event handler:
//
//   feed_sse   while the stream is still reading, the bytes go to the framer, which calls
//              on_event(data) per event (false stops it); then the phase's status
//   close_sse  while still reading, the framer's last, unterminated event; then, if no event
//              ended the stream, truncated() (the plugin's "ended before <its end marker>"
//              failure); then the phase's status
// After DONE or ERROR later bytes are not looked at; the status (and error) is reported again.
#pragma once

#include "plugin_util/stream_phase.hpp"

#include <llmgw/plugin.h>
#include <llmgw/sse.hpp>

#include <string_view>

namespace llmgw::plugin_util {

template <typename OnEvent>
llmgw_status feed_sse(StreamPhase& phase, SseFramer& framer, std::string_view bytes, const llmgw_event_out& out,
                      OnEvent&& on_event) {
  if (!phase.more()) return phase.status(out);
  framer.feed(bytes, on_event);
  return phase.status(out);
}

template <typename OnEvent, typename Truncated>
llmgw_status close_sse(StreamPhase& phase, SseFramer& framer, const llmgw_event_out& out, OnEvent&& on_event,
                       Truncated&& truncated) {
  if (phase.more()) framer.finish(on_event);
  if (phase.more()) truncated();
  return phase.status(out);
}

}  // namespace llmgw::plugin_util
